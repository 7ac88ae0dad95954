/* vi: set sw=4 ts=4: */
/*
 * liveroot: system helpers, the lowest layer with memlog.c (the log, small
 * files), which is below it: every other file may call these, these call
 * nothing above them.  The rescue shell, modprobe, loop devices, mkdir and
 * mount.  Path confinement is confine.c's, hashing and copying copy.c's.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += sys.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/mount.h>
#include <linux/loop.h>
#include <linux/fs.h>
#include <sys/swap.h>
#include <sys/sysinfo.h>

#ifndef LOOP_CONFIGURE
# define LOOP_CONFIGURE 0x4C0A
struct loop_config {
	uint32_t fd;
	uint32_t block_size;
	struct loop_info64 info;
	uint64_t __reserved[8];
};
#endif
#ifndef LOOP_CTL_GET_FREE
# define LOOP_CTL_GET_FREE 0x4C82
#endif

/* --- the rescue shell ---------------------------------------------------- */

/* Run a shell on the console and wait for it. */
void lr_shell(const char *why)
{
	static const char *const sh[] = { "/bin/sh", NULL };
	pid_t pid;

	bb_error_msg("%s", why);
	fflush_all();
	pid = fork(); /* not vfork: the child sets PS1 for itself */
	if (pid < 0) {
		bb_simple_perror_msg("fork");
		return;
	}
	if (pid == 0) {
		setenv("PS1", "(liveroot) # ", 1);
		execv(sh[0], (char **)sh);
		_exit(127);
	}
	wait4pid(pid);
}

int lr_under(const char *path, const char *dir)
{
	const char *r = is_prefixed_with(path, dir);
	return r && (*r == '/' || *r == '\0');
}

/* Before a rescue shell (the user may power off at any moment): every
 * read-write filesystem on a device below LR_DIR -- the persistent layer,
 * the media holding it -- read-only at its superblock, the last mounted
 * first.  A remount acts on the superblock: the overlay's own clone of
 * its upper layer's mount goes read-only too.  Says what it did, and how
 * to get it back.  Returns how many stay read-write. */
static unsigned layers_readonly(void)
{
	char *info, *p, *l;
	char **lines = NULL, *undo = NULL;
	unsigned n = 0, left = 0;

	/* a persistence file: its loop device would hold its host writable
	 * (the overlay keeps its own clone of the file's filesystem).
	 * Nothing runs from the root assembled on /newroot: both go */
	info = xmalloc_open_read_close("/proc/self/mountinfo", NULL);
	if (info && strstr(info, " " LR_RWFILE " ")) {
		if (umount2(LR_NEWROOT, 0) == 0 && umount2(LR_RWFILE, 0) == 0)
			bb_error_msg("unmounted the root on " LR_NEWROOT " and the persistence file's "
					"filesystem (" LR_RWFILE "): its host can go read-only");
		free(info);
		info = xmalloc_open_read_close("/proc/self/mountinfo", NULL);
	}

	for (p = info; p && (l = strsep(&p, "\n")) != NULL; ) {
		lines = xrealloc_vector(lines, 4, n);
		lines[n++] = l;
	}
	sync();
	while (n--) {
		struct lr_mnt m;
		if (lr_mountinfo_line(lines[n], &m) != 0 || m.source[0] != '/'
		 || !lr_under(m.mp, LR_DIR)
		 || (strcmp(m.opts, "rw") != 0 && !is_prefixed_with(m.opts, "rw,")))
			continue;
		if (mount(NULL, m.mp, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0) {
			bb_error_msg("%s (%s) is read-only now, all written", m.mp, m.source);
			free(undo);
			undo = xstrdup(m.mp);
		} else {
			bb_perror_msg("WARNING: %s (%s) stays read-write%s", m.mp, m.source,
					errno == EBUSY ? " (a file on it is open for writing, or the "
					"loop device of a persistence file on it holds it)" : "");
			left++;
		}
	}
	if (undo)
		bb_error_msg("to change the persistent layer from the shell: "
				"mount -o remount,rw %s", undo);
	free(undo);
	free(lines);
	free(info);
	return left;
}

/* Never returns.  As PID 1 we must not exit (that is a kernel panic). */
void lr_rescue(const char *why)
{
	char *msg = xasprintf("%s\nliveroot: rescue shell (the initramfs is intact); "
			"'reboot -f' or 'poweroff -f' when done", why);
	if (getpid() != 1) {
		bb_error_msg("%s", why);
		exit(EXIT_FAILURE);
	}
	for (;;) {
		/* (again after each shell: what it made writable) */
		layers_readonly();
		lr_shell(msg);
		sleep(1);
	}
}

/* die_func: PID 1 must not exit */
void lr_on_die(void)
{
	if (G.switched) {
		/* rootfs is gone: the new root's shell, or wait forever */
		static const char *const sh[] = { "/bin/sh", NULL };
		execv(sh[0], (char **)sh);
		for (;;)
			pause();
	}
	lr_rescue("liveroot failed (see the message above)");
}

/* --- modules ----------------------------------------------------------- */

/* "modprobe -qab NAME..." (busybox's own modprobe: reads modules.dep and
 * modules.alias) for NAMES, space separated (modaliases may hold commas),
 * split in place; NULL without /lib/modules or a name.  Free it. */
static char **modprobe_argv(char *names)
{
	char **argv;
	char *w;
	int n = 0;

	if (access("/lib/modules", F_OK) != 0) {
		lr_debug("no /lib/modules: not loading %s", names);
		return NULL;
	}
	argv = xzalloc(sizeof(argv[0]) * (strlen(names) / 2 + 4));
	argv[n++] = (char *)"modprobe";
	argv[n++] = (char *)"-qab";
	while ((w = strsep(&names, " ")) != NULL)
		if (*w)
			argv[n++] = w;
	if (n > 2)
		return argv;
	free(argv);
	return NULL;
}

/* run modprobe for NAMES (consumed) and wait: its exit status */
int lr_run_modprobe(char *names)
{
	char **argv;
	int rc;

	argv = modprobe_argv(names);
	if (!argv)
		return 0;
	if (G.o.flags & LR_DEBUG) {
		char *all = xstrdup("modprobe:"), *t;
		for (rc = 2; argv[rc]; rc++) {
			t = xasprintf("%s %s", all, argv[rc]);
			free(all);
			all = t;
		}
		lr_debug("%s", all);
		free(all);
	}
	rc = spawn_and_wait(argv);
	lr_debug("modprobe done");
	free(argv);
	return rc;
}

/* Load NAMES (space separated; a static string) in a modprobe run not
 * waited for: the modules every boot needs load while the hardware's
 * drivers probe their buses.  Whatever needs one of them waits for the run
 * first (lr_modprobe_wait_for), so nothing finds them half there.  It runs
 * at the lowest priority: on one CPU the drivers that find the media come
 * first, and it fills the time they wait for the hardware. */
void lr_modprobe_bg(const char *names)
{
	char *s = xstrdup(names);
	char **argv;

	lr_modprobe_wait();
	argv = modprobe_argv(s);
	if (argv) {
		G.modprobe_pid = spawn(argv);
		free(argv);
	}
	free(s);
	if (G.modprobe_pid <= 0) {
		G.modprobe_pid = 0;
		return;
	}
	G.modprobe_bg = names;
	/* (nothing reaps it before lr_modprobe_wait: the pid is still its) */
	if (setpriority(PRIO_PROCESS, G.modprobe_pid, 19) != 0)
		bb_perror_msg("warning: setpriority(modprobe %d)", (int)G.modprobe_pid);
	lr_debug("modprobe (not waited for, pid %d, lowest priority): %s",
			(int)G.modprobe_pid, names);
}

/* a child reaped by waitpid(-1): if it was that run, it is over */
void lr_reaped(pid_t pid)
{
	if (pid > 0 && pid == G.modprobe_pid)
		G.modprobe_pid = 0;
}

/* the modprobe run lr_modprobe_bg started, if any, done */
void lr_modprobe_wait(void)
{
	if (G.modprobe_pid > 0) {
		safe_waitpid(G.modprobe_pid, NULL, 0);
		lr_debug("modprobe (pid %d) done", (int)G.modprobe_pid);
	}
	G.modprobe_pid = 0;
}

/* the same, if that run loads module NAME by name (a mount's filesystem
 * type: the filesystems in that run are named as their types) */
void lr_modprobe_wait_for(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	const char *p = G.modprobe_bg;

	if (G.modprobe_pid <= 0 || !n)
		return;
	while ((p = strstr(p, name)) != NULL) {
		if ((p == G.modprobe_bg || p[-1] == ' ') && (p[n] == ' ' || !p[n])) {
			lr_modprobe_wait();
			return;
		}
		p += n;
	}
}

/* names: module names or aliases, separated by spaces or commas */
int lr_modprobe(const char *names)
{
	char *s = xstrdup(names), *p;
	int rc;

	for (p = s; *p; p++)
		if (*p == ',')
			*p = ' ';
	rc = lr_run_modprobe(s);
	free(s);
	return rc;
}

/* Run another applet (or program) and wait: its exit status, or -1 */
int lr_run(const char *const *argv)
{
	lr_debug("running %s", argv[0]);
	return spawn_and_wait((char **)argv);
}

/* --- loop devices ------------------------------------------------------ */

/* Attach fd (from offset, sizelimit bytes, 0 = all; logical block size
 * bsz, 0 = default) to a free loop device, read-only unless flags has
 * LR_LOOP_RW, always with autoclear (the device goes with its last user)
 * and direct I/O when the backing filesystem can; returns the loop device
 * fd, *dio says whether direct I/O is in effect.  (Long: LOOP_CONFIGURE
 * and its LOOP_SET_FD fallback for older kernels, side by side.) */
int lr_loop_attach(int fd, const char *file, unsigned long long offset,
		unsigned long long sizelimit, unsigned bsz, unsigned flags,
		char *dev, size_t devsz, int *dio)
{
	unsigned ro = (flags & LR_LOOP_RW) ? 0 : LO_FLAGS_READ_ONLY;
	struct loop_config cfg;
	struct loop_info64 info;
	int ctl, lfd, n, tries;

	lr_modprobe_wait();
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		lr_modprobe("loop");
		ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
		if (ctl < 0) {
			bb_perror_msg("/dev/loop-control (is the loop module in the initramfs?)");
			return -1;
		}
	}
	for (tries = 0; tries < 8; tries++) {
		n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0) {
			bb_perror_msg("LOOP_CTL_GET_FREE");
			break;
		}
		snprintf(dev, devsz, "/dev/loop%d", n);
		lfd = open(dev, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		if (lfd < 0 && errno == ENOENT) {
			/* devtmpfs may lag behind: make the node ourselves */
			char sysdev[48], num[16];
			unsigned ma = 7, mi = n;
			snprintf(sysdev, sizeof(sysdev), "/sys/class/block/loop%d/dev", n);
			/* (the minor is n << part_shift with max_part) */
			if (lr_read_small(sysdev, num, sizeof(num)) > 0)
				sscanf(num, "%u:%u", &ma, &mi);
			mknod(dev, S_IFBLK | 0600, makedev(ma, mi));
			lfd = open(dev, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		}
		if (lfd < 0) {
			bb_perror_msg("%s", dev);
			break;
		}
		memset(&cfg, 0, sizeof(cfg));
		cfg.fd = fd;
		cfg.block_size = bsz;
		cfg.info.lo_offset = offset;
		cfg.info.lo_sizelimit = sizelimit;
		cfg.info.lo_flags = ro | LO_FLAGS_AUTOCLEAR | LO_FLAGS_DIRECT_IO;
		safe_strncpy((char *)cfg.info.lo_file_name, file, LO_NAME_SIZE);
		if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0)
			goto ok;
		if (errno == EBUSY) { /* raced with someone else */
			close(lfd);
			continue;
		}
		if (errno != EINVAL && errno != ENOTTY) {
			bb_perror_msg("LOOP_CONFIGURE %s", dev);
			close(lfd);
			break;
		}
		/* kernel < 5.8: the two-step way */
		if (ioctl(lfd, LOOP_SET_FD, fd) != 0) {
			if (errno == EBUSY) {
				close(lfd);
				continue;
			}
			bb_perror_msg("LOOP_SET_FD %s", dev);
			close(lfd);
			break;
		}
		memset(&info, 0, sizeof(info));
		info.lo_offset = offset;
		info.lo_sizelimit = sizelimit;
		info.lo_flags = ro | LO_FLAGS_AUTOCLEAR;
		safe_strncpy((char *)info.lo_file_name, file, LO_NAME_SIZE);
		if (ioctl(lfd, LOOP_SET_STATUS64, &info) != 0) {
			bb_perror_msg("LOOP_SET_STATUS64 %s", dev);
			ioctl(lfd, LOOP_CLR_FD, 0);
			close(lfd);
			break;
		}
		if (bsz)
			ioctl(lfd, LOOP_SET_BLOCK_SIZE, (unsigned long)bsz);
		ioctl(lfd, LOOP_SET_DIRECT_IO, 1UL); /* best effort */
		goto ok;
	}
	close(ctl);
	return -1;
 ok:
	close(ctl);
	if (!ro) {
		/* a read-only flag set by an earlier user (BLKROSET) survives
		 * detach and attach: clear it */
		int zero = 0;
		ioctl(lfd, BLKROSET, &zero);
	}
	*dio = 0;
	if (ioctl(lfd, LOOP_GET_STATUS64, &info) == 0)
		*dio = !!(info.lo_flags & LO_FLAGS_DIRECT_IO);
	return lfd;
}

/* --- mkdir, mount ------------------------------------------------------- */

/* For liveroot's own directories (on rootfs and /run): never for paths
 * that come from media (see lr_open_dir_beneath). */
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
	lr_modprobe_wait_for(type);
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

/* A bounded tmpfs on LR_RAM for images in RAM: SIZE bytes, room for FILES
 * of them (a stream of unknown length ends in ENOSPC, not in an OOM) */
int lr_mount_ram(unsigned long long size, unsigned files)
{
	char *opts;
	int rc;

	if (lr_mkdir(LR_RAM) != 0)
		return -1;
	opts = xasprintf("size=%llu,nr_inodes=%u,mode=0755", size, files + 16);
	rc = lr_mount("tmpfs", LR_RAM, "tmpfs", MS_NODEV | MS_NOSUID, opts);
	if (rc != 0)
		bb_perror_msg("mount tmpfs (%s) on " LR_RAM, opts);
	free(opts);
	return rc;
}

/* --- the firmware ------------------------------------------------------------ */

/* "BIOS", "UEFI, Secure Boot on|off": for the log.  The EFI stub records
 * what the firmware said in boot_params.secure_boot (x86: offset 0x1ec;
 * 2 disabled, 3 enabled), which /sys/kernel/boot_params/data shows. */
const char *lr_firmware(void)
{
	char bp[0x1ed + 1];

	if (access("/sys/firmware/efi", F_OK) != 0)
		return "BIOS (or no EFI runtime)";
#if defined(__i386__) || defined(__x86_64__)
	if (open_read_close("/sys/kernel/boot_params/data", bp, 0x1ed) == 0x1ed) {
		if (bp[0x1ec] == 3)
			return "UEFI, Secure Boot on";
		if (bp[0x1ec] == 2)
			return "UEFI, Secure Boot off";
	}
#endif
	return "UEFI";
}

/* --- swap on zram -------------------------------------------------------- */

/* SPEC (zram=): bytes, with a K, M or G suffix or none, or 1-100% of RAM; 0 when
 * it is not one, or outside 4 MiB .. 4 times the RAM (pages before their
 * compression: more than the RAM itself is usual) */
static unsigned long long zram_bytes(const char *spec, unsigned long long ram)
{
	unsigned long long n;
	char *end;

	if (!isdigit(*spec))
		return 0;
	errno = 0;
	n = strtoull(spec, &end, 10);
	if (errno || n > (1ULL << 40))
		return 0;
	if (*end == '%')
		n = end[1] || n > 100 ? 0 : ram / 100 * n;
	else if (end[0] && !end[1] && strchr("kKmMgG", end[0]))
		n <<= (end[0] | 0x20) == 'k' ? 10 : (end[0] | 0x20) == 'm' ? 20 : 30;
	else if (end[0])
		n = 0;
	return n >= 4 * MiB && n / 4 <= ram ? n : 0;
}

/* mkswap's header (version 1) in the first page of FD, SIZE bytes */
static int write_swap_header(int fd, unsigned long long size)
{
	unsigned pg = getpagesize();
	char *page = xzalloc(pg);
	uint32_t *w = (uint32_t *)(page + 1024);
	int rc;

	w[0] = 1;                                 /* version */
	w[1] = size / pg - 1;                     /* the last page */
	memcpy(page + pg - 10, "SWAPSPACE2", 10);
	errno = EIO;  /* (a short write sets none) */
	rc = (pwrite(fd, page, pg, 0) == (ssize_t)pg && fsync(fd) == 0) ? 0 : -1;
	free(page);
	return rc;
}

/* Swap in compressed RAM: /dev/zram0 of SPEC's size, a swap area at a
 * high priority (a disk's swap, should the system add one, comes after).
 * For the small machine: what the system does not touch often is
 * compressed instead of the boot running out of memory.  Returns 0, -1
 * (said why; the boot goes on without it). */
int lr_zram_swap(const char *spec)
{
	struct sysinfo si;
	unsigned long long size;
	char num[24], alg[256], *a;
	int fd, rc;

	sysinfo(&si);
	size = zram_bytes(spec, (unsigned long long)si.totalram * si.mem_unit);
	if (!size) {
		bb_error_msg("zram=%s: use a size (64M, 1G) or 1-100%% of RAM, from 4M up to 4 "
				"times the RAM", spec);
		return -1;
	}
	size &= ~(unsigned long long)(getpagesize() - 1);
	if (access("/sys/block/zram0", F_OK) != 0)
		lr_modprobe("zram");
	sprintf(num, "%llu", size);
	if (lr_write_small("/sys/block/zram0/disksize", num) != 0) {
		bb_perror_msg("zram: /sys/block/zram0/disksize%s", errno == ENOENT
				? " (is the zram group in the initramfs?)" : "");
		return -1;
	}
	fd = open("/dev/zram0", O_RDWR | O_CLOEXEC);
	rc = fd < 0 ? -1 : write_swap_header(fd, size);
	if (fd >= 0)
		close(fd);
	if (rc == 0)
		rc = swapon("/dev/zram0", SWAP_FLAG_PREFER | (100 << SWAP_FLAG_PRIO_SHIFT));
	if (rc != 0) {
		bb_perror_msg("zram: /dev/zram0 as swap");
		lr_write_small("/sys/block/zram0/reset", "1");
		return -1;
	}
	lr_read_small("/sys/block/zram0/comp_algorithm", alg, sizeof(alg));
	a = strchr(alg, '[');
	if (a)
		*strchrnul(a, ']') = '\0';
	lr_log("swap on zram: /dev/zram0, %llu MiB before compression (%s), priority 100",
			size >> 20, a ? a + 1 : "?");
	return 0;
}
