/* vi: set sw=4 ts=4: */
/*
 * liveroot: boot a live system from a squashfs/erofs image, all in one applet.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
#ifndef LIVEROOT_H
#define LIVEROOT_H 1

PUSH_AND_SET_FUNCTION_VISIBILITY_TO_HIDDEN

/* Where everything lives.  /run moves into the new root, so every helper
 * mount stays visible (and releasable) after the switch. */
#define LR_RUN          "/run"
#define LR_DIR          "/run/liveroot"
#define LR_MEDIA        LR_DIR "/media"
#define LR_ISO          LR_DIR "/iso"
#define LR_RAM          LR_DIR "/ram"
#define LR_PERSIST      LR_DIR "/persist"
#define LR_RW           LR_DIR "/rw"
#define LR_RWFILE       LR_DIR "/rwfile"  /* a persistence image file, mounted */
#define LR_LOG          LR_DIR "/log"
#define LR_NEWROOT      "/newroot"
/* words read before the kernel command line (the remastered ISO's
 * original initramfs defaults: make remaster writes it) */
#define LR_DEFAULTS     "/etc/liveroot/defaults"
/* Last file of the cpio archive: missing = the initramfs did not fit in RAM */
#define LR_COMPLETE     "/etc/initramfs-complete"
/* an empty ext4 with a journal, xz: rw.create grows it (mkinitramfs puts it
 * in when the module set has ext4) */
#define LR_PERSIST_TEMPLATE "/lib/liveroot/persist.ext4.xz"

/* filesystems that can hold an overlay upper layer, and those that can
 * hold an ext image file of one (volume_id's type names) */
#define LR_DIR_HOSTS    "ext4\0" "ext3\0" "ext2\0" "btrfs\0" "xfs\0"
#define LR_FILE_HOSTS   "vfat\0" "exfat\0" "ntfs\0"

#define LR_MAX_VALUE    1024    /* longest accepted parameter value */
#define LR_MAX_TIMEOUT  3600    /* seconds */

enum {
	LR_QUIET   = 1 << 0,    /* no memory log on the console */
	LR_DEBUG   = 1 << 1,    /* print every step */
	LR_DRYRUN  = 1 << 2,    /* parse, print the plan, change nothing */
	LR_KILL    = 1 << 3,    /* switch: kill processes that pin rootfs */
	LR_NOPID1  = 1 << 4,    /* switch: do not insist on being PID 1 */
	LR_DETACH  = 1 << 5,    /* switch: detach mounts with no place in the new root */
	LR_BREAK   = 1 << 6,    /* switch: a shell once every check passed (break=preswitch) */
	LR_EJECT   = 1 << 7,    /* toram: open a CD's tray once the media is released */
};

enum { BRK_NONE, BRK_PREMOUNT, BRK_POSTMOUNT, BRK_PRESWITCH };

#define LR_MAX_IMAGES   8
#define MiB (1024ULL * 1024)
/* an image copied or fetched into RAM leaves at least this much available:
 * an eighth of the RAM, 8 to 32 MiB (lr_ram_margin) */
#define TORAM_MARGIN_MIN (8 * MiB)
#define TORAM_MARGIN_MAX (32 * MiB)

enum { TORAM_NO, TORAM_YES, TORAM_AUTO, TORAM_BG };
enum { SHUTDOWN_AUTO, SHUTDOWN_YES, SHUTDOWN_NO };
#define LR_MIN_PERSIST_FILE (16ULL << 20)

/* the network's parameters and replies */
enum { LR_IP_UNSET, LR_IP_OFF, LR_IP_DHCP, LR_IP_STATIC };
struct lr_ip {
	unsigned mode;          /* LR_IP_* */
	uint32_t addr, server, gw, mask, dns[2];  /* network byte order */
	char dev[16];           /* the interface, or "" */
};
struct lr_url {
	char host[254];
	unsigned port;
	const char *path;       /* into the URL; "" is "/" */
};
struct lr_http {
	int status;
	long long length;       /* Content-Length, -1: none */
	char *location;
	int coded;              /* chunked or compressed: not for liveroot */
};

/* Options, parsed once (applet arguments, then liveroot.* from the kernel
 * command line, which wins). Strings point into malloced storage. */
struct lr_opts {
	const char *media;      /* LABEL=x, UUID=x, PARTUUID=x, PARTLABEL=x, /dev/x, auto */
	const char *iso;        /* ISO file on the media that holds the images */
	const char *image;      /* image=, as given */
	char *images[LR_MAX_IMAGES + 1];  /* split, first = bottom layer */
	unsigned nimages;
	const char *image_dir;  /* or every *.squashfs here (live-boot's layout) */
	const char *image_module; /* image.dir's NAME.module lists them (filesystem) */
	const char *init;       /* init inside the new root */
	const char *rw;         /* rw=, as given */
	const char *rw_size;    /* tmpfs: SIZE (tmpfs size= syntax) or NULL */
	const char *rw_dev;     /* persistent: device spec, or NULL for tmpfs */
	const char *rw_dir;     /* persistent: directory or image file on it */
	unsigned long long rw_create; /* persistent: make that file, this size, if missing */
	unsigned shutdown;      /* SHUTDOWN_*: /run/initramfs/shutdown */
	unsigned rw_missing_ok; /* rw.missing=tmpfs: no persistent device, boot anyway */
	unsigned rw_peer_optional; /* rw= is a peer's "if there is one" (live-boot) */
	char *peer_notes;       /* how the peers' words were understood, lines */
	char *defaults;         /* the words of the defaults file, or NULL */
	const char *verify_hex; /* verify=sha256:HEX or sha512:HEX */
	const char *verity;     /* verity=HEX[,HEX...], as given */
	char *verity_hashes[LR_MAX_IMAGES + 1];  /* split: a root hash per image */
	unsigned nverity;
	const char *modules;    /* extra modules, comma separated */
	const char *zram;       /* swap on zram: SIZE (bytes, K/M/G) or N% of RAM */
	const char *console;    /* console for init */
	unsigned timeout;       /* seconds to wait for the media */
	unsigned toram;         /* TORAM_* */
	unsigned verify;        /* 0, 256 (sha256) or 512 (sha512) */
	unsigned brk;           /* BRK_* */
	unsigned flags;         /* LR_* */
	int media_given;        /* media= or label= seen (even if bad) */
	struct lr_ip ip;        /* ip=, the kernel's syntax (UNSET: DHCP if needed) */
	const char *net_if;     /* net.if=: the interface, by name or MAC */
	const char *fetch;      /* fetch=, as given */
	char *fetches[LR_MAX_IMAGES + 1];  /* split: URLs (A|B: the first found) */
	unsigned nfetch;
	const char *nbd;        /* nbd=HOST[:PORT][/EXPORT] */
};

/* Everything that changes while the applet runs lives in G. */
struct globals {
	struct lr_opts o;
	unsigned long long mem_prev[4];  /* memory log: previous figures, KiB */
	int have_prev;
	int log_fd;                      /* LR_LOG, or -1 */
	int switched;                    /* rootfs may be gone: no rescue there */
	char *loaded;                    /* modaliases already handed to modprobe */
	int preloaded;                   /* the usual modules were asked for */
	pid_t modprobe_pid;              /* lr_modprobe_bg's run, not waited for yet */
	const char *modprobe_bg;         /* the names it loads (a static string) */
	char *ro_dev;                    /* media.c: the media device it made read-only */
	char *pxeserver;                 /* net.c: the boot server (DHCP siaddr, ip='s SERVER) */
} FIX_ALIASING;
#define G (*ptr_to_globals)
#define INIT_G() do { \
	SET_PTR_TO_GLOBALS(xzalloc(sizeof(G))); \
	G.log_fd = -1; \
} while (0)

/* memlog.c: the log, small files (the very bottom) */
ssize_t lr_read_small(const char *path, char *buf, size_t size);
int lr_write_small(const char *path, const char *s);
const char *lr_firmware(void);          /* sys.c: for the log */
void lr_memlog(const char *stage);
void lr_log(const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
void lr_debug(const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
void lr_open_log(void);
void lr_meminfo_parse(const char *buf, unsigned long long v[4]);
void lr_meminfo(unsigned long long v[4]);
unsigned long long lr_ram_margin(void);

/* sys.c: system helpers (the lowest layer above memlog.c) */
void lr_shell(const char *why);
void lr_rescue(const char *why) NORETURN;
int lr_under(const char *path, const char *dir);
void lr_on_die(void);
int lr_run_modprobe(char *names);
int lr_modprobe(const char *names);
void lr_modprobe_bg(const char *names);
void lr_modprobe_wait(void);
void lr_modprobe_wait_for(const char *name);
void lr_reaped(pid_t pid);
enum { LR_LOOP_RO = 0, LR_LOOP_RW = 1 };
int lr_loop_attach(int fd, const char *file, unsigned long long offset,
		unsigned long long sizelimit, unsigned bsz, unsigned flags,
		char *dev, size_t devsz, int *dio);
int lr_run(const char *const *argv);
int lr_mkdir(const char *path);
int lr_mount(const char *src, const char *target, const char *type,
		unsigned long flags, const char *data);
int lr_mount_ram(unsigned long long size, unsigned files);
int lr_zram_swap(const char *size);

/* confine.c: paths from media or the new root, never leaving them */
int lr_open_in_root(int rootfd, const char *path, int flags);
int lr_open_media_file(const char *base, const char *path, const char *what);
int lr_open_media_alt(const char *base, const char *spec, const char *what, char **chosen);
int lr_open_dir_beneath(const char *base, const char *rel, int create);

/* copy.c: hashing, copying, what an image is */
struct lr_hash {
	unsigned bits;
	union {
		sha256_ctx_t s256;
		sha512_ctx_t s512;
	} c;
};
void lr_hash_begin(struct lr_hash *h, unsigned bits);
void lr_hash_add(struct lr_hash *h, const void *p, size_t n);
void lr_hash_end(struct lr_hash *h, uint8_t *out);
int lr_check_hash(const char *path, const char *want, const uint8_t *h, unsigned bits,
		const char *how);
const char *lr_image_type(int fd);
int lr_copy_pass(int in, const char *src, long long total, int stream, const char *dst,
		uint8_t *hash, unsigned bits);

/* parse.c: parsers of outside input, no I/O (fuzzed) */
struct lr_mnt {
	unsigned id, parent, major, minor;
	char *root, *mp, *fstype, *source, *opts;
};
typedef ssize_t (*lr_read_at)(void *ctx, void *buf, size_t n, unsigned long long off);
void lr_unescape_octal(char *s);
int lr_mountinfo_line(char *line, struct lr_mnt *m);
int lr_overlay_dirs(char *opts, int (*fn)(void *ctx, const char *key, const char *dir),
		void *ctx);
int lr_hash_line(const char *buf, size_t len, unsigned bits, const char *name, char *want);
int lr_elf_inspect(lr_read_at rd, void *ctx, unsigned machine, unsigned also,
		char *interp_buf, const char **interp, const char **why);
unsigned lr_elf_machine(const char *uname_machine, unsigned *also);
int lr_console_spec(const char *s, size_t *devlen, unsigned *baud);
int lr_contiguous(unsigned long long nblk,
		int (*map)(void *ctx, unsigned long long i, unsigned long long *phys),
		void *ctx, unsigned long long *first);

/* the network's parameters and replies (structs above) */
int lr_ipv4(const char *s, size_t n, uint32_t *a);
int lr_mac(const char *s, uint8_t *mac);
int lr_valid_ifname(const char *s, size_t n);
int lr_ip_param(const char *s, struct lr_ip *ip);
int lr_parse_url(const char *url, struct lr_url *u);
int lr_nbd_spec(const char *s, char *host, size_t hostsz, unsigned *port, const char **export);
int lr_http_head(char *buf, struct lr_http *h);

struct lr_ext {
	unsigned long long bytes;  /* size (low 32 bits of the block count) */
	unsigned clean, errors, journal, recover;
};
int lr_ext_super(const uint8_t *sb, size_t len, struct lr_ext *e);

/* options.c: inputs (one table of liveroot's parameters) */
int lr_valid_spec(const char *spec);
int lr_parse_cmdline(struct lr_opts *o, char **argv, char *cmdline, size_t ndef);
int lr_parse_options(struct lr_opts *o, char **argv, const char *cmdline_file,
		const char *defaults_file);
void lr_print_options(const struct lr_opts *o);
int lr_param_index(const char *name);  /* its row; -1: not a parameter */
int lr_apply_param(struct lr_opts *o, char *arg, const char *from);  /* NAME[=VALUE] */
char *lr_next_word(char **pp);         /* of a kernel command line */
/* peers.c: the peers' words (dracut, archiso, live-boot), one table */
void lr_peer_words(struct lr_opts *o, char *cmdline, char **set);
void lr_peer_note(struct lr_opts *o, char *line);
void lr_each_peer_note(const struct lr_opts *o, void (*say)(const char *line));

/* Where the boot's images come from: found once (source.c), then handed
 * to the image, layer and shutdown stages */
enum {
	LR_SRC_MEDIA,           /* a device, mounted read-only on LR_MEDIA */
	LR_SRC_FETCHED,         /* fetch=: the images, in LR_RAM; no media */
	LR_SRC_FETCHED_ISO,     /* fetch=: one ISO image in LR_RAM, loop-mounted: the media */
	LR_SRC_NBD_IMAGE,       /* nbd=: the export is the root image; no media */
	LR_SRC_NBD_MEDIA,       /* nbd=: the export is the media */
};
struct lr_source {
	unsigned kind;          /* LR_SRC_* */
	char *dev;              /* the media's device once mounted (a fetched ISO's loop
	                         * device), or nbd='s /dev/nbdN */
	const char *type;       /* the media's filesystem type (NULL: not probed) */
	int rw;                 /* the media holds the persistent layer too, mounted
	                         * read-write (1; -1: it has errors, read-only) */
	int removable;          /* the media is a USB stick, card or CD */
	char *fetched[LR_MAX_IMAGES];  /* fetch=: the files in LR_RAM */
	unsigned nfetched;
};

/* net.c, nbd.c, fetch.c: sources (the network) */
int lr_dhcp_event(const char *event);
int lr_net_up(const struct lr_opts *o);
char *lr_expand_pxeserver(const char *s);
int lr_tcp_connect(const char *host, unsigned port, unsigned timeout);
int lr_http_get(const char *url, unsigned timeout, long long *length, int quiet);
int lr_nbd_connect(const struct lr_opts *o, char *dev, size_t devsz);  /* 1: the image */
int lr_nbd_no_timeout(const char *dev);
int lr_fetch_images(const struct lr_opts *o, char **fetched);  /* 1: an ISO */

/* media.c: sources */
int lr_coldplug(const char *extra);
char *lr_wait_device(const struct lr_opts *o, const char *spec, const char **typep,
		unsigned timeout, int optional);
int lr_mount_media(const struct lr_opts *o, struct lr_source *src);
int lr_mount_fs(const char *dev, const char *target, const char *type, unsigned long flags);
int lr_mount_iso(int fd, const char *file, const char *what, const char *target,
		char *dev, size_t devsz, int *dio);
int lr_release_media(void);
const char *lr_media_ro_dev(void);
void lr_media_set_ro_dev(const char *dev);
int lr_eject(const char *dev);
int lr_disk_in_use(const char *dev, char *what, size_t whatsz);
void lr_media_released(const char *who, const char *dev, unsigned tries, int eject);
int lr_list_images(const char *base, const struct lr_opts *o, char **names, int quiet);
int lr_read_ext(int fd, unsigned long long size, struct lr_ext *e);
int lr_check_ext(int fd, const char *what, unsigned long long size);
const char *lr_rw_fstype(const char *type);

/* source.c: the sequence network -> fetch= -> nbd= -> media; NULL, or why
 * there is no source (for lr_rescue) */
const char *lr_find_source(const struct lr_opts *o, struct lr_source *src);

/* parse.c: dm-verity's hash tree behind the filesystem */
struct lr_verity {
	unsigned data_bs, hash_bs;
	unsigned long long data_blocks;
	char salt[513];         /* hex, or "-" */
};
unsigned long long lr_verity_offset(const uint8_t *p);
const char *lr_verity_super(const uint8_t *sb, unsigned long long hash_off, struct lr_verity *v);

/* dm.c: device-mapper, one target per device */
int lr_dm_create(const char *name, const char *type, unsigned long long sectors,
		const char *params, int ro, char *dev, size_t devsz);
int lr_dm_reload(const char *name, const char *type, unsigned long long sectors,
		const char *params, int ro);
int lr_dm_remove(const char *name);
unsigned lr_dm_release(const char *prefix, unsigned max);
#define LR_VERITY_DM "liveroot-verity"
#define LR_BG_DM     "liveroot-bg"      /* toram=background: linear, media then RAM */

/* image.c: images */
struct lr_image {
	char *path;             /* for messages (and erofs's own file mount) */
	int fd;                 /* the image, opened inside the media */
	unsigned verify;        /* 256/512: hash it (sha256/sha512) before mounting */
	char want[129];         /* the expected hash, lower-case hex */
	const char *roothash;   /* verity=: dm-verity with this root hash, or NULL */
	char bg[24];            /* toram=background: the linear device's name, or "" */
	unsigned long long bg_sectors;  /* ... its size, once mounted */
	unsigned bg_bsz;        /* ... its logical block size */
};
int lr_prepare_images(const struct lr_opts *o, const struct lr_source *src,
		struct lr_image *img, int *released);
int lr_mount_image(struct lr_image *img, const char *target, char **root);

/* layer.c: the writable layer */
struct lr_rw {
	char *upper, *work;     /* for overlayfs */
	char *lower;            /* a damaged persistent layer, read-only, or NULL */
};
int lr_mount_rw(const struct lr_opts *o, const struct lr_source *src, struct lr_rw *rw);

/* stack.c: the sequence */
int lr_mount_run(void);
int lr_mount_stack(const struct lr_opts *o, const struct lr_source *src,
		struct lr_image *bg, unsigned *nbg);

/* shutdown.c */
int lr_install_shutdown(const struct lr_opts *o, const struct lr_source *src);
int lr_shutdown_main(char **argv);

int lr_copy_self(const char *dst);

/* background.c: toram=background */
int lr_background_start(const struct lr_opts *o, const struct lr_source *src,
		struct lr_image *img, unsigned n, pid_t *pid);
int lr_background_main(char **argv);
unsigned lr_background_stop(void);

/* switch.c */
int lr_switch_root(const char *newroot, const char *init, char **init_argv,
		const char *console, unsigned flags, void (*committed)(void *arg),
		void *arg);
int lr_switch_main(char **argv);

POP_SAVED_FUNCTION_VISIBILITY

#endif
