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
	"modules\0" "break\0" "console\0" "quiet\0" "debug\0";
enum { P_MEDIA, P_LABEL, P_IMAGE, P_INIT, P_RW, P_TIMEOUT,
	P_MODULES, P_BREAK, P_CONSOLE, P_QUIET, P_DEBUG };

static const char break_names[] ALIGN1 =
	"none\0" "premount\0" "postmount\0" "preswitch\0";

/* tmpfs size: digits with an optional k/m/g suffix, or 1-100 followed by % */
static int valid_size(const char *s)
{
	const char *p = s;
	unsigned long long n;

	if (!isdigit(*p))
		return 0;
	errno = 0;
	n = strtoull(p, (char **)&p, 10);
	if (errno || n == 0)
		return 0;
	if (*p == '%')
		return n <= 100 && p[1] == '\0';
	if (*p && strchr("kKmMgG", *p))
		p++;
	return *p == '\0';
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

/* One NAME[=VALUE]; from = "argument" or "kernel command line". */
static int set_param(struct lr_opts *o, const char *name, char *val, const char *from)
{
	int i = index_in_strings(param_names, name);
	int need_value = (i != P_QUIET && i != P_DEBUG);

	if (i < 0) {
		bb_error_msg("unknown parameter '%s' (%s); see 'liveroot --help'", name, from);
		return -1;
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
		if (!is_prefixed_with(val, "LABEL=") && !is_prefixed_with(val, "UUID=")
		 && !is_prefixed_with(val, "/dev/")
		) {
			bb_error_msg("media=%s: use LABEL=..., UUID=... or /dev/...", val);
			return -1;
		}
		if (strchr(val, '=') && !strchr(val, '=')[1]) {
			bb_error_msg("media=%s: empty label or UUID", val);
			return -1;
		}
		o->media = val;
		break;
	case P_IMAGE:
		if (!valid_path(val)) {
			bb_error_msg("image=%s: need an absolute path on the media, without '..'", val);
			return -1;
		}
		o->image = val;
		break;
	case P_INIT:
		if (!valid_path(val)) {
			bb_error_msg("init=%s: need an absolute path without '..'", val);
			return -1;
		}
		o->init = val;
		break;
	case P_CONSOLE:
		if (!valid_path(val)) {
			bb_error_msg("console=%s: need an absolute path such as /dev/ttyS0", val);
			return -1;
		}
		o->console = val;
		break;
	case P_RW:
		if (strcmp(val, "tmpfs") == 0) {
			o->rw_size = NULL;
		} else if (is_prefixed_with(val, "tmpfs:") && valid_size(val + 6)) {
			o->rw_size = val + 6;
		} else {
			bb_error_msg("rw=%s: use tmpfs or tmpfs:SIZE (SIZE: 256M, 1G, 50%%)", val);
			return -1;
		}
		o->rw = val;
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
	case P_QUIET:
		o->flags |= LR_QUIET;
		break;
	case P_DEBUG:
		o->flags |= LR_DEBUG;
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

int lr_parse_options(struct lr_opts *o, char **argv, const char *cmdline_file)
{
	char *cmdline, *p, *w;
	const char *plain_init = NULL;
	int lr_init = 0;
	int bad = 0;

	o->image = "/live/root.sfs";
	o->init = "/sbin/init";
	o->rw = "tmpfs";
	o->console = "/dev/console";
	o->timeout = 30;

	for (; *argv; argv++)
		bad |= apply(o, xstrdup(*argv), "argument");

	/* The kernel command line wins.  It is kept: values point into it. */
	cmdline = xmalloc_open_read_close(cmdline_file, NULL);
	if (!cmdline) {
		if (strcmp(cmdline_file, "/proc/cmdline") != 0) {
			bb_perror_msg("%s", cmdline_file);
			return -1;
		}
		cmdline = xstrdup(""); /* no /proc: arguments only */
	}
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
	if (!o->media) {
		bb_error_msg("no media given: add liveroot.media=LABEL=... (or liveroot.label=...) "
				"to the kernel command line");
		bad = -1;
	}
	return bad;
}

void lr_print_options(const struct lr_opts *o)
{
	printf("media=%s\nimage=%s\ninit=%s\nrw=%s\nrw_size=%s\ntimeout=%u\n"
			"modules=%s\nbreak=%s\nconsole=%s\nquiet=%u\ndebug=%u\n",
			o->media ? o->media : "",
			o->image, o->init, o->rw, o->rw_size ? o->rw_size : "",
			o->timeout, o->modules ? o->modules : "",
			nth_string(break_names, o->brk), o->console,
			!!(o->flags & LR_QUIET), !!(o->flags & LR_DEBUG));
}
