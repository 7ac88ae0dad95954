/* vi: set sw=4 ts=4: */
/*
 * liveroot: the source of the boot -- where the images come from, found
 * once: the network (for fetch=, nbd=, ip=), then fetch='s images in RAM,
 * or nbd='s device, then the media (a device, a fetched ISO image, or an
 * NBD export that is not an image itself).  The result, struct lr_source,
 * is handed to the stages that use it (images, layer, shutdown).
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += source.o

#include "libbb.h"
#include "liveroot.h"

/* The network's part (fetch=, nbd=): src->kind, fetched[], dev.  NULL, or
 * why not. */
static const char *net_source(const struct lr_opts *o, struct lr_source *src)
{
	char dev[32];
	int rc;

	if (o->fetch || o->nbd || o->ip.mode != LR_IP_UNSET) {
		if (lr_net_up(o) != 0) {
			if (o->fetch || o->nbd)
				return "no network (see above)";
			lr_log("ip=: no network; the boot goes on (nothing here needs it)");
		}
		lr_memlog("network");
	}
	if (o->fetch) {
		rc = lr_fetch_images(o, src->fetched);
		if (rc < 0)
			return "the images could not be fetched (see above): nothing was mounted";
		src->nfetched = o->nfetch;
		src->kind = rc ? LR_SRC_FETCHED_ISO : LR_SRC_FETCHED;
		lr_memlog("fetched");
	}
	if (o->nbd) {
		rc = lr_nbd_connect(o, dev, sizeof(dev));
		if (rc < 0)
			return "no NBD device (see above)";
		src->dev = xstrdup(dev);
		src->kind = rc ? LR_SRC_NBD_IMAGE : LR_SRC_NBD_MEDIA;
		lr_memlog("nbd");
	}
	return NULL;
}

/* Is there media to mount?  None when fetch= brought the images, or the
 * NBD export is the image. */
static int has_media(const struct lr_source *src)
{
	return src->kind != LR_SRC_FETCHED && src->kind != LR_SRC_NBD_IMAGE;
}

const char *lr_find_source(const struct lr_opts *o, struct lr_source *src)
{
	const char *why;

	memset(src, 0, sizeof(*src));
	src->kind = LR_SRC_MEDIA;
	if (ENABLE_FEATURE_LIVEROOT_NET) {
		why = net_source(o, src);
		if (why)
			return why;
	}
	if (has_media(src)) {
		if (lr_mount_media(o, src) != 0)
			return "no boot media";
		lr_memlog("media");
	}
	return NULL;
}
