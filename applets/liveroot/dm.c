/* vi: set sw=4 ts=4: */
/*
 * liveroot: device-mapper by its ioctls (no dmsetup, no libdevmapper): a
 * device with one target, made, loaded and resumed; removed again when
 * anything fails.  A system helper: the images stage puts dm-verity on it.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += dm.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/sysmacros.h>
#include <linux/dm-ioctl.h>

#define DM_CONTROL "/dev/mapper/control"
#define DM_CONTROL_MINOR 236    /* a misc device (major 10) */

struct dm_req {
	struct dm_ioctl io;
	struct dm_target_spec spec;
	char params[1024];
};

static void dm_init(struct dm_req *r, const char *name, size_t size)
{
	memset(r, 0, sizeof(*r));
	r->io.version[0] = DM_VERSION_MAJOR;
	r->io.data_size = size;
	r->io.data_start = sizeof(r->io);
	safe_strncpy(r->io.name, name, sizeof(r->io.name));
}

/* the control device; devtmpfs makes it when dm-mod loads, else we do */
static int dm_control(int quiet)
{
	int fd = open(DM_CONTROL, O_RDWR | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		mkdir("/dev/mapper", 0755);
		if (mknod(DM_CONTROL, S_IFCHR | 0600, makedev(10, DM_CONTROL_MINOR)) == 0 || errno == EEXIST)
			fd = open(DM_CONTROL, O_RDWR | O_CLOEXEC);
	}
	if (fd < 0 && !quiet)
		bb_perror_msg("%s (device-mapper: module dm-mod; make EXTRA_MODULES=dm, or verity)",
				DM_CONTROL);
	return fd;
}

static int dm_call(int fd, unsigned long cmd, const char *what, struct dm_req *r)
{
	if (ioctl(fd, cmd, r) == 0)
		return 0;
	bb_perror_msg("device-mapper %s %s%s", what, r->io.name, cmd != DM_TABLE_LOAD ? ""
			: " (the kernel log says why: dmesg | grep device-mapper)");
	return -1;
}

int lr_dm_remove(const char *name)
{
	struct dm_req r;
	int fd = dm_control(0), rc;

	if (fd < 0)
		return -1;
	dm_init(&r, name, sizeof(r.io));
	rc = dm_call(fd, DM_DEV_REMOVE, "remove", &r);
	close(fd);
	return rc;
}

/* The way down: remove PREFIX0 .. PREFIX<max-1> that nothing uses any more
 * (their loop devices and media go free); how many went */
unsigned lr_dm_release(const char *prefix, unsigned max)
{
	struct dm_req r;
	unsigned i, n = 0;
	int fd = dm_control(1);

	if (fd < 0)
		return 0;
	for (i = 0; i < max; i++) {
		char name[DM_NAME_LEN];

		snprintf(name, sizeof(name), "%s%u", prefix, i);
		dm_init(&r, name, sizeof(r.io));
		if (ioctl(fd, DM_DEV_REMOVE, &r) == 0) {
			lr_log("removed device-mapper %s", name);
			n++;
		}
	}
	close(fd);
	return n;
}

/* a table of one TYPE target into NAME's inactive slot */
static int dm_load(int fd, const char *name, const char *type, unsigned long long sectors,
		const char *params, int ro)
{
	struct dm_req r;
	size_t plen = strlen(params);

	if (plen >= sizeof(r.params)) {
		bb_error_msg("device-mapper %s: table too long", name);
		return -1;
	}
	dm_init(&r, name, sizeof(r));
	r.io.target_count = 1;
	r.io.flags = ro ? DM_READONLY_FLAG : 0;
	r.spec.sector_start = 0;
	r.spec.length = sectors;
	safe_strncpy(r.spec.target_type, type, sizeof(r.spec.target_type));
	memcpy(r.params, params, plen + 1);
	return dm_call(fd, DM_TABLE_LOAD, "load", &r);
}

/* suspend (flags: DM_SUSPEND_FLAG) or resume (0: the loaded table goes live) */
static int dm_suspend(int fd, const char *name, unsigned flags)
{
	struct dm_req r;

	dm_init(&r, name, sizeof(r.io));
	r.io.flags = flags;
	return dm_call(fd, DM_DEV_SUSPEND, flags ? "suspend" : "resume", &r);
}

/* NAME: one TYPE target of SECTORS with PARAMS, read-only if RO; its node
 * (/dev/dm-N) in DEV.  0, or -1 with the reason said (nothing left). */
int lr_dm_create(const char *name, const char *type, unsigned long long sectors,
		const char *params, int ro, char *dev, size_t devsz)
{
	struct dm_req r;
	struct stat st;
	dev_t devno;
	int fd;

	fd = dm_control(0);
	if (fd < 0)
		return -1;
	dm_init(&r, name, sizeof(r.io));
	if (dm_call(fd, DM_DEV_CREATE, "create", &r) != 0)
		goto out;
	devno = r.io.dev;
	if (dm_load(fd, name, type, sectors, params, ro) != 0 || dm_suspend(fd, name, 0) != 0)
		goto remove;
	close(fd);
	/* devtmpfs names it dm-MINOR; without devtmpfs, we make the node */
	snprintf(dev, devsz, "/dev/dm-%u", minor(devno));
	if (stat(dev, &st) != 0 || !S_ISBLK(st.st_mode) || st.st_rdev != devno) {
		unlink(dev);
		if (mknod(dev, S_IFBLK | 0600, devno) != 0) {
			bb_perror_msg("mknod %s", dev);
			lr_dm_remove(name);
			return -1;
		}
	}
	return 0;
 remove:
	dm_init(&r, name, sizeof(r.io));
	ioctl(fd, DM_DEV_REMOVE, &r);
 out:
	close(fd);
	return -1;
}

/* NAME, in use, gets a new table: loaded, then the device suspended (new
 * reads wait, those in flight finish), the table swapped in on resume.
 * 0, or -1 (said) with the old table live. */
int lr_dm_reload(const char *name, const char *type, unsigned long long sectors,
		const char *params, int ro)
{
	struct dm_req r;
	int fd = dm_control(0), rc = -1;

	if (fd < 0)
		return -1;
	if (dm_load(fd, name, type, sectors, params, ro) != 0)
		goto out;
	if (dm_suspend(fd, name, DM_SUSPEND_FLAG) != 0) {
		dm_init(&r, name, sizeof(r.io));
		ioctl(fd, DM_TABLE_CLEAR, &r);
		goto out;
	}
	rc = dm_suspend(fd, name, 0);
	if (rc != 0) {
		/* never leave it suspended: the old table, then */
		dm_init(&r, name, sizeof(r.io));
		ioctl(fd, DM_TABLE_CLEAR, &r);
		dm_suspend(fd, name, 0);
	}
 out:
	close(fd);
	return rc;
}
