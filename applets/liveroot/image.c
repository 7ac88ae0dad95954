/* vi: set sw=4 ts=4: */
/*
 * liveroot: the root image.  Detect squashfs/erofs by magic, attach a loop
 * device read-only with autoclear and direct I/O (so the backing file's
 * pages are not cached next to the filesystem's own), mount it read-only.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += image.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <linux/loop.h>
#include <linux/fs.h>

#define ISOFS_SUPER_MAGIC 0x9660

static int loop_attach(int fd, const char *file, char *dev, size_t devsz, int *dio)
{
	return lr_loop_attach(fd, file, 0, 0, 0, LR_LOOP_RO, dev, devsz, dio);
}

static int fibmap(void *ctx, unsigned long long i, unsigned long long *phys)
{
	int b = i;

	if (i > INT_MAX || ioctl(*(int *)ctx, FIBMAP, &b) != 0 || b < 0)
		return -1;
	*phys = b;
	return 0;
}

/* ISO9660 can't do direct I/O, but it stores every file in one piece: loop
 * the CD (or disk) itself at the file's offset, and that block device can.
 * Then squashfs's decompressed pages are the only cached copy.
 * Returns the loop fd, or -1 (use the file). */
static int loop_attach_extent(int fd, const char *path, const struct stat *st,
		char *dev, size_t devsz, int *dio, char **how)
{
	struct statfs sfs;
	char sys[64], *uev, *name, *node;
	int bsz, dfd, lfd;
	unsigned lbs = 512;
	unsigned long long nblk, first, last, devsize;

	if (fstatfs(fd, &sfs) != 0 || (unsigned)sfs.f_type != ISOFS_SUPER_MAGIC || st->st_size == 0)
		return -1;
	if (ioctl(fd, FIGETBSZ, &bsz) != 0 || bsz <= 0)
		return -1;
	nblk = (st->st_size + bsz - 1) / bsz;
	/* the device node of st_dev, by its kernel name */
	sprintf(sys, "/sys/dev/block/%u:%u/uevent", major(st->st_dev), minor(st->st_dev));
	uev = xmalloc_open_read_close(sys, NULL);
	name = uev ? strstr(uev, "DEVNAME=") : NULL;
	if (!name) {
		free(uev);
		return -1;
	}
	name += 8;
	*strchrnul(name, '\n') = '\0';
	node = xasprintf("/dev/%s", name);
	free(uev);
	dfd = open(node, O_RDONLY | O_CLOEXEC);
	if (dfd < 0) {
		free(node);
		return -1;
	}
	ioctl(dfd, BLKSSZGET, &lbs);
	if (ioctl(dfd, BLKGETSIZE64, &devsize) != 0)
		devsize = 0;
	/* cheap checks first: the file fits on the device, whole sectors (the
	 * loop device would cut a partial last one), the last block where a
	 * file in one piece has it.  Then every block: isofs allows files in
	 * several sections (multi-extent), and a crafted one looks contiguous
	 * at any few probes. */
	first = 0;
	last = nblk - 1;
	if ((unsigned long long)st->st_size > devsize || st->st_size % (lbs > 512 ? lbs : 512) != 0
	 || fibmap(&fd, 0, &first) != 0 || fibmap(&fd, nblk - 1, &last) != 0
	 || last != first + nblk - 1 || (first + nblk) * bsz > devsize
	 || lr_contiguous(nblk, fibmap, &fd, &first) != 0
	) {
		lr_log("%s is not stored in one piece on the media (or not in whole sectors): "
				"reading it through the file (cached twice)", path);
		close(dfd);
		free(node);
		return -1;
	}
	ioctl(dfd, BLKSSZGET, &lbs);
	lfd = lr_loop_attach(dfd, path, (unsigned long long)first * bsz, st->st_size,
			lbs > 512 ? lbs : 0, LR_LOOP_RO, dev, devsz, dio);
	close(dfd);
	if (lfd >= 0 && !*dio) {
		/* no gain over the file: use the file as usual */
		ioctl(lfd, LOOP_CLR_FD, 0);
		close(lfd);
		free(node);
		return -1;
	}
	if (lfd >= 0)
		*how = xasprintf(" over %s at offset %llu", node, first * bsz);
	free(node);
	return lfd;
}

/* --- checksums ------------------------------------------------------------ */

/* The hash IMAGE must have: verify=shaN:HEX, or a hash file on the media:
 * IMAGE.shaN, else (archiso's) IMAGE without its extension .shaN
 * (airootfs.sfs -> airootfs.sha512).  A file naming another file is refused. */
static int expected_hash(const struct lr_opts *o, const char *base, const char *image,
		char *want)
{
	const char *what = o->verify == 512 ? "verify=sha512:" : "verify=sha256:";
	char buf[4096], *f, *p;
	struct stat st;
	ssize_t n;
	int fd, rc;

	if (o->verify_hex)
		return lr_hash_line(o->verify_hex, strlen(o->verify_hex), o->verify, NULL, want);
	f = xasprintf("%s.sha%u", image, o->verify);
	p = concat_path_file(base, f);
	if (lstat(p, &st) != 0 && errno == ENOENT) {
		char *dot = strrchr(image, '.');
		if (dot && dot > strrchr(image, '/') + 1) {
			/* (only to choose the name: opened inside the media below) */
			char *g = xasprintf("%.*s.sha%u", (int)(dot - image), image, o->verify);
			free(p);
			p = concat_path_file(base, g);
			if (lstat(p, &st) == 0) {
				free(f);
				f = g;
			} else {
				bb_error_msg("%s neither %s nor %s is on the media: nothing to check %s "
						"against, not booting it", what, f, g, image);
				free(g);
				free(p);
				free(f);
				return -1;
			}
		}
	}
	free(p);
	fd = lr_open_media_file(base, f, what);
	n = fd >= 0 ? full_read(fd, buf, sizeof(buf)) : -1;
	if (fd >= 0)
		close(fd);
	if (n == (ssize_t)sizeof(buf) && !memchr(buf, '\n', n)) {
		bb_error_msg("%s %s: its first line is longer than %u bytes: not a hash file",
				what, f, (unsigned)sizeof(buf));
		free(f);
		return -1;
	}
	rc = n < 0 ? -1 : lr_hash_line(buf, n, o->verify, bb_basename(image), want);
	if (rc == -2)
		bb_error_msg("%s %s names another file, not %s: refusing it", what, f, bb_basename(image));
	else if (rc != 0 && fd >= 0)
		bb_error_msg("%s %s does not start with a sha%u (%u hex digits)", what, f,
				o->verify, o->verify / 4);
	free(f);
	return rc ? -1 : 0;
}

/* Hash what the loop device delivers -- the bytes the filesystem will be
 * mounted from -- with O_DIRECT (no copy left in the page cache), then
 * the tail of the file that the loop device leaves out (< 512 bytes,
 * never read by the filesystem). */
static int hash_loop(const char *dev, int lfd, int file_fd, unsigned long long file_size,
		uint8_t *h, unsigned bits)
{
	enum { BUFSZ = 256 * 1024 };
	struct lr_hash ctx;
	unsigned long long size, done = 0;
	char *mem, *buf;
	int fd, rc = -1;

	/* the loop device covers the file but for a partial last sector */
	if (ioctl(lfd, BLKGETSIZE64, &size) != 0 || size > file_size || file_size - size >= 512) {
		bb_error_msg("%s: %llu bytes for an image of %llu: not what it should be, "
				"not hashing through it", dev, size, file_size);
		return -1;
	}
	fd = open(dev, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0)
		fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		bb_perror_msg("%s", dev);
		return -1;
	}
	mem = xmalloc(BUFSZ + 4096);
	buf = (char *)(((uintptr_t)mem + 4095) & ~(uintptr_t)4095);
	lr_hash_begin(&ctx, bits);
	while (done < size) {
		ssize_t n = read(fd, buf, BUFSZ);
		if (n <= 0) {
			bb_perror_msg("reading %s%s", dev, n == 0 ? ": short device" : "");
			goto out;
		}
		lr_hash_add(&ctx, buf, n);
		done += n;
	}
	if (size < file_size) {
		size_t t = file_size - size;
		if (pread(file_fd, buf, t, size) != (ssize_t)t) {
			bb_simple_perror_msg("reading the image's tail");
			goto out;
		}
		lr_hash_add(&ctx, buf, t);
	}
	lr_hash_end(&ctx, h);
	rc = 0;
 out:
	free(mem);
	close(fd);
	return rc;
}

/* --- mounting an image ------------------------------------------------------ */

/* dracut's older layout: the squashfs holds LiveOS/rootfs.img (before
 * that ext3fs.img), an ext image that is the root.  Loop-mounted read-only
 * (no journal replay) from inside the squashfs on TARGET-rootfs.  Returns
 * 0 (no such file: *root = NULL), 1 (mounted: *root malloced), -1. */
static int inner_rootfs(const char *target, char **root)
{
	static const char names[] ALIGN1 = "/LiveOS/rootfs.img\0" "/LiveOS/ext3fs.img\0";
	const char *name;
	struct lr_ext e;
	struct stat st;
	char dev[32], *p, *mnt;
	int i, fd, lfd, dio, rc;

	*root = NULL;
	/* (a regular file, as dracut's test -f: anything else is not that layout) */
	for (i = 0; (name = nth_string(names, i))[0]; i++) {
		p = concat_path_file(target, name);
		rc = lstat(p, &st);
		free(p);
		if (rc == 0 && S_ISREG(st.st_mode))
			break;
	}
	if (!name[0])
		return 0;
	/* inside the image, a regular file, on the image's own filesystem */
	fd = lr_open_media_file(target, name, "dracut's root image");
	if (fd < 0)
		return -1;
	p = concat_path_file(target, name);
	if (fstat(fd, &st) != 0 || lr_read_ext(fd, st.st_size, &e) != 0 || !e.bytes) {
		bb_error_msg("%s (dracut's older layout: an ext4 image inside the squashfs) holds no "
				"ext2/3/4 filesystem that fits the file: damaged image?", p);
		goto bad;
	}
	lfd = loop_attach(fd, p, dev, sizeof(dev), &dio);
	if (lfd < 0)
		goto bad;
	mnt = xasprintf("%s-rootfs", target);
	rc = lr_mount_fs(dev, mnt, "ext4", MS_RDONLY | MS_NODEV | MS_NOSUID);
	close(lfd);
	if (rc != 0) {
		bb_perror_msg("can't mount %s (dracut's older layout: the root is this ext4 image "
				"inside the squashfs)%s", p, errno == ENODEV ? ": the initramfs has no ext4 "
				"driver (make EXTRA_MODULES=ext4)" : "");
		free(mnt);
		goto bad;
	}
	lr_log("dracut's older layout: the root is %s, mounted read-only on %s", p, mnt);
	close(fd);
	free(p);
	*root = mnt;
	return 1;
 bad:
	close(fd);
	free(p);
	return -1;
}

/* --- dm-verity ---------------------------------------------------------------- */

/* dm-verity over DEV (the image's loop device, or the NBD device itself):
 * the hash tree make iso appended behind the filesystem, every block
 * checked against img->roothash as the filesystem reads it.  The mapped
 * device in OUT, its name in NAME.  The first block is read here: a wrong
 * root hash or a changed tree stops the boot now, with a clear message. */
static int verity_map(const struct lr_image *img, const char *dev, char *out, size_t outsz,
		char *name, size_t namesz)
{
	static unsigned seq;
	uint8_t buf[4096];
	struct lr_verity v;
	unsigned long long off;
	const char *why;
	char *table;
	int fd, rc;

	if (pread(img->fd, buf, 2048, 0) != 2048 || (off = lr_verity_offset(buf)) == 0) {
		bb_error_msg("%s: no squashfs or erofs size to find the hash tree behind", img->path);
		return -1;
	}
	why = pread(img->fd, buf, 512, off) == 512 ? lr_verity_super(buf, off, &v)
		: "no dm-verity superblock behind the filesystem (not made with VERITY=1?)";
	if (why) {
		bb_error_msg("%s: %s", img->path, why);
		return -1;
	}
	/* (the background modprobe may be loading it: /sys/module shows a
	 * module that is still starting) */
	lr_modprobe_wait();
	if (seq == 0 && access("/sys/module/dm_verity", F_OK) != 0)
		lr_modprobe("dm-verity");
	/* the media's own first block: a read error here is the media's */
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	errno = 0;
	if (fd < 0 || pread(fd, buf, v.data_bs, 0) != (ssize_t)v.data_bs) {
		bb_perror_msg("%s: reading the first block of %s", dev, img->path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	snprintf(name, namesz, LR_VERITY_DM "%u", seq++);
	table = xasprintf("1 %s %s %u %u %llu %llu sha256 %s %s", dev, dev, v.data_bs, v.hash_bs,
			v.data_blocks, off / v.hash_bs + 1, img->roothash, v.salt);
	rc = lr_dm_create(name, "verity", v.data_blocks * (v.data_bs / 512), table, 1, out, outsz);
	free(table);
	if (rc != 0)
		return -1;
	/* the same block through verity: EIO is verity's refusal */
	fd = open(out, O_RDONLY | O_CLOEXEC);
	errno = 0;
	if (fd < 0 || pread(fd, buf, v.data_bs, 0) != (ssize_t)v.data_bs) {
		if (fd >= 0 && errno == EIO)
			bb_error_msg("%s does not match verity=%.16s...: a wrong root hash, or a changed "
					"image or hash tree (its first block, read through %s, was refused)",
					img->path, img->roothash, out);
		else
			bb_perror_msg("%s: reading the first block", out);
		if (fd >= 0)
			close(fd);
		lr_dm_remove(name);
		return -1;
	}
	close(fd);
	lr_log("dm-verity: %s over %s, %llu blocks of %u bytes, each checked against root hash "
			"%.16s... when it is read", out, dev, v.data_blocks, v.data_bs, img->roothash);
	return 0;
}

/* nbd=: the device is the image, mounted without a loop device (hashed
 * first with verify=) */
static int mount_device(struct lr_image *img, const char *target, const char *type)
{
	unsigned long long size;
	uint8_t h[64];
	char vdev[32], name[32];
	const char *dev = img->path;

	if (img->verify && (ioctl(img->fd, BLKGETSIZE64, &size) != 0
	 || hash_loop(img->path, img->fd, img->fd, size, h, img->verify) != 0
	 || lr_check_hash(img->path, img->want, h, img->verify, "the bytes the device delivers") != 0))
		return -1;
	if (img->roothash) {
		if (verity_map(img, img->path, vdev, sizeof(vdev), name, sizeof(name)) != 0)
			return -1;
		dev = vdev;
	}
	if (lr_mount(dev, target, type, MS_RDONLY | MS_NODEV, NULL) != 0) {
		bb_perror_msg("mount %s (%s) on %s: %s", dev, type, target,
				img->roothash && errno == EIO ? "a block that does not match its hash?" : "damaged image?");
		if (img->roothash)
			lr_dm_remove(name);
		return -1;
	}
	lr_log("mounted %s (%s%s%s) read-only on %s", img->path, type,
			img->roothash ? ", dm-verity " : "", img->roothash ? dev : "", target);
	return 0;
}

/* toram=background: a linear device-mapper device over the loop device
 * DEV (open as LFD), for the copier to point at the RAM copy later
 * (background.c); its node in OUT */
static int bg_map(struct lr_image *img, const char *dev, int lfd, char *out, size_t outsz)
{
	unsigned long long bytes;
	struct stat st;
	char params[32];
	int bsz;

	if (ioctl(lfd, BLKGETSIZE64, &bytes) != 0 || ioctl(lfd, BLKSSZGET, &bsz) != 0
	 || fstat(lfd, &st) != 0
	) {
		bb_perror_msg("%s", dev);
		return -1;
	}
	snprintf(params, sizeof(params), "%u:%u 0", major(st.st_rdev), minor(st.st_rdev));
	lr_modprobe_wait();  /* (as in verity_map) */
	if (access("/sys/module/dm_mod", F_OK) != 0)
		lr_modprobe("dm-mod");
	if (lr_dm_create(img->bg, "linear", bytes >> 9, params, 1, out, outsz) != 0)
		return -1;
	img->bg_sectors = bytes >> 9;
	img->bg_bsz = bsz;
	lr_log("toram=background: %s (%s) over %s: the media is read until the copy in RAM "
			"takes over", out, img->bg, dev);
	return 0;
}

/* The image on TARGET; *root: what the overlay stacks (TARGET, or the
 * root image inside it, malloced) */
int lr_mount_image(struct lr_image *img, const char *target, char **root)
{
	struct stat st, pst;
	char *how = NULL;
	char dev[32], vdev[32], bdev[32], name[32];
	const char *type, *mdev;
	int lfd, dio, rc;

	*root = NULL;
	if (fstat(img->fd, &st) != 0) {
		bb_perror_msg("image %s", img->path);
		return -1;
	}
	type = lr_image_type(img->fd);
	if (!type) {
		bb_error_msg("image %s is neither squashfs nor erofs (bad magic): "
				"corrupt or not a root image", img->path);
		return -1;
	}
	if (lr_mkdir(target) != 0)
		return -1;
	if (S_ISBLK(st.st_mode)) {
		if (mount_device(img, target, type) != 0)
			return -1;
		goto inner;
	}
	/* erofs can mount a file by itself on kernels with
	 * EROFS_FS_BACKED_BY_FILE (6.12+): no loop device at all.  Only when
	 * the path names the very file we checked, and nothing is to be
	 * hashed (that goes through the loop device that is mounted). */
	if (strcmp(type, "erofs") == 0 && !img->verify && !img->roothash && !img->bg[0]
	 && stat(img->path, &pst) == 0 && pst.st_dev == st.st_dev && pst.st_ino == st.st_ino
	 && lr_mount(img->path, target, type, MS_RDONLY | MS_NODEV | MS_SILENT, NULL) == 0
	) {
		lr_log("mounted %s (erofs, straight from the file, no loop device) read-only on %s",
				img->path, target);
		goto inner;
	}
	lfd = loop_attach_extent(img->fd, img->path, &st, dev, sizeof(dev), &dio, &how);
	if (lfd < 0)
		lfd = loop_attach(img->fd, img->path, dev, sizeof(dev), &dio);
	if (lfd < 0)
		return -1;
	if (img->verify) {
		uint8_t h[64];

		if (hash_loop(dev, lfd, img->fd, st.st_size, h, img->verify) != 0
		 || lr_check_hash(img->path, img->want, h, img->verify, "the bytes the loop device delivers") != 0
		) {
			close(lfd); /* autoclear: the loop device goes */
			free(how);
			return -1;
		}
	}
	mdev = dev;
	if (img->bg[0]) {
		if (bg_map(img, dev, lfd, bdev, sizeof(bdev)) == 0)
			mdev = bdev;
		else {
			lr_log("toram=background: no linear device for %s (see above): it is read "
					"from the media, not copied", img->path);
			img->bg[0] = '\0';
		}
	}
	if (img->roothash) {
		if (verity_map(img, mdev, vdev, sizeof(vdev), name, sizeof(name)) != 0) {
			if (img->bg[0])
				lr_dm_remove(img->bg);
			close(lfd);
			free(how);
			return -1;
		}
		mdev = vdev;
	}
	rc = lr_mount(mdev, target, type, MS_RDONLY | MS_NODEV, NULL);
	if (rc != 0) {
		bb_perror_msg("mount %s (%s on %s) on %s: %s", type, mdev, img->path, target,
				img->roothash && errno == EIO ? "a block that does not match its hash?" : "damaged image?");
		if (img->roothash)
			lr_dm_remove(name);
		if (img->bg[0])
			lr_dm_remove(img->bg);
	} else {
		lr_log("mounted %s (%s, %s%s, direct I/O %s%s%s%s%s) read-only on %s", img->path, type, dev,
				how ? how : "", dio ? "on" : "off: the backing filesystem can't do it",
				img->bg[0] ? ", linear " : "", img->bg[0] ? bdev : "",
				img->roothash ? ", dm-verity " : "", img->roothash ? vdev : "", target);
	}
	free(how);
	/* with autoclear, the loop device goes away with its last user:
	 * the mount, or nobody if the mount failed */
	close(lfd);
	if (rc != 0)
		return rc;
 inner:
	rc = inner_rootfs(target, root);
	if (rc < 0)
		return -1;
	if (rc == 0)
		*root = xstrdup(target);
	return 0;
}

/* --- copy to RAM ------------------------------------------------------------ */

/* toram=auto copies only when at least max(AUTO_MIN, half of
 * MemAvailable) stays available afterwards */
#define TORAM_AUTO_MIN (128 * MiB)

/* a file's size, or a block device's (nbd=) */
static int fd_size(int fd, unsigned long long *size)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -1;
	*size = st.st_size;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size);
	return 0;
}

/* Copy every image to a tmpfs of just the right size, hashing it in the
 * same pass (the copy is what gets mounted).  Returns 0 (img[] now are the
 * copies), 1 (not enough RAM: boot from the media) or -1 (a bad checksum,
 * a read or write error: the copy is gone, img[] unchanged, and the boot
 * stops -- a damaged image is not booted). */
static int copy_to_ram(const struct lr_opts *o, struct lr_image *img, unsigned n)
{
	unsigned long long mem[4], total = 0, avail;
	struct lr_image copies[LR_MAX_IMAGES];
	unsigned long long size[LR_MAX_IMAGES];
	unsigned i;

	memset(copies, 0, sizeof(copies));  /* (no toram=background name, no hash) */
	lr_meminfo(mem);
	avail = mem[0] * 1024;  /* MemAvailable */
	for (i = 0; i < n; i++) {
		if (fd_size(img[i].fd, &size[i]) != 0) {
			bb_perror_msg("%s", img[i].path);
			return -1;
		}
		total += size[i];
	}
	if (o->toram == TORAM_AUTO) {
		if (avail < total || avail - total < MAX(TORAM_AUTO_MIN, avail / 2)) {
			lr_log("toram=auto: not copying %llu MiB (MemAvailable %llu MiB; copying needs "
					"max(128 MiB, half of it) left over): booting from the media",
					total / MiB, avail / MiB);
			return 1;
		}
	} else if (avail < total + lr_ram_margin()) {
		lr_log("toram: not enough RAM to copy %llu MiB (MemAvailable %llu MiB, %llu MiB must "
				"stay free): booting from the media instead", total / MiB, avail / MiB,
				lr_ram_margin() / MiB);
		return 1;
	}
	if (lr_mount_ram(total + MiB, n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		char *dst = xasprintf(LR_RAM "/%u-%s", i, bb_basename(img[i].path));
		uint8_t h[64];
		int rc;

		rc = lr_copy_pass(img[i].fd, img[i].path, size[i], 0, dst, img[i].verify ? h : NULL, img[i].verify);
		if (rc == 0 && img[i].verify)
			rc = lr_check_hash(img[i].path, img[i].want, h, img[i].verify, "while copying it to RAM");
		copies[i].fd = rc == 0 ? open(dst, O_RDONLY | O_CLOEXEC) : -1;
		if (copies[i].fd < 0) {
			if (rc == 0)
				bb_perror_msg("%s", dst);
			free(dst);
			goto fail;
		}
		copies[i].path = dst;
		copies[i].verify = 0; /* what is mounted is what was hashed */
		copies[i].roothash = img[i].roothash;  /* verity: over the copy */
	}
	for (i = 0; i < n; i++) {
		close(img[i].fd);
		free(img[i].path);
		img[i] = copies[i];
	}
	lr_log("copied %u image(s), %llu MiB, to " LR_RAM, n, total / MiB);
	return 0;
 fail:
	/* never boot from a half-copied image */
	while (i-- > 0) {
		close(copies[i].fd);
		free(copies[i].path);
	}
	umount2(LR_RAM, MNT_DETACH);
	rmdir(LR_RAM);
	return -1;
}

/* nbd=: the export is the root image, the device mounted as it is;
 * hashed first with verify=sha256:HEX (no hash file beside a device) */
static int nbd_image(const struct lr_opts *o, const char *dev, struct lr_image *img)
{
	img->fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (img->fd < 0) {
		bb_perror_msg("%s", dev);
		return -1;
	}
	img->path = xstrdup(dev);
	if (o->verify) {
		if (!o->verify_hex) {
			bb_error_msg("verify=sha%u with nbd=: give the hash (verify=sha%u:HEX), there "
					"is no hash file beside an NBD export", o->verify, o->verify);
			return -1;
		}
		img->verify = o->verify;
		strcpy(img->want, o->verify_hex);
		str_tolower(img->want);
		if (o->toram == TORAM_NO)
			lr_log("verify= over NBD: the export is hashed as read once; a server that "
					"sends other bytes later is not caught (toram=yes hashes the copy "
					"that is mounted)");
	}
	if (o->toram != TORAM_NO) {
		int rc;

		if (o->toram == TORAM_BG)
			lr_log("toram=background: an nbd= export is copied before the boot goes on, "
					"as with toram=yes");
		rc = copy_to_ram(o, img, 1);
		if (rc < 0)
			return -1;
		if (rc == 0)
			lr_log("the NBD export is in RAM: the server is not read from any more");
	}
	return 1;
}

/* fetch=: the images in RAM already, hashed while they came */
static int fetched_images(const struct lr_source *src, struct lr_image *img)
{
	unsigned i;

	for (i = 0; i < src->nfetched; i++) {
		img[i].fd = open(src->fetched[i], O_RDONLY | O_CLOEXEC);
		if (img[i].fd < 0) {
			bb_perror_msg("%s", src->fetched[i]);
			return -1;
		}
		img[i].path = xstrdup(src->fetched[i]);
	}
	return src->nfetched;
}

/* iso= on the media: loop-mounted on LR_ISO */
static int mount_iso_file(const char *iso)
{
	char dev[32];
	int fd, dio;

	fd = lr_open_media_file(LR_MEDIA, iso, "iso=");
	if (fd < 0)
		return -1;
	if (lr_mount_iso(fd, iso, "", LR_ISO, dev, sizeof(dev), &dio) != 0)
		return -1;
	lr_log("ISO file %s on %s (direct I/O %s)", iso, dev, dio ? "on" : "off");
	return 0;
}

/* toram=: copy the images to RAM and release the media, or (not enough
 * RAM) boot from it.  Returns 0, -1. */
static int media_to_ram(const struct lr_opts *o, const struct lr_source *src,
		struct lr_image *img, unsigned n, int *released)
{
	int rc;

	if (src->kind == LR_SRC_FETCHED_ISO) {
		lr_log("toram: the images are in RAM already (the fetched ISO)");
		return 0;
	}
	if (o->toram == TORAM_BG) {
		/* mounted over a linear device; background.c copies once the
		 * switch is certain */
		for (rc = 0; rc < (int)n; rc++)
			snprintf(img[rc].bg, sizeof(img[rc].bg), LR_BG_DM "%d", rc);
		return 0;
	}
	rc = copy_to_ram(o, img, n);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		/* the media is not needed any more: release it */
		if (o->iso && umount2(LR_ISO, 0) != 0)
			lr_log("the images are in RAM, but the ISO file can't be unmounted (%s): "
					"the media must stay in", strerror(errno));
		else if (src->rw)
			lr_log("the media holds the persistent layer: it stays mounted");
		else if ((rc = lr_release_media()) == 0)
			*released = 1;  /* (whether it can be taken out: once the layers are up) */
		else if (rc > 0)
			lr_log("the images are in RAM, but the media is still read from (detached, "
					"not unmounted): leave it in");
	}
	/* rc > 0: not enough RAM, use the media */
	return 0;
}

/* The images on the media (inside iso= if given) -- every path resolved
 * inside the media, regular files only -- with their expected hashes.
 * Returns how many, or -1. */
static int media_images(const struct lr_opts *o, const struct lr_source *src,
		struct lr_image *img)
{
	const char *base = LR_MEDIA;
	char *found[LR_MAX_IMAGES];
	char **names = (char **)o->images;
	/* (a fetched ISO was hashed as a whole while it came) */
	unsigned verify = src->kind == LR_SRC_FETCHED_ISO ? 0 : o->verify;
	unsigned i, n = o->nimages;
	int rc;

	if (o->iso) {
		if (mount_iso_file(o->iso) != 0)
			return -1;
		base = LR_ISO;
	}
	if (o->image_dir) {
		rc = lr_list_images(base, o, found, 0);
		if (rc < 0)
			return -1;
		n = rc;
		names = found;
		if (o->verify_hex && n > 1) {
			bb_error_msg("verify=sha%u:HEX names one hash, %s holds %u images", o->verify, o->image_dir, n);
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		char *name;

		/* (A|B: image= only; names read from the media are names) */
		if (names == found) {
			img[i].fd = lr_open_media_file(base, names[i], "image");
			name = xstrdup(names[i]);
		} else
			img[i].fd = lr_open_media_alt(base, names[i], "image", &name);
		if (img[i].fd < 0)
			return -1;
		img[i].path = concat_path_file(base, name);
		rc = verify ? expected_hash(o, base, name, img[i].want) : 0;
		free(name);
		if (rc != 0)
			return -1;
		img[i].verify = verify;
	}
	if (names == found)
		for (i = 0; i < n; i++)
			free(found[i]);
	return n;
}

/* The images to mount, from the source: img[] gets them (LR_MAX_IMAGES
 * room), copied to RAM if asked; *released: the media was unmounted then.
 * Returns how many, or -1. */
int lr_prepare_images(const struct lr_opts *o, const struct lr_source *src,
		struct lr_image *img, int *released)
{
	unsigned i;
	int n;

	*released = 0;
	memset(img, 0, sizeof(img[0]) * LR_MAX_IMAGES);
	for (i = 0; i < LR_MAX_IMAGES; i++)
		img[i].fd = -1;
	if (src->kind == LR_SRC_FETCHED)
		n = fetched_images(src, img);
	else if (src->kind == LR_SRC_NBD_IMAGE)
		n = nbd_image(o, src->dev, img);
	else
		n = media_images(o, src, img);
	if (n > 0 && o->nverity) {
		if (o->nverity != (unsigned)n) {
			bb_error_msg("verity= names %u root hash(es) for %d image(s): one per image, "
					"the bottom layer first", o->nverity, n);
			return -1;
		}
		for (i = 0; i < (unsigned)n; i++)
			img[i].roothash = o->verity_hashes[i];
	}
	if (n >= 0 && src->kind != LR_SRC_FETCHED && src->kind != LR_SRC_NBD_IMAGE
	 && o->toram != TORAM_NO && media_to_ram(o, src, img, n, released) != 0)
		return -1;
	return n;
}
