/* vi: set sw=4 ts=4: */
/*
 * liveroot: options.  The applet takes NAME=VALUE (or NAME) arguments; the
 * kernel command line's liveroot.NAME=VALUE parameters override them.
 * Everything is parsed once into struct lr_opts and checked here, so the
 * later stages never see an absurd value.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += options.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/utsname.h>

/* Parameter names, in the order of the switch below. */
static const char param_names[] ALIGN1 =
	"media\0" "label\0" "image\0" "init\0" "rw\0" "timeout\0"
	"modules\0" "break\0" "console\0" "quiet\0" "debug\0"
	"iso\0" "toram\0" "verify\0" "rw.create\0" "shutdown\0" "image.dir\0" "rw.missing\0"
	"image.module\0" "ip\0" "net.if\0" "fetch\0" "nbd\0";
enum { P_MEDIA, P_LABEL, P_IMAGE, P_INIT, P_RW, P_TIMEOUT,
	P_MODULES, P_BREAK, P_CONSOLE, P_QUIET, P_DEBUG,
	P_ISO, P_TORAM, P_VERIFY, P_RW_CREATE, P_SHUTDOWN, P_IMAGE_DIR, P_RW_MISSING,
	P_IMAGE_MODULE, P_IP, P_NET_IF, P_FETCH, P_NBD };

static const char toram_names[] ALIGN1 = "no\0" "yes\0" "auto\0";
/* the same order as SHUTDOWN_* */
static const char shutdown_names[] ALIGN1 = "auto\0" "yes\0" "no\0";
static const char missing_names[] ALIGN1 = "stop\0" "tmpfs\0";

static const char break_names[] ALIGN1 =
	"none\0" "premount\0" "postmount\0" "preswitch\0";

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

/* One NAME[=VALUE]; from = "argument" or "kernel command line". */
#if ENABLE_FEATURE_LIVEROOT_NET
/* an http:// URL as fetch= takes it (${pxeserver}: the boot server, known
 * once the network is up) */
static int valid_url(const char *u)
{
	struct lr_url pu;
	const char *p = strstr(u, "${pxeserver}");
	char *t = p ? xasprintf("%.*s0.0.0.0%s", (int)(p - u), u, p + 12) : (char *)u;
	int ok = lr_parse_url(t, &pu) == 0;

	if (t != u)
		free(t);
	return ok;
}
#endif

static int set_param(struct lr_opts *o, const char *name, char *val, const char *from)
{
	int i = index_in_strings(param_names, name);
	int need_value = (i != P_QUIET && i != P_DEBUG);

	if (i < 0) {
		bb_error_msg("unknown parameter '%s' (%s); see 'liveroot --help'", name, from);
		return -1;
	}
	if (i == P_QUIET || i == P_DEBUG) {
		int on = parse_bool(name, val);
		if (on < 0)
			return -1;
		if (on)
			o->flags |= (i == P_QUIET ? LR_QUIET : LR_DEBUG);
		else
			o->flags &= ~(i == P_QUIET ? LR_QUIET : LR_DEBUG);
		return 0;
	}
	if (need_value && (!val || !val[0])) {
		bb_error_msg("parameter '%s' needs a value (%s)", name, from);
		return -1;
	}
	if (val && strlen(val) > LR_MAX_VALUE) {
		bb_error_msg("value of '%s' is too long (%u bytes max)", name, LR_MAX_VALUE);
		return -1;
	}

	if (!ENABLE_FEATURE_LIVEROOT_NET && (i == P_IP || i == P_NET_IF || i == P_FETCH || i == P_NBD)) {
		bb_error_msg("%s=: this BusyBox has no network boot (CONFIG_FEATURE_LIVEROOT_NET)", name);
		return -1;
	}
	switch (i) {
	case P_LABEL:
		val = xasprintf("LABEL=%s", val);
		/* fall through */
	case P_MEDIA:
		o->media_given = 1;
		if (strcmp(val, "auto") != 0 && !lr_valid_spec(val)) {
			bb_error_msg("media=%s: use LABEL=x, UUID=x, PARTUUID=x, PARTLABEL=x, "
					"/dev/x or auto", val);
			return -1;
		}
		o->media = val;
		break;
	case P_ISO:
		if (strcmp(val, "none") == 0) {
			/* (clears a peer's findiso=, img_loop=, iso-scan/filename=) */
			o->iso = NULL;
			break;
		}
		if (!valid_path(val)) {
			bb_error_msg("iso=%s: need an absolute path on the media, without '..' "
					"(or none)", val);
			return -1;
		}
		o->iso = val;
		break;
	case P_IMAGE: {
		char *list = xstrdup(val), *p = list, *w;
		unsigned n = 0;

		while ((w = strsep(&p, ",")) != NULL) {
			if (n == LR_MAX_IMAGES) {
				bb_error_msg("image=: at most %u images", LR_MAX_IMAGES);
				return -1;
			}
			{
				/* A|B: the first of them on the media */
				char *alts = xstrdup(w), *q = alts, *a;
				int ok = 1;
				while ((a = strsep(&q, "|")) != NULL)
					ok &= valid_path(a);
				free(alts);
				if (!ok) {
					bb_error_msg("image=%s: '%s' is not an absolute path on the media "
							"(without '..'; A|B for the first of A, B there)", val, w);
					return -1;
				}
			}
			o->images[n++] = w;
		}
		o->images[n] = NULL;
		o->nimages = n;
		o->image = val;
		o->image_dir = NULL;
		break;
	}
	case P_IMAGE_DIR:
		if (!valid_path(val)) {
			bb_error_msg("image.dir=%s: need an absolute path on the media, without '..'", val);
			return -1;
		}
		o->image_dir = val;
		break;
	case P_TORAM:
		i = index_in_strings(toram_names, val);
		if (i < 0) {
			bb_error_msg("toram=%s: use yes, no or auto", val);
			return -1;
		}
		o->toram = i;
		break;
	case P_VERIFY: {
		/* sha256 | sha512 (hash files on the media) | sha256:HEX | sha512:HEX */
		unsigned bits = is_prefixed_with(val, "sha512") ? 512 : is_prefixed_with(val, "sha256") ? 256 : 0;
		const char *h = val + 6;

		if (bits && *h == '\0') {
			o->verify_hex = NULL;
		} else if (bits && *h == ':' && strlen(h + 1) == bits / 4
				&& strspn(h + 1, "0123456789abcdefABCDEF") == bits / 4) {
			o->verify_hex = h + 1;
		} else {
			bb_error_msg("verify=%s: use sha256 or sha512 (IMAGE.sha256/.sha512 files on the "
					"media), or sha256:HEX (64 hex digits), sha512:HEX (128)", val);
			return -1;
		}
		o->verify = bits;
		break;
	}
	case P_INIT:
		if (!valid_path(val)) {
			bb_error_msg("init=%s: need an absolute path without '..'", val);
			return -1;
		}
		o->init = val;
		break;
	case P_CONSOLE: {
		size_t dl;
		unsigned baud;
		char *dev;
		int ok;

		ok = lr_console_spec(val, &dl, &baud) == 0;
		dev = xstrndup(val, dl);
		ok = ok && valid_path(dev);
		free(dev);
		if (!ok) {
			bb_error_msg("console=%s: use a device such as /dev/ttyS0, optionally with "
					"the kernel's ,SPEED or ,SPEEDn8 (/dev/ttyS0,115200n8)", val);
			return -1;
		}
		o->console = val;
		break;
	}
	case P_RW:
		o->rw_size = o->rw_dev = o->rw_dir = NULL;
		o->rw_peer_optional = 0;
		if (strcmp(val, "tmpfs") == 0) {
			/* defaults */
		} else if (is_prefixed_with(val, "tmpfs:") && valid_size(val + 6)) {
			o->rw_size = val + 6;
		} else if (lr_valid_spec(val) && !is_prefixed_with(val, "tmpfs")) {
			/* SPEC[:DIR] -- a persistent layer in DIR (default "liveroot") */
			char *spec = xstrdup(val), *dir = strchr(spec + (spec[0] == '/'), ':');
			if (dir) {
				char *abs;
				int ok;

				*dir++ = '\0';
				while (*dir == '/')
					dir++;
				abs = xasprintf("/%s", dir);
				ok = *dir && valid_mount_path(abs);
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
		} else {
			bb_error_msg("rw=%s: use tmpfs, tmpfs:SIZE (256M, 1G, 50%%) or a persistent "
					"layer LABEL=x[:DIR], UUID=x[:DIR], /dev/x[:DIR]", val);
			return -1;
		}
		o->rw = val;
		break;
	case P_RW_CREATE:
		o->rw_create = parse_bytes(val);
		if (o->rw_create < LR_MIN_PERSIST_FILE) {
			bb_error_msg("rw.create=%s: use a size from 16M up to 1024G (K, M or G "
					"suffix): the persistence file made when it is missing", val);
			return -1;
		}
		break;
	case P_IMAGE_MODULE:
		/* live-boot's module=NAME: image.dir's NAME.module lists the images */
		if (strlen(val) > 64 || val[0] == '.' || strspn(val, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(val)) {
			bb_error_msg("image.module=%s: a file name (letters, digits, '.', '_', '-'): "
					"image.dir's NAME.module lists the images", val);
			return -1;
		}
		o->image_module = val;
		break;
#if ENABLE_FEATURE_LIVEROOT_NET
	case P_IP:
		if (lr_ip_param(val, &o->ip) != 0) {
			bb_error_msg("ip=%s: use dhcp, off, DEVICE:dhcp or the kernel's "
					"CLIENT:SERVER:GATEWAY:NETMASK:HOSTNAME:DEVICE:AUTOCONF:DNS0:DNS1 "
					"(IPv4; no dhcp6, rarp)", val);
			return -1;
		}
		break;
	case P_NET_IF: {
		uint8_t mac[6];
		if (!lr_valid_ifname(val, strlen(val)) && lr_mac(val, mac) != 0) {
			bb_error_msg("net.if=%s: an interface name (eth0) or MAC address "
					"(52:54:00:12:34:56)", val);
			return -1;
		}
		o->net_if = val;
		break;
	}
	case P_FETCH: {
		char *list = xstrdup(val), *p = list, *w;
		unsigned n = 0;

		while ((w = strsep(&p, ",")) != NULL) {
			char *alts = xstrdup(w), *q = alts, *a;
			int ok = 1;

			while ((a = strsep(&q, "|")) != NULL)
				ok &= valid_url(a);
			free(alts);
			if (!ok) {
				bb_error_msg("fetch=%s: '%s' is not an http://HOST[:PORT]/PATH address "
						"(https: not supported)", val, w);
				return -1;
			}
			if (n == LR_MAX_IMAGES) {
				bb_error_msg("fetch=: at most %u images", LR_MAX_IMAGES);
				return -1;
			}
			o->fetches[n++] = w;
		}
		o->fetches[n] = NULL;
		o->nfetch = n;
		o->fetch = val;
		break;
	}
	case P_NBD: {
		char host[256];
		unsigned port;
		const char *e;
		const char *p = strstr(val, "${pxeserver}");
		char *t = p ? xasprintf("%.*s0.0.0.0%s", (int)(p - val), val, p + 12) : val;
		int ok = lr_nbd_spec(t, host, sizeof(host), &port, &e) == 0;

		if (t != val)
			free(t);
		if (!ok) {
			bb_error_msg("nbd=%s: use HOST[:PORT][/EXPORT] (port 10809 by default)", val);
			return -1;
		}
		o->nbd = val;
		break;
	}
#endif
	case P_RW_MISSING:
		i = index_in_strings(missing_names, val);
		if (i < 0) {
			bb_error_msg("rw.missing=%s: use stop (no boot without the persistent layer) "
					"or tmpfs (boot with the changes in RAM)", val);
			return -1;
		}
		o->rw_missing_ok = i;
		break;
	case P_SHUTDOWN:
		i = index_in_strings(shutdown_names, val);
		if (i < 0) {
			bb_error_msg("shutdown=%s: use auto, yes or no", val);
			return -1;
		}
		o->shutdown = i;
		break;
	case P_TIMEOUT: {
		char *end;
		unsigned long t;

		errno = 0;
		t = strtoul(val, &end, 10);
		if (!isdigit(val[0]) || *end || errno || t > LR_MAX_TIMEOUT) {
			bb_error_msg("timeout=%s: need whole seconds, 0 to %u", val, LR_MAX_TIMEOUT);
			return -1;
		}
		o->timeout = t;
		break;
	}
	case P_MODULES: {
		const char *p;
		for (p = val; *p; p++) {
			if (!isalnum(*p) && !strchr("_-,", *p)) {
				bb_error_msg("modules=%s: module names are letters, digits, '_' and '-', "
						"separated by ','", val);
				return -1;
			}
		}
		o->modules = val;
		break;
	}
	case P_BREAK:
		i = index_in_strings(break_names, val);
		if (i < 0) {
			bb_error_msg("break=%s: use premount, postmount or preswitch", val);
			return -1;
		}
		o->brk = i;
		break;
	}
	return 0;
}

/* Split "NAME=VALUE" in place and apply it. */
static int apply(struct lr_opts *o, char *arg, const char *from)
{
	char *eq = strchr(arg, '=');

	if (eq)
		*eq++ = '\0';
	return set_param(o, arg, eq, from);
}

/* Next word of a kernel command line: spaces separate words, double
 * quotes group (and are removed), as the kernel's next_arg() does. */
static char *next_word(char **pp)
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

/* --- the peers' words ---------------------------------------------------------
 * Boot entries written for dracut's dmsquash-live keep working: their words
 * are translated into liveroot's own (NAME=VALUE, applied before the
 * liveroot.* words, which win).  What each became, or that it is not
 * supported, is noted for `liveroot -n` and the log. */

enum { PW_VALUE, PW_FLAG, PW_IGNORE };
struct peer_word {
	const char *word;       /* "rd.live.ram" matches it alone or with =VALUE */
	const char *name;       /* liveroot's parameter, or a note */
	unsigned char kind;
};
static const struct peer_word peer_words[] = {
	{ "iso-scan/filename",        "iso",   PW_VALUE },
	{ "rd.live.ram",              "toram", PW_FLAG },
	{ "rd.live.image",            "the image boot liveroot always does", PW_IGNORE },
	{ "rd.live.overlay.overlayfs", "the overlayfs liveroot always uses", PW_IGNORE },
	{ "rd.live.check",            NULL, PW_IGNORE },
	{ "rd.live.overlay.readonly", NULL, PW_IGNORE },
	{ "rd.live.overlay.reset",    NULL, PW_IGNORE },
	{ "rd.live.overlay.thin",     NULL, PW_IGNORE },
	{ "rd.writable.fsimg",        NULL, PW_IGNORE },
	{ "rd.live.squashimg",        NULL, PW_VALUE },   /* with rd.live.dir: image= */
	{ "rd.live.dir",              NULL, PW_VALUE },
	{ "rd.live.overlay.size",     NULL, PW_VALUE },   /* rw=tmpfs:NM */
	{ "rd.live.overlay",          NULL, PW_VALUE },   /* rw=DEV[:PATH] */
	/* archiso (mkinitcpio-archiso) */
	{ "archisolabel",             NULL, PW_VALUE },   /* media=LABEL=x, archiso's layout */
	{ "archisodevice",            NULL, PW_VALUE },   /* media=DEV */
	{ "archisobasedir",           NULL, PW_VALUE },   /* image=/DIR/ARCH/airootfs.sfs */
	{ "img_dev",                  NULL, PW_VALUE },   /* media=DEV (with img_loop) */
	{ "img_loop",                 "iso", PW_VALUE },
	{ "copytoram",                NULL, PW_VALUE },   /* y|n|auto */
	{ "cow_spacesize",            NULL, PW_VALUE },   /* rw=tmpfs:SIZE */
	{ "cow_label",                NULL, PW_VALUE },   /* rw=LABEL=x:DIR */
	{ "cow_device",               NULL, PW_VALUE },   /* rw=DEV:DIR */
	{ "cow_directory",            NULL, PW_VALUE },
	{ "archisosearchuuid",        NULL, PW_VALUE },   /* media=auto */
	{ "archisosearchfilename",    NULL, PW_VALUE },
	{ "copytoram_size",           NULL, PW_IGNORE },
	{ "checksum",                 NULL, PW_VALUE },   /* y: verify=sha512 (airootfs.sha512) */
	{ "verify",                   NULL, PW_IGNORE },
	{ "archiso_http_srv",         NULL, PW_VALUE },   /* fetch=SRV/DIR/ARCH/airootfs.sfs */
	{ "archiso_nbd_srv",          NULL, PW_VALUE },   /* nbd=SRV/archiso (the ISO) */
	{ "archiso_nbd_name",         NULL, PW_VALUE },
	{ "archiso_http_spc",         "liveroot sizes its RAM for the image", PW_IGNORE },
	{ "archiso_nfs_srv",          NULL, PW_IGNORE },
	/* Debian live-boot */
	{ "boot",                     NULL, PW_VALUE },   /* boot=live */
	{ "live-media-path",          NULL, PW_VALUE },   /* image.dir=DIR */
	{ "live-media",               NULL, PW_VALUE },   /* media=DEV */
	{ "findiso",                  "iso", PW_VALUE },
	{ "toram",                    "toram", PW_FLAG },
	{ "union",                    NULL, PW_VALUE },   /* union=overlay */
	{ "overlay-size",             NULL, PW_VALUE },   /* rw=tmpfs:SIZE */
	{ "persistence",              NULL, PW_VALUE },   /* rw=LABEL=persistence, rw.missing=tmpfs */
	{ "nopersistence",            NULL, PW_VALUE },   /* cancels persistence */
	{ "persistence-label",        NULL, PW_VALUE },   /* its LABEL= */
	{ "persistence-path",         NULL, PW_IGNORE },
	{ "persistence-media",        NULL, PW_IGNORE },
	{ "persistence-encryption",   NULL, PW_IGNORE },
	{ "fetch",                    NULL, PW_VALUE },   /* fetch=URL */
	{ "httpfs",                   NULL, PW_IGNORE },
	{ "ftpfs",                    NULL, PW_IGNORE },
	{ "iscsi",                    NULL, PW_IGNORE },
	{ "module",                   "image.module", PW_VALUE },
	/* the kernel's and pxelinux's */
	{ "ip",                       NULL, PW_VALUE },   /* ip= (not live-boot's own) */
	{ "BOOTIF",                   NULL, PW_VALUE },   /* 01-MAC: net.if=MAC */
};

struct peers {
	char *note;             /* what was understood, one line each */
	const char *dir, *img, *size, *overlay;
	int live;               /* root=live: seen: dracut's layout by default */
	const char *iso;        /* iso-scan/filename=, findiso=, img_loop= */
	/* archiso */
	const char *alabel, *adev, *abase, *imgdev, *toram, *cowsize, *cowdev, *cowdir, *asearch;
	/* live-boot */
	int lb;
	const char *lbpath, *lbmedia, *lbpersist, *lbplabel, *lbsize, *lbnopersist;
	/* the network */
	const char *ip, *ahttp, *anbd, *anbdname;
};

/* line: malloced, taken */
static void peer_note(struct peers *pp, char *line)
{
	char *n = xasprintf("%s%s\n", pp->note ? pp->note : "", line);

	free(pp->note);
	free(line);
	pp->note = n;
}

/* /dev/disk/by-label/x and friends (udev's links: nothing makes them
 * here) as liveroot's LABEL=x, ...; udev's \x20 escapes decoded.
 * Returns a malloced spec. */
static char *peer_dev(const char *v)
{
	static const char links[] ALIGN1 =
		"/dev/disk/by-label/\0" "/dev/disk/by-uuid/\0"
		"/dev/disk/by-partuuid/\0" "/dev/disk/by-partlabel/\0";
	static const char specs[] ALIGN1 = "LABEL=\0" "UUID=\0" "PARTUUID=\0" "PARTLABEL=\0";
	const char *l;
	int i;

	if (is_prefixed_with(v, "CDLABEL="))
		return xasprintf("LABEL=%s", v + 8);
	for (i = 0; (l = nth_string(links, i))[0]; i++) {
		if (is_prefixed_with(v, l)) {
			char *r = xasprintf("%s%s", nth_string(specs, i), v + strlen(l)), *d, *q;
			for (d = q = r; *q; q++) {
				unsigned x;
				if (q[0] == '\\' && q[1] == 'x' && isxdigit(q[2]) && isxdigit(q[3])
				 && sscanf(q + 2, "%2x", &x) == 1) {
					*d++ = x;
					q += 3;
				} else
					*d++ = *q;
			}
			*d = '\0';
			return r;
		}
	}
	return xstrdup(v);
}

/* One liveroot NAME=VALUE from a peer's word, noted, applied if liveroot
 * accepts the value -- a peer's bad value is said and left out, never
 * fatal (a liveroot.* word may set that parameter anyway) */
static int peer_apply(struct lr_opts *o, struct peers *pp, const char *word,
		const char *name, const char *value)
{
	struct lr_opts trial = *o;
	char *arg;

	/* the peers join paths onto the medium: "live" is "/live" */
	if ((strcmp(name, "iso") == 0 || strcmp(name, "image.dir") == 0) && value[0] != '/')
		arg = xasprintf("%s=/%s", name, value);
	else
		arg = xasprintf("%s=%s", name, value);
	if (apply(&trial, xstrdup(arg), word) != 0) {
		peer_note(pp, xasprintf("%s: liveroot can't use %s (see above), ignored", word, arg));
		free(arg);
		return 0;
	}
	*o = trial;
	peer_note(pp, xasprintf("%s -> %s", word, arg));
	free(arg);
	return 0;
}

/* A word of the kernel command line: a peer's?  Returns 0 (handled or
 * not a peer's), -1 (a bad value). */
static int peer_word(struct lr_opts *o, struct peers *pp, char *w)
{
	const struct peer_word *pw;
	char *eq = strchr(w, '=');
	size_t wl = eq ? (size_t)(eq - w) : strlen(w);
	const char *v = eq ? eq + 1 : NULL;

	if (is_prefixed_with(w, "root=live:http") || is_prefixed_with(w, "root=http")) {
		/* dracut's livenet: the image (or an ISO holding it) over HTTP */
		pp->live = 1;
		return peer_apply(o, pp, w, "fetch", w[5] == 'l' ? w + 10 : w + 5);
	}
	if (is_prefixed_with(w, "root=live:")) {
		/* dracut: root=live:LABEL=x | CDLABEL=x | UUID=x | /dev/x */
		char *spec = peer_dev(w + 10);
		int r;
		pp->live = 1;
		r = peer_apply(o, pp, w, "media", spec);
		free(spec);
		return r;
	}
	for (pw = peer_words; pw < peer_words + ARRAY_SIZE(peer_words); pw++) {
		if (strlen(pw->word) != wl || strncmp(w, pw->word, wl) != 0)
			continue;
		if (pw->kind == PW_IGNORE) {
			if (pw->name)
				peer_note(pp, xasprintf("%s: accepted (%s)", w, pw->name));
			else
				peer_note(pp, xasprintf("%s: not supported, ignored", w));
			return 0;
		}
		if (pw->kind == PW_FLAG) {
			/* NAME alone or with any value but 0/no/off/n: on (dracut's
			 * getargbool; live-boot's toram=FILE copies too) */
			static const char off[] ALIGN1 = "0\0" "no\0" "off\0" "n\0";
			if (v && index_in_strings(off, v) >= 0) {
				peer_note(pp, xasprintf("%s: off", w));
				return 0;
			}
			return peer_apply(o, pp, w, pw->name, "yes");
		}
		if (strcmp(pw->word, "persistence") == 0) {
			pp->lbpersist = w;  /* a flag (live-boot ignores a value) */
			return 0;
		}
		if (strcmp(pw->word, "nopersistence") == 0) {
			pp->lbnopersist = w;
			return 0;
		}
		if ((!v || !*v) && strcmp(pw->word, "copytoram") == 0)
			v = "y";  /* mkinitcpio: a bare word is =y */
		if (!v || !*v) {
			peer_note(pp, xasprintf("%s: needs a value, ignored", w));
			return 0;
		}
		if (pw->name && strcmp(pw->name, "iso") == 0)
			pp->iso = w;
		if (pw->name)
			return peer_apply(o, pp, w, pw->name, v);
		/* combined below, once every word is seen */
		if (strcmp(pw->word, "BOOTIF") == 0) {
			/* pxelinux: 01-52-54-00-12-34-56, 01 the ARP type (Ethernet) */
			char *mac = xstrdup(is_prefixed_with(v, "01-") ? v + 3 : v), *c;
			int r;
			for (c = mac; *c; c++)
				if (*c == '-')
					*c = ':';
			r = peer_apply(o, pp, w, "net.if", mac);
			free(mac);
			return r;
		} else if (strcmp(pw->word, "fetch") == 0) {
			/* live-boot: http:///PATH is the boot server's */
			char *u = is_prefixed_with(v, "http:///")
				? xasprintf("http://${pxeserver}%s", v + 7) : xstrdup(v);
			int r = peer_apply(o, pp, w, "fetch", u);
			free(u);
			return r;
		} else if (strcmp(pw->word, "ip") == 0)
			pp->ip = w;
		else if (strcmp(pw->word, "archiso_http_srv") == 0)
			pp->ahttp = v;
		else if (strcmp(pw->word, "archiso_nbd_srv") == 0)
			pp->anbd = v;
		else if (strcmp(pw->word, "archiso_nbd_name") == 0)
			pp->anbdname = v;
		else if (strcmp(pw->word, "boot") == 0) {
			if (strcmp(v, "live") == 0) {
				pp->lb = 1;
				peer_note(pp, xasprintf("%s: accepted (live-boot's layout)", w));
			}
			/* boot=casper and others: not liveroot's */
		} else if (strcmp(pw->word, "union") == 0) {
			peer_note(pp, strcmp(v, "overlay") == 0
					? xasprintf("%s: accepted (the overlayfs liveroot always uses)", w)
					: xasprintf("%s: not supported (liveroot uses overlayfs), ignored", w));
		} else if (strcmp(pw->word, "checksum") == 0) {
			/* mkinitcpio-archiso: checksum=y checks airootfs.sha512 */
			if (strcmp(v, "y") == 0)
				return peer_apply(o, pp, w, "verify", "sha512");
			peer_note(pp, xasprintf("%s: off", w));
		} else if (strcmp(pw->word, "live-media-path") == 0)
			pp->lbpath = v;
		else if (strcmp(pw->word, "live-media") == 0)
			pp->lbmedia = v;
		else if (strcmp(pw->word, "persistence-label") == 0)
			pp->lbplabel = v;
		else if (strcmp(pw->word, "overlay-size") == 0)
			pp->lbsize = v;
		else if (strcmp(pw->word, "archisolabel") == 0)
			pp->alabel = v;
		else if (is_prefixed_with(pw->word, "archisosearch"))
			pp->asearch = w;
		else if (strcmp(pw->word, "archisodevice") == 0)
			pp->adev = v;
		else if (strcmp(pw->word, "archisobasedir") == 0)
			pp->abase = v;
		else if (strcmp(pw->word, "img_dev") == 0)
			pp->imgdev = v;
		else if (strcmp(pw->word, "copytoram") == 0)
			pp->toram = v;
		else if (strcmp(pw->word, "cow_spacesize") == 0)
			pp->cowsize = v;
		else if (strcmp(pw->word, "cow_label") == 0 || strcmp(pw->word, "cow_device") == 0)
			pp->cowdev = w;  /* the whole word: which of the two */
		else if (strcmp(pw->word, "cow_directory") == 0)
			pp->cowdir = v;
		else if (strcmp(pw->word, "rd.live.dir") == 0)
			pp->dir = v;
		else if (strcmp(pw->word, "rd.live.squashimg") == 0)
			pp->img = v;
		else if (strcmp(pw->word, "rd.live.overlay.size") == 0)
			pp->size = v;
		else
			pp->overlay = v;
		return 0;
	}
	return 0;
}

/* archiso's words, combined: media, image path, copy to RAM, cow */
static int archiso_finish(struct lr_opts *o, struct peers *pp)
{
	struct utsname u;
	const char *arch;
	char *v;
	int bad = 0;

	if (!pp->alabel && !pp->adev && !pp->abase && !pp->imgdev && !pp->toram
	 && !pp->cowsize && !pp->cowdev && !pp->asearch && !pp->ahttp && !pp->anbd) {
		if (pp->cowdir)
			peer_note(pp, xasprintf("cow_directory=%s: needs cow_label= or cow_device=, "
					"ignored", pp->cowdir));
		return 0;
	}
	/* airootfs is built for one architecture: its directory */
	arch = uname(&u) == 0 ? u.machine : "x86_64";
	if (strcmp(arch, "i586") == 0 || strcmp(arch, "i486") == 0)
		arch = "i686";
	if (pp->ahttp) {
		/* archiso_pxe_http: SRV (ending in '/') ARCHISOBASEDIR/ARCH/airootfs.sfs,
		 * else .erofs; ${pxeserver} is the boot server */
		const char *b = pp->abase ? pp->abase : "arch";
		const char *sl = last_char_is(pp->ahttp, '/') ? "" : "/";
		char *w = xasprintf("archiso_http_srv=%s", pp->ahttp);
		while (*b == '/')
			b++;
		v = xasprintf("%s%s%s/%s/airootfs.sfs|%s%s%s/%s/airootfs.erofs", pp->ahttp, sl, b,
				arch, pp->ahttp, sl, b, arch);
		bad |= peer_apply(o, pp, w, "fetch", v);
		free(v);
		free(w);
	} else if (pp->anbd) {
		/* archiso_pxe_nbd: the export (archiso_nbd_name=, "archiso") is the
		 * whole ISO; copied to RAM unless copytoram=n */
		char *w = xasprintf("archiso_nbd_srv=%s", pp->anbd);
		v = xasprintf("%s/%s", pp->anbd, pp->anbdname ? pp->anbdname : "archiso");
		bad |= peer_apply(o, pp, w, "nbd", v);
		free(v);
		free(w);
		if (!pp->toram)
			pp->toram = "y";
	} else if (pp->imgdev || (pp->adev && !pp->iso)) {
		/* (archisodevice= with img_loop= is the ISO's own device) */
		char *w = xasprintf("%s=%s", pp->imgdev ? "img_dev" : "archisodevice",
				pp->imgdev ? pp->imgdev : pp->adev);
		v = peer_dev(pp->imgdev ? pp->imgdev : pp->adev);
		bad |= peer_apply(o, pp, w, "media", v);
		free(v);
		free(w);
	} else if (pp->alabel && !pp->iso) {
		/* (with img_loop= it is the ISO file's label, not the media's) */
		char *w = xasprintf("archisolabel=%s", pp->alabel);
		v = xasprintf("LABEL=%s", pp->alabel);
		bad |= peer_apply(o, pp, w, "media", v);
		free(v);
		free(w);
	} else if (!o->media_given && !pp->ahttp && !pp->anbd) {
		/* archisosearchuuid=/archisosearchfilename= (the medium's UUID
		 * file), or nothing: the device that holds the image */
		bad |= peer_apply(o, pp, pp->asearch ? pp->asearch : "archisobasedir (no device named)",
				"media", "auto");
	}
	{
		const char *b = pp->abase ? pp->abase : "arch";
		while (*b == '/')
			b++;
		v = xasprintf("/%s/%s/airootfs.sfs|/%s/%s/airootfs.erofs", b, arch, b, arch);
		bad |= peer_apply(o, pp, "archisobasedir (archiso's layout)", "image", v);
		free(v);
	}
	{
		static const char yn[] ALIGN1 = "y\0" "n\0" "auto\0";
		/* mkinitcpio-archiso 65+: auto when not said */
		int i = index_in_strings(yn, pp->toram ? pp->toram : "auto");
		char *w = xasprintf("copytoram=%s", pp->toram ? pp->toram : "auto (archiso's default)");
		if (i < 0)
			peer_note(pp, xasprintf("%s: use y, n or auto; ignored", w));
		else
			bad |= peer_apply(o, pp, w, "toram", i == 0 ? "yes" : i == 1 ? "no" : "auto");
		free(w);
	}
	if (pp->cowdev) {
		/* archiso keeps upperdir/workdir in DIR; liveroot upper/work:
		 * an archiso cow directory is not taken over, a new layer is made */
		const char *d = pp->cowdir;
		char *dflt = NULL, *spec, *dev;
		if (!d)
			d = dflt = xasprintf("persistent_%s/%s", pp->alabel ? pp->alabel : "", arch);
		while (*d == '/')
			d++;
		dev = peer_dev(strchr(pp->cowdev, '=') + 1);
		spec = is_prefixed_with(pp->cowdev, "cow_label=")
			? xasprintf("LABEL=%s:%s", pp->cowdev + 10, d)
			: xasprintf("%s:%s", dev, d);
		bad |= peer_apply(o, pp, pp->cowdev, "rw", spec);
		free(spec);
		free(dev);
		free(dflt);
	} else if (pp->cowsize) {
		char *w = xasprintf("cow_spacesize=%s", pp->cowsize);
		/* archiso: 256M, 1G, 50% -- tmpfs size syntax, as liveroot's */
		v = xasprintf("tmpfs:%s", pp->cowsize);
		bad |= peer_apply(o, pp, w, "rw", v);
		free(v);
		free(w);
	}
	return bad;
}

/* live-boot's words, combined: the images in live-media-path, the media
 * found by looking (live-boot scans every device) unless named */
static int liveboot_finish(struct lr_opts *o, struct peers *pp)
{
	int bad = 0;
	char *w;

	if (!pp->lb && !pp->lbpath && !pp->lbmedia)
		goto persist;
	w = xasprintf("live-media-path=%s", pp->lbpath ? pp->lbpath : "/live");
	bad |= peer_apply(o, pp, w, "image.dir", pp->lbpath ? pp->lbpath : "/live");
	free(w);
	if (pp->lbmedia) {
		char *dev = peer_dev(pp->lbmedia);
		w = xasprintf("live-media=%s", pp->lbmedia);
		if (lr_valid_spec(dev))
			bad |= peer_apply(o, pp, w, "media", dev);
		else
			peer_note(pp, xasprintf("%s: not supported (a device: /dev/x, LABEL=x, UUID=x), "
					"ignored", w));
		free(dev);
		free(w);
	}
	if (!o->media_given)
		bad |= peer_apply(o, pp, "boot=live (no live-media=: live-boot looks everywhere)",
				"media", "auto");
 persist:
	if (pp->lbsize) {
		char *sz = xasprintf("tmpfs:%s", pp->lbsize);
		w = xasprintf("overlay-size=%s", pp->lbsize);
		bad |= peer_apply(o, pp, w, "rw", sz);
		free(w);
		free(sz);
	}
	if (pp->lbpersist && pp->lbnopersist) {
		peer_note(pp, xasprintf("%s: nopersistence says not, ignored", pp->lbpersist));
	} else if (pp->lbpersist) {
		/* a filesystem labelled "persistence" (or persistence-label=),
		 * if there is one: liveroot keeps its own layer in /liveroot on
		 * it; live-boot's persistence.conf and rw/ are not read */
		const char *l = pp->lbplabel ? pp->lbplabel : "persistence";
		const char *size = o->rw_size;  /* overlay-size=: the RAM layer's */
		char *spec = xasprintf("LABEL=%s", l);
		w = pp->lbplabel ? xasprintf("persistence persistence-label=%s", l) : xstrdup(pp->lbpersist);
		bad |= peer_apply(o, pp, w, "rw", spec);
		if (o->rw_dev) {
			/* (only while rw= is this one: a liveroot.rw= clears it) */
			o->rw_peer_optional = 1;
			o->rw_size = size;
			peer_note(pp, xasprintf("%s: if there is one (else the changes stay in RAM%s%s); "
					"liveroot's own layer in /liveroot on it, live-boot's persistence.conf "
					"and its rw/ are not read", w, size ? ", tmpfs size " : "", size ? size : ""));
		}
		free(spec);
		free(w);
	} else if (pp->lbplabel)
		peer_note(pp, xasprintf("persistence-label=%s: needs persistence, ignored", pp->lbplabel));
	return bad;
}

/* The words that combine: dracut's image path and overlay; archiso's;
 * live-boot's */
static int peer_finish(struct lr_opts *o, struct peers *pp)
{
	int bad = archiso_finish(o, pp) | liveboot_finish(o, pp);

	if (pp->ip && pp->lb) {
		peer_note(pp, xasprintf("%s: live-boot's ip= sets up the booted system's "
				"/etc/network/interfaces: not used (fetch= brings the network up by DHCP)",
				pp->ip));
	} else if (pp->ip)
		bad |= peer_apply(o, pp, pp->ip, "ip", pp->ip + 3);

	if (pp->live && pp->iso) {
		/* dracut: root=live:CDLABEL=x is the label inside the ISO file
		 * iso-scan/filename= names; the device holding the file is
		 * found by looking, as iso-scan does */
		char *w = xasprintf("%s with root=live:", pp->iso);
		bad |= peer_apply(o, pp, w, "media", "auto");
		free(w);
	}

	if (pp->live || pp->dir || pp->img) {
		const char *d = pp->dir ? pp->dir : "LiveOS";
		char *img;
		while (*d == '/')
			d++;
		img = xasprintf("/%s/%s", d, pp->img ? pp->img : "squashfs.img");
		bad |= peer_apply(o, pp, "rd.live.dir/rd.live.squashimg (dracut's layout)", "image", img);
		free(img);
	}
	if (pp->overlay && strcmp(pp->overlay, "none") == 0) {
		peer_note(pp, xasprintf("rd.live.overlay=none: no persistent overlay (tmpfs)"));
		pp->overlay = NULL;
	}
	if (pp->overlay) {
		/* DEV[:PATH]; no PATH, or "auto": dracut's own default path
		 * (LiveOS/overlay-LABEL-UUID) is not guessed: liveroot's */
		char *ov = xasprintf("rd.live.overlay=%s", pp->overlay);
		char *d = xstrdup(pp->overlay), *path = strchr(d + (d[0] == '/'), ':'), *dev, *spec;
		if (path) {
			*path++ = '\0';
			if (!*path || strcmp(path, "auto") == 0) {
				peer_note(pp, xasprintf("%s: dracut's default overlay path is not guessed: "
						"liveroot's default (liveroot) instead", ov));
				path = NULL;
			}
		}
		dev = peer_dev(d);
		spec = path ? xasprintf("%s:%s", dev, path) : xstrdup(dev);
		bad |= peer_apply(o, pp, ov, "rw", spec);
		free(spec);
		free(dev);
		free(d);
		free(ov);
	} else if (pp->size) {
		char *sz = xasprintf("tmpfs:%sM", pp->size);
		char *w = xasprintf("rd.live.overlay.size=%s", pp->size);
		bad |= peer_apply(o, pp, w, "rw", sz);
		free(w);
		free(sz);
	}
	return bad;
}

/* Arguments, then the kernel command line (kept: values point into it) */
int lr_parse_cmdline(struct lr_opts *o, char **argv, char *cmdline)
{
	char *p, *w;
	const char *plain_init = NULL;
	int lr_init = 0;
	int bad = 0;

	o->image = "/live/root.sfs";
	o->images[0] = (char *)o->image;
	o->nimages = 1;
	o->init = "/sbin/init";
	o->rw = "tmpfs";
	o->console = "/dev/console";
	o->timeout = 30;

	for (; *argv; argv++)
		bad |= apply(o, xstrdup(*argv), "argument");

	/* The kernel command line wins: the peers' words first (dracut's
	 * root=live:..., rd.live.*), then liveroot's own, which win over them */
	{
		struct peers pp;
		char *copy = xstrdup(cmdline);

		memset(&pp, 0, sizeof(pp));
		p = copy;
		while ((w = next_word(&p)) != NULL && strcmp(w, "--") != 0)
			bad |= peer_word(o, &pp, w);
		bad |= peer_finish(o, &pp);
		o->peer_notes = pp.note;
		/* (copy stays: values point into it) */
	}
	p = cmdline;
	while ((w = next_word(&p)) != NULL) {
		if (strcmp(w, "--") == 0)
			break; /* the rest is for init */
		if (is_prefixed_with(w, "liveroot.")) {
			lr_init |= is_prefixed_with(w, "liveroot.init=") != NULL;
			/* over a peer's word for the same parameter: it wins, said */
			if (o->peer_notes && strchr(w, '=')) {
				char *key = xasprintf("-> %.*s=", (int)(strchr(w, '=') - w - 9), w + 9);
				char *hit = NULL, *h = o->peer_notes;
				/* the last one: the value in effect */
				while ((h = strstr(h, key)) != NULL)
					hit = h++;
				if (hit) {
					char *eol = strchrnul(hit, '\n');
					char *bol = hit;
					char *n;
					while (bol > o->peer_notes && bol[-1] != '\n')
						bol--;
					n = xasprintf("%s%s wins over %.*s\n", o->peer_notes, w,
							(int)(eol - bol), bol);
					free(o->peer_notes);
					o->peer_notes = n;
				}
				free(key);
			}
			bad |= apply(o, w + 9, "kernel command line");
		} else if (is_prefixed_with(w, "init=")) {
			plain_init = w;
		}
	}
	/* plain init= states the user's intent too; liveroot.init= wins */
	if (plain_init && !lr_init)
		bad |= apply(o, (char *)plain_init, "kernel command line");
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

int lr_parse_options(struct lr_opts *o, char **argv, const char *cmdline_file)
{
	char *cmdline = xmalloc_open_read_close(cmdline_file, NULL);

	if (!cmdline) {
		if (strcmp(cmdline_file, "/proc/cmdline") != 0) {
			bb_perror_msg("%s", cmdline_file);
			return -1;
		}
		cmdline = xstrdup(""); /* no /proc: arguments only */
	}
	return lr_parse_cmdline(o, argv, cmdline);
}

/* say(line) for each line of how the peers' words were understood */
void lr_each_peer_note(const struct lr_opts *o, void (*say)(const char *line))
{
	char *n, *l, *q;

	if (!o->peer_notes)
		return;
	q = n = xstrdup(o->peer_notes);
	while ((l = strsep(&q, "\n")) != NULL)
		if (*l)
			say(l);
	free(n);
}

static void print_peer_note(const char *line)
{
	printf("peer: %s\n", line);
}

void lr_print_options(const struct lr_opts *o)
{
	unsigned i;

	lr_each_peer_note(o, print_peer_note);

#define S(x) ((x) ? (x) : "")
	printf("media=%s\niso=%s\nimage=%s\nimage_dir=%s\n", S(o->media), S(o->iso), o->image,
			S(o->image_dir));
	for (i = 0; i < o->nimages; i++)
		printf("layer%u=%s\n", i, o->images[i]);
	printf("init=%s\nrw=%s\nrw_size=%s\nrw_dev=%s\nrw_dir=%s\ntimeout=%u\n"
			"toram=%s\nverify=%s%s%s\nmodules=%s\nbreak=%s\nconsole=%s\n"
			"quiet=%u\ndebug=%u\nrw_create=%llu\nshutdown=%s\nrw_missing=%s\nimage_module=%s\n",
			o->init, o->rw, S(o->rw_size), S(o->rw_dev), S(o->rw_dir), o->timeout,
			nth_string(toram_names, o->toram),
			o->verify == 512 ? "sha512" : o->verify ? "sha256" : "none", o->verify_hex ? ":" : "", S(o->verify_hex),
			S(o->modules), nth_string(break_names, o->brk), o->console,
			!!(o->flags & LR_QUIET), !!(o->flags & LR_DEBUG),
			o->rw_create, nth_string(shutdown_names, o->shutdown),
			nth_string(missing_names, o->rw_missing_ok || o->rw_peer_optional), S(o->image_module));
	if (ENABLE_FEATURE_LIVEROOT_NET) {
		static const char modes[] ALIGN1 = "auto\0" "off\0" "dhcp\0" "static\0";
		struct in_addr a;
		printf("ip=%s", nth_string(modes, o->ip.mode));
		if (o->ip.mode == LR_IP_STATIC) {
			a.s_addr = o->ip.addr;
			printf(" %s", inet_ntoa(a));
			a.s_addr = o->ip.mask;
			printf("/%s", inet_ntoa(a));
			a.s_addr = o->ip.gw;
			printf(" gw %s", inet_ntoa(a));
			a.s_addr = o->ip.dns[0];
			printf(" dns %s", inet_ntoa(a));
		}
		printf("\nnet_if=%s\nfetch=%s\nnbd=%s\n", o->ip.dev[0] ? o->ip.dev : S(o->net_if),
				S(o->fetch), S(o->nbd));
		for (i = 0; i < o->nfetch; i++)
			printf("fetch%u=%s\n", i, o->fetches[i]);
	}
#undef S
}
