/* vi: set sw=4 ts=4: */
/*
 * liveroot: the mount stack, all of it under /run/liveroot:
 *   media (read-only) -> layer0.. (the images, read-only) + the writable
 *   layer (layer.c: tmpfs or persistent) -> overlayfs on /newroot.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += stack.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/mount.h>

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

/* The images, read-only on LR_DIR/layerN; *lower gets overlayfs's
 * lowerdir (top first); those over a linear device (toram=background)
 * stay open in bg[], *nbg of them; *released: toram=yes let the media go.
 * Returns 0, -1. */
static int mount_images(const struct lr_opts *o, const struct lr_source *src, char **lower,
		struct lr_image *bg, unsigned *nbg, int *released)
{
	struct lr_image img[LR_MAX_IMAGES];
	unsigned i;
	int n, rc;

	*lower = NULL;
	*nbg = 0;
	n = lr_prepare_images(o, src, img, released);
	if (n < 0)
		return -1;
	lr_memlog("images");
	for (i = 0; i < (unsigned)n; i++) {
		char *target = xasprintf(LR_DIR "/layer%u", i);
		char *l, *root;

		rc = lr_mount_image(&img[i], target, &root);
		free(target);
		if (rc == 0 && img[i].bg[0]) {
			bg[(*nbg)++] = img[i];
		} else {
			close(img[i].fd);
			free(img[i].path);
		}
		if (rc != 0)
			return -1;
		/* overlayfs lists the top layer first; image= lists the bottom first */
		l = *lower ? xasprintf("%s:%s", root, *lower) : xstrdup(root);
		free(*lower);
		*lower = l;
		free(root);
	}
	return 0;
}

/* The root: overlay on an empty directory of rootfs.  index=off: a
 * persistent upper must stay usable when the image below changes. */
static int mount_overlay(const char *lower, const struct lr_rw *rw)
{
	char *data;
	int rc;

	if (lr_mkdir(LR_NEWROOT) != 0)
		return -1;
	data = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s,index=off", lower, rw->upper, rw->work);
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
	return rc;
}

/* images -> writable layer -> overlay on LR_NEWROOT; the images for
 * toram=background in bg[] (LR_MAX_IMAGES room), *nbg of them */
int lr_mount_stack(const struct lr_opts *o, const struct lr_source *src,
		struct lr_image *bg, unsigned *nbg)
{
	char *lower;
	struct lr_rw rw;
	int rc, released;

	rc = mount_images(o, src, &lower, bg, nbg, &released);
	if (rc == 0)
		rc = lr_mount_rw(o, src, &rw);
	if (rc == 0 && rw.lower) {
		/* a persistent layer that can't be written: on top, read-only */
		char *l = xasprintf("%s:%s", rw.lower, lower);
		free(lower);
		lower = l;
	}
	if (rc == 0) {
		rc = mount_overlay(lower, &rw);
		free(rw.upper);
		free(rw.work);
		free(rw.lower);
	}
	free(lower);
	if (rc == 0 && released)  /* (every layer is up: is its disk free?) */
		lr_media_released("", src->dev, 0, o->flags & LR_EJECT);
	return rc;
}
