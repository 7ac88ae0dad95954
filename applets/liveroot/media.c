/* vi: set sw=4 ts=4: */
/*
 * liveroot: drivers and devices.  Coldplug loads the modules that match the
 * devices in /sys (their modalias) -- again whenever the kernel announces a
 * device on the uevent netlink socket, so devices that appear late (behind
 * a freshly loaded host adapter, a USB stick) are found too.  No udev, no
 * mdev daemon: nothing is left running.  Devices are found by LABEL=,
 * UUID= (filesystem), PARTUUID=, PARTLABEL= (partition table) or path;
 * media=auto takes the first device that holds the image.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += media.o

#include "libbb.h"
#include "liveroot.h"
#include "../util-linux/volume_id/volume_id_internal.h"
#include <sys/mount.h>
#include <poll.h>
#include <linux/netlink.h>
#include <linux/cdrom.h>

struct collect {
	char *list;     /* new modaliases: " a b c " */
	size_t len;
	int disks;      /* a new USB mass storage or SATA controller */
};

/* Disks behind a USB mass storage interface or a SATA (AHCI) controller
 * need sd_mod, which is asked for only once the kernel has found the
 * disk (scsi:t-0x00): loaded with their driver, it is there by then (a
 * USB stick waits usb-storage's delay_use, 1 s, before its disk shows). */
static int has_disks(const char *alias)
{
	return (is_prefixed_with(alias, "usb:") && strstr(alias, "ic08"))
		|| (is_prefixed_with(alias, "pci:") && strstr(alias, "bc01sc06"));
}

static void add_modalias(struct collect *c, const char *path)
{
	char buf[256];
	char *key;
	ssize_t n;

	n = open_read_close(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	*strchrnul(buf, '\n') = '\0';
	if (!buf[0] || strchr(buf, ' '))
		return;
	key = xasprintf(" %s ", buf);
	if (!(G.loaded && strstr(G.loaded, key)) && !(c->list && strstr(c->list, key))) {
		c->list = xrealloc(c->list, c->len + strlen(key) + 1);
		strcpy(c->list + c->len, key);
		c->len += strlen(key) - 1; /* the trailing space separates the next */
		c->disks |= has_disks(buf);
	}
	free(key);
}

/* Every device is linked from /sys/bus/BUS/devices/: two directory levels
 * instead of a walk through all of /sys/devices (which costs ~0.15 s under
 * emulation, in the boot's critical path). */
static void collect_modaliases(struct collect *c)
{
	DIR *bd, *dd;
	struct dirent *b, *d;
	char path[64 + 2 * NAME_MAX];

	bd = opendir("/sys/bus");
	if (!bd)
		return;
	while ((b = readdir(bd)) != NULL) {
		if (b->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/%s/devices", b->d_name);
		dd = opendir(path);
		if (!dd)
			continue;
		while ((d = readdir(dd)) != NULL) {
			if (d->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/modalias",
					b->d_name, d->d_name);
			add_modalias(c, path);
		}
		closedir(dd);
	}
	closedir(bd);
}

/* Load the modules for every device not handled yet, plus the names in
 * extra (in the same modprobe run); returns how many new devices there were. */
int lr_coldplug(const char *extra)
{
	struct collect c = { NULL, 0, 0 };
	char *old, *p, *all;
	int n = 0;

	collect_modaliases(&c);
	if (c.list) {
		for (p = c.list + 1; *p; p++)
			n += (*p == ' ');
		old = G.loaded;
		G.loaded = xasprintf("%s%s", old ? old : " ", c.list + 1);
		free(old);
	}
	if (c.list || extra) {
		all = xasprintf("%s %s%s", c.list ? c.list : "", extra ? extra : "",
				c.disks ? " sd_mod" : "");
		lr_run_modprobe(all);
		free(all);
	}
	free(c.list);
	return n;
}

/* Asked for with the first coldplug, after the hardware's drivers: the CD
 * driver and ISO 9660, which most live media are (a CD, or a hybrid ISO
 * on a stick: loaded here, the mount does not wait for the kernel to run
 * modprobe for it; small, unlike sd_mod, which comes with the disk
 * controllers that need it: has_disks), and -- in a modprobe run of its
 * own, not waited for -- the stack every boot needs, which loads while
 * the kernel probes the buses (dm-mod's start is not cheap: dm-verity
 * there too when verity= asks).  A filesystem there is named as its type
 * (lr_mount waits for the run by type). */
static const char preload_hw[] ALIGN1 = "sr_mod isofs";
static const char preload_stack[] ALIGN1 = "loop squashfs overlay";
static const char preload_verity[] ALIGN1 = "loop squashfs overlay dm-verity";

/* --- partition tables: PARTUUID, PARTLABEL ------------------------------ */

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* The disk a block device belongs to: itself, or a partition's parent */
static char *disk_of(const char *name)
{
	char path[64 + NAME_MAX], *link, *d;

	snprintf(path, sizeof(path), "/sys/class/block/%s/partition", name);
	if (access(path, F_OK) != 0)
		return xstrdup(name);
	snprintf(path, sizeof(path), "/sys/class/block/%s", name);
	link = xmalloc_readlink(path);      /* .../block/sda/sda1 */
	if (!link)
		return xstrdup(name);
	*strrchr(link, '/') = '\0';
	d = xstrdup(bb_basename(link));
	free(link);
	return d;
}

/* PARTUUID of partition NAME, as the kernel spells it for root=PARTUUID=:
 * GPT: the partition's unique GUID; MBR: DISKSIG-NN. */
static char *part_uuid(const char *name)
{
	char path[64 + 2 * NAME_MAX], buf[32], *d, *disk, *res = NULL;
	uint8_t *b = NULL;
	unsigned num, bs = 512;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/block/%s/partition", name);
	if (lr_read_small(path, buf, sizeof(buf)) <= 0)
		return NULL;
	num = atoi(buf);
	d = disk_of(name);
	disk = xasprintf("/dev/%s", d);
	free(d);
	fd = open(disk, O_RDONLY | O_CLOEXEC);
	free(disk);
	if (fd < 0)
		return NULL;
	ioctl(fd, BLKSSZGET, &bs);
	if (bs < 512 || bs > 4096)
		bs = 512;
	b = xmalloc(2 * bs);
	if (pread(fd, b, 2 * bs, 0) != (ssize_t)(2 * bs))
		goto out;
	if (memcmp(b + bs, "EFI PART", 8) == 0) {
		uint64_t lba = le32(b + bs + 72) | ((uint64_t)le32(b + bs + 76) << 32);
		uint32_t cnt = le32(b + bs + 80), esz = le32(b + bs + 84);
		uint8_t e[128];
		if (num == 0 || num > cnt || esz < 128 || esz > 4096
		 || pread(fd, e, 128, lba * bs + (uint64_t)(num - 1) * esz) != 128
		)
			goto out;
		res = xasprintf("%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
				le32(e + 16), e[20] | (e[21] << 8), e[22] | (e[23] << 8),
				e[24], e[25], e[26], e[27], e[28], e[29], e[30], e[31]);
	} else if (b[510] == 0x55 && b[511] == 0xaa) {
		res = xasprintf("%08x-%02x", le32(b + 440), num);
	}
 out:
	free(b);
	close(fd);
	return res;
}

/* PARTNAME= from the partition's uevent (GPT partition name) */
static char *part_label(const char *name)
{
	char path[64 + NAME_MAX], *u, *p, *res = NULL;

	snprintf(path, sizeof(path), "/sys/class/block/%s/uevent", name);
	u = xmalloc_open_read_close(path, NULL);
	if (u) {
		p = strstr(u, "PARTNAME=");
		if (p && (p == u || p[-1] == '\n')) {
			p += 9;
			*strchrnul(p, '\n') = '\0';
			res = xstrdup(p);
		}
		free(u);
	}
	return res;
}

/* Open DEV and identify its filesystem: the probed volume_id (label,
 * uuid, type; free_volume_id() it), or NULL. */
static struct volume_id *probe_fs(const char *dev)
{
	struct volume_id *vid;
	uint64_t size;
	int fd = open(dev, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		lr_debug("%s: %s", dev, strerror(errno));
		return NULL;
	}
	vid = volume_id_open_node(fd);  /* owns fd now */
	if (ioctl(fd, BLKGETSIZE64, &size) != 0)
		size = 0;
	if (volume_id_probe_all(vid, size) != 0) {
		free_volume_id(vid);
		return NULL;
	}
	lr_debug("%s: type=%s label='%s' uuid='%s'", dev,
			vid->type ? vid->type : "?", vid->label, vid->uuid);
	return vid;
}

/* Does block device NAME match SPEC?  Returns the malloced /dev path and
 * sets *typep (filesystem type, or NULL). */
static char *probe_device(const char *spec, const char *name, const char **typep)
{
	char path[64 + NAME_MAX];
	char buf[32];
	char *dev, *s = NULL;
	struct volume_id *vid;
	int match = 0;

	/* an empty CD drive or card reader has size 0 */
	snprintf(path, sizeof(path), "/sys/class/block/%s/size", name);
	if (lr_read_small(path, buf, sizeof(buf)) <= 0 || buf[0] == '0')
		return NULL;
	if (is_prefixed_with(spec, "PARTUUID="))
		match = (s = part_uuid(name)) && strcasecmp(s, spec + 9) == 0;
	else if (is_prefixed_with(spec, "PARTLABEL="))
		match = (s = part_label(name)) && strcmp(s, spec + 10) == 0;
	free(s);
	dev = xasprintf("/dev/%s", name);
	*typep = NULL;
	vid = probe_fs(dev);
	if (vid) {
		if (is_prefixed_with(spec, "LABEL="))
			match = strcmp(vid->label, spec + 6) == 0;
		else if (is_prefixed_with(spec, "UUID="))
			match = strcasecmp(vid->uuid, spec + 5) == 0;
		*typep = vid->type;
		free_volume_id(vid);
	}
	if (match)
		return dev;
	free(dev);
	return NULL;
}

/* Block devices, removable ones first (for media=auto). */
static int removable(const char *name)
{
	char path[64 + NAME_MAX], buf[4], *disk = disk_of(name); /* a partition: ask its disk */

	snprintf(path, sizeof(path), "/sys/class/block/%s/removable", disk);
	free(disk);
	if (lr_read_small(path, buf, sizeof(buf)) <= 0)
		return 0;
	return buf[0] == '1';   /* USB sticks, card readers and CD-ROMs */
}

/* An unused loop device, or one of liveroot's (backed by a file under
 * /run/liveroot, or by the media device itself for an ISO's image)? */
static int own_loop(const char *name)
{
	char path[64 + NAME_MAX], buf[PATH_MAX], *disk;

	if (!is_prefixed_with(name, "loop"))
		return 0;
	disk = disk_of(name); /* loop0p1: ask loop0 */
	snprintf(path, sizeof(path), "/sys/class/block/%s/loop/backing_file", disk);
	free(disk);
	if (lr_read_small(path, buf, sizeof(buf)) <= 0)
		return 1; /* not bound */
	return is_prefixed_with(buf, LR_DIR "/") || is_prefixed_with(buf, "/dev/");
}

/* Block devices in the order they are looked at: removable ones first, and
 * in each group partitions before whole disks (/sys lists them in a hash
 * order).  A hybrid stick's filesystem is seen on the disk and on its
 * partition: the partition is the one to take -- mounting the whole disk
 * would lock every other partition of it out (a persistence partition). */
static llist_t *block_devices(void)
{
	llist_t *l[4] = { NULL, NULL, NULL, NULL }, *all = NULL, **end = &all;
	char path[64 + NAME_MAX];
	DIR *d = opendir("/sys/class/block");
	struct dirent *de;
	int i;

	if (!d)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		/* RAM disks and liveroot's own loop devices are never the
		 * boot media (a loop device set up by hand, e.g. at
		 * break=premount, may be) */
		if (is_prefixed_with(de->d_name, "ram") || own_loop(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/sys/class/block/%s/partition", de->d_name);
		i = (!removable(de->d_name) << 1) | (access(path, F_OK) != 0);
		llist_add_to_end(&l[i], xstrdup(de->d_name));
	}
	closedir(d);
	for (i = 0; i < 4; i++) {
		*end = l[i];
		while (*end)
			end = &(*end)->link;
	}
	return all;
}

/* Two matches that are one medium: a disk and its own partition (a hybrid
 * image: the same filesystem, or a copy of its superblock, seen twice) */
static int same_medium(const char *a, const char *disk_a, const char *b, const char *disk_b)
{
	return strcmp(disk_a, disk_b) == 0 && (strcmp(a, disk_a) == 0 || strcmp(b, disk_b) == 0);
}

/* Size of a block device in bytes (0: no medium, not ready, or unknown) */
static unsigned long long dev_size(const char *dev)
{
	unsigned long long size = 0;
	int fd = open(dev, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0) {
		if (ioctl(fd, BLKGETSIZE64, &size) != 0)
			size = 0;
		close(fd);
	}
	return size;
}

/* One pass over the devices: the device that matches spec (or the path).
 * Two matches on different disks (a second stick with the same label) are
 * refused: *ambiguous is set and NULL returned -- booting, or writing to,
 * whichever came first is a guess.  A disk and its own partition (a
 * hybrid image) are one medium: the partition is taken (listed first). */
static char *scan_once(const char *spec, const char **typep, int *ambiguous)
{
	llist_t *devs;
	char *name, *dev = NULL, *disk = NULL;
	struct stat st;

	if (spec[0] == '/') {
		struct volume_id *vid;

		*typep = NULL;
		if (stat(spec, &st) != 0 || !S_ISBLK(st.st_mode))
			return NULL;
		/* a CD drive without (or not yet with) its disc: wait */
		if (dev_size(spec) == 0)
			return NULL;
		/* its filesystem type, as for the others */
		vid = probe_fs(spec);
		if (vid) {
			*typep = vid->type;
			free_volume_id(vid);
		}
		return xstrdup(spec);
	}
	devs = block_devices();
	while ((name = llist_pop(&devs)) != NULL) {
		const char *t;
		char *d = probe_device(spec, name, &t);

		if (d && !dev) {
			dev = d;
			*typep = t;
			disk = disk_of(name);
		} else if (d) {
			char *other = disk_of(name);
			if (!same_medium(bb_basename(dev), disk, name, other) && !*ambiguous) {
				bb_error_msg("%s matches both %s and %s: refusing to guess; name "
						"one by UUID=, PARTUUID= or /dev path, or remove the other",
						spec, dev, d);
				*ambiguous = 1;
			}
			free(other);
			free(d);
		}
		free(name);
	}
	free(disk);
	if (*ambiguous) {
		free(dev);
		return NULL;
	}
	return dev;
}

/* The uevent socket: any message means "something changed, look again". */
static int uevent_open(void)
{
	struct sockaddr_nl sa;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = 1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Wait up to ms for uevents; returns how many arrived. */
static int uevent_wait(int fd, int ms)
{
	struct pollfd pfd;
	char buf[2048];
	int n = 0;

	if (fd < 0) {
		msleep(ms);
		return 0;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	/* drain; let a burst settle a little -- bounded, so that a storm of
	 * uevents can't starve the timeout */
	{
		unsigned long long until = monotonic_ms() + 200;
		do {
			while (n < 4096 && recv(fd, buf, sizeof(buf), 0) > 0)
				n++;
		} while (n < 4096 && monotonic_ms() < until && poll(&pfd, 1, 20) > 0);
	}
	return n;
}

/* Wait until SPEC shows up (loading drivers meanwhile), at most timeout
 * seconds; what: for messages.  try: NULL, or a function that accepts or
 * rejects a found device (auto; it sets *typep for the one it accepts).
 * optional: a device that may well be absent (not an error, said quietly). */
static char *wait_for(const struct lr_opts *o, const char *spec, const char **typep,
		int (*try)(const struct lr_opts *, const char *, const char **),
		unsigned timeout, int optional)
{
	unsigned long long start = monotonic_ms();
	unsigned long long limit = start + timeout * 1000ULL;
	unsigned long long next_note = start + 5000;
	llist_t *tried = NULL;
	int ufd = uevent_open();
	char *dev = NULL;
	const char *extra = G.preloaded ? NULL : preload_hw;
	int ambiguous = 0;

	if (!G.preloaded)
		lr_modprobe_bg(o->nverity ? preload_verity : preload_stack);
	G.preloaded = 1;
	for (;;) {
		lr_coldplug(extra);
		extra = NULL;
		if (try) {
			llist_t *devs = block_devices();
			char *name;
			while (!dev && (name = llist_pop(&devs)) != NULL) {
				char *d = xasprintf("/dev/%s", name);
				/* tried: a device whose filesystem was identified
				 * and looked at; one that was not ready comes again */
				if (!llist_find_str(tried, d)) {
					int r = try(o, d, typep);
					if (r == 0)
						dev = xstrdup(d);
					else if (r == -1)
						llist_add_to(&tried, xstrdup(d));
				}
				free(d);
				free(name);
			}
			llist_free(devs, free);
		} else {
			dev = scan_once(spec, typep, &ambiguous);
		}
		if (dev || ambiguous)
			break;
		if (monotonic_ms() >= limit)
			break;
		if (monotonic_ms() >= next_note) {
			lr_log("still waiting for %s (%llu of %u s)", spec,
					(monotonic_ms() - start) / 1000, timeout);
			next_note += 5000;
		}
		/* a uevent wakes us at once; otherwise look again now and then */
		uevent_wait(ufd, 250);
	}
	if (ufd >= 0)
		close(ufd);
	llist_free(tried, free);
	if (dev) {
		lr_log("found %s on %s after %llu ms", spec, dev, monotonic_ms() - start);
		return dev;
	}
	if (ambiguous)
		return NULL;
	if (optional) {
		lr_log("%s not found within %u s", spec, timeout);
		return NULL;
	}
	bb_error_msg("%s not found within %u s (waited %llu ms); block devices seen:", spec,
			timeout, monotonic_ms() - start);
	{
		char *p = xmalloc_open_read_close("/proc/partitions", NULL);
		fputs(p ? p : "(no /proc/partitions)\n", stderr);
		free(p);
	}
	return NULL;
}

char *lr_wait_device(const struct lr_opts *o, const char *spec, const char **typep,
		unsigned timeout, int optional)
{
	return wait_for(o, spec, typep, NULL, timeout, optional);
}

static const char fs_types[] ALIGN1 = "iso9660\0" "udf\0" "vfat\0" "ext4\0" "erofs\0"
	"btrfs\0" "xfs\0" "exfat\0" "ntfs3\0" "ext3\0" "ext2\0";

/* A read-only mount must not write either: a journaling filesystem would
 * still replay a dirty journal (an installed system that crashed or
 * hibernated).  Mount those with journal replay off. */
static int mount_ro_safe(const char *dev, const char *target, const char *type,
		unsigned long flags, unsigned long silent)
{
	const char *data = NULL;

	/* probed "ntfs" is mounted by ntfs3 (the old ntfs driver is gone) */
	if (strcmp(type, "ntfs") == 0)
		type = "ntfs3";
	if (flags & MS_RDONLY) {
		if (strncmp(type, "ext", 3) == 0) {
			/* the ext4 driver serves ext2/3 too; noload = no replay */
			type = "ext4";
			data = "noload";
		} else if (strcmp(type, "xfs") == 0)
			data = "norecovery";
		else if (strcmp(type, "btrfs") == 0) {
			if (lr_mount(dev, target, type, flags | silent, "rescue=nologreplay") == 0)
				return 0;
			data = "nologreplay"; /* kernels before 5.9 */
		}
	}
	return lr_mount(dev, target, type, flags | silent, data);
}

/* Even mounted read-only without journal replay, a filesystem may write
 * (ext4 cleans up its orphan list on a "read-only" mount).  Only a
 * read-only block device stops that: set it so while it is mounted as
 * media.  Returns 1 when this changed the device (undo with 0), else 0. */
static int bdev_ro(const char *dev, int ro)
{
	int fd = open(dev, O_RDONLY | O_NONBLOCK | O_CLOEXEC), cur = 0, changed = 0;

	if (fd < 0)
		return 0;
	if (ioctl(fd, BLKROGET, &cur) == 0 && !!cur != ro) {
		if (ioctl(fd, BLKROSET, &ro) == 0)
			changed = 1;
		else
			bb_perror_msg("warning: can't set %s %s", dev, ro ? "read-only" : "writable");
	}
	close(fd);
	return changed;
}

/* the media device made read-only (toram=background hands it to the
 * copier, which releases the media) */
const char *lr_media_ro_dev(void)
{
	return G.ro_dev;
}

void lr_media_set_ro_dev(const char *dev)
{
	free(G.ro_dev);
	G.ro_dev = dev ? xstrdup(dev) : NULL;
}

/* the disk DEV is on (DEV itself, or its parent): its /sys directory */
static char *disk_dir(const char *dev)
{
	struct stat st;
	char sys[48], *real, *part;

	if (stat(dev, &st) != 0 || !S_ISBLK(st.st_mode))
		return NULL;
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	real = xmalloc_realpath(sys);
	if (!real)
		return NULL;
	part = concat_path_file(real, "partition");
	if (access(part, F_OK) == 0)
		*strrchr(real, '/') = '\0';
	free(part);
	return real;
}

/* something other than a partition's own files in a /sys/block/X directory */
static int holder(const char *dir, const char *name, char *what, size_t whatsz)
{
	char *h = xasprintf("%s/holders", dir);
	DIR *d = opendir(h);
	struct dirent *de;
	int n = 0;

	while (d && !n && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			snprintf(what, whatsz, "%s is held by %s", name, de->d_name);
			n = 1;
		}
	if (d)
		closedir(d);
	free(h);
	return n;
}

/* the name of the block device RDEV if it lies on the disk whose /sys
 * directory is DIR (the disk or one of its partitions), else NULL */
static char *on_disk(const char *dir, dev_t rdev)
{
	char sys[48], *real;
	size_t n = strlen(dir);

	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u", major(rdev), minor(rdev));
	real = xmalloc_realpath(sys);
	if (real && strncmp(real, dir, n) == 0 && (real[n] == '/' || !real[n])) {
		char *name = xstrdup(bb_basename(real));
		free(real);
		return name;
	}
	free(real);
	return NULL;
}

/* PATH names a block device on DIR's disk: its name, else NULL */
static char *path_on_disk(const char *dir, const char *path)
{
	struct stat st;

	if (!is_prefixed_with(path, "/dev/") || stat(path, &st) != 0 || !S_ISBLK(st.st_mode))
		return NULL;
	return on_disk(dir, st.st_rdev);
}

/* a mount (btrfs shows major 0: its source then), or a swap area on DIR's disk */
static int mount_or_swap_on(const char *dir, char *what, size_t whatsz)
{
	char *info = xmalloc_open_read_close("/proc/self/mountinfo", NULL), *p, *line, *name;
	int busy = 0;

	for (p = info; !busy && p && (line = strsep(&p, "\n")) != NULL; ) {
		struct lr_mnt m;

		if (!line[0] || lr_mountinfo_line(line, &m) != 0)
			continue;
		name = m.major ? on_disk(dir, makedev(m.major, m.minor)) : path_on_disk(dir, m.source);
		if (name) {
			snprintf(what, whatsz, "%s is mounted on %s", name, m.mp);
			busy = 1;
		}
		free(name);
	}
	free(info);
	info = busy ? NULL : xmalloc_open_read_close("/proc/swaps", NULL);
	for (p = info; !busy && p && (line = strsep(&p, "\n")) != NULL; ) {
		*strchrnul(line, ' ') = '\0';
		name = path_on_disk(dir, line);
		if (name) {
			snprintf(what, whatsz, "%s is a swap area", name);
			busy = 1;
		}
		free(name);
	}
	free(info);
	return busy;
}

/* a loop device reading DIR's disk (an image mapped as an extent of it) */
static int loop_on(const char *dir, char *what, size_t whatsz)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	int busy = 0;

	while (d && !busy && (de = readdir(d)) != NULL) {
		char *bf = xasprintf("/sys/block/%s/loop/backing_file", de->d_name), file[PATH_MAX], *name;

		if (lr_read_small(bf, file, sizeof(file)) > 0) {
			*strchrnul(file, '\n') = '\0';
			name = path_on_disk(dir, file);
			if (name) {
				snprintf(what, whatsz, "%s reads %s", de->d_name, file);
				busy = 1;
			}
			free(name);
		}
		free(bf);
	}
	if (d)
		closedir(d);
	return busy;
}

/* Does anything still use the disk DEV is on (it, or any partition): a
 * mount, a swap area, a loop device reading it, a holder (device-mapper,
 * md)?  1 with what in WHAT; 0; -1: DEV can't be looked at (not known to
 * be free).  (A released stick is said to be removable only when nothing
 * is left on it: a persistent partition beside the media.) */
int lr_disk_in_use(const char *dev, char *what, size_t whatsz)
{
	char *dir = disk_dir(dev);
	struct dirent *de;
	DIR *d;
	int busy;

	if (!dir) {
		snprintf(what, whatsz, "%s can't be looked at", dev);
		return -1;
	}
	d = opendir(dir);
	busy = holder(dir, bb_basename(dir), what, whatsz);
	while (d && !busy && (de = readdir(d)) != NULL) {
		char *sub = concat_path_file(dir, de->d_name), *part = concat_path_file(sub, "partition");
		if (access(part, F_OK) == 0)
			busy = holder(sub, de->d_name, what, whatsz);
		free(part);
		free(sub);
	}
	if (d)
		closedir(d);
	if (!busy)
		busy = mount_or_swap_on(dir, what, whatsz) || loop_on(dir, what, whatsz);
	free(dir);
	return busy;
}

/* The media is released (unmounted): is it free to be taken out?  Said
 * only when nothing else uses its disk (a persistent partition beside it,
 * a swap area: ask once every layer is mounted); asked again for up to
 * TRIES tenths of a second (toram=background's replaced loop devices take
 * a moment to go).  A CD is ejected if asked.  WHO begins the messages
 * ("" or "toram=background: "). */
void lr_media_released(const char *who, const char *dev, unsigned tries, int eject)
{
	char what[PATH_MAX];
	int busy;

	if (dev && is_prefixed_with(dev, "/dev/nbd")) {
		lr_log("%sreleased the media %s: the server is not read from any more", who, dev);
		return;
	}
	if (!dev) {
		lr_log("%sreleased the media (its device is not known: leave it in)", who);
		return;
	}
	while ((busy = lr_disk_in_use(dev, what, sizeof(what))) > 0 && tries--)
		msleep(100);
	if (busy) {
		lr_log("%sreleased the media %s, but %s (%s): leave it in", who, dev,
				busy > 0 ? "its disk is still in use" : "whether its disk is free is not known",
				what);
		return;
	}
	lr_log("%sreleased the media %s: it can be removed now", who, dev);
	if (eject)
		lr_eject(dev);
}

/* eject: open the tray of a released CD (not a stick: nothing to open) */
int lr_eject(const char *dev)
{
	int fd;

	if (!dev || strncmp(dev, "/dev/sr", 7) != 0) {
		lr_log("eject: %s is not a CD drive: nothing to eject", dev ? dev : "the media");
		return -1;
	}
	fd = open(dev, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, CDROMEJECT, 0) != 0) {
		bb_perror_msg("eject %s", dev);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	lr_log("ejected %s", dev);
	return 0;
}

/* Unmount the media (EINVAL: not mounted any more); a device made
 * read-only for it is writable again.  Returns 0, 1: only detached (still
 * busy: something reads it yet), -1 */
int lr_release_media(void)
{
	int rc = 0;

	if (umount2(LR_MEDIA, 0) != 0 && errno != EINVAL) {
		rc = 1;
		if (umount2(LR_MEDIA, MNT_DETACH) != 0) {
			bb_perror_msg("warning: can't release the media");
			return -1;
		}
	}
	if (G.ro_dev) {
		bdev_ro(G.ro_dev, 0);
		free(G.ro_dev);
		G.ro_dev = NULL;
	}
	return rc;
}

/* Is dev a whole disk with partitions? */
static int has_partitions(const char *dev)
{
	char path[64 + NAME_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int n = 0;

	if (stat(dev, &st) != 0 || !S_ISBLK(st.st_mode))
		return 0;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	d = opendir(path);
	while (d && !n && (de = readdir(d)) != NULL) {
		char *p = xasprintf("%s/%s/partition", path, de->d_name);
		n = de->d_name[0] != '.' && access(p, F_OK) == 0;
		free(p);
	}
	if (d)
		closedir(d);
	return n;
}

/* Mount dev on target with type, or (type NULL / it fails) the usual ones.
 * On failure errno is what mounting as TYPE said (the probed type is the
 * one that matters), or ENODEV/EINVAL from the last guess. */
int lr_mount_fs(const char *dev, const char *target, const char *type, unsigned long flags)
{
	const char *t, *disk = NULL;
	char ldev[32];
	int i, err = 0, made_ro = 0, lfd = -1;

	if (lr_mkdir(target) != 0)
		return -1;
	if ((flags & MS_RDONLY) && has_partitions(dev)) {
		/* a whole disk with partitions (a hybrid image whose filesystem
		 * no partition holds, or named by its path): mounted or set
		 * read-only, it would make every partition of it unmountable
		 * (EBUSY) or read-only -- a persistence partition too.  Mount
		 * it through a read-only loop device, which leaves them alone. */
		int fd = open(dev, O_RDONLY | O_CLOEXEC), dio;

		if (fd < 0) {
			bb_perror_msg("%s", dev);
			return -1;
		}
		lfd = lr_loop_attach(fd, dev, 0, 0, 0, LR_LOOP_RO, ldev, sizeof(ldev), &dio);
		close(fd);
		if (lfd < 0)
			return -1;
		disk = dev;
		dev = ldev;
	} else if (flags & MS_RDONLY)
		made_ro = bdev_ro(dev, 1);
	if (type) {
		if (mount_ro_safe(dev, target, type, flags, 0) == 0)
			goto ok;
		err = errno;
	}
	/* guessing the type: only for read-only mounts, never for a layer
	 * that will be written */
	for (i = 0; (flags & MS_RDONLY) && (t = nth_string(fs_types, i))[0]; i++) {
		if (type && strcmp(t, type) == 0)
			continue;
		if (mount_ro_safe(dev, target, t, flags, MS_SILENT) == 0) {
			type = t;
			goto ok;
		}
		if (!err)
			err = errno;
	}
	if (made_ro)
		bdev_ro(dev, 0);
	if (lfd >= 0)
		close(lfd); /* autoclear: the loop device goes */
	errno = err;
	return -1;
 ok:
	if (made_ro && strcmp(target, LR_MEDIA) == 0) {
		free(G.ro_dev);
		G.ro_dev = xstrdup(dev);
	}
	if (lfd >= 0) {
		close(lfd); /* autoclear: the mount holds it now */
		lr_log("mounted %s (%s) read-only through %s (a read-only loop device: the "
				"disk's partitions stay usable) on %s", disk, type, dev, target);
		return 0;
	}
	lr_log("mounted %s (%s) %s%s on %s", dev, type,
			(flags & MS_RDONLY) ? "read-only" : "read-write",
			made_ro ? " (the device read-only while mounted)" : "", target);
	return 0;
}

/* Loop-mount the ISO image FILE (fd open on it, closed here) read-only on
 * TARGET; dev gets the loop device, *dio whether it does direct I/O.
 * Returns 0, or -1 (said: "can't mount WHAT FILE as an ISO image" when the
 * mount failed). */
int lr_mount_iso(int fd, const char *file, const char *what, const char *target,
		char *dev, size_t devsz, int *dio)
{
	int lfd, rc;

	lfd = lr_loop_attach(fd, file, 0, 0, 0, LR_LOOP_RO, dev, devsz, dio);
	close(fd);
	if (lfd < 0)
		return -1;
	rc = lr_mount_fs(dev, target, "iso9660", MS_RDONLY | MS_NODEV | MS_NOSUID);
	close(lfd); /* autoclear: the mount holds it now */
	if (rc != 0)
		bb_error_msg("can't mount %s%s as an ISO image", what, file);
	return rc;
}

/* The image (or ISO) lookup path on the mounted media */
static const char *first_wanted(const struct lr_opts *o)
{
	return o->iso ? o->iso : o->image_dir ? o->image_dir : o->images[0];
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* live-boot's DIR/NAME.module (NAME: image.module=, default filesystem):
 * the images to stack, bottom first, names of files in DIR separated by
 * blanks or newlines.  Returns the count (names[] malloced), 0 when there
 * is no such file, -1. */
static int module_list(const char *base, const char *dir, const char *module, char **names,
		int quiet)
{
	char *f = xasprintf("%s/%s.module", dir, module), *p, *buf, *w;
	struct stat st;
	unsigned n = 0;
	ssize_t len;
	int fd;

	p = concat_path_file(base, f);
	fd = lstat(p, &st);
	free(p);
	if (fd != 0 && errno == ENOENT) {
		free(f);
		return 0;
	}
	fd = lr_open_media_file(base, f, "live-boot's image list");
	if (fd < 0) {
		free(f);
		return -1;
	}
	buf = xzalloc(4098);
	len = full_read(fd, buf, 4097);
	close(fd);
	if (len < 0 || len > 4096 || memchr(buf, '\0', len)) {
		bb_error_msg("%s on the media: %s", f, len < 0 ? "can't read it"
				: len > 4096 ? "longer than 4096 bytes" : "not a text file");
		goto bad;
	}
	for (p = buf; (w = strsep(&p, " \t\r\n")) != NULL; ) {
		if (!*w)
			continue;
		/* a file in DIR: no path, nothing hidden, no ".." */
		if (strchr(w, '/') || w[0] == '.') {
			bb_error_msg("%s names '%s': not an image file in %s, refusing the list", f, w, dir);
			goto bad;
		}
		if (n == LR_MAX_IMAGES) {
			bb_error_msg("%s names more than %u images: refusing to boot some of them",
					f, LR_MAX_IMAGES);
			goto bad;
		}
		names[n++] = concat_path_file(dir, w);
	}
	if (n == 0) {
		bb_error_msg("%s on the media names no image", f);
		goto bad;
	}
	(quiet ? lr_debug : lr_log)("%u image(s) listed in %s, stacked in its order: %s%s", n, f,
			names[0], n > 1 ? " ..." : "");
	free(buf);
	free(f);
	return n;
 bad:
	while (n)
		free(names[--n]);
	free(buf);
	free(f);
	return -1;
}

/* What image.dir=DIR holds -- the one rule, for the media check (quiet)
 * and the boot: the files DIR/NAME.module names, in its order, or else
 * every DIR/ *.squashfs, by name; the first at the bottom.  names[]
 * (LR_MAX_IMAGES room) gets malloced paths; returns how many, or -1. */
int lr_list_images(const char *base, const struct lr_opts *o, char **names, int quiet)
{
	const char *dir = o->image_dir;
	struct dirent *de;
	unsigned n = 0;
	DIR *d;
	int dfd = lr_open_dir_beneath(base, dir, 0);

	if (dfd < 0)
		return -1;
	{
		int m = module_list(base, dir, o->image_module ? o->image_module : "filesystem",
				names, quiet);
		if (m != 0) {
			close(dfd);
			return m;
		}
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l <= 9 || strcmp(de->d_name + l - 9, ".squashfs") != 0)
			continue;
		if (n == LR_MAX_IMAGES) {
			/* not a random subset of the layers: none */
			bb_error_msg("%s on the media holds more than %u *.squashfs images: refusing "
					"to boot some of them", dir, LR_MAX_IMAGES);
			closedir(d);
			while (n)
				free(names[--n]);
			return -1;
		}
		/* (each is opened as an image below: regular files only) */
		names[n++] = concat_path_file(dir, de->d_name);
	}
	closedir(d);
	if (n == 0) {
		bb_error_msg("%s on the media holds no *.squashfs image", dir);
		return -1;
	}
	qsort(names, n, sizeof(names[0]), by_name);
	(quiet ? lr_debug : lr_log)("%u image(s) in %s, stacked by name: %s%s", n, dir, names[0],
			n > 1 ? " ..." : "");
	return n;
}

/* Is what the boot wants on the mounted media?  The test the boot itself
 * makes: the ISO file, the image (the first of image=A|B there), or for
 * image.dir= the first image the directory holds (image.c's rule: its
 * NAME.module's list, or its *.squashfs).  0, or -1 (said). */
static int wanted_on_media(const struct lr_opts *o)
{
	char *name, *names[LR_MAX_IMAGES];
	int fd = -1, n;

	if (o->iso)
		fd = lr_open_media_file(LR_MEDIA, o->iso, "iso=");
	else if (o->image_dir) {
		n = lr_list_images(LR_MEDIA, o, names, 1);
		if (n > 0)
			fd = lr_open_media_file(LR_MEDIA, names[0], "image");
		while (n > 0)
			free(names[--n]);
	} else {
		fd = lr_open_media_alt(LR_MEDIA, o->images[0], "image", &name);
		free(name);
	}
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* media=auto: look at a device only when a probe says it holds a
 * filesystem that live media use; mount it read-only (journals not
 * replayed), keep it if it holds what we look for.  Returns 0 (this one,
 * *typep its type), -1 (not this one), -2 (not ready or no filesystem yet:
 * ask again later). */
static int try_auto(const struct lr_opts *o, const char *dev, const char **typep)
{
	struct volume_id *vid;
	const char *type = NULL;

	if (dev_size(dev) == 0)
		return -2;
	vid = probe_fs(dev);
	if (vid) {
		type = vid->type;
		free_volume_id(vid);
	}
	if (!type)
		return -2;
	if (index_in_strings(fs_types, lr_rw_fstype(type)) < 0) {
		lr_debug("%s holds %s: not live media", dev, type);
		return -1;
	}
	if (lr_mount_fs(dev, LR_MEDIA, type, MS_RDONLY | MS_NODEV | MS_NOSUID) != 0)
		return -1;
	if (wanted_on_media(o) == 0) {
		*typep = type;
		return 0;
	}
	lr_log("%s has no usable %s: next", dev, first_wanted(o));
	lr_release_media();
	return -1;
}

/* The ext2/3/4 superblock at offset 1024 of fd into e.  Returns 0, -1 (no
 * ext filesystem) or -2 (it claims more than size bytes, when size is not 0). */
int lr_read_ext(int fd, unsigned long long size, struct lr_ext *e)
{
	uint8_t sb[1024];

	if (pread(fd, sb, sizeof(sb), 1024) != (ssize_t)sizeof(sb)
	 || lr_ext_super(sb, sizeof(sb), e) != 0)
		return -1;
	return size && e->bytes > size ? -2 : 0;
}

/* What the ext superblock at offset 1024 of fd (a persistent layer: a
 * device or an image file of size bytes, 0 = don't check) says about its
 * last shutdown, said to the user.  Returns 0 (usable), 1 (errors
 * recorded, or no journal and not clean: use it read-only), -1 (no
 * ext2/3/4 filesystem).  Call it before mounting: a mounted one always
 * looks unclean. */
int lr_check_ext(int fd, const char *what, unsigned long long size)
{
	struct lr_ext e;
	int rc = lr_read_ext(fd, size, &e);

	if (rc == -1)
		return -1;
	if (rc == -2) {
		bb_error_msg("%s: its ext filesystem claims %llu bytes, the file holds %llu: "
				"truncated or damaged", what, e.bytes, size);
		return -1;
	}
	if (e.errors) {
		bb_error_msg("WARNING: the persistent layer %s has filesystem errors (the kernel "
				"recorded them): using it READ-ONLY, this session's changes stay in RAM. "
				"Repair it with e2fsck -f on another machine%s", what,
				e.recover ? " (its journal is not replayed: what it shows may be stale)" : "");
		return 1;
	}
	if (e.recover)
		lr_log("the persistent layer %s was not cleanly unmounted (power cut?): "
				"the kernel replays its journal now", what);
	else if (!e.clean) {
		/* no journal to replay: its bitmaps may be stale, and writing on
		 * could overwrite what was saved before the cut */
		bb_error_msg("WARNING: the persistent layer %s (ext2, no journal) was not cleanly "
				"unmounted: using it READ-ONLY, this session's changes stay in RAM. Check "
				"it with e2fsck -f on another machine (scripts/mkpersist makes ext4 with a "
				"journal, which needs no check)", what);
		return 1;
	}
	else
		lr_debug("%s: cleanly unmounted last time", what);
	return 0;
}

/* The driver for a read-write mount of a probed type: the ext4 driver
 * serves ext2/3 (a kernel may have no other), ntfs3 serves NTFS */
const char *lr_rw_fstype(const char *type)
{
	if (strcmp(type, "ext2") == 0 || strcmp(type, "ext3") == 0)
		return "ext4";
	if (strcmp(type, "ntfs") == 0)
		return "ntfs3";
	return type;
}

/* Is the persistent layer (rw=SPEC) on the media's own filesystem? */
static int layer_on_media(const struct lr_opts *o, const char *dev)
{
	struct stat a, b;
	const char *t;
	char *d;
	int amb = 0, same;

	if (!o->rw_dev)
		return 0;
	if (o->media && strcmp(o->rw_dev, o->media) == 0)
		return 1;
	d = scan_once(o->rw_dev, &t, &amb);
	same = d && stat(d, &a) == 0 && stat(dev, &b) == 0 && a.st_rdev == b.st_rdev;
	free(d);
	return same;
}

/* The media holds the persistent layer too: a second mount of the same
 * filesystem can't be read-write while the first is read-only, so mount
 * it once, read-write (ext filesystems with errors stay read-only: the
 * layer shows read-only, see layer.c).  Sets src->rw. */
static int media_rw(struct lr_source *src)
{
	const char *dev = src->dev, *type = src->type;
	int fd;

	if (!type || (index_in_strings(LR_DIR_HOSTS, type) < 0
			&& index_in_strings(LR_FILE_HOSTS, type) < 0)) {
		bb_error_msg("the media %s (%s) is also named for the persistent layer, but "
				"liveroot can't write to %s", dev, type ? type : "unknown type",
				type ? type : "it");
		return -1;
	}
	if (strncmp(type, "ext", 3) == 0) {
		/* (before the read-write mount: a mounted one looks unclean) */
		fd = open(dev, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && lr_check_ext(fd, dev, 0) > 0) {
			close(fd);
			src->rw = -1;
			lr_log("media and persistent layer on %s: the media stays read-only", dev);
			return 0;
		}
		if (fd >= 0)
			close(fd);
	}
	lr_release_media();
	if (lr_mount_fs(dev, LR_MEDIA, lr_rw_fstype(type), MS_NODEV | MS_NOSUID) != 0) {
		int e = errno;
		if ((e == EROFS || e == EACCES)
		 && lr_mount_fs(dev, LR_MEDIA, type, MS_RDONLY | MS_NODEV | MS_NOSUID) == 0) {
			/* a write-protected stick: boot, the layer read-only */
			src->rw = -1;
			lr_log("media and persistent layer on %s, which is write-protected: both "
					"read-only, this session's changes stay in RAM", dev);
			return 0;
		}
		errno = e;
		bb_perror_msg("can't mount %s (%s) read-write for the media and the persistent layer%s",
				dev, type, e == ENODEV ? ": its driver is not in the initramfs "
				"(make EXTRA_MODULES=<its module>)" : "");
		return -1;
	}
	src->rw = 1;
	lr_log("media and persistent layer on one filesystem (%s, %s): mounted read-write once "
			"on " LR_MEDIA "; the images are opened read-only inside it", dev, type);
	return 0;
}

/* fetch= brought an ISO image: it is the media, in RAM */
static int mount_fetched_iso(struct lr_source *src)
{
	char ldev[32];
	int fd = open(src->fetched[0], O_RDONLY | O_CLOEXEC), dio;

	if (fd < 0) {
		bb_perror_msg("%s", src->fetched[0]);
		return -1;
	}
	if (lr_mount_iso(fd, src->fetched[0], "the fetched ", LR_MEDIA, ldev, sizeof(ldev), &dio) != 0)
		return -1;
	lr_log("media: the fetched ISO image %s on %s", src->fetched[0], ldev);
	src->type = "iso9660";
	src->dev = xstrdup(ldev);
	return 0;
}

/* The media on LR_MEDIA, read-only (read-write when it holds the
 * persistent layer too): src->dev, type, rw, removable */
int lr_mount_media(const struct lr_opts *o, struct lr_source *src)
{
	char *dev;
	const char *type = NULL;
	int rc;

	if (src->kind == LR_SRC_FETCHED_ISO) {
		if (mount_fetched_iso(src) != 0)
			return -1;
		goto check;
	}
	if (src->kind == LR_SRC_NBD_MEDIA) {
		/* nbd= whose export is not an image: it is the media (archiso's
		 * NBD boot exports the whole ISO) */
		dev = src->dev;
		rc = lr_mount_fs(dev, LR_MEDIA, NULL, MS_RDONLY | MS_NODEV | MS_NOSUID);
		if (rc != 0) {
			bb_perror_msg("can't mount the NBD export %s read-only (tried iso9660, udf, "
					"vfat, ext4, erofs, btrfs, xfs, exfat, ntfs3)", dev);
			return rc;
		}
	} else if (strcmp(o->media, "auto") == 0) {
		dev = wait_for(o, "a device holding the image", &type, try_auto, o->timeout, 0);
		if (!dev)
			return -1;
	} else {
		dev = lr_wait_device(o, o->media, &type, o->timeout, 0);
		if (!dev)
			return -1;
		rc = lr_mount_fs(dev, LR_MEDIA, type, MS_RDONLY | MS_NODEV | MS_NOSUID);
		if (rc != 0) {
			bb_perror_msg("can't mount %s (%s) read-only%s", dev,
					type ? type : "tried iso9660, udf, vfat, ext4, erofs, btrfs, xfs, exfat, ntfs3",
					errno == ENODEV ? ": no driver for it in the initramfs (build it with "
					"make EXTRA_MODULES=<its module>)" : "");
			free(dev);
			return rc;
		}
	}
	src->dev = dev;
	src->type = type;
	src->removable = removable(bb_basename(dev));
	if (layer_on_media(o, dev) && media_rw(src) != 0)
		return -1;
 check:
	rc = wanted_on_media(o);
	if (rc != 0)
		bb_error_msg("%s is not usable on the media (%s)", first_wanted(o), o->media);
	return rc;
}
