/* vi: set sw=4 ts=4: */
/*
 * liveroot: parsers of outside input that touch nothing but their
 * arguments (no I/O, no allocation behind the caller's back), so that each
 * can be fuzzed on its own (testsuite/fuzz/): mountinfo lines and overlay
 * options, IMAGE.sha256 files, ELF headers, block maps of ISO files.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += parse.o

#include "libbb.h"
#include "liveroot.h"
#include <elf.h>

/* --- /proc/self/mountinfo ----------------------------------------------- */

/* mountinfo escapes ' ', '\t', '\n', '\\' (and overlay's options ',', '=')
 * as \ooo; in place */
void lr_unescape_octal(char *s)
{
	char *d = s;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3'
		 && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7'
		) {
			*d++ = ((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0');
			s += 4;
		} else
			*d++ = *s++;
	}
	*d = '\0';
}

/* Next field of *pp: fields are separated by exactly one space, and may
 * be empty (a mount whose source is ""); NULL at the end of the line. */
static char *field(char **pp)
{
	char *p = *pp, *f;

	if (!*p)
		return NULL;
	f = p;
	while (*p && *p != ' ')
		p++;
	if (*p)
		*p++ = '\0';
	*pp = p;
	return f;
}

static int parse_uint(const char *s, char end, unsigned *v, const char **rest)
{
	unsigned long long n = 0;

	if (!isdigit(*s))
		return -1;
	while (isdigit(*s)) {
		n = n * 10 + (*s++ - '0');
		if (n > 0xffffffffULL)
			return -1;
	}
	if (*s != end)
		return -1;
	*v = n;
	if (rest)
		*rest = s + (end != '\0');
	return 0;
}

/* "36 35 98:0 /root /mnt rw,noatime master:1 - ext3 /dev/sda1 rw,errors=continue"
 * parsed in place; root, mount point and source unescaped, the super
 * options left escaped (lr_overlay_dirs splits them first).
 * Returns 0, or -1 for a line that is not a mountinfo line. */
int lr_mountinfo_line(char *line, struct lr_mnt *m)
{
	char *p = line, *f;
	const char *r;

	memset(m, 0, sizeof(*m));
	if (!(f = field(&p)) || parse_uint(f, '\0', &m->id, NULL) != 0)
		return -1;
	if (!(f = field(&p)) || parse_uint(f, '\0', &m->parent, NULL) != 0)
		return -1;
	if (!(f = field(&p)) || parse_uint(f, ':', &m->major, &r) != 0
	 || parse_uint(r, '\0', &m->minor, NULL) != 0
	)
		return -1;
	if (!(m->root = field(&p)) || !(m->mp = field(&p)) || !field(&p) /* mount options */)
		return -1;
	/* optional fields up to "-" */
	for (;;) {
		if (!(f = field(&p)))
			return -1;
		if (strcmp(f, "-") == 0)
			break;
	}
	if (!(m->fstype = field(&p)) || !(m->source = field(&p)))
		return -1;
	m->opts = field(&p);
	if (!m->opts)
		m->opts = p; /* the line's own terminating NUL: writable */
	lr_unescape_octal(m->root);
	lr_unescape_octal(m->mp);
	lr_unescape_octal(m->source);
	return 0;
}

/* Call fn for every directory an overlay mount's options name
 * (lowerdir's layers, lowerdir+, datadir+, upperdir, workdir), unescaped.
 * opts: the super options as mountinfo has them, modified in place.
 * Stops at the first non-zero fn result and returns it. */
int lr_overlay_dirs(char *opts, int (*fn)(void *ctx, const char *key, const char *dir),
		void *ctx)
{
	char *o, *next;

	for (o = opts; o; o = next) {
		char *eq, *v, *d, *s;
		int is_lower, rc;

		next = strchr(o, ',');
		if (next)
			*next++ = '\0';
		lr_unescape_octal(o);
		eq = strchr(o, '=');
		if (!eq)
			continue;
		*eq = '\0';
		v = eq + 1;
		is_lower = strcmp(o, "lowerdir") == 0;
		if (!is_lower && strcmp(o, "upperdir") != 0 && strcmp(o, "workdir") != 0
		 && strcmp(o, "lowerdir+") != 0 && strcmp(o, "datadir+") != 0
		)
			continue;
		/* lowerdir: layers separated by ':', "\:" and "\\" escape */
		for (s = d = v;; s++) {
			if (*s == '\\' && s[1]) {
				*d++ = *++s;
				continue;
			}
			if (*s == '\0' || (is_lower && *s == ':')) {
				int end = (*s == '\0');
				*d = '\0';
				/* "::" separates data-only layers: no empty names */
				if (v[0]) {
					rc = fn(ctx, o, v);
					if (rc)
						return rc;
				}
				if (end)
					break;
				v = d = s + 1;
				continue;
			}
			*d++ = *s;
		}
	}
	return 0;
}

/* --- IMAGE.sha256, IMAGE.sha512 -------------------------------------------- */

/* "HEX  name" (sha256sum's/sha512sum's format, "*name" in binary mode) or
 * just HEX: bits/4 hex digits, lower-cased into want (bits/4 + 1 bytes).
 * A name, when the line has one and name is given, must be that file's
 * (its basename): a hash for another file is not this one's.  buf need
 * not be terminated. */
int lr_hash_line(const char *buf, size_t len, unsigned bits, const char *name, char *want)
{
	size_t n, hl = bits / 4, e;

	for (n = 0; n < len && n < hl && isxdigit((unsigned char)buf[n]); n++)
		want[n] = tolower((unsigned char)buf[n]);
	if (n != hl || (n < len && !isspace((unsigned char)buf[n]) && buf[n] != '\0'))
		return -1;
	want[hl] = '\0';
	/* the name: after one blank and an optional '*', up to the line's end */
	while (n < len && (buf[n] == ' ' || buf[n] == '\t'))
		n++;
	if (n < len && buf[n] == '*')
		n++;
	for (e = n; e < len && buf[e] != '\n' && buf[e] != '\r' && buf[e] != '\0'; e++)
		continue;
	if (name && e > n) {
		const char *l = buf + n;
		size_t ll = e - n;
		if (ll > 2 && l[0] == '.' && l[1] == '/') {
			l += 2;
			ll -= 2;
		}
		if (ll != strlen(name) || memcmp(l, name, ll) != 0)
			return -2;
	}
	return 0;
}

/* --- ELF ------------------------------------------------------------------ */

static unsigned get16(const unsigned char *p, int le)
{
	return le ? (p[0] | (p[1] << 8)) : ((p[0] << 8) | p[1]);
}

static unsigned long long get32(const unsigned char *p, int le)
{
	return le ? (p[0] | (p[1] << 8) | (p[2] << 16) | ((unsigned long long)p[3] << 24))
		: (((unsigned long long)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]);
}

static unsigned long long get64(const unsigned char *p, int le)
{
	return le ? (get32(p, 1) | (get32(p + 4, 1) << 32)) : ((get32(p, 0) << 32) | get32(p + 4, 0));
}

/* Can a kernel for machine `machine` (an EM_* value; `also`: a second one it
 * runs too, or 0) exec this ELF file?  rd reads the file.  On success,
 * *interp is the PT_INTERP path (NUL-terminated in interp_buf, size
 * PATH_MAX + 1) or NULL for a static binary.  On failure returns -1 and
 * *why says why (a static string). */
int lr_elf_inspect(lr_read_at rd, void *ctx, unsigned machine, unsigned also,
		char *interp_buf, const char **interp, const char **why)
{
	unsigned char h[64];
	int is64, le;
	unsigned long long phoff;
	unsigned phnum, phentsize, em, type, i;

	*interp = NULL;
	if (rd(ctx, h, 52, 0) != 52 || memcmp(h, ELFMAG, SELFMAG) != 0) {
		*why = "truncated or malformed ELF header";
		return -1;
	}
	is64 = h[EI_CLASS] == ELFCLASS64;
	le = h[EI_DATA] == ELFDATA2LSB;
	if ((h[EI_CLASS] != ELFCLASS64 && h[EI_CLASS] != ELFCLASS32)
	 || (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB)
	 || (is64 && rd(ctx, h, 64, 0) != 64)
	) {
		*why = "truncated or malformed ELF header";
		return -1;
	}
	type = get16(h + 16, le);
	em = get16(h + 18, le);
	if (is64) {
		phoff = get64(h + 32, le);
		phentsize = get16(h + 54, le);
		phnum = get16(h + 56, le);
	} else {
		phoff = get32(h + 28, le);
		phentsize = get16(h + 42, le);
		phnum = get16(h + 44, le);
	}
	if ((type != ET_EXEC && type != ET_DYN) || (em != machine && (!also || em != also))
	 /* x86: the class goes with the machine (x32 and the like: no) */
	 || (em == EM_X86_64 && !is64) || (em == EM_386 && is64)
	) {
		*why = "an ELF file for another machine: the kernel could not run it";
		return -1;
	}
	if (phnum == 0 || phnum > 256 || phentsize != (is64 ? 56 : 32)) {
		*why = "malformed ELF header (program headers)";
		return -1;
	}
	for (i = 0; i < phnum; i++) {
		unsigned char ph[56];
		unsigned long long off, sz;

		if (phoff > (1ULL << 40)
		 || rd(ctx, ph, phentsize, phoff + (unsigned long long)i * phentsize) != (ssize_t)phentsize
		) {
			*why = "truncated ELF file";
			return -1;
		}
		if (get32(ph, le) != PT_INTERP)
			continue;
		off = is64 ? get64(ph + 8, le) : get32(ph + 4, le);
		sz = is64 ? get64(ph + 32, le) : get32(ph + 16, le);
		if (sz < 2 || sz > PATH_MAX || off > (1ULL << 40)) {
			*why = "bad PT_INTERP";
			return -1;
		}
		if (rd(ctx, interp_buf, sz, off) != (ssize_t)sz) {
			*why = "truncated ELF file";
			return -1;
		}
		interp_buf[sz] = '\0';
		/* the kernel uses the string up to its NUL, which must be there */
		if (interp_buf[sz - 1] != '\0' || interp_buf[0] == '\0') {
			*why = "bad PT_INTERP";
			return -1;
		}
		*interp = interp_buf;
		return 0;
	}
	return 0;
}

/* EM_* of the running kernel, from uname's machine name (a 32-bit
 * initramfs may boot a 64-bit system); *also: a second machine that kernel
 * usually runs too (i386 binaries on x86_64).  0 when unknown. */
unsigned lr_elf_machine(const char *uname_machine, unsigned *also)
{
	static const struct { char name[8]; unsigned short em, also; } map[] = {
		{ "x86_64", EM_X86_64, EM_386 },
		{ "i386", EM_386, 0 }, { "i486", EM_386, 0 },
		{ "i586", EM_386, 0 }, { "i686", EM_386, 0 },
		{ "aarch64", EM_AARCH64, EM_ARM },
		{ "arm", EM_ARM, 0 },
		{ "riscv64", EM_RISCV, 0 }, { "riscv32", EM_RISCV, 0 },
		{ "ppc64le", EM_PPC64, 0 }, { "ppc64", EM_PPC64, EM_PPC },
		{ "ppc", EM_PPC, 0 },
		{ "s390x", EM_S390, 0 },
		{ "mips", EM_MIPS, 0 }, { "mips64", EM_MIPS, 0 },
	};
	unsigned i;

	*also = 0;
	for (i = 0; i < ARRAY_SIZE(map); i++) {
		size_t l = strlen(map[i].name);
		/* "armv7l" is an arm */
		if (strncmp(uname_machine, map[i].name, l) == 0
		 && (uname_machine[l] == '\0' || strcmp(map[i].name, "arm") == 0)
		) {
			*also = map[i].also;
			return map[i].em;
		}
	}
	return 0;
}

/* --- block maps ------------------------------------------------------------ */

/* Is a file of nblk blocks stored in one piece?  map(ctx, i, &phys) gives
 * the device block of file block i.  Every block is asked: a
 * multi-extent file can look contiguous at any few probes.  Returns 0 and
 * *first when block i is at *first + i for every i (and none is a hole). */
int lr_contiguous(unsigned long long nblk,
		int (*map)(void *ctx, unsigned long long i, unsigned long long *phys),
		void *ctx, unsigned long long *first)
{
	unsigned long long i, phys;

	if (nblk == 0 || map(ctx, 0, first) != 0 || *first == 0)
		return -1;
	for (i = 1; i < nblk; i++)
		if (map(ctx, i, &phys) != 0 || phys != *first + i)
			return -1;
	return 0;
}

/* --- console= ----------------------------------------------------------- */

/* The kernel's console syntax: DEV[,SPEED[PARITY[BITS[FLOW]]]], e.g.
 * /dev/ttyS0,115200n8.  Sets *devlen (the length of DEV) and *baud (0 when
 * none is given); returns -1 for options we can't honour. */
int lr_console_spec(const char *s, size_t *devlen, unsigned *baud)
{
	static const unsigned rates[] = {
		1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600
	};
	const char *c = strchr(s, ',');
	unsigned long long v = 0;
	unsigned i;

	*baud = 0;
	*devlen = c ? (size_t)(c - s) : strlen(s);
	if (!c)
		return 0;
	for (c++; isdigit(*c); c++) {
		v = v * 10 + (*c - '0');
		if (v > 10000000)
			return -1;
	}
	for (i = 0; i < ARRAY_SIZE(rates); i++)
		if (rates[i] == v)
			break;
	if (i == ARRAY_SIZE(rates))
		return -1;
	/* parity n/o/e, 7 or 8 bits, r (flow control): only n8 is what we set */
	if (*c && strcmp(c, "n8") != 0 && strcmp(c, "n") != 0)
		return -1;
	*baud = v;
	return 0;
}

/* --- ext2/3/4 superblock ------------------------------------------------------- */

static unsigned le16at(const uint8_t *p)
{
	return p[0] | (p[1] << 8);
}

static uint32_t le32at(const uint8_t *p)
{
	return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* sb: the 1024 bytes at offset 1024 of an ext2/3/4 filesystem.  Returns 0
 * and fills e, or -1 when it is no ext filesystem liveroot can use. */
int lr_ext_super(const uint8_t *sb, size_t len, struct lr_ext *e)
{
	unsigned state, log_bs;

	memset(e, 0, sizeof(*e));
	if (len < 1024 || le16at(sb + 56) != 0xEF53)
		return -1;
	log_bs = le32at(sb + 24);
	if (log_bs > 6)            /* 1 KiB << 6 = 64 KiB, the largest */
		return -1;
	e->bytes = (unsigned long long)le32at(sb + 4) << (10 + log_bs);
	state = le16at(sb + 58);
	e->clean = state & 1;      /* EXT2_VALID_FS: cleared while mounted (no journal) */
	e->errors = !!(state & 2); /* EXT2_ERROR_FS: the kernel found errors */
	e->journal = !!(le32at(sb + 92) & 0x4);   /* COMPAT_HAS_JOURNAL */
	e->recover = !!(le32at(sb + 96) & 0x4);   /* INCOMPAT_RECOVER: mounted, not unmounted */
	return 0;
}
