/* vi: set sw=4 ts=4: */
/*
 * liveroot: the way down.  Before the switch, liveroot puts a copy of its
 * own binary in /run/initramfs (the /run tmpfs moves into the new root),
 * with /run/initramfs/shutdown starting it:
 *  - systemd's shutdown pivots into /run/initramfs (the old root at
 *    /oldroot) and runs /shutdown VERB: liveroot unmounts the overlay,
 *    the persistent layer, the images, loop devices and the media, in
 *    that order, and powers off, reboots, halts or kexecs;
 *  - an init script that ends with "exec /run/initramfs/shutdown VERB"
 *    (PID 1): liveroot does systemd's pivot itself, then the same;
 *  - any other init runs /run/initramfs/shutdown VERB as its last step
 *    (not PID 1): liveroot remounts every writable filesystem read-only
 *    (the root is still in use), the last mounted first, and does the same.
 * Nothing is left mounted read-write: the persistent layer's filesystem
 * records a clean unmount.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += shutdown.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>

#define SD_DIR    LR_RUN "/initramfs"
#define SD_HOLD   "/.liveroot"     /* the stack's mounts, moved out of /oldroot */

/* --- before the switch ---------------------------------------------------------- */

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);

	if (fd < 0 || full_write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		bb_perror_msg("%s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

static int record_disks(void);

/* This program, copied to DST (it runs from there without keeping the
 * initramfs's file in RAM); its size, or -1 (said) */
int lr_copy_self(const char *dst)
{
	int in, out;
	off_t n;

	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		bb_simple_perror_msg("/proc/self/exe");
		return -1;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0755);
	if (out < 0) {
		bb_simple_perror_msg(dst);
		close(in);
		return -1;
	}
	n = bb_copyfd_eof(in, out);
	close(in);
	if (close(out) != 0 || n <= 0) {
		bb_perror_msg("copying liveroot to %s", dst);
		return -1;
	}
	return n;
}

/* Is the shutdown stage worth its RAM for this boot? */
static int wanted(const struct lr_opts *o, const struct lr_source *src)
{
	if (o->shutdown != SHUTDOWN_AUTO)
		return o->shutdown == SHUTDOWN_YES;
	return o->rw_dev || o->iso || src->removable;
}

int lr_install_shutdown(const struct lr_opts *o, const struct lr_source *src)
{
	static const char *const dirs[] = {
		/* systemd binds /dev, /proc, /sys and /run there (a missing one it
		 * would detach, and the stack with it); /oldroot: the old root */
		SD_DIR, SD_DIR "/dev", SD_DIR "/proc", SD_DIR "/sys", SD_DIR "/run",
		SD_DIR "/run/initramfs", SD_DIR "/oldroot", NULL
	};
	const char *const *d;
	int n;

	if (!wanted(o, src)) {
		lr_debug("no shutdown stage (shutdown=yes installs it)");
		return 0;
	}
	for (d = dirs; *d; d++)
		if (lr_mkdir(*d) != 0)
			return -1;
	n = lr_copy_self(SD_DIR "/busybox");
	if (n <= 0)
		return -1;
	/* the script's interpreter, as seen from the new root and, once
	 * systemd pivoted into SD_DIR, from there (a link to /busybox) */
	if ((symlink("/busybox", SD_DIR "/run/initramfs/busybox") != 0 && errno != EEXIST)
	 || write_file(SD_DIR "/shutdown", "#!" SD_DIR "/busybox liveroot\n", 0755) != 0) {
		bb_simple_perror_msg(SD_DIR);
		return -1;
	}
	/* (what to ask about at the end, whoever unmounts what before) */
	if (record_disks() != 0)
		lr_log("warning: the shutdown stage won't know the stack's filesystems unmounted "
				"before it runs");
	lr_log("shutdown stage: " SD_DIR "/shutdown (liveroot, %llu KiB of RAM): it unmounts "
			"the stack when the system goes down", ((unsigned long long)n + 1023) / 1024);
	lr_memlog("shutdown");
	return 0;
}

/* --- the way down ----------------------------------------------------------- */

struct mnt {
	char *mp, *fstype, *source;
	unsigned id, major, minor;
	int rw;                 /* the superblock's options say rw */
};

/* The mounts, in /proc/self/mountinfo order (parents before children) */
static struct mnt *read_mounts(unsigned *count)
{
	char *info = xmalloc_open_read_close("/proc/self/mountinfo", NULL), *line, *p;
	struct mnt *v = NULL;
	unsigned n = 0;

	*count = 0;
	if (!info) {
		bb_simple_perror_msg("/proc/self/mountinfo");
		return NULL;
	}
	for (p = info; (line = strsep(&p, "\n")) != NULL; ) {
		struct lr_mnt m;
		if (!line[0] || lr_mountinfo_line(line, &m) != 0)
			continue;
		v = xrealloc_vector(v, 4, n);
		v[n].mp = xstrdup(m.mp);
		v[n].fstype = xstrdup(m.fstype);
		v[n].source = xstrdup(m.source);
		v[n].id = m.id;
		v[n].major = m.major;
		v[n].minor = m.minor;
		v[n].rw = strcmp(m.opts, "rw") == 0 || is_prefixed_with(m.opts, "rw,");
		n++;
	}
	free(info);
	*count = n;
	return v;
}

static void free_mounts(struct mnt *v, unsigned n)
{
	while (n--) {
		free(v[n].mp);
		free(v[n].fstype);
		free(v[n].source);
	}
	free(v);
}

/* Filesystems whose state on disk matters */
static int on_disk(const struct mnt *m)
{
	return m->source[0] == '/' || strcmp(m->fstype, "overlay") == 0;
}

/* Is a link of /proc/PID (root, cwd, exe, fd/N) below mp? */
static int link_under(const char *link, const char *mp)
{
	char *t = xmalloc_readlink(link);
	int r = t && lr_under(t, mp);

	free(t);
	return r;
}

static int holds(const char *pid, const char *mp)
{
	static const char links[] ALIGN1 = "root\0" "cwd\0" "exe\0";
	const char *l;
	char path[2 * NAME_MAX + 16];
	DIR *d;
	struct dirent *e;
	int r = 0;

	for (l = links; *l && !r; l += strlen(l) + 1) {
		snprintf(path, sizeof(path), "/proc/%s/%s", pid, l);
		r = link_under(path, mp);
	}
	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = r ? NULL : opendir(path);
	while (d && !r && (e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "/proc/%s/fd/%s", pid, e->d_name);
		r = e->d_name[0] != '.' && link_under(path, mp);
	}
	if (d)
		closedir(d);
	return r;
}

/* Say who keeps mp busy: the processes whose root, working directory,
 * program or an open file is below it.  Those of another PID namespace
 * and tasks stuck in the kernel can't be seen: said so. */
static void say_holders(const char *mp)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char *list = xstrdup(""), comm[32];
	unsigned found = 0;

	while (d && (e = readdir(d)) != NULL) {
		char *t, *p;
		if (!isdigit(e->d_name[0]) || !holds(e->d_name, mp))
			continue;
		p = xasprintf("/proc/%s/comm", e->d_name);
		if (lr_read_small(p, comm, sizeof(comm)) > 0)
			*strchrnul(comm, '\n') = '\0';
		free(p);
		t = xasprintf("%s %s (%s)", list, e->d_name, comm);
		free(list);
		list = t;
		found++;
	}
	if (d)
		closedir(d);
	if (found)
		bb_error_msg("%s is held by:%s", mp, list);
	else
		bb_error_msg("%s is held by no process this system can see (one in another PID "
				"namespace, or a task stuck in the kernel)", mp);
	free(list);
}

/* Unmount, or (last_try) at least leave it read-only.  A read-write
 * filesystem on a device goes read-only first: a remount acts on its
 * superblock, so on every mount of it -- overlayfs's private clone of its
 * upper layer's mount too, which an unmount of ours would leave behind,
 * writable.  Returns 0 when it is gone, 1 when it stays, -1 when it stays
 * writable: that one is not detached either, so the report sees it. */
static int release(const struct mnt *m, int last_try)
{
	if (m->rw && m->source[0] == '/'
	 && mount(NULL, m->mp, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0)
		lr_debug("%s (%s): read-only", m->mp, m->source);
	if (umount2(m->mp, 0) == 0) {
		lr_log("unmounted %s (%s)", m->mp, m->source);
		return 0;
	}
	if (!last_try)
		return 1;
	if (strcmp(m->fstype, "overlay") == 0)
		say_holders(m->mp);
	/* still in use: no more writes, then out of the way */
	if (mount(NULL, m->mp, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0)
		lr_log("%s (%s) is busy: remounted read-only", m->mp, m->source);
	else if (m->rw && on_disk(m)) {
		bb_perror_msg("WARNING: %s (%s) is busy and can't be made read-only", m->mp, m->source);
		return -1;
	}
	if (umount2(m->mp, MNT_DETACH) == 0)
		lr_log("detached %s", m->mp);
	return 1;
}

static int in_scope(const struct mnt *m, const char *dir, int self)
{
	return lr_under(m->mp, dir) && (self || strcmp(m->mp, dir) != 0);
}

/* Unmount everything below dir (dir too when self), deepest first, in
 * rounds while something still goes (a lazily released file may take a
 * moment: a round without progress waits 100 ms, three end it); what is
 * left then is made read-only. */
static int release_below(const char *dir, int self)
{
	unsigned n, i, left, round, stalls = 0;
	struct mnt *v;
	int stuck = 0;

	for (round = 0; round < 16; round++) {
		int progress = 0;

		v = read_mounts(&n);
		left = 0;
		for (i = n; i-- > 0; ) {
			if (!in_scope(&v[i], dir, self))
				continue;
			if (release(&v[i], 0) == 0)
				progress = 1;
			else
				left++;
		}
		free_mounts(v, n);
		/* dm-verity devices whose filesystem went: their loop devices,
		 * and the files on the media those hold, go with them */
		if (lr_dm_release(LR_VERITY_DM, 2 * LR_MAX_IMAGES))
			progress = 1;
		/* (toram=background's linear devices, below verity's) */
		if (lr_dm_release(LR_BG_DM, LR_MAX_IMAGES))
			progress = 1;
		if (!left)
			return 0;
		if (!progress) {
			if (++stalls == 3)
				break;
			msleep(100);
		}
	}
	v = read_mounts(&n);
	for (i = n; i-- > 0; )
		if (in_scope(&v[i], dir, self) && release(&v[i], 1) < 0)
			stuck++;
	free_mounts(v, n);
	return stuck;
}

/* systemd's way: we are PID 1 in SD_DIR, the old root on /oldroot.
 * Returns how many mounts stay writable (said). */
static int down_pivoted(void)
{
	unsigned n, i;
	struct mnt *v;
	int stuck;

	mkdir(SD_HOLD, 0700);
	/* the stack's mounts sit below the /run that the overlay pins:
	 * take them out first (a private tree: moves are allowed) */
	mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	v = read_mounts(&n);
	for (i = 0; i < n; i++) {
		const char *r = is_prefixed_with(v[i].mp, "/oldroot" LR_DIR "/");
		char *to;
		if (!r || strchr(r, '/'))
			continue;  /* only /oldroot/run/liveroot/X: its submounts come along */
		to = concat_path_file(SD_HOLD, r);
		if (mkdir(to, 0700) != 0 && errno != EEXIST)
			bb_simple_perror_msg(to);
		else if (mount(v[i].mp, to, NULL, MS_MOVE, NULL) != 0)
			bb_perror_msg("can't move %s out of the old root", v[i].mp);
		free(to);
	}
	free_mounts(v, n);
	/* the old root: everything on it, then the overlay itself */
	stuck = release_below("/oldroot", 1);
	/* then the stack, the last mounted first: the persistent layer's
	 * file, its filesystem, the images, the ISO, the media */
	return stuck + release_below(SD_HOLD, 0);
}

/* Any other init: the root stays in use, so everything writable goes
 * read-only, the last mounted first (the overlay before its layers) */
static int down_in_place(void)
{
	unsigned n, i;
	struct mnt *v = read_mounts(&n);
	int stuck = 0;

	for (i = n; i-- > 0; ) {
		if (!v[i].rw || !on_disk(&v[i]))
			continue;
		if (mount(NULL, v[i].mp, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0)
			lr_log("remounted %s (%s) read-only", v[i].mp, v[i].source);
		else {
			bb_perror_msg("WARNING: can't remount %s (%s) read-only", v[i].mp, v[i].source);
			stuck++;
		}
	}
	free_mounts(v, n);
	return stuck;
}

/* stdin, stdout, stderr on the console (of the /dev we see now: an open
 * file of the old root's /dev would keep the old root busy) */
static void console(void)
{
	struct stat st;
	int fd;

	/* (a pipe or socket -- a log collector -- holds no file: kept) */
	if (fstat(STDOUT_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > 2)
			close(fd);
	}
}

/* PID 1 that exec'd us without systemd's pivot (an init script's last
 * step): do what systemd does, then go down the same way */
static int self_pivot(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
	 || mount(SD_DIR, SD_DIR, NULL, MS_BIND, NULL) != 0
	 || chdir(SD_DIR) != 0
	 || syscall(SYS_pivot_root, ".", "oldroot") != 0
	 || chdir("/") != 0
	) {
		bb_perror_msg("can't pivot into " SD_DIR);
		return -1;
	}
	/* our own /proc and /dev (those below /oldroot go with it) */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		bb_simple_perror_msg("mount /proc");
	if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, NULL) != 0)
		bb_simple_perror_msg("mount /dev");
	/* (/sys: the kernel's names of the devices, left_writable) */
	if (mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		bb_simple_perror_msg("mount /sys");
	console();
	lr_log("shutdown: in " SD_DIR ", the old root on /oldroot");
	return 0;
}

/* ... and start again from there: the program we run from was opened
 * through the old root's /run, which would keep the old root busy */
static void restart_pivoted(const char *verb)
{
	const char *argv[] = { "busybox", "liveroot", "shutdown", verb, NULL };

	execv("/busybox", (char **)argv);
	bb_simple_perror_msg("exec /busybox");
}

/* --- what is left writable: asked of each superblock ---------------------- */

/* A read-write filesystem on a device: the stack's, recorded when the
 * stage was installed (SD_DISKS), and any other the way down begins with.
 * At the end each superblock is asked again: a mount gone from mountinfo
 * -- unmounted by us, or already by the system's own shutdown -- may still
 * hold it (overlayfs's private clone of its upper layer's mount). */
struct disk {
	char *source, *fstype, *name;  /* name: its mount point's last component */
	unsigned major, minor;
};

static void add_disk(struct disk **d, unsigned *k, unsigned major, unsigned minor,
		const char *source, const char *fstype, const char *name)
{
	unsigned j;

	for (j = 0; j < *k; j++)
		if ((*d)[j].major == major && (*d)[j].minor == minor
		 && strcmp((*d)[j].source, source) == 0)
			return;
	*d = xrealloc_vector(*d, 3, *k);
	(*d)[*k].source = xstrdup(source);
	(*d)[*k].fstype = xstrdup(fstype);
	(*d)[*k].name = xstrdup(name);
	(*d)[*k].major = major;
	(*d)[*k].minor = minor;
	(*k)++;
}

static int is_disk(const struct mnt *m)
{
	return m->rw && m->source[0] == '/' && strcmp(m->fstype, "overlay") != 0;
}

/* The stack's read-write filesystems, for the way down: "MAJ:MIN TYPE
 * SOURCE NAME" lines in SD_DISKS (installed with the stage) */
static int record_disks(void)
{
	unsigned n, i;
	struct mnt *v = read_mounts(&n);
	char *text = xstrdup("");
	int rc;

	for (i = 0; i < n; i++) {
		char *t;
		if (!is_disk(&v[i]) || !lr_under(v[i].mp, LR_DIR) || strchr(v[i].source, ' '))
			continue;
		t = xasprintf("%s%u:%u %s %s %s\n", text, v[i].major, v[i].minor, v[i].fstype,
				v[i].source, bb_basename(v[i].mp));
		free(text);
		text = t;
	}
	free_mounts(v, n);
	rc = write_file(SD_DIR "/disks", text, 0644);
	free(text);
	return rc;
}

static struct disk *writable_disks(const char *recorded, unsigned *count)
{
	unsigned n, i, k = 0, maj, min;
	struct mnt *v = read_mounts(&n);
	struct disk *d = NULL;
	char *text = xmalloc_open_read_close(recorded, NULL), *p, *l;
	char type[32], src[256], name[64];

	for (p = text; p && (l = strsep(&p, "\n")) != NULL; )
		if (sscanf(l, "%u:%u %31s %255s %63s", &maj, &min, type, src, name) == 5)
			add_disk(&d, &k, maj, min, src, type, name);
	free(text);
	for (i = 0; i < n; i++)
		if (is_disk(&v[i]))
			add_disk(&d, &k, v[i].major, v[i].minor, v[i].source, v[i].fstype,
					bb_basename(v[i].mp));
	free_mounts(v, n);
	*count = k;
	return d;
}

enum { SB_GONE, SB_RO, SB_RW, SB_HELD };

/* Is d mounted where we see it?  1 (rw), 0 (ro), -1 (no) */
static int mounted_here(const struct disk *d)
{
	unsigned n, i;
	struct mnt *v = read_mounts(&n);
	int st = -1;

	for (i = 0; i < n; i++)
		if (v[i].major == d->major && v[i].minor == d->minor
		 && strcmp(v[i].source, d->source) == 0 && st != 1)
			st = v[i].rw;
	free_mounts(v, n);
	return st;
}

/* The state of d's superblock now */
static int sb_state(const struct disk *d)
{
	char path[80], opts[16], buf[256];
	const char *name = bb_basename(d->source);
	struct stat st;
	int m = mounted_here(d), fd;

	if (m >= 0)
		return m ? SB_RW : SB_RO;
	/* ext2/3/4: the driver lists every superblock it holds, mounted or not,
	 * under the kernel's name of the device */
	if (strncmp(d->fstype, "ext", 3) == 0) {
		if (stat(d->source, &st) == 0 && S_ISBLK(st.st_mode)) {
			char *dn;
			snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent",
					major(st.st_rdev), minor(st.st_rdev));
			if (lr_read_small(path, buf, sizeof(buf)) > 0 && (dn = strstr(buf, "DEVNAME=")) != NULL) {
				name = dn + 8;
				*strchrnul(name, '\n') = '\0';
			}
		}
		snprintf(path, sizeof(path), "/proc/fs/ext4/%s/options", name);
		if (lr_read_small(path, opts, sizeof(opts)) < 0)
			return errno == ENOENT ? SB_GONE : SB_HELD;
		return is_prefixed_with(opts, "ro\n") ? SB_RO
			: is_prefixed_with(opts, "rw\n") ? SB_RW : SB_HELD;
	}
	/* any other: a device that no filesystem holds opens exclusively */
	fd = open(d->source, O_RDONLY | O_EXCL | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return SB_HELD;
	close(fd);
	return SB_GONE;
}

/* d is alive and writable, and no mount of ours shows it (the system's own
 * shutdown unmounted it; the overlay's clone keeps it): mounting its device
 * again gives that same superblock, which can then go read-only */
static void grab_ro(const struct disk *d, const char *tmp)
{
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
		bb_perror_msg("mkdir %s", tmp);
		return;
	}
	if (mount(d->source, tmp, d->fstype, MS_NODEV | MS_NOSUID | MS_NOEXEC, NULL) != 0) {
		bb_perror_msg("can't reach %s (%s) again to make it read-only", d->source, d->fstype);
	} else {
		if (mount(NULL, tmp, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0)
			lr_log("%s (%s): no mount showed it, yet it was read-write: read-only now",
					d->source, d->fstype);
		else
			bb_perror_msg("can't make %s (%s) read-only", d->source, d->fstype);
		if (umount2(tmp, 0) != 0)
			umount2(tmp, MNT_DETACH);
	}
	rmdir(tmp);
}

/* An ext2/3 host without a journal comes up READ-ONLY after an unclean
 * shutdown (media.c); one with a journal replays it; others just warn */
static const char *consequence(const struct disk *d)
{
	struct lr_ext e;
	int fd = open(d->source, O_RDONLY | O_CLOEXEC), ext;

	ext = fd >= 0 && lr_read_ext(fd, 0, &e) == 0;
	if (fd >= 0)
		close(fd);
	if (ext && !e.journal)
		return "an ext2 filesystem without a journal: at the next boot liveroot finds it not "
			"cleanly unmounted and uses it READ-ONLY (run e2fsck on it on another machine)";
	if (ext)
		return "the next mount replays its journal";
	return "the next mount may say it was not properly unmounted";
}

/* What is still writable on disk, or may be: said, and counted.  tmp:
 * a directory to make on a tmpfs, for grab_ro */
static int left_writable(const struct disk *d, unsigned nd, const char *tmp)
{
	unsigned i;
	int *st = xmalloc(nd * sizeof(*st) + 1), bad = 0, file = SB_GONE;

	for (i = 0; i < nd; i++) {
		st[i] = sb_state(&d[i]);
		if ((st[i] == SB_RW || st[i] == SB_HELD) && mounted_here(&d[i]) < 0) {
			grab_ro(&d[i], tmp);
			st[i] = sb_state(&d[i]);
		}
		if (strcmp(d[i].name, "rwfile") == 0)
			file = st[i];
	}
	for (i = 0; i < nd; i++) {
		if (st[i] == SB_GONE || st[i] == SB_RO)
			continue;
		bad++;
		if (st[i] == SB_RW && file == SB_RO
		 && (strcmp(d[i].name, "media") == 0 || strcmp(d[i].name, "persist") == 0))
			/* the file's filesystem is alive (the root still runs from
			 * it) and read-only: its loop device holds the host */
			bb_error_msg("WARNING: %s (%s) stays read-write: the loop device of the "
					"persistence file on it keeps it open (the root still runs from it). "
					"The filesystem in that file is read-only now and all is synced; %s",
					d[i].source, d[i].fstype, consequence(&d[i]));
		else if (st[i] == SB_RW)
			bb_error_msg("WARNING: still read-write: %s (%s, the %s mount); %s",
					d[i].source, d[i].fstype, d[i].name, consequence(&d[i]));
		else
			bb_error_msg("WARNING: %s (%s, the %s mount) is still in use, its state unknown; "
					"%s", d[i].source, d[i].fstype, d[i].name, consequence(&d[i]));
	}
	free(st);
	return bad;
}

/* Did liveroot boot this system?  Its overlay is the root (or, after the
 * pivot, /oldroot) */
static int booted_by_liveroot(void)
{
	unsigned n, i;
	struct mnt *v = read_mounts(&n);
	int ours = 0;

	for (i = 0; i < n; i++)
		if ((strcmp(v[i].mp, "/") == 0 || strcmp(v[i].mp, "/oldroot") == 0)
		 && strcmp(v[i].fstype, "overlay") == 0)
			ours = 1;
	free_mounts(v, n);
	return ours && access(LR_DIR, F_OK) == 0;
}

static const char verbs[] ALIGN1 = "poweroff\0" "reboot\0" "halt\0" "kexec\0";

int lr_shutdown_main(char **argv)
{
	static const int cmds[] = {
		RB_POWER_OFF, RB_AUTOBOOT, RB_HALT_SYSTEM, 0x45584543 /* kexec */
	};
	int verb, dry = 0, force = 0, pivoted, bad;
	struct disk *disks;
	unsigned ndisks;
	struct stat a, b;

	for (; argv[1] && argv[1][0] == '-'; argv++) {
		if (strcmp(argv[1], "-n") == 0)
			dry = 1;
		else if (strcmp(argv[1], "-f") == 0)
			force = 1;
		else
			break;
	}
	verb = argv[1] ? index_in_strings(verbs, argv[1]) : -1;
	if (verb < 0) {
		bb_error_msg("shutdown: say poweroff, reboot, halt or kexec");
		if (getpid() != 1)
			return EXIT_FAILURE;
		/* PID 1 must not return: the kernel would panic */
		verb = 0;
		argv[1] = (char *)"poweroff";
	}
	/* (systemd leaves us /proc; another init too: mount it if not) */
	if (access("/proc/self/mountinfo", R_OK) != 0) {
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	}
	pivoted = getpid() == 1 && stat("/oldroot", &a) == 0 && stat("/", &b) == 0
		&& a.st_dev != b.st_dev;
	/* run by hand on some other system, it would remount everything
	 * read-only and reboot at once, no service stopped: refuse */
	if (!pivoted && getpid() != 1 && !force && !booted_by_liveroot()) {
		bb_error_msg("shutdown: this system was not booted by liveroot (no overlay root, "
				"no " LR_DIR "): refusing; -f does it anyway, without stopping any service");
		return EXIT_FAILURE;
	}
	if (dry) {
		printf("shutdown %s: %s\n", argv[1], pivoted
				? "unmount the old root (/oldroot) and the stack, then the media"
				: getpid() == 1 ? "pivot into " SD_DIR ", unmount the old root and the stack"
				: "remount every writable filesystem read-only, last mounted first");
		return EXIT_SUCCESS;
	}
	sync();
	lr_background_stop();  /* (systemd stopped it already) */
	if (!pivoted && getpid() == 1 && self_pivot() == 0) {
		restart_pivoted(argv[1]);
		pivoted = 1; /* (exec failed: go on as we are) */
	}
	console();
	lr_log("shutdown (%s): %s", argv[1], pivoted ? "unmounting" : "remounting read-only");
	disks = writable_disks(pivoted ? "/disks" : SD_DIR "/disks", &ndisks);
	bad = pivoted ? down_pivoted() : down_in_place();
	sync();
	bad += left_writable(disks, ndisks, pivoted ? SD_HOLD "-again" : SD_DIR "/.liveroot-again");
	if (!bad)
		lr_log("nothing is left mounted read-write: %s now", argv[1]);
	reboot(cmds[verb]);
	bb_perror_msg("%s", argv[1]);
	if (verb == 3)
		bb_error_msg("kexec: no kernel loaded? rebooting instead");
	/* PID 1 must not return; power off when even a reboot fails */
	reboot(RB_AUTOBOOT);
	reboot(RB_POWER_OFF);
	return EXIT_FAILURE;
}
