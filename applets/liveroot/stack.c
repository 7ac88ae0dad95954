/* vi: set sw=4 ts=4: */
/*
 * liveroot: the mount stack, all of it under /run/liveroot:
 *   media (read-only) -> layer0 (the image, read-only) + rw (tmpfs: upper,
 *   work) -> overlayfs on /newroot.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += stack.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/mount.h>
#include <sys/statvfs.h>

static int is_mountpoint(const char *path)
{
	struct stat a, b;
	char *parent = xasprintf("%s/..", path);
	int r = stat(path, &a) == 0 && stat(parent, &b) == 0
		&& (a.st_dev != b.st_dev || a.st_ino == b.st_ino);
	free(parent);
	return r;
}

/* /run: a tmpfs of its own, so that it can move into the new root. */
int lr_mount_run(void)
{
	if (mkdir(LR_RUN, 0755) != 0 && errno != EEXIST) {
		bb_simple_perror_msg(LR_RUN);
		return -1;
	}
	if (!is_mountpoint(LR_RUN)
	 && lr_mount("tmpfs", LR_RUN, "tmpfs", MS_NODEV | MS_NOSUID, "mode=0755") != 0
	) {
		bb_simple_perror_msg("mount tmpfs on " LR_RUN);
		return -1;
	}
	if (lr_mkdir(LR_DIR) != 0)
		return -1;
	lr_open_log();
	return 0;
}

/* filesystems a persistent upper layer may live on */
static const char rw_types[] ALIGN1 = "ext4\0" "ext3\0" "ext2\0" "btrfs\0" "xfs\0";

/* Is PATH (as the overlay will resolve it) the directory fd is open on? */
static int same_dir(const char *path, int fd)
{
	struct stat a, b;
	return stat(path, &a) == 0 && fstat(fd, &b) == 0
		&& a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* BASE/DIR/{upper,work}, confined to BASE's filesystem (created on first
 * use, kept afterwards); sets *upper, *work (malloced paths that resolve
 * to exactly those directories). */
static int confine_layer(const char *base, const char *dir, char **upper, char **work)
{
	char *d = xasprintf("%s/upper", dir), *w = xasprintf("%s/work", dir);
	int ufd = lr_open_dir_beneath(base, d, 1);
	int wfd = ufd >= 0 ? lr_open_dir_beneath(base, w, 1) : -1;
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

/* The writable layer: a tmpfs, or a directory on a persistent filesystem.
 * Sets upper and work (malloced). */
static int mount_rw(const struct lr_opts *o, char **upper, char **work)
{
	char *data, *dev, *dir;
	const char *type;
	int rc;

	if (!o->rw_dev) {
		if (lr_mkdir(LR_RW) != 0)
			return -1;
		data = xasprintf("mode=0755%s%s", o->rw_size ? ",size=" : "",
				o->rw_size ? o->rw_size : "");
		rc = lr_mount("tmpfs", LR_RW, "tmpfs", MS_NODEV | MS_NOSUID, data);
		if (rc != 0)
			bb_perror_msg("mount tmpfs (%s) on " LR_RW, data);
		free(data);
		if (rc != 0)
			return -1;
		lr_log("writable layer: tmpfs on " LR_RW " (size %s)",
				o->rw_size ? o->rw_size : "default: half of RAM");
		dir = xstrdup(LR_RW);
	} else {
		struct statvfs sfs;

		dev = lr_wait_device(o, o->rw_dev, &type);
		if (!dev) {
			bb_error_msg("the persistent layer rw=%s is not there; not booting without it "
					"(nothing written). Use rw=tmpfs for a throwaway layer", o->rw);
			return -1;
		}
		/* only filesystems that can hold an overlay upper layer, and
		 * only when the probe is sure: never a guessed read-write mount */
		if (!type || index_in_strings(rw_types, type) < 0) {
			bb_error_msg("%s is %s: it can't hold an overlay upper layer%s; use ext4, "
					"btrfs or xfs (nothing was written to it)", dev,
					type ? type : "of no filesystem type liveroot recognizes",
					type ? " (no ownership, xattrs or whiteouts)" : "");
			free(dev);
			return -1;
		}
		rc = lr_mount_fs(dev, LR_PERSIST, type, MS_NODEV | MS_NOSUID);
		if (rc != 0) {
			bb_perror_msg("can't mount %s read-write (%s)%s", dev, type ? type : "?",
					errno == ENODEV ? ": its driver is not in the initramfs "
					"(build with make EXTRA_MODULES=ext4, or btrfs, xfs)" : "");
			free(dev);
			return -1;
		}
		if (statvfs(LR_PERSIST, &sfs) == 0 && (sfs.f_flag & ST_RDONLY)) {
			bb_error_msg("%s was mounted read-only (errors on it?): not using it as the "
					"persistent layer", dev);
			free(dev);
			return -1;
		}
		/* DIR, DIR/upper and DIR/work: created or opened one component
		 * at a time inside the persistence filesystem, no symlink
		 * followed -- the stick can't point the layer anywhere else */
		if (confine_layer(LR_PERSIST, o->rw_dir, upper, work) != 0) {
			bb_error_msg("not using %s as the persistent layer (nothing was written "
					"outside it)", dev);
			free(dev);
			return -1;
		}
		lr_log("writable layer: persistent, %s on %s, directory %s", dev, LR_PERSIST, o->rw_dir);
		free(dev);
		return 0;
	}
	*upper = concat_path_file(dir, "upper");
	*work = concat_path_file(dir, "work");
	free(dir);
	if (lr_mkdir(*upper) != 0 || lr_mkdir(*work) != 0)
		return -1;
	return 0;
}

int lr_mount_stack(const struct lr_opts *o)
{
	struct lr_image img[LR_MAX_IMAGES];
	char *lower = NULL, *upper, *work, *data;
	unsigned i;
	int rc;

	if (lr_prepare_images(o, img) != 0)
		return -1;
	lr_memlog("images");
	for (i = 0; i < o->nimages; i++) {
		char *target = xasprintf(LR_DIR "/layer%u", i);
		char *l;

		rc = lr_mount_image(&img[i], target);
		close(img[i].fd);
		free(img[i].path);
		if (rc != 0) {
			free(target);
			return -1;
		}
		/* overlayfs lists the top layer first; image= lists the bottom first */
		l = lower ? xasprintf("%s:%s", target, lower) : xstrdup(target);
		free(lower);
		lower = l;
		free(target);
	}

	if (mount_rw(o, &upper, &work) != 0)
		return -1;

	/* the root: overlay on an empty directory of rootfs.  index=off: a
	 * persistent upper must stay usable when the image below changes. */
	if (lr_mkdir(LR_NEWROOT) != 0)
		return -1;
	data = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s,index=off", lower, upper, work);
	rc = lr_mount("overlay", LR_NEWROOT, "overlay", 0, data);
	if (rc != 0 && errno == EINVAL) {
		/* a kernel without index= support */
		*strrchr(data, ',') = '\0';
		rc = lr_mount("overlay", LR_NEWROOT, "overlay", 0, data);
	}
	if (rc != 0)
		bb_perror_msg("mount overlay (%s) on " LR_NEWROOT, data);
	else
		lr_log("overlay root on " LR_NEWROOT ": %s", data);
	free(data);
	free(lower);
	free(upper);
	free(work);
	return rc;
}
