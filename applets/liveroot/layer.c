/* vi: set sw=4 ts=4: */
/*
 * liveroot: the writable layer -- a tmpfs, or a persistent layer on a
 * filesystem found by rw=SPEC: a directory there (ext2/3/4, btrfs, xfs)
 * or an ext2/3/4 image file (on any filesystem liveroot can write: also
 * vfat, exfat, ntfs3), loop-mounted.  Everything on the stick is hostile:
 * paths are walked without following symlinks, files are taken for what
 * they hold, never for their names.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += layer.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#ifndef EXT4_IOC_RESIZE_FS
# define EXT4_IOC_RESIZE_FS _IOW('f', 16, uint64_t)
#endif

static const char dir_hosts[] ALIGN1 = LR_DIR_HOSTS;
static const char file_hosts[] ALIGN1 = LR_FILE_HOSTS;

/* Is PATH (as the overlay will resolve it) the directory fd is open on? */
static int same_dir(const char *path, int fd)
{
	struct stat a, b;
	return stat(path, &a) == 0 && fstat(fd, &b) == 0
		&& a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* BASE/DIR/{upper,work}, confined to BASE's filesystem (created on first
 * use when create is set); sets *upper, *work (malloced paths that
 * resolve to exactly those directories). */
static int confine_layer(const char *base, const char *dir, int create,
		char **upper, char **work)
{
	char *d = concat_path_file(dir, "upper"), *w = concat_path_file(dir, "work");
	int ufd = lr_open_dir_beneath(base, d, create);
	int wfd = ufd >= 0 ? lr_open_dir_beneath(base, w, create) : -1;
	int rc = -1;

	*upper = concat_path_file(base, d);
	*work = concat_path_file(base, w);
	if (wfd >= 0) {
		/* nothing runs beside us that could swap them now; still, the
		 * paths handed to overlayfs must name what was checked */
		if (same_dir(*upper, ufd) && same_dir(*work, wfd))
			rc = 0;
		else
			bb_error_msg("%s or %s changed while being checked", *upper, *work);
	}
	if (ufd >= 0)
		close(ufd);
	if (wfd >= 0)
		close(wfd);
	free(d);
	free(w);
	if (rc != 0) {
		free(*upper);
		free(*work);
	}
	return rc;
}

static int mount_tmpfs(const char *size, struct lr_rw *rw)
{
	char *data;
	int rc;

	if (lr_mkdir(LR_RW) != 0)
		return -1;
	data = xasprintf("mode=0755%s%s", size ? ",size=" : "", size ? size : "");
	rc = lr_mount("tmpfs", LR_RW, "tmpfs", MS_NODEV | MS_NOSUID, data);
	if (rc != 0)
		bb_perror_msg("mount tmpfs (%s) on " LR_RW, data);
	free(data);
	if (rc != 0)
		return -1;
	lr_log("writable layer: tmpfs on " LR_RW " (size %s)",
			size ? size : "default: half of RAM");
	rw->upper = xstrdup(LR_RW "/upper");
	rw->work = xstrdup(LR_RW "/work");
	if (lr_mkdir(rw->upper) != 0 || lr_mkdir(rw->work) != 0)
		return -1;
	return 0;
}

/* Grow the ext4 filesystem on dev (from the template) to fill it: an
 * online resize, done by the kernel */
static int grow_ext4(const char *dev, unsigned long long size)
{
	uint64_t blocks = size / 4096;  /* the template's block size */
	int rc, d;

	if (lr_mkdir(LR_RWFILE) != 0)
		return -1;
	rc = lr_mount(dev, LR_RWFILE, "ext4", MS_NODEV | MS_NOSUID | MS_NOEXEC, NULL);
	if (rc != 0) {
		bb_perror_msg("rw.create: mount the new filesystem (%s)", dev);
		return -1;
	}
	d = open(LR_RWFILE, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = d >= 0 ? ioctl(d, EXT4_IOC_RESIZE_FS, &blocks) : -1;
	if (rc != 0)
		bb_perror_msg("rw.create: growing the filesystem to %llu blocks", (unsigned long long)blocks);
	if (d >= 0)
		close(d);
	if (umount2(LR_RWFILE, 0) != 0) {
		bb_perror_msg("rw.create: umount " LR_RWFILE);
		rc = -1;
	}
	return rc;
}

/* Every block of the file fd's SIZE bytes allocated now: a loop device
 * over a file with holes would find the stick full halfway through a
 * write.  Returns 0, -1 (errno set). */
static int allocate(int fd, unsigned long long size)
{
	enum { CHUNK = 64 * 1024 };
	unsigned long long done = 0, next;
	char *z;
	int rc = fallocate(fd, 0, 0, size);

	if (rc == 0 || (errno != EOPNOTSUPP && errno != ENOSYS))
		return rc;
	/* exfat and others: write the zeros */
	z = xzalloc(CHUNK);
	next = monotonic_ms() + 5000;
	rc = 0;
	while (rc == 0 && done < size) {
		size_t n = size - done < CHUNK ? size - done : CHUNK;
		if (full_write(fd, z, n) != (ssize_t)n)
			rc = -1;
		done += n;
		if (monotonic_ms() >= next) {
			lr_log("rw.create: %llu of %llu MiB written", done >> 20, size >> 20);
			next += 5000;
		}
	}
	free(z);
	return rc;
}

/* The filesystem in the file fd of SIZE bytes: the initramfs's template
 * (ext4 with a journal), grown by the kernel, or ext2 (BusyBox's mke2fs)
 * when it has none; *made says which.  Returns 0, -1 (said). */
static int make_fs(int fd, const char *where, unsigned long long size, const char **made)
{
	char dev[32];
	int tpl, lfd, dio, rc;

	tpl = open_zipped(LR_PERSIST_TEMPLATE, 1);
	if (tpl >= 0) {
		off_t n = -1;
		/* (writing the zeros moved the offset to the end) */
		if (lseek(fd, 0, SEEK_SET) == 0)
			n = bb_copyfd_eof(tpl, fd);
		close(tpl);
		{
			pid_t p;
			while ((p = waitpid(-1, NULL, WNOHANG)) > 0) /* the unpacker */
				lr_reaped(p);  /* (or the background modprobe) */
		}
		if (n <= 0 || (unsigned long long)n > size) {
			bb_error_msg("rw.create: the filesystem template %s is bad", LR_PERSIST_TEMPLATE);
			return -1;
		}
	}
	if (fsync(fd) != 0) {
		bb_perror_msg("rw.create: %s", where);
		return -1;
	}
	lfd = lr_loop_attach(fd, where, 0, 0, 0, LR_LOOP_RW, dev, sizeof(dev), &dio);
	if (lfd < 0)
		return -1;
	if (tpl >= 0) {
		*made = "ext4 with a journal";
		rc = grow_ext4(dev, size);
	} else {
		const char *const argv[] = { "mke2fs", "-F", "-m", "0", "-L", "liveroot-rw", dev, NULL };
		*made = "ext2 (this initramfs has no ext4 template: no journal)";
		rc = lr_run(argv);
		if (rc != 0)
			bb_error_msg("rw.create: mke2fs on %s (%s) failed", dev, where);
	}
	if (rc == 0 && fsync(lfd) != 0)
		rc = -1;
	close(lfd); /* autoclear */
	return rc;
}

/* Make LEAF in the directory pdfd: SIZE bytes without holes, an ext4
 * filesystem with a journal on it (the initramfs's template, grown by the
 * kernel), or ext2 (BusyBox's mke2fs) when the initramfs has no template.
 * Made under a temporary name and renamed when complete: a power cut
 * halfway leaves no half-made layer.  Returns an O_RDWR fd or -1 (and
 * nothing left behind). */
static int create_file(int pdfd, const char *leaf, const char *where, const char *type,
		unsigned long long size)
{
	struct statvfs sfs;
	unsigned long long t0 = monotonic_ms();
	const char *made;
	char *tmp;
	int fd;

	if (strcmp(type, "vfat") == 0 && size > 0xffffffffULL) {
		bb_error_msg("rw.create: FAT holds files up to 4 GiB - 1 byte; %s can't be %llu MiB "
				"(use rw.create=4095M or less, or an exfat/ext4 stick)", where, size >> 20);
		return -1;
	}
	tmp = xasprintf(".%s.liveroot-new", leaf);
	/* an earlier attempt cut short */
	if (unlinkat(pdfd, tmp, 0) == 0)
		lr_log("rw.create: removed an unfinished %s from an earlier boot", tmp);
	if (fstatvfs(pdfd, &sfs) == 0
	 && (unsigned long long)sfs.f_bavail * sfs.f_frsize < size + (1ULL << 20)) {
		bb_error_msg("rw.create: %s needs %llu MiB, its filesystem has %llu MiB free",
				where, size >> 20,
				((unsigned long long)sfs.f_bavail * sfs.f_frsize) >> 20);
		free(tmp);
		return -1;
	}
	fd = openat(pdfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		bb_perror_msg("rw.create: can't create %s", where);
		free(tmp);
		return -1;
	}
	lr_log("rw.create: making %s, %llu MiB ...", where, size >> 20);
	if (allocate(fd, size) != 0) {
		bb_perror_msg("rw.create: can't allocate %llu MiB for %s", size >> 20, where);
		goto undo;
	}
	if (make_fs(fd, where, size, &made) != 0 || fsync(fd) != 0)
		goto undo;
	/* complete: under its name, and the name on the stick */
	if (renameat(pdfd, tmp, pdfd, leaf) != 0 || fsync(pdfd) != 0) {
		bb_perror_msg("rw.create: naming %s", where);
		goto undo;
	}
	lr_log("rw.create: made %s: %llu MiB, %s, in %llu ms", where, size >> 20, made,
			monotonic_ms() - t0);
	free(tmp);
	return fd;
 undo:
	close(fd);
	if (unlinkat(pdfd, tmp, 0) != 0)
		bb_perror_msg("warning: can't remove the unfinished %s", tmp);
	free(tmp);
	return -1;
}

/* The persistence file (fd open on it): loop-mount its ext filesystem on
 * LR_RWFILE and use upper/work inside it. */
static int mount_file(int fd, const char *where, int created, int force_ro, struct lr_rw *rw)
{
	struct stat st;
	char dev[32];
	int lfd, dio, bad, rc;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		bb_error_msg("%s is not a regular file", where);
		return -1;
	}
	bad = lr_check_ext(fd, where, st.st_size);
	if (bad < 0) {
		bb_error_msg("%s holds no ext2/3/4 filesystem (a persistence file is found by what "
				"it holds, not by its name): not using it (no file on it was changed)", where);
		return -1;
	}
	bad |= force_ro;
	lfd = lr_loop_attach(fd, where, 0, 0, 0, bad ? 0 : LR_LOOP_RW, dev, sizeof(dev), &dio);
	if (lfd < 0)
		return -1;
	if (lr_mkdir(LR_RWFILE) != 0) {
		close(lfd);
		return -1;
	}
	/* the ext4 driver mounts ext2/3 too */
	rc = lr_mount(dev, LR_RWFILE, "ext4", MS_NODEV | MS_NOSUID | (bad ? MS_RDONLY : 0),
			bad ? "noload" : NULL);
	close(lfd); /* autoclear: the mount holds it now */
	if (rc != 0) {
		bb_perror_msg("can't mount the persistence file %s (%s)%s", where, dev,
				errno == ENODEV ? ": no ext4 driver in the initramfs (make "
				"EXTRA_MODULES=ext4)" : "");
		return -1;
	}
	lr_log("mounted the persistence file %s (%s, direct I/O %s) %s on " LR_RWFILE,
			where, dev, dio ? "on" : "off", bad ? "read-only" : "read-write");
	if (bad) {
		/* what it holds, read-only, above the images; changes in RAM */
		int ufd = lr_open_dir_beneath(LR_RWFILE, "upper", 0);
		if (ufd >= 0) {
			close(ufd);
			rw->lower = xstrdup(LR_RWFILE "/upper");
		}
		return 1;
	}
	if (confine_layer(LR_RWFILE, "", 1, &rw->upper, &rw->work) != 0)
		return -1;
	lr_log("writable layer: persistent, %s file %s", created ? "new" : "the", where);
	return 0;
}

/* The persistent layer rw=SPEC:PATH, as its steps (below) find it */
struct persist {
	char *dev;              /* the host: its device (for messages) */
	const char *type;       /* ... its filesystem type */
	const char *base;       /* ... mounted there: LR_PERSIST, or LR_MEDIA */
	int dir_ok;             /* ... can hold a directory layer */
	int bad;                /* ... is read-only: what the layer holds is shown
	                         * read-only below a tmpfs (nothing made or written) */
	char *path;             /* PATH, cut into parent and leaf */
	const char *parent, *leaf;
	char *where;            /* "PATH on DEV", for messages */
	int pdfd;               /* the parent directory, inside the host */
	struct stat st;         /* the leaf; missing: S_IFDIR (a directory to
	                         * make), 0 (a file rw.create makes) */
};

/* Step 1, the host: its device -- the media's, or rw=SPEC's, waited for.
 * Returns 0, 1 (not there, and that is allowed: the caller adds a tmpfs)
 * or -1. */
static int find_host(const struct lr_opts *o, const struct lr_source *src, struct persist *p)
{
	/* rw.missing=tmpfs (live-boot's "persistence": if there is one): the
	 * media was found, a device on the machine is there by now; a few
	 * seconds for a slow USB bus */
	int optional = o->rw_missing_ok || o->rw_peer_optional;

	p->base = LR_PERSIST;
	if (src->rw) {
		/* one filesystem for both, mounted once (media.c) */
		p->base = LR_MEDIA;
		p->dev = xstrdup(src->dev);
		p->type = src->type;
		return 0;
	}
	p->dev = lr_wait_device(o, o->rw_dev, &p->type,
			optional && o->timeout > 5 ? 5 : o->timeout, optional);
	if (!p->dev && optional) {
		lr_log("the persistent layer rw=%s is not there: this session's changes stay in "
				"RAM (%s)", o->rw, o->rw_missing_ok ? "rw.missing=tmpfs"
				: "live-boot's persistence: if there is one");
		return 1;
	}
	if (!p->dev) {
		bb_error_msg("the persistent layer rw=%s is not there; not booting without it "
				"(nothing written). Use rw=tmpfs for a throwaway layer", o->rw);
		return -1;
	}
	return 0;
}

/* ... then its filesystem: one liveroot can write, mounted read-write on
 * LR_PERSIST (read-only when its ext filesystem recorded errors: p->bad).
 * Returns 0, -1. */
static int mount_host(const struct lr_source *src, struct persist *p)
{
	const char *type = p->type;
	int fd;

	/* only filesystems the probe is sure of: never a guessed read-write mount */
	p->dir_ok = type && index_in_strings(dir_hosts, type) >= 0;
	if (!p->dir_ok && (!type || index_in_strings(file_hosts, type) < 0)) {
		bb_error_msg("%s is %s: it can't hold a persistent layer (nothing was written to "
				"it); use ext4, btrfs or xfs, or an ext4 image file on vfat, exfat or ntfs",
				p->dev, type ? type : "of no filesystem type liveroot recognizes");
		return -1;
	}
	if (src->rw) {
		/* media.c looked at it before mounting it */
		p->bad = src->rw < 0;
	} else if (strncmp(type, "ext", 3) == 0) {
		/* the filesystem itself: errors recorded -> read-only */
		fd = open(p->dev, O_RDONLY | O_CLOEXEC);
		p->bad = fd >= 0 && lr_check_ext(fd, p->dev, 0) > 0;
		if (fd >= 0)
			close(fd);
	}
	if (!src->rw) {
		if (lr_mount_fs(p->dev, LR_PERSIST, p->bad ? type : lr_rw_fstype(type),
				MS_NODEV | MS_NOSUID | (p->bad ? MS_RDONLY : 0)) != 0) {
			bb_perror_msg("can't mount %s read-write (%s)%s", p->dev, type,
					errno == ENODEV ? ": its driver is not in the initramfs (build "
					"with make EXTRA_MODULES=ext4, or btrfs, xfs, exfat, ntfs3)" : "");
			return -1;
		}
	}
	if (!p->bad) {
		struct statvfs sfs;
		if (statvfs(p->base, &sfs) == 0 && (sfs.f_flag & ST_RDONLY)) {
			bb_error_msg("%s was mounted read-only (errors on it?): not using it "
					"as the persistent layer", p->dev);
			return -1;
		}
	}
	return 0;
}

/* Step 2, the leaf: PATH -- a directory, an image file, or nothing yet --
 * looked at without following a symlink, inside the host; its parent
 * opened (made, when the layer may be made there).  Returns 0 (p->st
 * says what it is), 1 (a read-only host with nothing of it to show), -1. */
static int find_leaf(const struct lr_opts *o, struct persist *p)
{
	char *slash;

	p->path = xstrdup(o->rw_dir);
	while ((slash = last_char_is(p->path, '/')) != NULL)
		*slash = '\0';
	p->parent = ".";
	p->leaf = p->path;
	slash = strrchr(p->path, '/');
	if (slash) {
		*slash = '\0';
		p->parent = p->path;
		p->leaf = slash + 1;
	}
	p->where = xasprintf("%s on %s", o->rw_dir, p->dev);
	if (!p->leaf[0]) {
		bb_error_msg("rw=%s: no file or directory named", o->rw);
		return -1;
	}
	p->pdfd = lr_open_dir_beneath(p->base, p->parent, !p->bad && (p->dir_ok || o->rw_create));
	if (p->pdfd < 0)
		return p->bad ? 1 : -1; /* (bad: nothing of it to show) */
	if (fstatat(p->pdfd, p->leaf, &p->st, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	if (errno != ENOENT) {
		bb_perror_msg("%s", p->where);
		return -1;
	}
	if (p->bad) {
		lr_log("%s is missing: nothing of it to show", p->where);
		return 1;
	}
	p->st.st_mode = 0;
	if (o->rw_create)
		return 0; /* made in step 4 */
	if (!p->dir_ok) {
		bb_error_msg("%s is missing, and %s can't hold a directory layer: make a "
				"persistence file (scripts/mkpersist on a PC, or boot once with "
				"rw.create=SIZE)", p->where, p->type);
		return -1;
	}
	p->st.st_mode = S_IFDIR; /* made in step 3 */
	return 0;
}

/* Step 3, a directory: PATH/upper and PATH/work, confined to the host.
 * Returns 0, 1 (read-only: only rw->lower, if there is anything), -1. */
static int persistent_dir(const struct lr_opts *o, const struct persist *p, struct lr_rw *rw)
{
	if (!p->dir_ok) {
		bb_error_msg("%s is a directory, and %s can't hold an overlay upper layer "
				"(no ownership, xattrs or whiteouts): use an image file there", p->where,
				p->type);
		return -1;
	}
	if (p->bad) {
		char *u = concat_path_file(o->rw_dir, "upper");
		int fd = lr_open_dir_beneath(p->base, u, 0);
		if (fd >= 0) {
			close(fd);
			rw->lower = concat_path_file(p->base, u);
		}
		free(u);
		return 1;
	}
	if (confine_layer(p->base, o->rw_dir, 1, &rw->upper, &rw->work) != 0) {
		bb_error_msg("not using %s as the persistent layer (nothing was written "
				"outside it)", p->dev);
		return -1;
	}
	lr_log("writable layer: persistent, %s on %s, directory %s", p->dev, p->base, o->rw_dir);
	return 0;
}

/* Step 4, a file: the persistence file (made first when rw.create= asks
 * for it), loop-mounted.  Returns as mount_file. */
static int persistent_file(const struct lr_opts *o, const struct persist *p, struct lr_rw *rw)
{
	int fd, rc = -1;

	if (!p->st.st_mode) {
		fd = create_file(p->pdfd, p->leaf, p->where, p->type, o->rw_create);
		if (fd >= 0) {
			rc = mount_file(fd, p->where, 1, 0, rw);
			close(fd);
		}
		return rc;
	}
	fd = openat(p->pdfd, p->leaf, (p->bad ? O_RDONLY : O_RDWR) | O_NOFOLLOW | O_NONBLOCK
			| O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		bb_perror_msg("%s", p->where);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	/* mount_file checks again what was opened: a regular file */
	rc = mount_file(fd, p->where, 0, p->bad, rw);
	close(fd);
	return rc;
}

/* The persistent layer: rw=SPEC:PATH, in the four steps above.  Returns
 * 0, 1 (no layer, or only a read-only lower one (rw->lower): the caller
 * adds a tmpfs) or -1. */
static int mount_persistent(const struct lr_opts *o, const struct lr_source *src,
		struct lr_rw *rw)
{
	struct persist p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.pdfd = -1;
	rc = find_host(o, src, &p);
	if (rc == 0)
		rc = mount_host(src, &p);
	if (rc == 0)
		rc = find_leaf(o, &p);
	if (rc == 0) {
		if (S_ISDIR(p.st.st_mode))
			rc = persistent_dir(o, &p, rw);
		else if (S_ISREG(p.st.st_mode) || !p.st.st_mode)
			rc = persistent_file(o, &p, rw);
		else {
			bb_error_msg("%s is %s: refusing it (a persistent layer is a directory or an "
					"ext2/3/4 image file)", p.where, S_ISLNK(p.st.st_mode) ? "a symlink"
					: "not a regular file or directory");
			rc = -1;
		}
	}
	if (p.pdfd >= 0)
		close(p.pdfd);
	free(p.path);
	free(p.where);
	free(p.dev);
	return rc;
}

/* A persistent layer given up on: nothing of it stays mounted or
 * writable (the media holding it goes back to read-only) */
static void drop_persistent(const struct lr_source *src)
{
	if (umount2(LR_RWFILE, 0) != 0 && errno != EINVAL && errno != ENOENT)
		bb_perror_msg("umount " LR_RWFILE);
	if (umount2(LR_PERSIST, 0) != 0 && errno != EINVAL && errno != ENOENT)
		bb_perror_msg("umount " LR_PERSIST);
	if (src->rw && mount(NULL, LR_MEDIA, NULL, MS_REMOUNT | MS_RDONLY, NULL) != 0)
		bb_perror_msg("WARNING: can't make the media (" LR_MEDIA ") read-only again");
}

/* The writable layer (sets rw->upper, rw->work; rw->lower when a
 * damaged persistent layer is shown read-only) */
int lr_mount_rw(const struct lr_opts *o, const struct lr_source *src, struct lr_rw *rw)
{
	int rc;

	memset(rw, 0, sizeof(*rw));
	if (!o->rw_dev)
		return mount_tmpfs(o->rw_size, rw);
	rc = mount_persistent(o, src, rw);
	if (rc < 0 && o->rw_peer_optional) {
		/* live-boot's "persistence": if there is one -- one that is
		 * there but can't be used does not stop the boot either */
		lr_log("WARNING: the persistent layer rw=%s can't be used (see above): this "
				"session's changes stay in RAM (live-boot's persistence: if there is one)",
				o->rw);
		drop_persistent(src);
		free(rw->upper);
		free(rw->work);
		free(rw->lower);
		memset(rw, 0, sizeof(*rw));
		rc = 1;
	}
	if (rc > 0) {
		if (rw->lower)
			lr_log("writable layer: tmpfs (the persistent layer is read-only below it)");
		return mount_tmpfs(o->rw_size, rw);
	}
	return rc;
}
