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
#include <linux/loop.h>

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

/* "squashfs", "erofs" or NULL */
static const char *image_type(int fd)
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

/* Attach fd to a free loop device; returns the loop device fd, *dio says
 * whether direct I/O is in effect. */
static int loop_attach(int fd, const char *file, char *dev, size_t devsz, int *dio)
{
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
		lfd = open(dev, O_RDONLY | O_CLOEXEC);
		if (lfd < 0 && errno == ENOENT) {
			/* devtmpfs may lag behind: make the node ourselves */
			mknod(dev, S_IFBLK | 0600, makedev(7, n));
			lfd = open(dev, O_RDONLY | O_CLOEXEC);
		}
		if (lfd < 0) {
			bb_perror_msg("%s", dev);
			break;
		}
		memset(&cfg, 0, sizeof(cfg));
		cfg.fd = fd;
		cfg.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR | LO_FLAGS_DIRECT_IO;
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
		info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
		safe_strncpy((char *)info.lo_file_name, file, LO_NAME_SIZE);
		if (ioctl(lfd, LOOP_SET_STATUS64, &info) != 0) {
			bb_perror_msg("LOOP_SET_STATUS64 %s", dev);
			ioctl(lfd, LOOP_CLR_FD, 0);
			close(lfd);
			break;
		}
		ioctl(lfd, LOOP_SET_DIRECT_IO, 1UL); /* best effort */
		goto ok;
	}
	close(ctl);
	return -1;
 ok:
	close(ctl);
	*dio = 0;
	if (ioctl(lfd, LOOP_GET_STATUS64, &info) == 0)
		*dio = !!(info.lo_flags & LO_FLAGS_DIRECT_IO);
	return lfd;
}

int lr_mount_image(const struct lr_opts *o UNUSED_PARAM, const char *path, const char *target)
{
	char dev[32];
	const char *type;
	int fd, lfd, dio, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		bb_perror_msg("image %s", path);
		return -1;
	}
	type = image_type(fd);
	if (!type) {
		bb_error_msg("image %s is neither squashfs nor erofs (bad magic): "
				"corrupt or not a root image", path);
		close(fd);
		return -1;
	}
	lfd = loop_attach(fd, path, dev, sizeof(dev), &dio);
	close(fd);  /* the loop device holds its own reference */
	if (lfd < 0)
		return -1;
	if (lr_mkdir(target) != 0) {
		close(lfd);
		return -1;
	}
	rc = lr_mount(dev, target, type, MS_RDONLY | MS_NODEV, NULL);
	if (rc != 0)
		bb_perror_msg("mount %s (%s on %s) on %s", type, dev, path, target);
	else
		lr_log("mounted %s (%s, %s, direct I/O %s) read-only on %s", path, type, dev,
				dio ? "on" : "off: the backing filesystem can't do it", target);
	/* with autoclear, the loop device goes away with its last user:
	 * the mount, or nobody if the mount failed */
	close(lfd);
	return rc;
}
