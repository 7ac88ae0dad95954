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
#include <sys/vfs.h>

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

int lr_mount_stack(const struct lr_opts *o)
{
	char *img, *data;
	int rc;

	img = concat_path_file(LR_MEDIA, o->image);
	rc = lr_mount_image(o, img, LR_DIR "/layer0");
	free(img);
	if (rc != 0)
		return -1;

	/* the writable layer */
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
	if (lr_mkdir(LR_RW "/upper") != 0 || lr_mkdir(LR_RW "/work") != 0)
		return -1;
	lr_log("writable layer: tmpfs on " LR_RW " (size %s)",
			o->rw_size ? o->rw_size : "default: half of RAM");

	/* the root: overlay on an empty directory of rootfs */
	if (lr_mkdir(LR_NEWROOT) != 0)
		return -1;
	data = xasprintf("lowerdir=%s,upperdir=" LR_RW "/upper,workdir=" LR_RW "/work",
			LR_DIR "/layer0");
	rc = lr_mount("overlay", LR_NEWROOT, "overlay", 0, data);
	if (rc != 0)
		bb_perror_msg("mount overlay (%s) on " LR_NEWROOT, data);
	else
		lr_log("overlay root on " LR_NEWROOT ": %s", data);
	free(data);
	return rc;
}
