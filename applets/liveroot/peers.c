/* vi: set sw=4 ts=4: */
/*
 * liveroot: the peers' words.  Boot entries written for dracut's
 * dmsquash-live, archiso (mkinitcpio-archiso) or Debian's live-boot keep
 * working: their words are translated into liveroot's own (NAME=VALUE,
 * applied before the liveroot.* words, which win).  What each became, or
 * that it is not supported, is noted for `liveroot -n` and the log.
 *
 * peer_words[] says how each word maps; the words that combine (dracut's
 * image path, archiso's, live-boot's) are kept and turned into parameters
 * by the *_finish rules once every word is seen.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += peers.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/utsname.h>

struct peers {
	struct lr_opts *o;
	char **set;             /* per liveroot parameter: the note of the word that set it */
	int live;               /* root=live: seen: dracut's layout by default */
	int lb;                 /* boot=live: live-boot's layout */
	/* what the words kept for the rules that combine them (peer_words[]'s
	 * keep): a value, or the whole word where the note names it */
	const char *dir, *img, *size, *overlay;
	const char *iso;        /* iso-scan/filename=, findiso=, img_loop= */
	/* archiso */
	const char *alabel, *adev, *abase, *imgdev, *toram, *cowsize, *cowdev, *cowdir, *asearch;
	/* casper (boot=casper; live-media= and live-media-path= are shared
	 * with live-boot) */
	int casper;
	const char *clayer, *cpersist, *cnopersist, *cppath, *curl;
	/* live-boot */
	const char *lbpath, *lbmedia, *lbpersist, *lbplabel, *lbsize, *lbnopersist;
	/* the network */
	const char *ip, *ahttp, *anbd, *anbdname;
};

/* line: malloced, taken */
void lr_peer_note(struct lr_opts *o, char *line)
{
	char *n = xasprintf("%s%s\n", o->peer_notes ? o->peer_notes : "", line);

	free(o->peer_notes);
	free(line);
	o->peer_notes = n;
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

static void note(struct peers *pp, char *line)
{
	lr_peer_note(pp->o, line);
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
static void peer_apply(struct peers *pp, const char *word, const char *name, const char *value)
{
	/* the peers join paths onto the medium: "live" is "/live" */
	static const char on_medium[] ALIGN1 = "iso\0" "image.dir\0";
	struct lr_opts trial = *pp->o;
	char *arg, *line;
	int i;

	if (index_in_strings(on_medium, name) >= 0 && value[0] != '/')
		arg = xasprintf("%s=/%s", name, value);
	else
		arg = xasprintf("%s=%s", name, value);
	if (lr_apply_param(&trial, xstrdup(arg), word) != 0) {
		note(pp, xasprintf("%s: liveroot can't use %s (see above), ignored", word, arg));
		free(arg);
		return;
	}
	*pp->o = trial;
	line = xasprintf("%s -> %s", word, arg);
	note(pp, xstrdup(line));
	/* (for "liveroot.NAME=... wins over" it) */
	i = lr_param_index(name);
	free(pp->set[i]);
	pp->set[i] = line;
	free(arg);
}

/* --- the words that need their own code (v: not empty) --- */

/* pxelinux: 01-52-54-00-12-34-56, 01 the ARP type (Ethernet) */
static void bootif_word(struct peers *pp, const char *w, const char *v)
{
	char *mac = xstrdup(is_prefixed_with(v, "01-") ? v + 3 : v), *c;

	for (c = mac; *c; c++)
		if (*c == '-')
			*c = ':';
	peer_apply(pp, w, "net.if", mac);
	free(mac);
}

/* live-boot: fetch=URL; http:///PATH is the boot server's */
static void fetch_word(struct peers *pp, const char *w, const char *v)
{
	char *u = is_prefixed_with(v, "http:///")
		? xasprintf("http://${pxeserver}%s", v + 7) : xstrdup(v);

	peer_apply(pp, w, "fetch", u);
	free(u);
}

/* live-boot: boot=live; casper: boot=casper (others: not liveroot's) */
static void boot_word(struct peers *pp, const char *w, const char *v)
{
	if (strcmp(v, "live") == 0) {
		pp->lb = 1;
		note(pp, xasprintf("%s: accepted (live-boot's layout)", w));
	} else if (strcmp(v, "casper") == 0) {
		pp->casper = 1;
		note(pp, xasprintf("%s: accepted (casper's layout)", w));
	}
}

static void union_word(struct peers *pp, const char *w, const char *v)
{
	note(pp, strcmp(v, "overlay") == 0
			? xasprintf("%s: accepted (the overlayfs liveroot always uses)", w)
			: xasprintf("%s: not supported (liveroot uses overlayfs), ignored", w));
}

/* mkinitcpio-archiso: checksum=y checks airootfs.sha512 */
static void checksum_word(struct peers *pp, const char *w, const char *v)
{
	if (strcmp(v, "y") == 0)
		peer_apply(pp, w, "verify", "sha512");
	else
		note(pp, xasprintf("%s: off", w));
}

/* --- the table ---------------------------------------------------------------
 * A word matches alone or with =VALUE.  A new word: a row; a new way of
 * combining words: a field in struct peers and a rule in a *_finish. */
enum {
	PW_NOTE,        /* noted: accepted (arg: what liveroot does anyway), or
	                 * without arg, not supported */
	PW_FLAG,        /* alone or any value but 0/no/off/n: arg=yes */
	PW_PARAM,       /* arg=VALUE */
	PW_KEEP,        /* VALUE kept for a *_finish rule; the word alone: arg
	                 * (NULL: it needs a value) */
	PW_SEEN,        /* the word kept for a *_finish rule, with or without a value */
	PW_CODE,        /* fn(VALUE) */
	PW_KIND = 0x0f,
	PW_WORD = 0x10, /* (PARAM, KEEP) keep the whole word, not only VALUE */
};
typedef void peer_fn(struct peers *pp, const char *w, const char *v);
struct peer_word {
	const char *word;
	union {
		const char *arg;
		peer_fn *fn;
	} u;
	unsigned char how;      /* PW_* */
	unsigned short keep;    /* where it is kept: offsetof(struct peers, ...), 0: not */
};
#define K(f) offsetof(struct peers, f)
#define NOTE(w, why)    { w, { why }, PW_NOTE, 0 }
#define FLAG(w, param)  { w, { param }, PW_FLAG, 0 }
#define PARAM(w, param) { w, { param }, PW_PARAM, 0 }
#define TO_ISO(w)       { w, { "iso" }, PW_PARAM | PW_WORD, K(iso) }  /* and pp->iso = the word */
#define KEEP(w, f)      { w, { NULL }, PW_KEEP, K(f) }              /* pp->f = VALUE */
#define KEEP_WORD(w, f) { w, { NULL }, PW_KEEP | PW_WORD, K(f) }    /* pp->f = the word */
#define SEEN(w, f)      { w, { NULL }, PW_SEEN, K(f) }
#define CODE(w, f)      { w, { .fn = f }, PW_CODE, 0 }
static const struct peer_word peer_words[] = {
	/* dracut (dmsquash-live); root=live:... is root_word()'s */
	TO_ISO("iso-scan/filename"),
	FLAG("rd.live.ram", "toram"),
	NOTE("rd.live.image", "the image boot liveroot always does"),
	NOTE("rd.live.overlay.overlayfs", "the overlayfs liveroot always uses"),
	NOTE("rd.live.check", NULL),
	NOTE("rd.live.overlay.readonly", NULL),
	NOTE("rd.live.overlay.reset", NULL),
	NOTE("rd.live.overlay.thin", NULL),
	NOTE("rd.writable.fsimg", NULL),
	KEEP("rd.live.squashimg", img),         /* with rd.live.dir: image= */
	KEEP("rd.live.dir", dir),
	KEEP("rd.live.overlay.size", size),     /* rw=tmpfs:NM */
	KEEP("rd.live.overlay", overlay),       /* rw=DEV[:PATH] */
	/* archiso (mkinitcpio-archiso) */
	KEEP("archisolabel", alabel),           /* media=LABEL=x, archiso's layout */
	KEEP("archisodevice", adev),            /* media=DEV */
	KEEP("archisobasedir", abase),          /* image=/DIR/ARCH/airootfs.sfs */
	KEEP("img_dev", imgdev),                /* media=DEV (with img_loop) */
	TO_ISO("img_loop"),
	{ "copytoram", { "y" }, PW_KEEP, K(toram) },  /* y|n|auto; alone: y (mkinitcpio) */
	KEEP("cow_spacesize", cowsize),         /* rw=tmpfs:SIZE */
	KEEP_WORD("cow_label", cowdev),         /* rw=LABEL=x:DIR (the word: which of the two) */
	KEEP_WORD("cow_device", cowdev),        /* rw=DEV:DIR */
	KEEP("cow_directory", cowdir),
	KEEP_WORD("archisosearchuuid", asearch),  /* media=auto */
	KEEP_WORD("archisosearchfilename", asearch),
	NOTE("copytoram_size", NULL),
	CODE("checksum", checksum_word),        /* y: verify=sha512 (airootfs.sha512) */
	NOTE("verify", NULL),
	KEEP("archiso_http_srv", ahttp),        /* fetch=SRV/DIR/ARCH/airootfs.sfs */
	KEEP("archiso_nbd_srv", anbd),          /* nbd=SRV/archiso (the ISO) */
	KEEP("archiso_nbd_name", anbdname),
	NOTE("archiso_http_spc", "liveroot sizes its RAM for the image"),
	NOTE("archiso_nfs_srv", NULL),
	/* Debian live-boot */
	CODE("boot", boot_word),                /* boot=live */
	KEEP("live-media-path", lbpath),        /* image.dir=DIR */
	KEEP("live-media", lbmedia),            /* media=DEV */
	TO_ISO("findiso"),
	FLAG("toram", "toram"),
	CODE("union", union_word),              /* union=overlay */
	KEEP("overlay-size", lbsize),           /* rw=tmpfs:SIZE */
	SEEN("persistence", lbpersist),         /* rw=LABEL=persistence, if there is one
	                                         * (live-boot ignores a value) */
	SEEN("nopersistence", lbnopersist),     /* cancels persistence */
	KEEP("persistence-label", lbplabel),    /* its LABEL= */
	NOTE("persistence-path", NULL),
	NOTE("persistence-media", NULL),
	NOTE("persistence-encryption", NULL),
	CODE("fetch", fetch_word),              /* fetch=URL */
	NOTE("httpfs", NULL),
	NOTE("ftpfs", NULL),
	NOTE("iscsi", NULL),
	PARAM("module", "image.module"),
	NOTE("components", "live-config's, for the booted system"),
	/* casper (Ubuntu, Linux Mint): boot=casper is boot_word()'s;
	 * live-media=, live-media-path=, toram and union= are live-boot's rows */
	KEEP("layerfs-path", clayer),           /* image=the layers, by name */
	SEEN("persistent", cpersist),           /* rw=LABEL=casper-rw:/, if there is one */
	SEEN("nopersistent", cnopersist),
	KEEP("persistent-path", cppath),
	NOTE("ignore_uuid", "liveroot does not match the media against the initrd's UUID"),
	NOTE("showmounts", "liveroot's mounts are in /run/liveroot in the booted system"),
	NOTE("noprompt", "liveroot never asks to remove the media"),
	KEEP("url", curl),                      /* fetch=URL (an ISO) */
	NOTE("netboot", NULL),
	NOTE("nfsroot", NULL),
	NOTE("todisk", NULL),
	NOTE("username", NULL),
	NOTE("userfullname", NULL),
	NOTE("hostname", NULL),
	NOTE("casper-snapshot", NULL),
	NOTE("xforcevesa", NULL),               /* casper's X setup in the system */
	NOTE("file", "for the system's installer, not liveroot's"),
	NOTE("maybe-ubiquity", "for the system's installer, not liveroot's"),
	NOTE("only-ubiquity", "for the system's installer, not liveroot's"),
	NOTE("automatic-ubiquity", "for the system's installer, not liveroot's"),
	/* the kernel's and pxelinux's */
	KEEP_WORD("ip", ip),                    /* ip= (not live-boot's own) */
	CODE("BOOTIF", bootif_word),            /* 01-MAC: net.if=MAC */
};
#define KEPT(pp, pw) (*(const char **)((char *)(pp) + (pw)->keep))

/* dracut: root=live:DEV, root=live:http://..., root=http://... (other
 * root= words are not the peers') */
static void root_word(struct peers *pp, char *w)
{
	if (is_prefixed_with(w, "root=live:http") || is_prefixed_with(w, "root=http")) {
		/* dracut's livenet: the image (or an ISO holding it) over HTTP */
		pp->live = 1;
		peer_apply(pp, w, "fetch", w[5] == 'l' ? w + 10 : w + 5);
	} else if (is_prefixed_with(w, "root=live:")) {
		/* root=live:LABEL=x | CDLABEL=x | UUID=x | /dev/x */
		char *spec = peer_dev(w + 10);
		pp->live = 1;
		peer_apply(pp, w, "media", spec);
		free(spec);
	}
}

/* A word of the kernel command line: a peer's?  (Never an error: a value
 * liveroot can't use is noted and left out.) */
static void peer_word(struct peers *pp, char *w)
{
	static const char off[] ALIGN1 = "0\0" "no\0" "off\0" "n\0";
	const struct peer_word *pw;
	char *eq = strchr(w, '=');
	size_t wl = eq ? (size_t)(eq - w) : strlen(w);
	const char *v = eq ? eq + 1 : NULL;
	unsigned kind;

	if (is_prefixed_with(w, "root=")) {
		root_word(pp, w);
		return;
	}
	for (pw = peer_words; pw < peer_words + ARRAY_SIZE(peer_words); pw++)
		if (strlen(pw->word) == wl && strncmp(w, pw->word, wl) == 0)
			break;
	if (pw == peer_words + ARRAY_SIZE(peer_words))
		return;
	kind = pw->how & PW_KIND;
	if (kind == PW_NOTE) {
		note(pp, pw->u.arg ? xasprintf("%s: accepted (%s)", w, pw->u.arg)
				: xasprintf("%s: not supported, ignored", w));
		return;
	}
	if (kind == PW_FLAG) {
		/* dracut's getargbool; live-boot's toram=FILE copies too */
		if (v && index_in_strings(off, v) >= 0)
			note(pp, xasprintf("%s: off", w));
		else
			peer_apply(pp, w, pw->u.arg, "yes");
		return;
	}
	if (kind == PW_SEEN) {
		KEPT(pp, pw) = w;
		return;
	}
	if ((!v || !*v) && kind == PW_KEEP)
		v = pw->u.arg;
	if (!v || !*v) {
		note(pp, xasprintf("%s: needs a value, ignored", w));
		return;
	}
	if (pw->keep)
		KEPT(pp, pw) = (pw->how & PW_WORD) ? w : v;
	if (kind == PW_PARAM)
		peer_apply(pp, w, pw->u.arg, v);
	else if (kind == PW_CODE)
		pw->u.fn(pp, w, v);
}

/* --- the rules that combine words ------------------------------------------ */

/* archiso's base directory, without leading slashes */
static const char *archiso_base(const struct peers *pp)
{
	const char *b = pp->abase ? pp->abase : "arch";

	while (*b == '/')
		b++;
	return b;
}

/* archiso: where the image comes from (HTTP, NBD, a device, a label, or
 * the device that holds it, found by looking) */
static void archiso_source(struct peers *pp, const char *arch)
{
	char *v, *w;

	if (pp->ahttp) {
		/* archiso_pxe_http: SRV (ending in '/') ARCHISOBASEDIR/ARCH/airootfs.sfs,
		 * else .erofs; ${pxeserver} is the boot server */
		const char *b = archiso_base(pp);
		const char *sl = last_char_is(pp->ahttp, '/') ? "" : "/";
		w = xasprintf("archiso_http_srv=%s", pp->ahttp);
		v = xasprintf("%s%s%s/%s/airootfs.sfs|%s%s%s/%s/airootfs.erofs", pp->ahttp, sl, b,
				arch, pp->ahttp, sl, b, arch);
		peer_apply(pp, w, "fetch", v);
	} else if (pp->anbd) {
		/* archiso_pxe_nbd: the export (archiso_nbd_name=, "archiso") is the
		 * whole ISO; copied to RAM unless copytoram=n */
		w = xasprintf("archiso_nbd_srv=%s", pp->anbd);
		v = xasprintf("%s/%s", pp->anbd, pp->anbdname ? pp->anbdname : "archiso");
		peer_apply(pp, w, "nbd", v);
		if (!pp->toram)
			pp->toram = "y";
	} else if (pp->imgdev || (pp->adev && !pp->iso)) {
		/* (archisodevice= with img_loop= is the ISO's own device) */
		const char *dev = pp->imgdev ? pp->imgdev : pp->adev;
		w = xasprintf("%s=%s", pp->imgdev ? "img_dev" : "archisodevice", dev);
		v = peer_dev(dev);
		peer_apply(pp, w, "media", v);
	} else if (pp->alabel && !pp->iso) {
		/* (with img_loop= it is the ISO file's label, not the media's) */
		w = xasprintf("archisolabel=%s", pp->alabel);
		v = xasprintf("LABEL=%s", pp->alabel);
		peer_apply(pp, w, "media", v);
	} else {
		/* archisosearchuuid=/archisosearchfilename= (the medium's UUID
		 * file), or nothing: the device that holds the image */
		if (!pp->o->media_given)
			peer_apply(pp, pp->asearch ? pp->asearch : "archisobasedir (no device named)",
					"media", "auto");
		return;
	}
	free(v);
	free(w);
}

/* archiso: copytoram=y|n|auto, auto when not said (mkinitcpio-archiso 65+) */
static void archiso_toram(struct peers *pp)
{
	static const char yn[] ALIGN1 = "y\0" "n\0" "auto\0";
	int i = index_in_strings(yn, pp->toram ? pp->toram : "auto");
	char *w = xasprintf("copytoram=%s", pp->toram ? pp->toram : "auto (archiso's default)");

	if (i < 0)
		note(pp, xasprintf("%s: use y, n or auto; ignored", w));
	else
		peer_apply(pp, w, "toram", i == 0 ? "yes" : i == 1 ? "no" : "auto");
	free(w);
}

/* archiso: the cow (the writable layer) */
static void archiso_cow(struct peers *pp, const char *arch)
{
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
		peer_apply(pp, pp->cowdev, "rw", spec);
		free(spec);
		free(dev);
		free(dflt);
	} else if (pp->cowsize) {
		char *w = xasprintf("cow_spacesize=%s", pp->cowsize);
		/* archiso: 256M, 1G, 50% -- tmpfs size syntax, as liveroot's */
		char *v = xasprintf("tmpfs:%s", pp->cowsize);
		peer_apply(pp, w, "rw", v);
		free(v);
		free(w);
	}
}

/* archiso's words, combined: media, image path, copy to RAM, cow */
static void archiso_finish(struct peers *pp)
{
	struct utsname u;
	const char *arch;
	char *v;

	if (!pp->alabel && !pp->adev && !pp->abase && !pp->imgdev && !pp->toram
	 && !pp->cowsize && !pp->cowdev && !pp->asearch && !pp->ahttp && !pp->anbd) {
		if (pp->cowdir)
			note(pp, xasprintf("cow_directory=%s: needs cow_label= or cow_device=, "
					"ignored", pp->cowdir));
		return;
	}
	/* airootfs is built for one architecture: its directory */
	arch = uname(&u) == 0 ? u.machine : "x86_64";
	if (strcmp(arch, "i586") == 0 || strcmp(arch, "i486") == 0)
		arch = "i686";
	archiso_source(pp, arch);
	v = xasprintf("/%s/%s/airootfs.sfs|/%s/%s/airootfs.erofs", archiso_base(pp), arch,
			archiso_base(pp), arch);
	peer_apply(pp, "archisobasedir (archiso's layout)", "image", v);
	free(v);
	archiso_toram(pp);
	archiso_cow(pp, arch);
}

/* live-boot: the images in live-media-path, the media found by looking
 * (live-boot scans every device) unless named */
/* live-boot's and casper's live-media=DEV (kept in lbmedia) */
static void live_media(struct peers *pp)
{
	char *dev = peer_dev(pp->lbmedia), *w = xasprintf("live-media=%s", pp->lbmedia);

	if (lr_valid_spec(dev))
		peer_apply(pp, w, "media", dev);
	else
		note(pp, xasprintf("%s: not supported (a device: /dev/x, LABEL=x, UUID=x), "
				"ignored", w));
	free(dev);
	free(w);
}

static void liveboot_media(struct peers *pp)
{
	char *w = xasprintf("live-media-path=%s", pp->lbpath ? pp->lbpath : "/live");

	peer_apply(pp, w, "image.dir", pp->lbpath ? pp->lbpath : "/live");
	free(w);
	if (pp->lbmedia)
		live_media(pp);
	if (!pp->o->media_given)
		peer_apply(pp, "boot=live (no live-media=: live-boot looks everywhere)", "media", "auto");
}

/* live-boot: persistence: a filesystem labelled "persistence" (or
 * persistence-label=), if there is one: liveroot keeps its own layer in
 * /liveroot on it; live-boot's persistence.conf and rw/ are not read */
static void liveboot_persist(struct peers *pp)
{
	struct lr_opts *o = pp->o;
	const char *l = pp->lbplabel ? pp->lbplabel : "persistence";
	const char *size = o->rw_size;  /* overlay-size=: the RAM layer's */
	char *spec = xasprintf("LABEL=%s", l);
	char *w = pp->lbplabel ? xasprintf("persistence persistence-label=%s", l)
		: xstrdup(pp->lbpersist);

	peer_apply(pp, w, "rw", spec);
	if (o->rw_dev) {
		/* (only while rw= is this one: a liveroot.rw= clears it) */
		o->rw_peer_optional = 1;
		o->rw_size = size;
		note(pp, xasprintf("%s: if there is one (else the changes stay in RAM%s%s); "
				"liveroot's own layer in /liveroot on it, live-boot's persistence.conf "
				"and its rw/ are not read", w, size ? ", tmpfs size " : "", size ? size : ""));
	}
	free(spec);
	free(w);
}

/* live-boot's words, combined (boot=casper: casper_finish's) */
static void liveboot_finish(struct peers *pp)
{
	if (pp->casper)
		return;
	if (pp->lb || pp->lbpath || pp->lbmedia)
		liveboot_media(pp);
	if (pp->lbsize) {
		char *sz = xasprintf("tmpfs:%s", pp->lbsize);
		char *w = xasprintf("overlay-size=%s", pp->lbsize);
		peer_apply(pp, w, "rw", sz);
		free(w);
		free(sz);
	}
	if (pp->lbpersist && pp->lbnopersist)
		note(pp, xasprintf("%s: nopersistence says not, ignored", pp->lbpersist));
	else if (pp->lbpersist)
		liveboot_persist(pp);
	else if (pp->lbplabel)
		note(pp, xasprintf("persistence-label=%s: needs persistence, ignored", pp->lbplabel));
}

/* casper: layerfs-path=minimal.standard.live.squashfs stacks
 * minimal.squashfs, minimal.standard.squashfs and it (the longest on
 * top); without it every *.squashfs in the directory, by name */
static void casper_images(struct peers *pp, const char *dir)
{
	char *list = NULL, *w;
	const char *l = pp->clayer, *ext;
	size_t blen, i, n;

	if (!l) {
		w = xasprintf("live-media-path=%s", dir);
		peer_apply(pp, w, "image.dir", dir);
		free(w);
		return;
	}
	ext = strrchr(l, '.');
	blen = ext ? (size_t)(ext - l) : strlen(l);
	/* a name of layers: A.B.C.squashfs, at most LR_MAX_IMAGES of them */
	for (i = 0, n = 1; i < blen; i++)
		n += l[i] == '.';
	if (strchr(l, '/') || strchr(l, ',') || strchr(l, '|') || strstr(l, "..") || blen == 0
	 || l[blen - 1] == '.' || n > LR_MAX_IMAGES) {
		note(pp, xasprintf("layerfs-path=%s: a file name in %s (A.B.C.squashfs, at most %u "
				"layers); ignored", l, dir, LR_MAX_IMAGES));
		pp->clayer = NULL;
		casper_images(pp, dir);
		return;
	}
	/* each dot before the extension ends a lower layer's name */
	for (i = 1; i <= blen; i++) {
		char *n;
		if (i < blen && l[i] != '.')
			continue;
		n = xasprintf("%s%s%s/%.*s%s", list ? list : "", list ? "," : "", dir,
				(int)i, l, ext ? ext : "");
		free(list);
		list = n;
	}
	w = xasprintf("layerfs-path=%s", l);
	peer_apply(pp, w, "image", list);
	free(w);
	free(list);
}

/* casper's words, combined: media, images, persistence */
static void casper_finish(struct peers *pp)
{
	const char *dir = pp->lbpath ? pp->lbpath : "casper";
	char *d;

	if (!pp->casper) {
		if (pp->clayer || pp->cpersist || pp->cppath)
			note(pp, xasprintf("%s: casper's, needs boot=casper; ignored", pp->clayer
					? "layerfs-path=" : pp->cpersist ? "persistent" : "persistent-path="));
		return;
	}
	while (*dir == '/')
		dir++;
	d = xasprintf("/%s", dir);
	if (pp->curl) {
		char *w = xasprintf("url=%s", pp->curl);
		peer_apply(pp, w, "fetch", pp->curl);
		free(w);
	} else if (pp->lbmedia) {
		live_media(pp);
	}
	if (!pp->curl && !pp->o->media_given)
		peer_apply(pp, "boot=casper (no live-media=: casper looks everywhere)", "media", "auto");
	casper_images(pp, d);
	free(d);
	if (pp->cpersist && pp->cnopersist) {
		note(pp, xasprintf("persistent: nopersistent says not, ignored"));
	} else if (pp->cpersist) {
		struct lr_opts *o = pp->o;
		peer_apply(pp, "persistent", "rw", "LABEL=casper-rw:/");
		if (o->rw_dev) {
			o->rw_peer_optional = 1;
			note(pp, xasprintf("persistent: if there is one (else the changes stay in RAM); "
					"the casper-rw filesystem's upper/ and work/, as casper; the label "
					"writable and a casper-rw file on a FAT filesystem%s are not looked for",
					pp->cppath ? " in persistent-path=" : ""));
		}
	} else if (pp->cppath) {
		note(pp, xasprintf("persistent-path=%s: needs persistent, ignored", pp->cppath));
	}
}

/* dracut: rd.live.overlay=DEV[:PATH] (none: tmpfs), else
 * rd.live.overlay.size=MiB */
static void dracut_overlay(struct peers *pp)
{
	if (pp->overlay && strcmp(pp->overlay, "none") == 0) {
		note(pp, xasprintf("rd.live.overlay=none: no persistent overlay (tmpfs)"));
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
				note(pp, xasprintf("%s: dracut's default overlay path is not guessed: "
						"liveroot's default (liveroot) instead", ov));
				path = NULL;
			}
		}
		dev = peer_dev(d);
		spec = path ? xasprintf("%s:%s", dev, path) : xstrdup(dev);
		peer_apply(pp, ov, "rw", spec);
		free(spec);
		free(dev);
		free(d);
		free(ov);
	} else if (pp->size) {
		char *sz = xasprintf("tmpfs:%sM", pp->size);
		char *w = xasprintf("rd.live.overlay.size=%s", pp->size);
		peer_apply(pp, w, "rw", sz);
		free(w);
		free(sz);
	}
}

/* dracut's words, combined: the media of an ISO file, the image path,
 * the overlay */
static void dracut_finish(struct peers *pp)
{
	if (pp->live && pp->iso) {
		/* dracut: root=live:CDLABEL=x is the label inside the ISO file
		 * iso-scan/filename= names; the device holding the file is
		 * found by looking, as iso-scan does */
		char *w = xasprintf("%s with root=live:", pp->iso);
		peer_apply(pp, w, "media", "auto");
		free(w);
	}
	if (pp->live || pp->dir || pp->img) {
		const char *d = pp->dir ? pp->dir : "LiveOS";
		char *img;
		while (*d == '/')
			d++;
		img = xasprintf("/%s/%s", d, pp->img ? pp->img : "squashfs.img");
		peer_apply(pp, "rd.live.dir/rd.live.squashimg (dracut's layout)", "image", img);
		free(img);
	}
	dracut_overlay(pp);
}

/* The peers' words of a kernel command line (up to "--"), translated;
 * cmdline is cut up and kept (values point into it).  set[i]: the note of
 * the word that set liveroot's parameter i, for liveroot.* to win over. */
void lr_peer_words(struct lr_opts *o, char *cmdline, char **set)
{
	struct peers pp;
	char *w;

	memset(&pp, 0, sizeof(pp));
	pp.o = o;
	pp.set = set;
	while ((w = lr_next_word(&cmdline)) != NULL && strcmp(w, "--") != 0)
		peer_word(&pp, w);
	archiso_finish(&pp);
	liveboot_finish(&pp);
	casper_finish(&pp);
	if (pp.ip && pp.lb) {
		note(&pp, xasprintf("%s: live-boot's ip= sets up the booted system's "
				"/etc/network/interfaces: not used (fetch= brings the network up by DHCP)",
				pp.ip));
	} else if (pp.ip)
		peer_apply(&pp, pp.ip, "ip", pp.ip + 3);
	dracut_finish(&pp);
}
