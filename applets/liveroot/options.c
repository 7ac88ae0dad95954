/* vi: set sw=4 ts=4: */
/*
 * liveroot: options.  The applet takes NAME=VALUE (or NAME) arguments; the
 * kernel command line's liveroot.NAME=VALUE parameters override them.
 * Everything is parsed once into struct lr_opts and checked here, so the
 * later stages never see an absurd value.  One table says, for each
 * parameter, how its value is read, where it goes and how `liveroot -n`
 * shows it.  The peers' words (dracut, archiso, live-boot) are peers.c's.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += options.o

#include "libbb.h"
#include "liveroot.h"

int lr_valid_spec(const char *s)
{
	static const char prefixes[] ALIGN1 = "LABEL=\0" "UUID=\0" "PARTUUID=\0" "PARTLABEL=\0";
	const char *p;
	int i;

	if (is_prefixed_with(s, "/dev/"))
		return s[5] != '\0';
	for (i = 0; (p = nth_string(prefixes, i))[0]; i++)
		if (is_prefixed_with(s, p))
			return s[strlen(p)] != '\0';
	return 0;
}

/* tmpfs size: digits with an optional k/m/g/t suffix (no wrap-around to
 * 0 = unlimited), or 1-100 followed by % */
static int valid_size(const char *s)
{
	const char *p = s;
	unsigned long long n, mult = 1;

	if (!isdigit(*p))
		return 0;
	errno = 0;
	n = strtoull(p, (char **)&p, 10);
	if (errno || n == 0)
		return 0;
	if (*p == '%')
		return n <= 100 && p[1] == '\0';
	switch (*p | 0x20) {
	case 'k': mult = 1ULL << 10; p++; break;
	case 'm': mult = 1ULL << 20; p++; break;
	case 'g': mult = 1ULL << 30; p++; break;
	case 't': mult = 1ULL << 40; p++; break;
	}
	/* the kernel multiplies in 64 bits: refuse what would wrap */
	return *p == '\0' && n <= (~0ULL >> 1) / mult;
}

/* A file size: digits with a K, M or G suffix (binary), 0 on error */
static unsigned long long parse_bytes(const char *s)
{
	const char *p = s;
	unsigned long long n;
	unsigned shift;

	if (!isdigit(*p))
		return 0;
	errno = 0;
	n = strtoull(p, (char **)&p, 10);
	switch (*p | 0x20) {
	case 'k': shift = 10; break;
	case 'm': shift = 20; break;
	case 'g': shift = 30; break;
	default: return 0;
	}
	if (errno || p[1] != '\0' || n > (1ULL << (40 - shift)))  /* up to 1 TiB */
		return 0;
	return n << shift;
}

/* on/off words: NAME alone, NAME=1|yes|y|on, NAME=0|no|n|off */
static int parse_bool(const char *name, const char *val)
{
	static const char words[] ALIGN1 =
		"0\0" "no\0" "n\0" "off\0" "1\0" "yes\0" "y\0" "on\0";
	int i;

	if (!val)
		return 1;
	i = index_in_strings(words, val);
	if (i < 0) {
		bb_error_msg("%s=%s: use %s alone, %s=1|yes|on or %s=0|no|off",
				name, val, name, name, name);
		return -1;
	}
	return i >= 4;
}

/* Absolute path, no "..", no control characters: it is used inside the
 * new root and on the media, never to escape them. */
static int valid_path(const char *s)
{
	const char *p;

	if (s[0] != '/')
		return 0;
	for (p = s; *p; p++)
		if ((unsigned char)*p < ' ')
			return 0;
	for (p = s; (p = strstr(p, "..")) != NULL; p += 2)
		if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
			return 0;
	return 1;
}

/* A path that ends up in overlayfs's mount options: none of the characters
 * that separate or escape them there, no white space */
static int valid_mount_path(const char *s)
{
	return valid_path(s) && !strpbrk(s, ",:\\ \t");
}

/* "A|B" (the first of them found): is each alternative ok()? */
static int split_alternatives(const char *w, int (*ok)(const char *))
{
	char *alts = xstrdup(w), *q = alts, *a;
	int good = 1;

	while ((a = strsep(&q, "|")) != NULL)
		good &= ok(a);
	free(alts);
	return good;
}

/* --- the parameters ------------------------------------------------------
 * One row each, in the order of param_names (which is also the order
 * `liveroot -n` shows them in): how the value is read, where it goes, how
 * it is shown.  A new parameter: its name, its row, its field in struct
 * lr_opts, and its lines in liveroot's --help and the README. */

/* One NAME=VALUE, for a row's parser: 0, 1 (a bad value: said with the
 * row's help) or -1 (said already) */
struct param;
struct arg {
	struct lr_opts *o;
	const struct param *p;
	const char *name;
	char *val;
};
struct param {
	int (*parse)(const struct arg *a);
	void (*show)(const struct lr_opts *o, const struct param *p);  /* NULL: not shown */
	const char *words;      /* parse_word: the values, in the field's order;
	                         * parse_path: the values that clear it */
	const char *help;       /* a bad value: "NAME=VALUE: HELP" */
	unsigned short off;     /* the field: offsetof(struct lr_opts, ...) */
	unsigned char flags;    /* PF_* */
	unsigned char bit;      /* parse_flag: the LR_* bit in flags */
};
enum {
	PF_BARE = 1,            /* NAME alone is a value (on/off) */
	PF_NET = 2,             /* network boot (CONFIG_FEATURE_LIVEROOT_NET) */
};
#define OFF(field) offsetof(struct lr_opts, field)
#define FIELD(o, p, type) (*(type *)((char *)(o) + (p)->off))
#define S(x) ((x) ? (x) : "")

/* the kinds most parameters share: a path, a word, on/off */
static int parse_path(const struct arg *a)
{
	if (a->p->words && index_in_strings(a->p->words, a->val) >= 0) {
		/* (iso=none clears a peer's findiso=, img_loop=, iso-scan/filename=) */
		FIELD(a->o, a->p, const char *) = NULL;
		return 0;
	}
	if (!valid_path(a->val))
		return 1;
	FIELD(a->o, a->p, const char *) = a->val;
	return 0;
}

static int parse_word(const struct arg *a)
{
	int i = index_in_strings(a->p->words, a->val);

	if (i < 0)
		return 1;
	FIELD(a->o, a->p, unsigned) = i;
	return 0;
}

static int parse_flag(const struct arg *a)
{
	int on = parse_bool(a->name, a->val);

	if (on < 0)
		return -1;
	if (on)
		a->o->flags |= a->p->bit;
	else
		a->o->flags &= ~a->p->bit;
	return 0;
}

static int parse_media(const struct arg *a)
{
	a->o->media_given = 1;
	if (strcmp(a->val, "auto") != 0 && !lr_valid_spec(a->val))
		return 1;
	a->o->media = a->val;
	return 0;
}

static int parse_label(const struct arg *a)
{
	/* (LABEL=VALUE is a good spec: VALUE is not empty) */
	a->o->media_given = 1;
	a->o->media = xasprintf("LABEL=%s", a->val);
	return 0;
}

/* image= and fetch=: A,B,... (the bottom layer first), each A|B; into
 * list[], *n.  (A bad ninth item: image= says "at most", counting
 * first; fetch= says the item is bad.) */
static int parse_list(const struct arg *a, char **list, unsigned *n,
		int (*ok)(const char *), int count_first)
{
	char *p = xstrdup(a->val), *w;
	unsigned i = 0;

	while ((w = strsep(&p, ",")) != NULL) {
		int good = split_alternatives(w, ok);

		if (!good && !(count_first && i == LR_MAX_IMAGES)) {
			bb_error_msg("%s=%s: '%s' %s", a->name, a->val, w, a->p->help);
			return -1;
		}
		if (i == LR_MAX_IMAGES) {
			bb_error_msg("%s=: at most %u images", a->name, LR_MAX_IMAGES);
			return -1;
		}
		list[i++] = w;
	}
	list[i] = NULL;
	*n = i;
	return 0;
}

static int parse_image(const struct arg *a)
{
	if (parse_list(a, a->o->images, &a->o->nimages, valid_path, 1) != 0)
		return -1;
	a->o->image = a->val;
	a->o->image_dir = NULL;
	return 0;
}

static int parse_verify(const struct arg *a)
{
	/* sha256 | sha512 (hash files on the media) | sha256:HEX | sha512:HEX */
	const char *val = a->val;
	unsigned bits = is_prefixed_with(val, "sha512") ? 512 : is_prefixed_with(val, "sha256") ? 256 : 0;
	const char *h = val + 6;

	if (bits && *h == '\0') {
		a->o->verify_hex = NULL;
	} else if (bits && *h == ':' && strlen(h + 1) == bits / 4
			&& strspn(h + 1, "0123456789abcdefABCDEF") == bits / 4) {
		a->o->verify_hex = h + 1;
	} else {
		return 1;
	}
	a->o->verify = bits;
	return 0;
}

/* verity=HEX[,HEX...]: a sha256 root hash per image, the bottom layer first */
static int parse_verity(const struct arg *a)
{
	char *p = xstrdup(a->val), *w;
	unsigned i = 0;

	while ((w = strsep(&p, ",")) != NULL) {
		if (i == LR_MAX_IMAGES) {
			bb_error_msg("%s=: at most %u root hashes", a->name, LR_MAX_IMAGES);
			return -1;
		}
		if (strlen(w) != 64 || strspn(w, "0123456789abcdefABCDEF") != 64) {
			bb_error_msg("%s=%s: '%s' %s", a->name, a->val, w, a->p->help);
			return -1;
		}
		a->o->verity_hashes[i++] = w;
	}
	a->o->verity_hashes[i] = NULL;
	a->o->nverity = i;
	a->o->verity = a->val;
	return 0;
}

static int parse_console(const struct arg *a)
{
	size_t dl;
	unsigned baud;
	char *dev;
	int ok;

	ok = lr_console_spec(a->val, &dl, &baud) == 0;
	dev = xstrndup(a->val, dl);
	ok = ok && valid_path(dev);
	free(dev);
	if (!ok)
		return 1;
	a->o->console = a->val;
	return 0;
}

/* rw=SPEC[:DIR]: a persistent layer in DIR (default "liveroot") */
static int parse_persistent(struct lr_opts *o, const char *val)
{
	char *spec = xstrdup(val), *dir = strchr(spec + (spec[0] == '/'), ':');

	if (dir) {
		char *abs;
		int ok;

		*dir++ = '\0';
		/* ":/": the filesystem's root holds upper/ and work/ (casper's
		 * casper-rw) */
		if (strcmp(dir, "/") == 0)
			dir = (char *)".";
		while (*dir == '/')
			dir++;
		abs = xasprintf("/%s", dir);
		ok = *dir && (strcmp(dir, ".") == 0 || valid_mount_path(abs));
		free(abs);
		if (!ok) {
			bb_error_msg("rw=%s: bad directory '%s' (a path on that filesystem, "
					"without '..', ',', ':', '\\' or blanks)", val, dir);
			return -1;
		}
	}
	if (!lr_valid_spec(spec)) {
		bb_error_msg("rw=%s: bad device '%s'", val, spec);
		return -1;
	}
	o->rw_dev = spec;
	o->rw_dir = dir ? dir : "liveroot";
	return 0;
}

static int parse_rw(const struct arg *a)
{
	struct lr_opts *o = a->o;
	const char *val = a->val;

	o->rw_size = o->rw_dev = o->rw_dir = NULL;
	o->rw_peer_optional = 0;
	if (strcmp(val, "tmpfs") == 0) {
		/* defaults */
	} else if (is_prefixed_with(val, "tmpfs:") && valid_size(val + 6)) {
		o->rw_size = val + 6;
	} else if (lr_valid_spec(val) && !is_prefixed_with(val, "tmpfs")) {
		if (parse_persistent(o, val) != 0)
			return -1;
	} else {
		return 1;
	}
	o->rw = val;
	return 0;
}

static int parse_create(const struct arg *a)
{
	a->o->rw_create = parse_bytes(a->val);
	return a->o->rw_create < LR_MIN_PERSIST_FILE;
}

static int parse_zram(const struct arg *a)
{
	/* (the bounds need the RAM's size: sys.c, at boot) */
	if (!valid_size(a->val) || strchr("tT", a->val[strlen(a->val) - 1]))
		return 1;
	a->o->zram = a->val;
	return 0;
}

static int parse_module(const struct arg *a)
{
	/* live-boot's module=NAME: image.dir's NAME.module lists the images */
	const char *val = a->val;

	if (strlen(val) > 64 || val[0] == '.' || strspn(val, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(val))
		return 1;
	a->o->image_module = val;
	return 0;
}

static int parse_timeout(const struct arg *a)
{
	char *end;
	unsigned long t;

	errno = 0;
	t = strtoul(a->val, &end, 10);
	if (!isdigit(a->val[0]) || *end || errno || t > LR_MAX_TIMEOUT)
		return 1;
	a->o->timeout = t;
	return 0;
}

static int parse_modules(const struct arg *a)
{
	const char *p;

	for (p = a->val; *p; p++)
		if (!isalnum(*p) && !strchr("_-,", *p))
			return 1;
	a->o->modules = a->val;
	return 0;
}

/* the network's (NULL in the table without CONFIG_FEATURE_LIVEROOT_NET) */
#if ENABLE_FEATURE_LIVEROOT_NET
# define NET(f) f

/* ${pxeserver} (the boot server, known once the network is up) as
 * 0.0.0.0, for checking an address that names it; malloced */
static char *any_server(const char *s)
{
	const char *p = strstr(s, "${pxeserver}");

	return p ? xasprintf("%.*s0.0.0.0%s", (int)(p - s), s, p + 12) : xstrdup(s);
}

/* an http:// URL as fetch= takes it */
static int valid_url(const char *u)
{
	struct lr_url pu;
	char *t = any_server(u);
	int ok = lr_parse_url(t, &pu) == 0;

	free(t);
	return ok;
}

static int parse_ip(const struct arg *a)
{
	return lr_ip_param(a->val, &a->o->ip) != 0;
}

static int parse_net_if(const struct arg *a)
{
	uint8_t mac[6];

	if (!lr_valid_ifname(a->val, strlen(a->val)) && lr_mac(a->val, mac) != 0)
		return 1;
	a->o->net_if = a->val;
	return 0;
}

static int parse_fetch(const struct arg *a)
{
	if (parse_list(a, a->o->fetches, &a->o->nfetch, valid_url, 0) != 0)
		return -1;
	a->o->fetch = a->val;
	return 0;
}

static int parse_nbd(const struct arg *a)
{
	char host[256];
	unsigned port;
	const char *e;
	char *t = any_server(a->val);
	int ok = lr_nbd_spec(t, host, sizeof(host), &port, &e) == 0;

	free(t);
	if (!ok)
		return 1;
	a->o->nbd = a->val;
	return 0;
}
#else
# define NET(f) NULL
#endif

/* `liveroot -n`: the value (after "NAME="), then its line's end */
static void show_str(const struct lr_opts *o, const struct param *p)
{
	printf("%s\n", S(FIELD(o, p, const char *const)));
}

static void show_uint(const struct lr_opts *o, const struct param *p)
{
	printf("%u\n", FIELD(o, p, const unsigned));
}

static void show_word(const struct lr_opts *o, const struct param *p)
{
	printf("%s\n", nth_string(p->words, FIELD(o, p, const unsigned)));
}

static void show_flag(const struct lr_opts *o, const struct param *p)
{
	printf("%u\n", !!(o->flags & p->bit));
}

static void show_create(const struct lr_opts *o, const struct param *p)
{
	printf("%llu\n", FIELD(o, p, const unsigned long long));
}

/* a list's items, NAME0=... NAME1=..., after another parameter's line */
static void show_list(const char *name, char *const *list, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		printf("%s%u=%s\n", name, i, list[i]);
}

static void show_image_dir(const struct lr_opts *o, const struct param *p)
{
	show_str(o, p);
	show_list("layer", o->images, o->nimages);
}

static void show_rw(const struct lr_opts *o, const struct param *p)
{
	show_str(o, p);
	printf("rw_size=%s\nrw_dev=%s\nrw_dir=%s\n", S(o->rw_size), S(o->rw_dev), S(o->rw_dir));
}

static void show_verify(const struct lr_opts *o, const struct param *p)
{
	unsigned bits = FIELD(o, p, const unsigned);

	printf("%s%s%s\n", bits == 512 ? "sha512" : bits ? "sha256" : "none",
			o->verify_hex ? ":" : "", S(o->verify_hex));
}

static void show_verity(const struct lr_opts *o, const struct param *p)
{
	show_str(o, p);
	show_list("verity", o->verity_hashes, o->nverity);
}

static void show_rw_missing(const struct lr_opts *o, const struct param *p)
{
	/* live-boot's persistence is optional too */
	printf("%s\n", nth_string(p->words, FIELD(o, p, const unsigned) || o->rw_peer_optional));
}

#if ENABLE_FEATURE_LIVEROOT_NET
static void show_ip(const struct lr_opts *o, const struct param *p)
{
	static const char modes[] ALIGN1 = "auto\0" "off\0" "dhcp\0" "static\0";
	const struct lr_ip *ip = &FIELD(o, p, const struct lr_ip);
	struct in_addr a;

	printf("%s", nth_string(modes, ip->mode));
	if (ip->mode == LR_IP_STATIC) {
		a.s_addr = ip->addr;
		printf(" %s", inet_ntoa(a));
		a.s_addr = ip->mask;
		printf("/%s", inet_ntoa(a));
		a.s_addr = ip->gw;
		printf(" gw %s", inet_ntoa(a));
		a.s_addr = ip->dns[0];
		printf(" dns %s", inet_ntoa(a));
	}
	printf("\n");
}

static void show_net_if(const struct lr_opts *o, const struct param *p)
{
	/* ip='s DEVICE, else net.if= */
	printf("%s\n", o->ip.dev[0] ? o->ip.dev : S(FIELD(o, p, const char *const)));
}

static void show_nbd(const struct lr_opts *o, const struct param *p)
{
	show_str(o, p);
	show_list("fetch", o->fetches, o->nfetch);
}
#endif

#define STRVAL(x) STRVAL_(x)
#define STRVAL_(x) #x
/* The names; the rows below are in the same order.  (testsuite/host/
 * 10-build.sh reads the names from here: each in --help and the README.) */
static const char param_names[] ALIGN1 =
	"media\0" "label\0" "iso\0" "image\0" "image.dir\0" "init\0" "rw\0" "timeout\0"
	"toram\0" "verify\0" "modules\0" "break\0" "console\0" "quiet\0" "debug\0"
	"rw.create\0" "shutdown\0" "rw.missing\0" "image.module\0" "verity\0" "eject\0"
	"zram\0" "ip\0" "net.if\0" "fetch\0" "nbd\0";
#define MEDIA_HELP "use LABEL=x, UUID=x, PARTUUID=x, PARTLABEL=x, /dev/x or auto"
static const struct param params[] = {
	/* parse, show, words, help, field[, flags, bit] */
	/* media */
	{ parse_media, show_str, NULL, MEDIA_HELP, OFF(media) },
	/* label: media=LABEL=... */
	{ parse_label, NULL, NULL, MEDIA_HELP, OFF(media) },
	/* iso */
	{ parse_path, show_str, "none\0",
		"need an absolute path on the media, without '..' (or none)", OFF(iso) },
	/* image (a bad item: "image=LIST: 'ITEM' HELP") */
	{ parse_image, show_str, NULL,
		"is not an absolute path on the media (without '..'; A|B for the first of A, B "
		"there)", OFF(image) },
	/* image.dir */
	{ parse_path, show_image_dir, NULL,
		"need an absolute path on the media, without '..'", OFF(image_dir) },
	/* init */
	{ parse_path, show_str, NULL,
		"need an absolute path without '..'", OFF(init) },
	/* rw */
	{ parse_rw, show_rw, NULL,
		"use tmpfs, tmpfs:SIZE (256M, 1G, 50%) or a persistent layer LABEL=x[:DIR], "
		"UUID=x[:DIR], /dev/x[:DIR]", OFF(rw) },
	/* timeout */
	{ parse_timeout, show_uint, NULL,
		"need whole seconds, 0 to " STRVAL(LR_MAX_TIMEOUT), OFF(timeout) },
	/* toram */
	{ parse_word, show_word, "no\0" "yes\0" "auto\0" "background\0",  /* TORAM_* */
		"use yes, no, auto or background", OFF(toram) },
	/* verify */
	{ parse_verify, show_verify, NULL,
		"use sha256 or sha512 (IMAGE.sha256/.sha512 files on the media), "
		"or sha256:HEX (64 hex digits), sha512:HEX (128)", OFF(verify) },
	/* modules */
	{ parse_modules, show_str, NULL,
		"module names are letters, digits, '_' and '-', separated by ','", OFF(modules) },
	/* break */
	{ parse_word, show_word, "none\0" "premount\0" "postmount\0" "preswitch\0",  /* BRK_* */
		"use premount, postmount or preswitch", OFF(brk) },
	/* console */
	{ parse_console, show_str, NULL,
		"use a device such as /dev/ttyS0, optionally with the kernel's ,SPEED or ,SPEEDn8 "
		"(/dev/ttyS0,115200n8)", OFF(console) },
	/* quiet */
	{ parse_flag, show_flag, NULL, NULL, OFF(flags), PF_BARE, LR_QUIET },
	/* debug */
	{ parse_flag, show_flag, NULL, NULL, OFF(flags), PF_BARE, LR_DEBUG },
	/* rw.create */
	{ parse_create, show_create, NULL,
		"use a size from 16M up to 1024G (K, M or G suffix): the persistence file made "
		"when it is missing", OFF(rw_create) },
	/* shutdown */
	{ parse_word, show_word, "auto\0" "yes\0" "no\0",  /* SHUTDOWN_* */
		"use auto, yes or no", OFF(shutdown) },
	/* rw.missing */
	{ parse_word, show_rw_missing, "stop\0" "tmpfs\0",
		"use stop (no boot without the persistent layer) or tmpfs (boot with the changes "
		"in RAM)", OFF(rw_missing_ok) },
	/* image.module */
	{ parse_module, show_str, NULL,
		"a file name (letters, digits, '.', '_', '-'): image.dir's NAME.module lists the "
		"images", OFF(image_module) },
	/* verity */
	{ parse_verity, show_verity, NULL,
		"is not a sha256 root hash (64 hex digits; one per image, separated by ',')",
		OFF(verity) },
	/* eject */
	{ parse_flag, show_flag, NULL, NULL, OFF(flags), PF_BARE, LR_EJECT },
	/* zram */
	{ parse_zram, show_str, NULL,
		"use a size (64M, 1G) or 1-100% of RAM: the swap area in compressed RAM "
		"(pages before compression)", OFF(zram) },
	/* ip */
	{ NET(parse_ip), NET(show_ip), NULL,
		NET("use dhcp, off, DEVICE:dhcp or the kernel's "
		"CLIENT:SERVER:GATEWAY:NETMASK:HOSTNAME:DEVICE:AUTOCONF:DNS0:DNS1 (IPv4; no dhcp6, "
		"rarp)"), OFF(ip), PF_NET },
	/* net.if */
	{ NET(parse_net_if), NET(show_net_if), NULL,
		NET("an interface name (eth0) or MAC address (52:54:00:12:34:56)"), OFF(net_if), PF_NET },
	/* fetch (a bad item: "fetch=LIST: 'ITEM' HELP") */
	{ NET(parse_fetch), NET(show_str), NULL,
		NET("is not an http://HOST[:PORT]/PATH address (https: not supported)"), OFF(fetch), PF_NET },
	/* nbd */
	{ NET(parse_nbd), NET(show_nbd), NULL,
		NET("use HOST[:PORT][/EXPORT] (port 10809 by default)"), OFF(nbd), PF_NET },
};

int lr_param_index(const char *name)
{
	return index_in_strings(param_names, name);
}

/* One NAME[=VALUE] ("NAME=VALUE", split in place); from = "argument",
 * "kernel command line" or a peer's word */
int lr_apply_param(struct lr_opts *o, char *arg, const char *from)
{
	struct arg a;
	char *eq = strchr(arg, '=');
	int i, r;

	if (eq)
		*eq++ = '\0';
	i = lr_param_index(arg);
	if (i < 0) {
		bb_error_msg("unknown parameter '%s' (%s); see 'liveroot --help'", arg, from);
		return -1;
	}
	a.o = o;
	a.p = &params[i];
	a.name = arg;
	a.val = eq;
	if (!(a.p->flags & PF_BARE)) {
		if (!eq || !eq[0]) {
			bb_error_msg("parameter '%s' needs a value (%s)", arg, from);
			return -1;
		}
		if (strlen(eq) > LR_MAX_VALUE) {
			bb_error_msg("value of '%s' is too long (%u bytes max)", arg, LR_MAX_VALUE);
			return -1;
		}
	}
	if (!ENABLE_FEATURE_LIVEROOT_NET && (a.p->flags & PF_NET)) {
		bb_error_msg("%s=: this BusyBox has no network boot (CONFIG_FEATURE_LIVEROOT_NET)", arg);
		return -1;
	}
	r = a.p->parse(&a);
	if (r > 0)
		bb_error_msg("%s=%s: %s", arg, eq, a.p->help);
	return r ? -1 : 0;
}

/* Next word of a kernel command line: spaces separate words, double
 * quotes group (and are removed), as the kernel's next_arg() does. */
char *lr_next_word(char **pp)
{
	char *p = skip_whitespace(*pp), *w, *d;
	int inq = 0;

	if (!*p)
		return NULL;
	w = d = p;
	for (; *p; p++) {
		if (*p == '"') {
			inq = !inq;
			continue;
		}
		if (!inq && isspace(*p))
			break;
		*d++ = *p;
	}
	if (*p)
		p++;
	*d = '\0';
	*pp = p;
	return w;
}

/* liveroot.NAME=VALUE over a peer's word that set NAME: it wins, said
 * (over the last such word: the value in effect) */
static void over_peer(struct lr_opts *o, char **peer_set, const char *w)
{
	const char *eq = strchr(w + 9, '=');
	char *name;
	int i;

	if (!eq)
		return;
	name = xstrndup(w + 9, eq - (w + 9));
	i = lr_param_index(name);
	free(name);
	if (i >= 0 && peer_set[i]) {
		char *line = xasprintf("%s wins over %s", w, peer_set[i]);
		lr_peer_note(o, xstrdup(line));
		free(peer_set[i]);
		peer_set[i] = line;
	}
}

/* the rules that take more than one parameter */
static int check_together(const struct lr_opts *o)
{
	int bad = 0;

	if (o->fetch && o->nbd) {
		bb_error_msg("fetch= and nbd= both name the root: use one");
		bad = -1;
	}
	if (!o->media_given && !o->fetch && !o->nbd) {
		bb_error_msg("no media given: add liveroot.media=LABEL=... (or liveroot.label=..., "
				"liveroot.media=auto, liveroot.fetch=URL, liveroot.nbd=HOST) to the kernel "
				"command line");
		bad = -1;
	}
	if (o->verify_hex && o->nfetch > 1) {
		bb_error_msg("verify=sha%u:HEX names one hash but fetch= lists %u images: "
				"use verify=sha%u with URL.sha%u files", o->verify, o->nfetch, o->verify, o->verify);
		bad = -1;
	}
	if (o->nverity && o->nimages && o->nverity != o->nimages) {
		bb_error_msg("verity= names %u root hash(es) but image= lists %u image(s): one per "
				"image, the bottom layer first", o->nverity, o->nimages);
		bad = -1;
	}
	if (o->rw_create && !o->rw_dev) {
		bb_error_msg("rw.create=%llu bytes needs a persistent layer: rw=LABEL=x:FILE",
				o->rw_create);
		bad = -1;
	}
	if (o->verify_hex && o->nimages > 1) {
		bb_error_msg("verify=sha%u:HEX names one hash but image= lists %u images: "
				"use verify=sha%u with IMAGE.sha%u files", o->verify, o->nimages, o->verify, o->verify);
		bad = -1;
	}
	return bad;
}

/* Arguments, then the kernel command line (kept: values point into it);
 * its first ndef bytes are the defaults file's words, which it wins over */
int lr_parse_cmdline(struct lr_opts *o, char **argv, char *cmdline, size_t ndef)
{
	char *peer_set[ARRAY_SIZE(params)];
	char *p, *w;
	const char *plain_init = NULL, *def_init = NULL;
	unsigned lr_init = 0;   /* liveroot.init=: 1 in the defaults, 2 on the command line */
	int bad = 0;

	o->image = "/live/root.sfs";
	o->images[0] = (char *)o->image;
	o->nimages = 1;
	o->init = "/sbin/init";
	o->rw = "tmpfs";
	o->console = "/dev/console";
	o->timeout = 30;

	for (; *argv; argv++)
		bad |= lr_apply_param(o, xstrdup(*argv), "argument");

	/* The kernel command line wins: the peers' words first (dracut's
	 * root=live:..., rd.live.*), then liveroot's own, which win over them
	 * (the copy stays: values point into it) */
	memset(peer_set, 0, sizeof(peer_set));
	lr_peer_words(o, xstrdup(cmdline), peer_set);
	p = cmdline;
	while ((w = lr_next_word(&p)) != NULL) {
		int dflt = w < cmdline + ndef;

		if (strcmp(w, "--") == 0)
			break; /* the rest is for init */
		if (is_prefixed_with(w, "liveroot.")) {
			if (is_prefixed_with(w, "liveroot.init="))
				lr_init |= dflt ? 1 : 2;
			over_peer(o, peer_set, w);
			bad |= lr_apply_param(o, w + 9, dflt ? "defaults file" : "kernel command line");
		} else if (is_prefixed_with(w, "init=")) {
			*(dflt ? &def_init : &plain_init) = w;
		}
	}
	/* plain init= states the user's intent too; liveroot.init= wins; the
	 * command line's over the defaults' */
	if (plain_init && !(lr_init & 2))
		bad |= lr_apply_param(o, (char *)plain_init, "kernel command line");
	else if (!plain_init && def_init && !lr_init)
		bad |= lr_apply_param(o, (char *)def_init, "defaults file");
	return bad | check_together(o);
}

/* The defaults file: words, '#' starts a comment; one line of them
 * (malloced), NULL when there are none.  *bad: a file named with -D that
 * can't be read, or a "--" in it. */
static char *read_defaults(const char *file, int given, int *bad)
{
	size_t len = 64 * 1024;  /* (a kernel command line is at most 2 KiB to 64 KiB) */
	char *text = xmalloc_open_read_close(file, &len), *line, *p, *out = NULL;

	if (!text) {
		if (given || errno != ENOENT) {
			bb_perror_msg("defaults file %s", file);
			*bad = -1;
		}
		return NULL;
	}
	if (len >= 64 * 1024) {
		bb_error_msg("defaults file %s: longer than 64 KiB, not read", file);
		*bad = -1;
		free(text);
		return NULL;
	}
	if (memchr(text, '\0', len)) {
		bb_error_msg("defaults file %s: a NUL byte: not a text file, not read", file);
		*bad = -1;
		free(text);
		return NULL;
	}
	p = text;
	while ((line = strsep(&p, "\n")) != NULL) {
		char *w, *hash = strchr(line, '#');

		if (hash)
			*hash = '\0';
		while ((w = lr_next_word(&line)) != NULL) {
			char *n;

			if (strcmp(w, "--") == 0) {
				bb_error_msg("defaults file %s: \"--\" (init's arguments) can't be "
						"a default", file);
				*bad = -1;
				continue;
			}
			/* (a value with blanks keeps its quotes) */
			n = xasprintf(strpbrk(w, " \t\n\r\v\f") ? "%s%s\"%s\"" : "%s%s%s",
					out ? out : "", out ? " " : "", w);
			free(out);
			out = n;
		}
	}
	free(text);
	return out;
}

/* defaults_file: NULL for LR_DEFAULTS, which may be missing */
int lr_parse_options(struct lr_opts *o, char **argv, const char *cmdline_file,
		const char *defaults_file)
{
	char *cmdline = xmalloc_open_read_close(cmdline_file, NULL);
	int bad = 0;

	if (!cmdline) {
		if (strcmp(cmdline_file, "/proc/cmdline") != 0) {
			bb_perror_msg("%s", cmdline_file);
			return -1;
		}
		cmdline = xstrdup(""); /* no /proc: arguments only */
	}
	/* the defaults come first: the kernel command line's words win */
	o->defaults = read_defaults(defaults_file ? defaults_file : LR_DEFAULTS,
			defaults_file != NULL, &bad);
	if (o->defaults) {
		char *c = xasprintf("%s %s", o->defaults, cmdline);
		free(cmdline);
		cmdline = c;
	}
	return lr_parse_cmdline(o, argv, cmdline, o->defaults ? strlen(o->defaults) : 0) | bad;
}

static void print_peer_note(const char *line)
{
	printf("peer: %s\n", line);
}

void lr_print_options(const struct lr_opts *o)
{
	const struct param *p;
	const char *name = param_names;

	if (o->defaults)
		printf("defaults: %s\n", o->defaults);
	lr_each_peer_note(o, print_peer_note);
	for (p = params; p < params + ARRAY_SIZE(params); p++, name += strlen(name) + 1) {
		const char *c;

		if (!p->show)
			continue;
		/* image.dir is shown as image_dir= */
		for (c = name; *c; c++)
			putchar(*c == '.' ? '_' : *c);
		putchar('=');
		p->show(o, p);
	}
}
