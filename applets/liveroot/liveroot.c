/* vi: set sw=4 ts=4: */
/*
 * liveroot: turn a tiny initramfs into a complete live-Linux boot.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//config:config LIVEROOT
//config:	bool "liveroot (boot a live system from a squashfs/erofs image)"
//config:	default y
//config:	select VOLUMEID
//config:	select FEATURE_BLKID_TYPE
//config:	select FEATURE_VOLUMEID_ISO9660
//config:	select FEATURE_VOLUMEID_EXT
//config:	select FEATURE_VOLUMEID_FAT
//config:	select FEATURE_VOLUMEID_SQUASHFS
//config:	select FEATURE_VOLUMEID_EROFS
//config:	select FEATURE_VOLUMEID_UDF
//config:	select FEATURE_VOLUMEID_BTRFS
//config:	select FEATURE_VOLUMEID_XFS
//config:	select FEATURE_VOLUMEID_EXFAT
//config:	select FEATURE_VOLUMEID_NTFS
//config:	select FEATURE_SEAMLESS_XZ
//config:	select SHA512SUM
//config:	help
//config:	The whole stage of an initramfs for live media: wait for the boot
//config:	media (by label, UUID or device, loading drivers by modalias),
//config:	loop-mount the root image read-only (squashfs or erofs, direct
//config:	I/O), add a tmpfs upper layer with overlayfs, all under
//config:	/run/liveroot, then a switch_root that checks the new init before
//config:	it deletes anything, moves every mount into the new root and
//config:	reports the memory it freed. Failures end in a rescue shell.
//config:
//config:config FEATURE_LIVEROOT_NET
//config:	bool "Network boot: fetch= (HTTP into RAM), nbd=, ip="
//config:	default y
//config:	depends on LIVEROOT
//config:	select UDHCPC
//config:	help
//config:	The root image over the network: fetch= streams it over HTTP
//config:	into RAM (hashed in the same pass), nbd= reads it from an NBD
//config:	server as needed (the kernel holds the connection). The network
//config:	comes up by DHCP (udhcpc, once) or ip='s static setup.

//applet:IF_LIVEROOT(APPLET(liveroot, BB_DIR_SBIN, BB_SUID_DROP))

//kbuild:lib-$(CONFIG_LIVEROOT) += liveroot.o

//usage:#define liveroot_trivial_usage
//usage:       "[-n] [-C FILE] [-D FILE] [NAME=VALUE | NAME]... [-- INIT_ARGS]\n"
//usage:       "or: liveroot switch [-n] [-k] [-d] [-c CONSOLE] NEWROOT INIT [ARGS]\n"
//usage:       "or: liveroot shutdown [-n] [-f] poweroff|reboot|halt|kexec"
//usage:#define liveroot_full_usage "\n\n"
//usage:       "Mount a live system's root (media, image, overlay; all under /run/liveroot)\n"
//usage:       "and switch to it. Parameters come as NAME=VALUE arguments and as\n"
//usage:       "liveroot.NAME=VALUE on the kernel command line, which wins.\n"
//usage:     "\n	-n		Print the parameters (and init's arguments), do nothing"
//usage:     "\n	-C FILE		Read the kernel command line from FILE (/proc/cmdline)"
//usage:     "\n	-D FILE		Words read before the kernel command line, which wins"
//usage:     "\n			(/etc/liveroot/defaults, if there is one)"
//usage:     "\nParameters:"
//usage:     "\n	media=SPEC	Boot media: LABEL=x, UUID=x, PARTUUID=x, PARTLABEL=x, /dev/x"
//usage:     "\n			or auto (first device holding the image, removable first)"
//usage:     "\n	label=x		Same as media=LABEL=x"
//usage:     "\n	iso=PATH	The images are inside this ISO file on the media"
//usage:     "\n			(none: not, whatever a peer's word says)"
//usage:     "\n	image=P[,P]..	Root image(s) (/live/root.sfs), squashfs or erofs;"
//usage:     "\n			several are stacked, the first at the bottom;"
//usage:     "\n			A|B: the first of A, B on the media"
//usage:     "\n	image.dir=DIR	Every DIR/ *.squashfs on the media instead, by name,"
//usage:     "\n			or those DIR/filesystem.module lists, in its order"
//usage:     "\n	image.module=NAME DIR/NAME.module lists them instead"
//usage:     "\n	fetch=URL[,URL].. The images over HTTP into RAM instead of media"
//usage:     "\n			(http://HOST[:PORT]/PATH; A|B: the first the server has;"
//usage:     "\n			hashed with URL.sha256 or verify=sha256:HEX)"
//usage:     "\n	nbd=HOST[:PORT][/EXPORT] The root image (or media holding it)"
//usage:     "\n			over NBD, read as needed (port 10809)"
//usage:     "\n	ip=SPEC		Network for fetch=/nbd=: dhcp (default), off (as it is),"
//usage:     "\n			DEV:dhcp or the kernel's CLIENT::GW:MASK::DEV:none:DNS"
//usage:     "\n	net.if=DEV|MAC	The interface (default: the first with a link)"
//usage:     "\n	timeout=SEC	Wait this long for devices and servers (30, max 3600)"
//usage:     "\n	toram=yes|no|auto|background Copy the images to RAM, release"
//usage:     "\n			the media (no); background: boot from the media at"
//usage:     "\n			once, copy while the system runs, then move to the copy"
//usage:     "\n	eject[=yes|no]	Open the CD's tray once toram released it"
//usage:     "\n	verify=sha256|sha512[:HEX] Check images against IMAGE.sha256"
//usage:     "\n			or IMAGE.sha512 (or HEX) before mounting them"
//usage:     "\n	verity=HASH[,HASH] dm-verity: each block checked as it is read"
//usage:     "\n			against the image's root hash (sha256, 64 hex digits;"
//usage:     "\n			make iso VERITY=1 appends the hash tree)"
//usage:     "\n	rw=SPEC		Writable layer: tmpfs[:SIZE] (SIZE: 256M, 50%), or"
//usage:     "\n			persistent LABEL=x[:PATH], UUID=x[:PATH], /dev/x[:PATH]:"
//usage:     "\n			PATH a directory (ext4, btrfs, xfs) or an ext2/3/4"
//usage:     "\n			image file (also on vfat, exfat, ntfs); default liveroot"
//usage:     "\n	rw.create=SIZE	Make the image file PATH when it is missing (ext4,"
//usage:     "\n			SIZE 16M..1024G)"
//usage:     "\n	rw.missing=stop|tmpfs No persistent layer's device: no boot (stop),"
//usage:     "\n			or boot with the changes in RAM (tmpfs)"
//usage:     "\n	shutdown=auto|yes|no Put liveroot in /run/initramfs to unmount the"
//usage:     "\n			stack at shutdown (auto: with a persistent layer,"
//usage:     "\n			an ISO file or removable media)"
//usage:     "\n	zram=SIZE	Swap in compressed RAM (/dev/zram0) before the media"
//usage:     "\n			is looked for: SIZE before compression (256M, 50%)"
//usage:     "\n			for machines short of RAM (the zram module group)"
//usage:     "\n	init=PATH	Init inside the new root (/sbin/init; plain init= works too)"
//usage:     "\n	modules=a,b	Load these modules first"
//usage:     "\n	break=WHEN	Shell at premount (before the media), postmount (root"
//usage:     "\n			mounted) or preswitch (every check of the switch passed,"
//usage:     "\n			nothing moved); exit continues"
//usage:     "\n	console=DEV[,SPEED] Console for init (/dev/console), the kernel's"
//usage:     "\n			syntax: /dev/ttyS0,115200n8 sets the line speed"
//usage:     "\n	quiet[=yes|no]	No memory log on the console (still in /run/liveroot/log)"
//usage:     "\n	debug[=yes|no]	Print every step"
//usage:     "\nswitch: check NEWROOT and INIT, move mounts, wipe rootfs, exec INIT"
//usage:     "\n	-n		Dry run: check and print the plan, change nothing"
//usage:     "\n	-k		Kill processes that keep initramfs files busy"
//usage:     "\n	-d		Detach mounts that have no directory in NEWROOT"
//usage:     "\n			(default: refuse to switch)"
//usage:     "\n	-c CONSOLE	Console for INIT (/dev/console)"
//usage:     "\nshutdown: unmount (from systemd's /run/initramfs) or remount read-only"
//usage:     "\n(from any other init's last step) the stack, sync, then VERB"
//usage:     "\n	-n		Say what it would do"
//usage:     "\n	-f		Even on a system liveroot did not boot"

#include "libbb.h"
#include "liveroot.h"
#include <sys/mount.h>

static void stage_break(unsigned brk, unsigned at, const char *name)
{
	if (brk == at) {
		char *m = xasprintf("break=%s: shell started; 'exit' continues the boot", name);
		lr_shell(m);
		free(m);
	}
}

static void log_peer_note(const char *line)
{
	lr_log("peer word: %s", line);
}

/* What the switch hands to committed(): once every check passed */
struct committed {
	const struct lr_opts *o;
	const struct lr_source *src;
	struct lr_image bg[LR_MAX_IMAGES];  /* toram=background's images */
	unsigned nbg;
	pid_t copier;                       /* ... its copier, once started */
};

/* every check of the switch passed: nbd='s reads wait for the server
 * from now on (nbd.c's top); toram=background's copier starts */
static void committed(void *arg)
{
	struct committed *c = arg;

	if (c->src->kind == LR_SRC_NBD_IMAGE || c->src->kind == LR_SRC_NBD_MEDIA) {
		IF_FEATURE_LIVEROOT_NET(lr_nbd_no_timeout(c->src->dev);)
	}
	if (c->nbg)
		lr_background_start(c->o, c->src, c->bg, c->nbg, &c->copier);
	c->nbg = 0;
}

/* The options: the applet's arguments and the kernel command line; init's
 * arguments come after "--".  Returns init's argv, or NULL: -n printed them
 * (or the parameters were bad), *rc is the exit code. */
static char **read_options(struct lr_opts *o, char **argv, int *rc)
{
	const char *cmdline = "/proc/cmdline", *defaults = NULL;
	char **init_args = NULL, **init_argv;
	unsigned opt, i, n;

	/* after "--": the arguments for init (the kernel hands its unknown
	 * command line words to /init, which passes them on after "--") */
	for (i = 1; argv[i]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			argv[i] = NULL;
			init_args = argv + i + 1;
			break;
		}
	}
	opt = getopt32(argv, "nC:D:", &cmdline, &defaults);
	argv += optind;
	if (opt & 1)
		o->flags |= LR_DRYRUN;
	if (lr_parse_options(o, argv, cmdline, defaults) != 0) {
		*rc = EXIT_FAILURE;
		if (opt & 1)
			return NULL;
		lr_rescue("bad parameters (see above)");
	}
	for (n = 0; init_args && init_args[n]; n++)
		continue;
	init_argv = xzalloc((n + 2) * sizeof(init_argv[0]));
	init_argv[0] = (char *)o->init;
	for (i = 0; i < n; i++)
		init_argv[i + 1] = init_args[i];
	if (opt & 1) {
		lr_print_options(o);
		printf("init_argv=");
		for (i = 0; init_argv[i]; i++)
			printf("%s'%s'", i ? " " : "", init_argv[i]);
		printf("\npid1=%s\n", getpid() == 1 ? "yes"
				: "no (a real boot runs as PID 1, from /init; -n checks no more)");
		*rc = EXIT_SUCCESS;
		return NULL;
	}
	return init_argv;
}

int liveroot_main(int argc, char **argv) MAIN_EXTERNALLY_VISIBLE;
int liveroot_main(int argc UNUSED_PARAM, char **argv)
{
	struct lr_source src;
	struct committed c;
	struct lr_opts *o;
	char **init_argv;
	const char *why;
	int rc;

	INIT_G();
	o = &G.o;

	/* udhcpc runs liveroot as its script (net.c) */
	if (ENABLE_FEATURE_LIVEROOT_NET && getpid() != 1 && getenv("LIVEROOT_DHCP")
	 && strcmp(argv[0], "/run/liveroot/net/liveroot") == 0 && argv[1] && !argv[2])
		return lr_dhcp_event(argv[1]);
	if (argv[1] && strcmp(argv[1], "switch") == 0)
		return lr_switch_main(argv + 1);
	if (argv[1] && strcmp(argv[1], "background") == 0)
		return lr_background_main(argv + 1);
	/* "liveroot shutdown VERB", or /run/initramfs/shutdown VERB (a
	 * script whose interpreter line starts "busybox liveroot") */
	if (argv[1] && (strcmp(argv[1], "shutdown") == 0
			|| (strchr(argv[1], '/') && strcmp(bb_basename(argv[1]), "shutdown") == 0)))
		return lr_shutdown_main(argv + 1);

	/* options */
	init_argv = read_options(o, argv, &rc);
	if (!init_argv)
		return rc;
	if (access(LR_COMPLETE, F_OK) != 0)
		lr_rescue("the initramfs is incomplete (" LR_COMPLETE " missing): it did not fit "
				"in RAM while the kernel unpacked it; give the machine more memory");
	die_func = lr_on_die;
	if (lr_mount_run() != 0)
		lr_rescue("can't set up " LR_RUN);
	lr_memlog("start");
	lr_log("firmware: %s", lr_firmware());
	if (o->defaults)
		lr_log("defaults (" LR_DEFAULTS "): %s", o->defaults);
	/* how the boot entry's peer words were understood */
	lr_each_peer_note(o, log_peer_note);
	if (o->modules) {
		lr_modprobe(o->modules);
		lr_memlog("modules");
	}
	if (o->zram && lr_zram_swap(o->zram) != 0)
		lr_log("warning: no swap on zram (see above): the system runs without it");
	stage_break(o->brk, BRK_PREMOUNT, "premount");

	/* source: network, fetch=, nbd=, media */
	why = lr_find_source(o, &src);
	if (why)
		lr_rescue(why);
	/* images, writable layer, overlay */
	memset(&c, 0, sizeof(c));
	c.o = o;
	c.src = &src;
	if (lr_mount_stack(o, &src, c.bg, &c.nbg) != 0)
		lr_rescue("the root (images, writable layer, overlay) could not be set up: see above");
	lr_modprobe_wait();  /* (nothing run from the initramfs lives on past the switch) */
	lr_memlog("mounted");
	if (lr_install_shutdown(o, &src) != 0)
		lr_log("warning: no shutdown stage: the system's own shutdown has to unmount the stack");
	stage_break(o->brk, BRK_POSTMOUNT, "postmount");

	/* switch.  break=preswitch: inside it, once all of its checks passed */
	if (o->brk == BRK_PRESWITCH)
		o->flags |= LR_BREAK;
	lr_switch_root(LR_NEWROOT, o->init, init_argv, o->console, o->flags, committed, &c);
	if (c.copier > 0) {  /* (it waits for a switch that did not happen) */
		kill(c.copier, SIGTERM);
		umount2(LR_RAM, MNT_DETACH);
	}
	lr_rescue("can't switch to the new root");
}
