/* vi: set sw=4 ts=4: */
/*
 * liveroot: toram=background.  The images are mounted over linear
 * device-mapper devices that point at their loop devices on the media
 * (image.c); the system boots at once.  Once every check of the switch
 * passed, PID 1 starts the copier from its own copy of the program (in
 * /run: the initramfs's file is not kept in RAM) and hands it the open
 * images.  The copier copies them into /run/liveroot/ram while the system
 * runs, hashed if a hash is known, then -- the switch done -- points each
 * linear device at a loop device over its copy (suspend, swap, resume: reads
 * in flight finish, new ones wait, none fails) and releases the media.  RAM
 * getting short or the media failing stops it: the copy goes, the system
 * keeps running from the media, and the log says so.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += background.o

#include "libbb.h"
#include "liveroot.h"
#include <poll.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <linux/fs.h>

#define SD_BUSYBOX   LR_RUN "/initramfs/busybox"  /* the shutdown stage's copy */
#define BG_COPIER    LR_DIR "/copier"             /* else this one, unlinked once running */
#define BG_CHUNK     (1024 * 1024)

/* --- PID 1: start the copier ------------------------------------------------ */

/* The copier's command line: DONE READY FLAGS RODEV MEDIADEV KEEP ISO and
 * an FD:NAME:SECTORS:BSZ:BITS:WANT:FILE per image (WANT "-": no hash) */
static char **copier_argv(const char *bin, const struct lr_opts *o, const struct lr_source *src,
		struct lr_image *img, unsigned n, int done, int ready)
{
	char **argv = xzalloc((11 + n) * sizeof(argv[0]));
	const char *ro = lr_media_ro_dev();
	unsigned i, k = 0;

	argv[k++] = (char *)"busybox";  /* (the file may be named otherwise) */
	argv[k++] = (char *)"liveroot";
	argv[k++] = (char *)"background";
	argv[k++] = xasprintf("%d", done);
	argv[k++] = xasprintf("%d", ready);
	argv[k++] = xasprintf("%u", !!(o->flags & LR_EJECT));
	argv[k++] = xstrdup(ro ? ro : "-");
	argv[k++] = xstrdup(src->dev ? src->dev : "-");
	argv[k++] = xasprintf("%u", src->rw != 0);
	argv[k++] = xasprintf("%u", o->iso != NULL);
	for (i = 0; i < n; i++)
		argv[k++] = xasprintf("%d:%s:%llu:%u:%u:%s:%s", img[i].fd, img[i].bg, img[i].bg_sectors,
				img[i].bg_bsz, img[i].verify, img[i].verify ? img[i].want : "-",
				bb_basename(img[i].path));
	return argv;
}

/* fork, exec BIN with ARGV; the child's fds in KEEP[] survive the exec.
 * Waits until the copier says it holds what it needs (READY).  0, -1. */
static int bg_spawn(const char *bin, char **argv, const int *keep, unsigned nkeep, int *ready,
		pid_t *pidp)
{
	struct pollfd pfd;
	unsigned i;
	char c;
	pid_t pid = fork();

	if (pid < 0) {
		bb_simple_perror_msg("fork");
		return -1;
	}
	if (pid == 0) {
		for (i = 0; i < nkeep; i++)
			if (fcntl(keep[i], F_SETFD, 0) != 0)
				_exit(127);
		close(ready[0]);
		execv(bin, argv);
		bb_perror_msg("exec %s", bin);
		_exit(127);
	}
	close(ready[1]);
	pfd.fd = ready[0];
	pfd.events = POLLIN;
	i = poll(&pfd, 1, 10 * 1000) == 1 && read(ready[0], &c, 1) == 1;
	close(ready[0]);
	if (!i)
		kill(pid, SIGKILL);  /* (never half set up) */
	else
		*pidp = pid;
	if (!i)
		lr_log("toram=background: the copier did not start: the system runs from the media, "
				"which must stay in");
	return i ? 0 : -1;
}

/* Start copying IMG[] (open, over their linear devices) into RAM; they
 * are closed here.  Called once the switch is certain; PID 1 keeps the
 * write end of a pipe until it execs init: its end tells the copier that
 * the switch is done (if the switch fails after all, the caller kills
 * *PIDP).  0: started; -1: the system stays on the media (said). */
int lr_background_start(const struct lr_opts *o, const struct lr_source *src,
		struct lr_image *img, unsigned n, pid_t *pidp)
{
	unsigned long long mem[4], total = 0, avail;
	int keep[LR_MAX_IMAGES + 2], done[2], ready[2], rc = -1;
	const char *bin = SD_BUSYBOX;
	char **argv;
	unsigned i;

	for (i = 0; i < n; i++) {
		struct stat st;
		if (fstat(img[i].fd, &st) != 0) {
			bb_perror_msg("%s", img[i].path);
			goto out;
		}
		total += st.st_size;
	}
	lr_meminfo(mem);
	avail = mem[0] * 1024;
	if (avail < total + lr_ram_margin()) {
		lr_log("toram=background: not enough RAM to copy %llu MiB (MemAvailable %llu MiB, "
				"%llu MiB must stay free): the system runs from the media, which must stay in",
				total / MiB, avail / MiB, lr_ram_margin() / MiB);
		goto out;
	}
	if (access(bin, X_OK) != 0) {
		bin = BG_COPIER;
		if (lr_copy_self(bin) <= 0)
			goto out;
	}
	if (lr_mount_ram(total + MiB, n) != 0)
		goto out;
	if (pipe2(done, O_CLOEXEC) != 0) {
		bb_simple_perror_msg("pipe");
		goto out;
	}
	if (pipe2(ready, O_CLOEXEC) != 0) {
		bb_simple_perror_msg("pipe");
		close(done[0]);
		close(done[1]);
		goto out;
	}
	argv = copier_argv(bin, o, src, img, n, done[0], ready[1]);
	for (i = 0; i < n; i++)
		keep[i] = img[i].fd;
	keep[n] = done[0];
	keep[n + 1] = ready[1];
	rc = bg_spawn(bin, argv, keep, n + 2, ready, pidp);
	for (i = 3; argv[i]; i++)
		free(argv[i]);
	free(argv);
	close(done[0]);
	/* done[1] stays open, close-on-exec: init's exec closes it */
	if (rc != 0)
		close(done[1]);
 out:
	if (rc != 0) {
		umount2(LR_RAM, MNT_DETACH);
		unlink(BG_COPIER);
	}
	for (i = 0; i < n; i++) {
		close(img[i].fd);
		free(img[i].path);
	}
	return rc;
}

/* The way down (shutdown.c): a copier still at work lets go of the media
 * first (SIGTERM; one in the middle of a swap finishes it).  How many. */
static int is_copier(const char *pid)
{
	static const char me[] = "busybox\0liveroot\0background";
	char path[32], buf[sizeof(me)];

	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	return open_read_close(path, buf, sizeof(buf)) == (ssize_t)sizeof(buf)
		&& memcmp(buf, me, sizeof(me)) == 0;
}

unsigned lr_background_stop(void)
{
	struct dirent *de;
	unsigned n = 0, tries;
	DIR *d = opendir("/proc");

	while (d && (de = readdir(d)) != NULL) {
		if (!isdigit(de->d_name[0]) || !is_copier(de->d_name))
			continue;
		if (kill(xatoi_positive(de->d_name), SIGTERM) != 0) {
			bb_perror_msg("stopping the copier (pid %s)", de->d_name);
			continue;
		}
		/* (gone, or a zombie: its cmdline is empty) */
		for (tries = 0; tries < 50 && is_copier(de->d_name); tries++)
			msleep(100);
		if (is_copier(de->d_name)) {
			lr_log("toram=background's copier (pid %s) did not stop within 5 s: the media "
					"may stay in use", de->d_name);
			continue;
		}
		lr_log("stopped toram=background's copier (pid %s) before it was done", de->d_name);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* --- the copier --------------------------------------------------------------- */

struct bg_img {
	int in, out;            /* the image on the media; its copy */
	int stat;               /* the linear device's /sys/block/dm-N/stat, or -1 */
	char *name;             /* the linear device */
	char *file;             /* the copy's name in LR_RAM */
	unsigned long long sectors, size;
	unsigned bsz, bits;
	char *want;
};

/* MemAvailable, in bytes, from the open /proc/meminfo (the path moves away
 * with the switch; the open file stays valid) */
static unsigned long long mem_available(int fd)
{
	char buf[2048];
	unsigned long long v[4];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n > 0)
		buf[n] = '\0';
	lr_meminfo_parse(n > 0 ? buf : NULL, v);
	return v[0] * 1024;
}

/* sectors the system read through the linear devices so far */
static unsigned long long system_reads(const struct bg_img *b, unsigned n)
{
	unsigned long long sum = 0, v[3];
	char buf[256];
	unsigned i;

	for (i = 0; i < n; i++) {
		ssize_t k = b[i].stat >= 0 ? pread(b[i].stat, buf, sizeof(buf) - 1, 0) : -1;
		if (k > 0) {
			buf[k] = '\0';
			if (sscanf(buf, "%llu %llu %llu", &v[0], &v[1], &v[2]) == 3)
				sum += v[2];
		}
	}
	return sum;
}

/* The system first: while it reads the media (through the linear
 * devices), wait, 50 ms at a time, up to a second per chunk */
static void yield_to_system(const struct bg_img *all, unsigned n, unsigned long long *seen)
{
	unsigned k;

	for (k = 0; k < 20; k++) {
		unsigned long long now = system_reads(all, n);
		if (now == *seen)
			break;
		*seen = now;
		msleep(50);
	}
}

/* one image into RAM, hashed if asked; stops when RAM gets short (LATER:
 * the bytes of the images after this one); ALL[N]: every image (to see
 * the system's reads) */
static int copy_one(struct bg_img *b, int memfd, unsigned long long later,
		const struct bg_img *all, unsigned n_all)
{
	unsigned long long seen = system_reads(all, n_all);
	unsigned long long off = 0, avail, margin = lr_ram_margin();
	struct lr_hash h;
	uint8_t sum[64];
	char *buf = xmalloc(BG_CHUNK);
	int rc = -1;

	if (b->bits)
		lr_hash_begin(&h, b->bits);
	while (off < b->size) {
		size_t want = MIN((unsigned long long)BG_CHUNK, b->size - off);
		ssize_t n;

		yield_to_system(all, n_all, &seen);
		n = pread(b->in, buf, want, off);

		if (n <= 0) {
			if (n < 0)
				lr_log("toram=background: read error on %s after %llu MiB (the media "
						"removed or damaged?): %s", b->file, off / MiB, strerror(errno));
			else
				lr_log("toram=background: %s ended %llu bytes early", b->file, b->size - off);
			goto out;
		}
		if (full_write(b->out, buf, n) != n) {
			lr_log("toram=background: writing the copy of %s: %s", b->file, strerror(errno));
			goto out;
		}
		if (b->bits)
			lr_hash_add(&h, buf, n);
		/* (the media's pages are not needed twice) */
		posix_fadvise(b->in, off, n, POSIX_FADV_DONTNEED);
		off += n;
		avail = mem_available(memfd);
		if (avail < b->size - off + later + margin) {
			lr_log("toram=background: RAM got short while copying %s (MemAvailable %llu MiB, "
					"%llu MiB still to copy, %llu MiB must stay free)", b->file, avail / MiB,
					(b->size - off + later) / MiB, margin / MiB);
			goto out;
		}
	}
	rc = 0;
	if (b->bits) {
		lr_hash_end(&h, sum);
		rc = lr_check_hash(b->file, b->want, sum, b->bits, "while copying it to RAM");
	}
 out:
	free(buf);
	return rc;
}

/* FD:NAME:SECTORS:BSZ:BITS:WANT:FILE into b (in place; pointers into s;
 * FILE, last, may hold ':') */
static int parse_img(char *s, struct bg_img *b)
{
	char *f[7];
	unsigned i;

	for (i = 0; i < 7; i++) {
		f[i] = i < 6 ? strsep(&s, ":") : s;
		if (!f[i] || !*f[i])
			return -1;
	}
	b->in = xatoi_positive(f[0]);
	b->name = f[1];
	b->sectors = xatoull(f[2]);
	b->bsz = xatou(f[3]);
	b->bits = xatou(f[4]);
	b->want = f[5];
	b->file = f[6];
	return strncmp(b->name, LR_BG_DM, strlen(LR_BG_DM)) == 0 && !strchr(b->file, '/') ? 0 : -1;
}

/* the linear device NAME onto a loop device over its copy */
static int swap_to_ram(struct bg_img *b, unsigned i, int ramfd)
{
	char path[PATH_MAX], dev[32], params[32];
	unsigned long long bytes;
	struct stat st;
	int fd, lfd, dio, rc = -1;

	snprintf(path, sizeof(path), LR_RAM "/%u-%s", i, b->file);
	fd = openat(ramfd, bb_basename(path), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		lr_log("toram=background: %s: %s", path, strerror(errno));
		return -1;
	}
	lfd = lr_loop_attach(fd, path, 0, 0, b->bsz, LR_LOOP_RO, dev, sizeof(dev), &dio);
	close(fd);
	if (lfd < 0)
		return -1;
	if (ioctl(lfd, BLKGETSIZE64, &bytes) != 0 || fstat(lfd, &st) != 0) {
		lr_log("toram=background: %s: %s", dev, strerror(errno));
		goto out;
	}
	if (bytes >> 9 != b->sectors) {
		lr_log("toram=background: %s over %s is not the size of %s", dev, path, b->name);
		goto out;
	}
	snprintf(params, sizeof(params), "%u:%u 0", major(st.st_rdev), minor(st.st_rdev));
	/* no signal between suspend and resume: a device left suspended
	 * would stop every read of the root (SIGKILL aside: see main) */
	sigprocmask_allsigs(SIG_BLOCK);
	rc = lr_dm_reload(b->name, "linear", b->sectors, params, 1);
	sigprocmask_allsigs(SIG_UNBLOCK);
	if (rc == 0)
		lr_log("toram=background: %s now reads %s (%s)", b->name, path, dev);
 out:
	/* autoclear: the loop device stays while the table holds it */
	close(lfd);
	return rc;
}

static int umount_tries(const char *dir)
{
	unsigned tries;

	for (tries = 0; umount2(dir, 0) != 0; tries++) {
		if (errno != EBUSY || tries == 20) {
			lr_log("toram=background: the images are in RAM, but %s can't be unmounted "
					"(%s): the media must stay in", dir, strerror(errno));
			return -1;
		}
		msleep(100);
	}
	return 0;
}

/* the media no longer needed: unmounted (a few tries: the media's loop
 * devices go as their last user lets go), then media.c says whether it
 * can be taken out */
static void release(const char *rodev, const char *mediadev, int eject, int keep, int iso)
{
	if (iso && umount_tries(LR_ISO) != 0)
		return;
	if (keep) {
		lr_log("toram=background: the images are in RAM; the media holds the persistent "
				"layer: it stays mounted");
		return;
	}
	if (umount_tries(LR_MEDIA) != 0)
		return;
	lr_media_set_ro_dev(strcmp(rodev, "-") ? rodev : NULL);
	lr_release_media();  /* (unmounted already: its read-only flag goes) */
	lr_media_released("toram=background: ", strcmp(mediadev, "-") ? mediadev : NULL, 20, eject);
}

static void write_oom_adj(void)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, "-1000", 5) != 5)
		lr_debug("background: oom_score_adj: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* after a failure: the copies go, the system stays on the media */
static void give_up(struct bg_img *b, unsigned from, unsigned n, int ramfd, int rooted)
{
	unsigned i;

	for (i = from; i < n; i++) {
		char name[NAME_MAX + 16];
		snprintf(name, sizeof(name), "%u-%s", i, b[i].file);
		if (unlinkat(ramfd, name, 0) != 0 && errno != ENOENT)
			lr_log("toram=background: %s/%s: %s", LR_RAM, name, strerror(errno));
	}
	if (rooted && !from)
		umount2(LR_RAM, MNT_DETACH);
	lr_log("toram=background: stopped; the system keeps running from the media, which "
			"must stay in");
}

/* /sys/block/dm-N/stat of the device-mapper device NAME, open, or -1 */
static int dm_stat(const char *name)
{
	struct dirent *de;
	DIR *d = opendir("/sys/block");
	int fd = -1;

	while (d && fd < 0 && (de = readdir(d)) != NULL) {
		char path[64], have[128];

		if (!is_prefixed_with(de->d_name, "dm-"))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%.16s/dm/name", de->d_name);
		if (lr_read_small(path, have, sizeof(have)) <= 0)
			continue;
		*strchrnul(have, '\n') = '\0';
		if (strcmp(have, name) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/block/%.16s/stat", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (d)
		closedir(d);
	return fd;
}

/* The copier's part before READY: everything it needs while the paths
 * still are where they were.  0, -1. */
static int bg_setup(char **argv, struct bg_img *b, unsigned *n, int *fds)
{
	struct stat st;
	unsigned i;

	for (i = 0; argv[i]; i++) {
		char name[NAME_MAX + 16];

		if (i == LR_MAX_IMAGES || parse_img(argv[i], &b[i]) != 0) {
			bb_error_msg("background: bad image argument");
			return -1;
		}
		if (fstat(b[i].in, &st) != 0 || !S_ISREG(st.st_mode) || (unsigned long long)st.st_size >> 9 != b[i].sectors) {
			bb_error_msg("background: image %u is not the size that was mounted", i);
			return -1;
		}
		b[i].size = st.st_size;
		b[i].stat = dm_stat(b[i].name);
		if (b[i].stat < 0)
			lr_debug("background: no stat of %s: the copy won't wait for the system's reads",
					b[i].name);
		snprintf(name, sizeof(name), "%u-%s", i, b[i].file);
		b[i].out = openat(fds[0], name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
		if (b[i].out < 0) {
			bb_perror_msg("%s/%s", LR_RAM, name);
			return -1;
		}
	}
	*n = i;
	return i ? 0 : -1;
}

/* liveroot background DONE READY EJECT RODEV MEDIADEV KEEP ISO IMG...
 * (started by lr_background_start, never by hand: PID 1's child) */
int lr_background_main(char **argv)
{
	struct bg_img b[LR_MAX_IMAGES];
	struct stat a, r;
	int fds[3], done, ready, ok;  /* LR_RAM, the new root, /proc/meminfo */
	unsigned long long total = 0;
	unsigned i, n = 0;
	char c;

	if (getppid() != 1 || !argv[1] || !argv[7] || !argv[8]) {
		bb_error_msg("background: started by liveroot (PID 1) only");
		return EXIT_FAILURE;
	}
	done = xatoi_positive(argv[1]);
	ready = xatoi_positive(argv[2]);
	unlink(BG_COPIER);  /* (running: its RAM goes when this ends) */
	lr_open_log();
	memset(b, 0, sizeof(b));
	fds[0] = open(LR_RAM, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fds[1] = open(LR_NEWROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fds[2] = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || bg_setup(argv + 8, b, &n, fds) != 0) {
		bb_simple_perror_msg("background: setting up");
		return EXIT_FAILURE;  /* no READY: PID 1 says so, unmounts LR_RAM */
	}
	xwrite(ready, "1", 1);
	close(ready);
	/* its own session; the system's work first; never the OOM killer's
	 * choice (it may hold the root's device suspended); best effort */
	setsid();
	if (setpriority(PRIO_PROCESS, 0, 10) != 0
	 || syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, (2 << 13) | 7 /* BE, lowest */) != 0
	)
		lr_debug("background: priorities: %s", strerror(errno));
	write_oom_adj();
	lr_log("toram=background: copying %u image(s) to " LR_RAM " while the system runs from "
			"the media", n);
	for (i = 0; i < n; i++)
		total += b[i].size;
	ok = 1;
	for (i = 0; ok && i < n; i++) {
		total -= b[i].size;
		ok = copy_one(&b[i], fds[2], total, b, n) == 0 && close(b[i].out) == 0;
	}
	/* the switch is done when PID 1 execs init (the pipe's end) */
	while (read(done, &c, 1) > 0)
		continue;
	if (fchdir(fds[1]) != 0 || chroot(".") != 0 || chdir("/") != 0
	 || stat("/", &r) != 0 || stat("/proc/1/root", &a) != 0
	) {
		lr_log("toram=background: into the new root: %s", strerror(errno));
		give_up(b, 0, n, fds[0], 0);
		return EXIT_FAILURE;
	}
	if (a.st_dev != r.st_dev || a.st_ino != r.st_ino) {
		lr_log("toram=background: the new root is not PID 1's root (no switch?)");
		give_up(b, 0, n, fds[0], 0);
		return EXIT_FAILURE;
	}
	if (!ok) {
		give_up(b, 0, n, fds[0], 1);
		return EXIT_FAILURE;
	}
	for (i = 0; i < n; i++) {
		if (swap_to_ram(&b[i], i, fds[0]) != 0) {
			/* those swapped read RAM (the same bytes); the rest, the
			 * media: their copies go */
			lr_log("toram=background: %s stays on the media, which must stay in", b[i].name);
			give_up(b, i, n, fds[0], 0);
			return EXIT_FAILURE;
		}
		close(b[i].in);
		total += b[i].size;
	}
	lr_log("toram=background: the images are in RAM (%llu MiB in " LR_RAM ")", total / MiB);
	release(argv[4], argv[5], xatou(argv[3]), xatou(argv[6]), xatou(argv[7]));
	return EXIT_SUCCESS;
}
