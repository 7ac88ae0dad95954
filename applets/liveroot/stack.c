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
		if (type && (strcmp(type, "vfat") == 0 || strcmp(type, "exfat") == 0
				|| strcmp(type, "iso9660") == 0)) {
			bb_error_msg("%s is %s: it can't hold an overlay upper layer (no ownership, "
					"xattrs or whiteouts); use ext4, btrfs or xfs", dev, type);
			free(dev);
			return -1;
		}
		rc = lr_mount_fs(dev, LR_PERSIST, type, MS_NODEV | MS_NOSUID);
		if (rc != 0) {
			bb_perror_msg("can't mount %s read-write (%s)%s", dev, type ? type : "?",
					errno == ENODEV ? ": its driver is not in the initramfs "
					"(build with MODULES+=ext4)" : "");
			free(dev);
			return -1;
		}
		if (statvfs(LR_PERSIST, &sfs) == 0 && (sfs.f_flag & ST_RDONLY)) {
			bb_error_msg("%s was mounted read-only (errors on it?): not using it as the "
					"persistent layer", dev);
			free(dev);
			return -1;
		}
		dir = concat_path_file(LR_PERSIST, o->rw_dir);
		lr_log("writable layer: persistent, %s on %s, directory %s", dev, LR_PERSIST, o->rw_dir);
		free(dev);
	}
	*upper = concat_path_file(dir, "upper");
	*work = concat_path_file(dir, "work");
	free(dir);
	/* created on first use, kept afterwards */
	if (lr_mkdir(*upper) != 0 || lr_mkdir(*work) != 0)
		return -1;
	return 0;
}

int lr_mount_stack(const struct lr_opts *o)
{
	char *paths[LR_MAX_IMAGES + 1];
	char *lower = NULL, *upper, *work, *data;
	unsigned i;
	int rc;

	if (lr_prepare_images(o, paths) != 0)
		return -1;
	lr_memlog("images");
	for (i = 0; i < o->nimages; i++) {
		char *target = xasprintf(LR_DIR "/layer%u", i);
		char *l;

		if (lr_mount_image(paths[i], target) != 0) {
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
