/* vi: set sw=4 ts=4: */
/*
 * liveroot: path confinement -- opening paths that come from media or
 * from the new root without ever leaving them (no symlink, no "..", no
 * other filesystem gets a path out).  A system helper: calls only sys.c
 * and memlog.c.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += confine.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/syscall.h>
#include <linux/stat.h>
#if defined(__NR_openat2)
# include <linux/openat2.h>
#endif

#ifndef O_PATH
# define O_PATH 010000000
#endif

/* --- paths that must stay inside a tree ------------------------------------ */

#define MAX_LINKS 40

static char *readlinkat_alloc(int dfd, const char *name)
{
	char *buf = NULL;
	int sz = 128;
	ssize_t n;

	for (;;) {
		buf = xrealloc(buf, sz);
		n = readlinkat(dfd, name, buf, sz);
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if (n < sz - 1)
			break;
		sz *= 2;
		if (sz > PATH_MAX * 2) {
			free(buf);
			errno = ENAMETOOLONG;
			return NULL;
		}
	}
	buf[n] = '\0';
	return buf;
}

/* Walk PATH component by component below rootfd, treating rootfd as "/":
 * ".." never climbs above it, absolute symlinks restart from it. */
static int walk_in_root(int rootfd, const char *path, int flags)
{
	char *buf = xstrdup(path), *rest = buf, *comp;
	int cur = dup(rootfd), links = 0, opened = 0;
	struct stat rst, st;

	if (cur < 0 || fstat(rootfd, &rst) != 0)
		goto fail;
	while (rest) {
		int fd;
		char *tgt;

		comp = strsep(&rest, "/");
		if (!comp[0] || strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			if (fstat(cur, &st) == 0 && st.st_dev == rst.st_dev && st.st_ino == rst.st_ino)
				continue; /* at the root: stay */
		}
		tgt = readlinkat_alloc(cur, comp);
		if (tgt) {
			char *n;
			if (++links > MAX_LINKS) {
				free(tgt);
				errno = ELOOP;
				goto fail;
			}
			n = xasprintf("%s%s%s", tgt, rest ? "/" : "", rest ? rest : "");
			if (tgt[0] == '/') {
				close(cur);
				cur = dup(rootfd);
				if (cur < 0) {
					free(tgt);
					free(n);
					goto fail;
				}
			}
			free(tgt);
			free(buf);
			buf = rest = n;
			continue;
		}
		fd = openat(cur, comp, (rest ? O_PATH | O_DIRECTORY : flags) | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			goto fail;
		close(cur);
		cur = fd;
		opened = !rest; /* the last component, opened with the wanted flags */
	}
	free(buf);
	if (opened)
		return cur;
	/* the path ended in "/", "." or "..": reopen that directory as asked */
	{
		int fd = openat(cur, ".", flags | O_CLOEXEC);
		close(cur);
		return fd;
	}
 fail:
	{
		int e = errno;
		if (cur >= 0)
			close(cur);
		free(buf);
		errno = e;
	}
	return -1;
}

/* Open PATH as if rootfd were "/" (symlinks followed inside it only). */
int lr_open_in_root(int rootfd, const char *path, int flags)
{
#if defined(__NR_openat2) && defined(RESOLVE_IN_ROOT)
	struct open_how how;
	int fd;

	/* LIVEROOT_RESOLVE_WALK=1 takes the older kernels' path (the testsuite
	 * uses it: the host kernel has openat2) */
	if (getenv("LIVEROOT_RESOLVE_WALK"))
		return walk_in_root(rootfd, path, flags);
	memset(&how, 0, sizeof(how));
	how.flags = flags | O_CLOEXEC;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	fd = syscall(__NR_openat2, rootfd, path, &how, sizeof(how));
	if (fd >= 0 || (errno != ENOSYS && errno != EINVAL && errno != E2BIG))
		return fd;
#endif
	return walk_in_root(rootfd, path, flags);
}

/* Are the files open on a and b (fstat'ed into sa, sb) on one mount?
 * The mount ID says so where the kernel has it (5.8+): btrfs gives each
 * subvolume its own st_dev, yet they are one filesystem, one mount.
 * Older kernels: the device number. */
static int same_mount(int a, const struct stat *sa, int b, const struct stat *sb)
{
#if defined(__NR_statx) && defined(STATX_MNT_ID)
	struct statx xa, xb;

	if (syscall(__NR_statx, a, "", AT_EMPTY_PATH, STATX_MNT_ID, &xa) == 0
	 && syscall(__NR_statx, b, "", AT_EMPTY_PATH, STATX_MNT_ID, &xb) == 0
	 && (xa.stx_mask & xb.stx_mask & STATX_MNT_ID)
	)
		return xa.stx_mnt_id == xb.stx_mnt_id;
#endif
	return sa->st_dev == sb->st_dev;
}

/* A file on mounted media (base: the mount point, path: absolute on the
 * media): resolved inside the media only, and it must be a non-empty
 * regular file of that filesystem -- not a directory, FIFO or device, not
 * something a symlink points to outside.  Opened O_NONBLOCK first, so a
 * FIFO can't hang us.  Returns a read-only fd or -1 with a message. */
int lr_open_media_file(const char *base, const char *path, const char *what)
{
	struct stat bst, st;
	int bfd, fd;

	bfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bfd < 0 || fstat(bfd, &bst) != 0) {
		bb_perror_msg("%s", base);
		if (bfd >= 0)
			close(bfd);
		return -1;
	}
	fd = lr_open_in_root(bfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		bb_perror_msg("%s %s (on the media, symlinks resolved inside it)", what, path);
		close(bfd);
		return -1;
	}
	if (fstat(fd, &st) != 0)
		st.st_mode = 0; /* said as "a device or socket" below: refused */
	if (!S_ISREG(st.st_mode)) {
		bb_error_msg("%s %s on the media is not a regular file (%s): refusing it", what, path,
				S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO"
				: S_ISLNK(st.st_mode) ? "a symlink" : "a device or socket");
		goto bad;
	}
	if (!same_mount(fd, &st, bfd, &bst)) {
		bb_error_msg("%s %s is not on the media's filesystem: refusing it", what, path);
		goto bad;
	}
	if (st.st_size == 0) {
		bb_error_msg("%s %s on the media is empty (0 bytes)", what, path);
		goto bad;
	}
	close(bfd);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
 bad:
	close(bfd);
	close(fd);
	return -1;
}

/* PATH or "A|B|...": the first alternative that is on the media (archiso's
 * airootfs.sfs or airootfs.erofs), opened as lr_open_media_file does; its
 * path (malloced) in *chosen.  Only a missing one moves on to the next: one
 * that is there but refused stops here. */
int lr_open_media_alt(const char *base, const char *spec, const char *what, char **chosen)
{
	char *alts = xstrdup(spec), *p = alts, *a;
	int fd = -1;

	*chosen = NULL;
	while ((a = strsep(&p, "|")) != NULL) {
		if (p) {
			/* (the name only is chosen here: opened inside the media) */
			struct stat st;
			char *full = concat_path_file(base, a);
			int missing = lstat(full, &st) != 0 && errno == ENOENT;
			free(full);
			if (missing)
				continue;
		}
		fd = lr_open_media_file(base, a, what);
		if (fd >= 0)
			*chosen = xstrdup(a);
		break;
	}
	free(alts);
	return fd;
}

/* Open (creating it, mode 0755, when create is set and it is missing) the
 * directory REL below the directory BASE, one component at a time: no
 * symlink is followed, no ".." accepted, every component must be a real
 * directory on BASE's own filesystem.  Media can't point it elsewhere.
 * Returns an O_RDONLY|O_DIRECTORY fd, or -1 with a message naming why. */
int lr_open_dir_beneath(const char *base, const char *rel, int create)
{
	char *buf = xstrdup(rel), *rest = buf, *comp;
	struct stat bst, st;
	int cur, fd, bfd = -1;

	cur = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0 || fstat(cur, &bst) != 0) {
		bb_perror_msg("%s", base);
		goto fail;
	}
	bfd = dup(cur);
	while ((comp = strsep(&rest, "/")) != NULL) {
		if (!comp[0] || strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			bb_error_msg("%s/%s: '..' is not allowed", base, rel);
			goto fail;
		}
		fd = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create) {
			if (mkdirat(cur, comp, 0755) != 0 && errno != EEXIST) {
				bb_perror_msg("can't create %s in %s/%s", comp, base, rel);
				goto fail;
			}
			fd = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0) {
			int e = errno;
			if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				bb_error_msg("%s in %s/%s is a symlink: refusing to follow it (the "
						"layer stays on that filesystem; remove the link)", comp, base, rel);
			else if (e == ENOTDIR || e == ELOOP)
				bb_error_msg("%s in %s/%s is not a directory", comp, base, rel);
			else {
				errno = e;
				bb_perror_msg("%s in %s/%s", comp, base, rel);
			}
			goto fail;
		}
		close(cur);
		cur = fd;
		if (fstat(cur, &st) != 0 || bfd < 0 || !same_mount(cur, &st, bfd, &bst)) {
			bb_error_msg("%s in %s/%s is on another filesystem: refusing it", comp, base, rel);
			goto fail;
		}
	}
	close(bfd);
	free(buf);
	return cur;
 fail:
	if (bfd >= 0)
		close(bfd);
	if (cur >= 0)
		close(cur);
	free(buf);
	return -1;
}
