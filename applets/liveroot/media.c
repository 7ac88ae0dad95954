/* vi: set sw=4 ts=4: */
/*
 * liveroot: drivers and boot media.  Coldplug loads the modules that match
 * the devices in /sys (their modalias), again and again while we wait, so
 * devices that appear late (behind a freshly loaded host adapter, a USB
 * stick) are found too.  The media is found by label, UUID or path.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += media.o

#include "libbb.h"
#include "liveroot.h"
#include "../util-linux/volume_id/volume_id_internal.h"
#include <sys/mount.h>

/* Run "modprobe -qab NAME..." (busybox's own modprobe: reads modules.dep
 * and modules.alias).  names: a space separated list, consumed. */
static int run_modprobe(char *names)
{
	char **argv;
	char *w;
	int n = 0, rc;

	argv = xzalloc(sizeof(argv[0]) * (strlen(names) / 2 + 4));
	argv[n++] = (char *)"modprobe";
	argv[n++] = (char *)"-qab";
	while ((w = strsep(&names, " ,")) != NULL)
		if (*w)
			argv[n++] = w;
	if (n == 2) {
		free(argv);
		return 0;
	}
	lr_debug("modprobe %d name(s), first %s", n - 2, argv[2]);
	rc = spawn_and_wait(argv);
	free(argv);
	return rc;
}

int lr_modprobe(const char *names)
{
	char *s = xstrdup(names);
	int rc = run_modprobe(s);
	free(s);
	return rc;
}

struct collect {
	char *list;     /* new modaliases, space separated */
	size_t len;
};

static int FAST_FUNC modalias_file(struct recursive_state *st,
		const char *path, struct stat *sb UNUSED_PARAM)
{
	struct collect *c = st->userData;
	char buf[256];
	char *nl, *key;
	ssize_t n;

	if (strcmp(bb_basename(path), "modalias") != 0)
		return TRUE;
	n = open_read_close(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return TRUE;
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	if (!buf[0] || strchr(buf, ' '))
		return TRUE;
	/* seen before? G.loaded holds " alias1 alias2 ... " */
	key = xasprintf(" %s ", buf);
	if ((G.loaded && strstr(G.loaded, key)) || (c->list && strstr(c->list, key))) {
		free(key);
		return TRUE;
	}
	c->list = xrealloc(c->list, c->len + strlen(key) + 1);
	strcpy(c->list + c->len, key);
	c->len += strlen(key) - 1; /* keep the trailing space as separator */
	free(key);
	return TRUE;
}

/* Load the modules for every device not handled yet.
 * Returns the number of new devices seen. */
int lr_coldplug(int wait_ms UNUSED_PARAM)
{
	struct collect c = { NULL, 0 };
	char *old;
	int n = 0;
	char *p;

	recursive_action("/sys/devices", ACTION_RECURSE | ACTION_QUIET,
			modalias_file, NULL, &c);
	if (!c.list)
		return 0;
	for (p = c.list; *p; p++)
		n += (*p == ' ');
	/* remember them before modprobe consumes the list */
	old = G.loaded;
	G.loaded = xasprintf("%s%s", old ? old : " ", c.list + 1);
	free(old);
	run_modprobe(c.list);
	free(c.list);
	return n;
}

/* Does the block device NAME (in /sys/class/block) match o->media?
 * Returns malloced /dev path, sets *typep (filesystem type or NULL). */
static char *probe_device(const struct lr_opts *o, const char *name, const char **typep)
{
	char path[64 + NAME_MAX];
	char buf[32];
	char *dev = xasprintf("/dev/%s", name);
	struct volume_id *vid;
	uint64_t size;
	int fd, match = 0;

	/* an empty CD drive or card reader has size 0 */
	snprintf(path, sizeof(path), "/sys/class/block/%s/size", name);
	if (open_read_close(path, buf, sizeof(buf) - 1) <= 0 || buf[0] == '0')
		goto no;
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		lr_debug("%s: %s", dev, strerror(errno));
		goto no;
	}
	vid = volume_id_open_node(fd);  /* owns fd now */
	if (ioctl(fd, BLKGETSIZE64, &size) != 0)
		size = 0;
	if (volume_id_probe_all(vid, size) == 0) {
		const char *want = o->media;
		lr_debug("%s: type=%s label='%s' uuid='%s'", dev,
				vid->type ? vid->type : "?", vid->label, vid->uuid);
		if (is_prefixed_with(want, "LABEL="))
			match = strcmp(vid->label, want + 6) == 0;
		else if (is_prefixed_with(want, "UUID="))
			match = strcasecmp(vid->uuid, want + 5) == 0;
		if (match)
			*typep = vid->type;
	}
	free_volume_id(vid);
	if (match)
		return dev;
 no:
	free(dev);
	return NULL;
}

/* One scan of the block devices.  Returns 0 and *devp when found. */
static int scan_once(const struct lr_opts *o, char **devp, const char **typep)
{
	DIR *d;
	struct dirent *de;
	struct stat st;

	if (o->media[0] == '/') {
		if (stat(o->media, &st) == 0 && S_ISBLK(st.st_mode)) {
			*devp = xstrdup(o->media);
			*typep = NULL;
			return 0;
		}
		return -1;
	}
	d = opendir("/sys/class/block");
	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		/* RAM disks and loop devices are never the boot media */
		if (is_prefixed_with(de->d_name, "ram") || is_prefixed_with(de->d_name, "loop"))
			continue;
		*devp = probe_device(o, de->d_name, typep);
		if (*devp)
			break;
	}
	closedir(d);
	return *devp ? 0 : -1;
}

int lr_find_media(const struct lr_opts *o, char **devp, const char **typep)
{
	unsigned long long start = monotonic_ms();
	unsigned long long limit = start + o->timeout * 1000ULL;
	unsigned long long next_note = start + 5000;
	int rounds = 0;

	*devp = NULL;
	for (;;) {
		lr_coldplug(0);
		if (scan_once(o, devp, typep) == 0) {
			lr_log("found %s on %s (%s) after %llu ms", o->media, *devp,
					*typep ? *typep : "type unknown", monotonic_ms() - start);
			return 0;
		}
		if (monotonic_ms() >= limit)
			break;
		if (monotonic_ms() >= next_note) {
			lr_log("still waiting for %s (%llu of %u s)", o->media,
					(monotonic_ms() - start) / 1000, o->timeout);
			next_note += 5000;
		}
		msleep(rounds++ < 10 ? 50 : 200);
	}
	bb_error_msg("media %s not found within %u s; block devices seen:", o->media, o->timeout);
	{
		char *p = xmalloc_open_read_close("/proc/partitions", NULL);
		fputs(p ? p : "(no /proc/partitions)\n", stderr);
		free(p);
	}
	return -1;
}

static const char media_types[] ALIGN1 = "iso9660\0" "udf\0" "vfat\0" "ext4\0" "erofs\0";

int lr_mount_media(const struct lr_opts *o)
{
	char *dev;
	const char *type;
	int i;

	if (lr_find_media(o, &dev, &type) != 0)
		return -1;
	if (lr_mkdir(LR_MEDIA) != 0)
		return -1;
	if (type) {
		if (lr_mount(dev, LR_MEDIA, type, MS_RDONLY | MS_NODEV | MS_NOSUID, NULL) == 0)
			goto ok;
		/* fall back to trying the usual types */
	}
	for (i = 0; (type = nth_string(media_types, i))[0]; i++)
		if (lr_mount(dev, LR_MEDIA, type, MS_RDONLY | MS_NODEV | MS_NOSUID | MS_SILENT, NULL) == 0)
			goto ok;
	bb_error_msg("can't mount %s (tried iso9660, udf, vfat, ext4, erofs)", dev);
	free(dev);
	return -1;
 ok:
	lr_log("mounted %s (%s) read-only on " LR_MEDIA, dev, type);
	free(dev);
	return 0;
}
