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

/* Parameter names, in the order of the switch below. */
static const char param_names[] ALIGN1 =
	"media\0" "label\0" "image\0" "init\0" "rw\0" "timeout\0"
	"modules\0" "break\0" "console\0" "quiet\0" "debug\0"
	"iso\0" "toram\0" "verify\0" "rw.create\0" "shutdown\0";
enum { P_MEDIA, P_LABEL, P_IMAGE, P_INIT, P_RW, P_TIMEOUT,
	P_MODULES, P_BREAK, P_CONSOLE, P_QUIET, P_DEBUG,
	P_ISO, P_TORAM, P_VERIFY, P_RW_CREATE, P_SHUTDOWN };

static const char toram_names[] ALIGN1 = "no\0" "yes\0" "auto\0";
/* the same order as SHUTDOWN_* */
static const char shutdown_names[] ALIGN1 = "auto\0" "yes\0" "no\0";

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
		if (!valid_path(val)) {
			bb_error_msg("iso=%s: need an absolute path on the media, without '..'", val);
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
			if (!valid_path(w)) {
				bb_error_msg("image=%s: '%s' is not an absolute path on the media "
						"(without '..')", val, w);
				return -1;
			}
			o->images[n++] = w;
		}
		o->images[n] = NULL;
		o->nimages = n;
		o->image = val;
		break;
	}
	case P_TORAM:
		i = index_in_strings(toram_names, val);
		if (i < 0) {
			bb_error_msg("toram=%s: use yes, no or auto", val);
			return -1;
		}
		o->toram = i;
		break;
	case P_VERIFY:
		if (strcmp(val, "sha256") == 0) {
			o->verify_hex = NULL;
		} else if (is_prefixed_with(val, "sha256:") && strlen(val + 7) == 64
				&& strspn(val + 7, "0123456789abcdefABCDEF") == 64) {
			o->verify_hex = val + 7;
		} else {
			bb_error_msg("verify=%s: use sha256 (IMAGE.sha256 files on the media) "
					"or sha256:HEX (64 hex digits)", val);
			return -1;
		}
		o->verify = 1;
		break;
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

	/* The kernel command line wins. */
	p = cmdline;
	while ((w = next_word(&p)) != NULL) {
		if (strcmp(w, "--") == 0)
			break; /* the rest is for init */
		if (is_prefixed_with(w, "liveroot.")) {
			lr_init |= is_prefixed_with(w, "liveroot.init=") != NULL;
			bad |= apply(o, w + 9, "kernel command line");
		} else if (is_prefixed_with(w, "init=")) {
			plain_init = w;
		}
	}
	/* plain init= states the user's intent too; liveroot.init= wins */
	if (plain_init && !lr_init)
		bad |= apply(o, (char *)plain_init, "kernel command line");
	if (!o->media_given) {
		bb_error_msg("no media given: add liveroot.media=LABEL=... (or liveroot.label=..., "
				"liveroot.media=auto) to the kernel command line");
		bad = -1;
	}
	if (o->rw_create && !o->rw_dev) {
		bb_error_msg("rw.create=%llu bytes needs a persistent layer: rw=LABEL=x:FILE",
				o->rw_create);
		bad = -1;
	}
	if (o->verify_hex && o->nimages > 1) {
		bb_error_msg("verify=sha256:HEX names one hash but image= lists %u images: "
				"use verify=sha256 with IMAGE.sha256 files", o->nimages);
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

void lr_print_options(const struct lr_opts *o)
{
	unsigned i;

#define S(x) ((x) ? (x) : "")
	printf("media=%s\niso=%s\nimage=%s\n", S(o->media), S(o->iso), o->image);
	for (i = 0; i < o->nimages; i++)
		printf("layer%u=%s\n", i, o->images[i]);
	printf("init=%s\nrw=%s\nrw_size=%s\nrw_dev=%s\nrw_dir=%s\ntimeout=%u\n"
			"toram=%s\nverify=%s%s%s\nmodules=%s\nbreak=%s\nconsole=%s\n"
			"quiet=%u\ndebug=%u\nrw_create=%llu\nshutdown=%s\n",
			o->init, o->rw, S(o->rw_size), S(o->rw_dev), S(o->rw_dir), o->timeout,
			nth_string(toram_names, o->toram),
			o->verify ? "sha256" : "none", o->verify_hex ? ":" : "", S(o->verify_hex),
			S(o->modules), nth_string(break_names, o->brk), o->console,
			!!(o->flags & LR_QUIET), !!(o->flags & LR_DEBUG),
			o->rw_create, nth_string(shutdown_names, o->shutdown));
#undef S
}
