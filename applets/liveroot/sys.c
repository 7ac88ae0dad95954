/* vi: set sw=4 ts=4: */
/*
 * liveroot: system helpers, the lowest layer (every other file may call
 * these; these call nothing above them): the rescue shell, modprobe,
 * mkdir and mount, small /proc files, and opening paths that come from
 * media or from the new root without ever leaving them.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += sys.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <linux/loop.h>
#include <linux/fs.h>
#include <linux/stat.h>
#if defined(__NR_openat2)
# include <linux/openat2.h>
#endif

#ifndef LOOP_CONFIGURE
# define LOOP_CONFIGURE 0x4C0A
struct loop_config {
	uint32_t fd;
	uint32_t block_size;
	struct loop_info64 info;
	uint64_t __reserved[8];
};
#endif
#ifndef LOOP_CTL_GET_FREE
# define LOOP_CTL_GET_FREE 0x4C82
#endif

#ifndef O_PATH
# define O_PATH 010000000
#endif

/* --- the rescue shell ---------------------------------------------------- */

/* Run a shell on the console and wait for it. */
void lr_shell(const char *why)
{
	static const char *const sh[] = { "/bin/sh", NULL };
	pid_t pid;

	bb_error_msg("%s", why);
	fflush_all();
	pid = fork(); /* not vfork: the child sets PS1 for itself */
	if (pid < 0) {
		bb_simple_perror_msg("fork");
		return;
	}
	if (pid == 0) {
		setenv("PS1", "(liveroot) # ", 1);
		execv(sh[0], (char **)sh);
		_exit(127);
	}
	wait4pid(pid);
}

int lr_under(const char *path, const char *dir)
{
	const char *r = is_prefixed_with(path, dir);
	return r && (*r == '/' || *r == '\0');
}

/* Before a rescue shell (the user may power off at any moment): every
 * read-write filesystem on a device below LR_DIR -- the persistent layer,
 * the media holding it -- read-only at its superblock, the last mounted
 * first.  A remount acts on the superblock: the overlay's own clone of
 * its upper layer's mount goes read-only too.  Says what it did, and how
 * to get it back.  Returns how many stay read-write. */
static unsigned layers_readonly(void)
{
	char *info, *p, *l;
	char **lines = NULL, *undo = NULL;
	unsigned n = 0, left = 0;

	/* a persistence file: its loop device would hold its host writable
	 * (the overlay keeps its own clone of the file's filesystem).
	 * Nothing runs from the root assembled on /newroot: both go */
	info = xmalloc_open_read_close("/proc/self/mountinfo", NULL);
	if (info && strstr(info, " " LR_RWFILE " ")) {
		if (umount2(LR_NEWROOT, 0) == 0 && umount2(LR_RWFILE, 0) == 0)
			bb_error_msg("unmounted the root on " LR_NEWROOT " and the persistence file's "
					"filesystem (" LR_RWFILE "): its host can go read-only");
		free(info);
		info = xmalloc_open_read_close("/proc/self/mountinfo", NULL);
	}

	for (p = info; p && (l = strsep(&p, "\n")) != NULL; ) {
		lines = xrealloc_vector(lines, 4, n);
		lines[n++] = l;
	}
	sync();
	while (n--) {
		struct lr_mnt m;
		if (lr_mountinfo_line(lines[n], &m) != 0 || m.source[0] != '/'
		 || !lr_under(m.mp, LR_DIR)
		 || (strcmp(m.opts, "rw") != 0 && !is_prefixed_with(m.opts, "rw,")))
			continue;
		if (mount(NULL, m.mp, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0) {
			bb_error_msg("%s (%s) is read-only now, all written", m.mp, m.source);
			free(undo);
			undo = xstrdup(m.mp);
		} else {
			bb_perror_msg("WARNING: %s (%s) stays read-write%s", m.mp, m.source,
					errno == EBUSY ? " (a file on it is open for writing, or the "
					"loop device of a persistence file on it holds it)" : "");
			left++;
		}
	}
	if (undo)
		bb_error_msg("to change the persistent layer from the shell: "
				"mount -o remount,rw %s", undo);
	free(undo);
	free(lines);
	free(info);
	return left;
}

/* Never returns.  As PID 1 we must not exit (that is a kernel panic). */
void lr_rescue(const char *why)
{
	char *msg = xasprintf("%s\nliveroot: rescue shell (the initramfs is intact); "
			"'reboot -f' or 'poweroff -f' when done", why);
	if (getpid() != 1) {
		bb_error_msg("%s", why);
		exit(EXIT_FAILURE);
	}
	for (;;) {
		/* (again after each shell: what it made writable) */
		layers_readonly();
		lr_shell(msg);
		sleep(1);
	}
}

/* die_func: PID 1 must not exit */
void lr_on_die(void)
{
	if (G.switched) {
		/* rootfs is gone: the new root's shell, or wait forever */
		static const char *const sh[] = { "/bin/sh", NULL };
		execv(sh[0], (char **)sh);
		for (;;)
			pause();
	}
	lr_rescue("liveroot failed (see the message above)");
}

/* --- small files ----------------------------------------------------------- */

/* Read up to size-1 bytes of PATH into buf, terminated after what was
 * read.  Returns the length, or -1 (buf is then ""). */
ssize_t lr_read_small(const char *path, char *buf, size_t size)
{
	ssize_t n = open_read_close(path, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* --- modules ----------------------------------------------------------- */

/* Run "modprobe -qab NAME..." (busybox's own modprobe: reads modules.dep
 * and modules.alias).  names: space separated (modaliases may hold
 * commas), consumed. */
int lr_run_modprobe(char *names)
{
	char **argv;
	char *w;
	int n = 0, rc;

	if (access("/lib/modules", F_OK) != 0) {
		lr_debug("no /lib/modules: not loading %s", names);
		return 0;
	}
	argv = xzalloc(sizeof(argv[0]) * (strlen(names) / 2 + 4));
	argv[n++] = (char *)"modprobe";
	argv[n++] = (char *)"-qab";
	while ((w = strsep(&names, " ")) != NULL)
		if (*w)
			argv[n++] = w;
	rc = 0;
	if (n > 2) {
		lr_debug("modprobe %d name(s), first %s", n - 2, argv[2]);
		rc = spawn_and_wait(argv);
		lr_debug("modprobe done");
	}
	free(argv);
	return rc;
}

/* names: module names or aliases, separated by spaces or commas */
int lr_modprobe(const char *names)
{
	char *s = xstrdup(names), *p;
	int rc;

	for (p = s; *p; p++)
		if (*p == ',')
			*p = ' ';
	rc = lr_run_modprobe(s);
	free(s);
	return rc;
}

/* Run another applet (or program) and wait: its exit status, or -1 */
int lr_run(const char *const *argv)
{
	lr_debug("running %s", argv[0]);
	return spawn_and_wait((char **)argv);
}

/* --- loop devices ------------------------------------------------------ */

/* Attach fd (from offset, sizelimit bytes, 0 = all; logical block size
 * bsz, 0 = default) to a free loop device, read-only unless flags has
 * LR_LOOP_RW, always with autoclear (the device goes with its last user)
 * and direct I/O when the backing filesystem can; returns the loop device
 * fd, *dio says whether direct I/O is in effect. */
int lr_loop_attach(int fd, const char *file, unsigned long long offset,
		unsigned long long sizelimit, unsigned bsz, unsigned flags,
		char *dev, size_t devsz, int *dio)
{
	unsigned ro = (flags & LR_LOOP_RW) ? 0 : LO_FLAGS_READ_ONLY;
	struct loop_config cfg;
	struct loop_info64 info;
	int ctl, lfd, n, tries;

	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		lr_modprobe("loop");
		ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
		if (ctl < 0) {
			bb_perror_msg("/dev/loop-control (is the loop module in the initramfs?)");
			return -1;
		}
	}
	for (tries = 0; tries < 8; tries++) {
		n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0) {
			bb_perror_msg("LOOP_CTL_GET_FREE");
			break;
		}
		snprintf(dev, devsz, "/dev/loop%d", n);
		lfd = open(dev, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		if (lfd < 0 && errno == ENOENT) {
			/* devtmpfs may lag behind: make the node ourselves */
			char sysdev[48], num[16];
			unsigned ma = 7, mi = n;
			snprintf(sysdev, sizeof(sysdev), "/sys/class/block/loop%d/dev", n);
			/* (the minor is n << part_shift with max_part) */
			if (lr_read_small(sysdev, num, sizeof(num)) > 0)
				sscanf(num, "%u:%u", &ma, &mi);
			mknod(dev, S_IFBLK | 0600, makedev(ma, mi));
			lfd = open(dev, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		}
		if (lfd < 0) {
			bb_perror_msg("%s", dev);
			break;
		}
		memset(&cfg, 0, sizeof(cfg));
		cfg.fd = fd;
		cfg.block_size = bsz;
		cfg.info.lo_offset = offset;
		cfg.info.lo_sizelimit = sizelimit;
		cfg.info.lo_flags = ro | LO_FLAGS_AUTOCLEAR | LO_FLAGS_DIRECT_IO;
		safe_strncpy((char *)cfg.info.lo_file_name, file, LO_NAME_SIZE);
		if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0)
			goto ok;
		if (errno == EBUSY) { /* raced with someone else */
			close(lfd);
			continue;
		}
		if (errno != EINVAL && errno != ENOTTY) {
			bb_perror_msg("LOOP_CONFIGURE %s", dev);
			close(lfd);
			break;
		}
		/* kernel < 5.8: the two-step way */
		if (ioctl(lfd, LOOP_SET_FD, fd) != 0) {
			if (errno == EBUSY) {
				close(lfd);
				continue;
			}
			bb_perror_msg("LOOP_SET_FD %s", dev);
			close(lfd);
			break;
		}
		memset(&info, 0, sizeof(info));
		info.lo_offset = offset;
		info.lo_sizelimit = sizelimit;
		info.lo_flags = ro | LO_FLAGS_AUTOCLEAR;
		safe_strncpy((char *)info.lo_file_name, file, LO_NAME_SIZE);
		if (ioctl(lfd, LOOP_SET_STATUS64, &info) != 0) {
			bb_perror_msg("LOOP_SET_STATUS64 %s", dev);
			ioctl(lfd, LOOP_CLR_FD, 0);
			close(lfd);
			break;
		}
		if (bsz)
			ioctl(lfd, LOOP_SET_BLOCK_SIZE, (unsigned long)bsz);
		ioctl(lfd, LOOP_SET_DIRECT_IO, 1UL); /* best effort */
		goto ok;
	}
	close(ctl);
	return -1;
 ok:
	close(ctl);
	if (!ro) {
		/* a read-only flag set by an earlier user (BLKROSET) survives
		 * detach and attach: clear it */
		int zero = 0;
		ioctl(lfd, BLKROSET, &zero);
	}
	*dio = 0;
	if (ioctl(lfd, LOOP_GET_STATUS64, &info) == 0)
		*dio = !!(info.lo_flags & LO_FLAGS_DIRECT_IO);
	return lfd;
}

/* --- mkdir, mount ------------------------------------------------------- */

/* For liveroot's own directories (on rootfs and /run): never for paths
 * that come from media (see lr_open_dir_beneath). */
int lr_mkdir(const char *path)
{
	char *p = xstrdup(path);
	int rc = bb_make_directory(p, 0755, FILEUTILS_RECUR);
	free(p);
	return rc;  /* bb_make_directory printed why */
}

/* mount(2); a filesystem the kernel does not know yet gets its module
 * loaded (fs-TYPE alias) and one more try.  No message: callers say it. */
int lr_mount(const char *src, const char *target, const char *type,
		unsigned long flags, const char *data)
{
	lr_debug("mount -t %s %s %s (flags %#lx, %s)", type, src, target, flags,
			data ? data : "-");
	if (mount(src, target, type, flags, data) == 0)
		return 0;
	if (errno == ENODEV) {
		char *alias = xasprintf("fs-%s", type);
		lr_modprobe(alias);
		free(alias);
		if (mount(src, target, type, flags, data) == 0)
			return 0;
	}
	return -1;
}

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

/* --- hashing and copying (copy to RAM, downloads) ---------------------------- */

/* uClibc-ng 1.0.35 has no wrapper */
static ssize_t copy_range(int in, int out, size_t len)
{
#ifdef __NR_copy_file_range
	return syscall(__NR_copy_file_range, in, NULL, out, NULL, len, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* sha256 or sha512, as verify= says (archiso ships airootfs.sha512) */
void lr_hash_begin(struct lr_hash *h, unsigned bits)
{
	h->bits = bits;
	if (bits == 512)
		sha512_begin(&h->c.s512);
	else
		sha256_begin(&h->c.s256);
}

void lr_hash_add(struct lr_hash *h, const void *p, size_t n)
{
	if (h->bits == 512)
		sha512_hash(&h->c.s512, p, n);
	else
		sha256_hash(&h->c.s256, p, n);
}

void lr_hash_end(struct lr_hash *h, uint8_t *out)
{
	if (h->bits == 512)
		sha512_end(&h->c.s512, out);
	else
		sha256_end(&h->c.s256, out);
}

int lr_check_hash(const char *path, const char *want, const uint8_t *h, unsigned bits,
		const char *how)
{
	char have[129];
	unsigned i;

	for (i = 0; i < bits / 8; i++)
		sprintf(have + 2 * i, "%02x", h[i]);
	if (strcmp(have, want) == 0) {
		lr_log("verified %s: sha%u %s (%s)", path, bits, have, how);
		return 0;
	}
	bb_error_msg("checksum mismatch for %s: the image is damaged or not the one "
			"expected; nothing was mounted from it\n"
			"  expected sha%u: %s\n  actual sha%u:   %s", path, bits, want, bits, have);
	return -1;
}

struct progress {
	const char *verb, *name;
	long long total;
	unsigned long long done, start, shown;
	int tty, last_step;
};

static void progress(struct progress *p, int final)
{
	unsigned long long ms = monotonic_ms() - p->start;
	unsigned long long rate = ms ? p->done * 1000 / ms : 0; /* bytes/s */

	/* a console line costs time (115200 baud: 11 KB/s): once a second */
	if (p->tty && !final) {
		if (ms < p->shown + 1000)
			return;
		p->shown = ms;
	}
	if (p->total < 0) {
		/* a stream of unknown length: MiB so far, every 16 MiB */
		unsigned step = p->done >> 24;
		if (p->tty || final || (int)step > p->last_step) {
			p->last_step = step;
			fprintf(stderr, "%sliveroot: %s %s %llu MiB %llu.%llu MB/s%s", p->tty ? "\r" : "",
					p->verb, p->name, p->done >> 20, rate / 1000000, (rate / 100000) % 10,
					p->tty && !final ? " " : "\n");
		}
		return;
	}
	{
		unsigned pct = p->total ? p->done * 100 / p->total : 100;
		unsigned long long eta = rate && (long long)p->done < p->total
			? (p->total - p->done) / rate : 0;

		if (p->tty) {
			fprintf(stderr, "\rliveroot: %s %s %3u%% %4llu.%llu MB/s ETA %llu s ",
					p->verb, p->name, pct, rate / 1000000, (rate / 100000) % 10, eta);
			if (final)
				fputc('\n', stderr);
		} else if ((final && p->last_step < 10) || (int)(pct / 10) > p->last_step) {
			p->last_step = pct / 10;
			fprintf(stderr, "liveroot: %s %s %3u%% %llu.%llu MB/s ETA %llu s\n",
					p->verb, p->name, pct, rate / 1000000, (rate / 100000) % 10, eta);
		}
	}
}

/* Read in once -- a file, or with stream a socket -- hashing it (if hash:
 * sha256 or sha512, bits) and writing it to DST, with a progress line.
 * total: the bytes there are (-1: unknown, a stream read to its end);
 * anything else than total is an error: never half an image. */
int lr_copy_pass(int in, const char *src, long long total, int stream, const char *dst,
		uint8_t *hash, unsigned bits)
{
	enum { BUFSZ = 256 * 1024 };
	struct lr_hash ctx;
	struct progress p;
	char *buf;
	int out = -1, rc = -1;

	memset(&p, 0, sizeof(p));
	p.verb = stream ? "fetching" : "copying";
	p.name = bb_basename(src);
	p.total = total;
	p.start = monotonic_ms();
	p.tty = isatty(STDERR_FILENO);
	p.last_step = -1;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
	if (out < 0) {
		bb_perror_msg("%s", dst);
		return -1;
	}
	/* a file, no hash wanted: let the kernel copy (no trip through userspace) */
	if (!hash && !stream && total >= 0) {
		off_t left = total;
		while (left > 0) {
			ssize_t n = copy_range(in, out, left < (8 << 20) ? left : (8 << 20));
			if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL))
				n = sendfile(out, in, NULL, left < (8 << 20) ? left : (8 << 20));
			if (n == 0) {
				bb_error_msg("copying %s: it ended %llu bytes early (changed while "
						"being read?)", src, (unsigned long long)left);
				goto done;
			}
			if (n < 0) {
				bb_perror_msg("copying %s to %s", src, dst);
				goto done;
			}
			left -= n;
			p.done += n;
			progress(&p, 0);
		}
		progress(&p, 1);
		rc = 0;
		goto done;
	}
	if (hash)
		lr_hash_begin(&ctx, bits);
	buf = xmalloc(BUFSZ);
	for (;;) {
		ssize_t n = safe_read(in, buf, BUFSZ);
		if (n < 0) {
			if (stream && (errno == EAGAIN || errno == EWOULDBLOCK))
				bb_error_msg("%s: the server stopped sending (timed out) after %llu bytes",
						src, p.done);
			else if (stream)
				bb_perror_msg("%s: the transfer broke after %llu bytes", src, p.done);
			else
				bb_perror_msg("read error on %s: damaged media?", src);
			break;
		}
		if (n == 0) {
			if (total >= 0 && p.done != (unsigned long long)total) {
				bb_error_msg("%s: %s after %llu of %lld bytes", src, stream
						? "the server closed the connection" : "the file ended",
						p.done, total);
				break;
			}
			rc = 0;
			break;
		}
		if (total >= 0 && p.done + n > (unsigned long long)total) {
			bb_error_msg("%s: more than the %lld bytes announced", src, total);
			break;
		}
		if (hash)
			lr_hash_add(&ctx, buf, n);
		if (full_write(out, buf, n) != n) {
			bb_perror_msg("writing %s%s", dst, errno == ENOSPC
					? ": no room left in RAM for it" : "");
			break;
		}
		p.done += n;
		progress(&p, 0);
	}
	free(buf);
	if (hash)
		lr_hash_end(&ctx, hash);
	if (rc == 0)
		progress(&p, 1);
 done:
	if (close(out) != 0 && rc == 0) {
		bb_perror_msg("writing %s", dst);
		rc = -1;
	}
	return rc;
}

/* "squashfs", "erofs" or NULL */
const char *lr_image_type(int fd)
{
	uint8_t b[1028];

	if (pread(fd, b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return NULL;
	if (memcmp(b, "hsqs", 4) == 0)
		return "squashfs";
	/* erofs: little-endian 0xE0F5E1E2 at 1024 */
	if (b[1024] == 0xe2 && b[1025] == 0xe1 && b[1026] == 0xf5 && b[1027] == 0xe0)
		return "erofs";
	return NULL;
}

