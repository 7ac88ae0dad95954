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

/* --- dm-verity: where the hash tree is, and its superblock ------------------- */

/* p: an image's first 2 KiB.  Its filesystem's size (squashfs bytes_used,
 * erofs blocks), rounded up to 4 KiB: where veritysetup's superblock is
 * when make iso appended the hash tree.  0: neither filesystem. */
unsigned long long lr_verity_offset(const uint8_t *p)
{
	unsigned long long n = 0;

	if (memcmp(p, "hsqs", 4) == 0)
		n = le32at(p + 40) | ((unsigned long long)le32at(p + 44) << 32);
	else if (le32at(p + 1024) == 0xE0F5E1E2 && p[1024 + 12] >= 9 && p[1024 + 12] <= 16)
		n = (unsigned long long)le32at(p + 1024 + 36) << p[1024 + 12];
	if (n == 0 || n > (1ULL << 50))
		return 0;
	return (n + 4095) & ~4095ULL;
}

static int pow2_between(unsigned x, unsigned lo, unsigned hi)
{
	return x >= lo && x <= hi && (x & (x - 1)) == 0;
}

/* sb: the 512 bytes of veritysetup's superblock at hash_off.  Fills v
 * (the table's salt in hex); NULL, or what is wrong with it. */
const char *lr_verity_super(const uint8_t *sb, unsigned long long hash_off, struct lr_verity *v)
{
	unsigned salt, i;

	memset(v, 0, sizeof(*v));
	if (memcmp(sb, "verity\0\0", 8) != 0)
		return "no dm-verity superblock behind the filesystem (not made with VERITY=1?)";
	if (le32at(sb + 8) != 1 || le32at(sb + 12) != 1)
		return "dm-verity superblock: not version 1, hash type 1";
	if (strncmp((const char *)sb + 32, "sha256", 32) != 0)
		return "dm-verity superblock: the hash is not sha256";
	v->data_bs = le32at(sb + 64);
	v->hash_bs = le32at(sb + 68);
	v->data_blocks = le32at(sb + 72) | ((unsigned long long)le32at(sb + 76) << 32);
	salt = le16at(sb + 80);
	if (!pow2_between(v->data_bs, 512, 4096) || v->hash_bs != 4096)
		return "dm-verity superblock: bad block sizes";
	/* the tree covers everything up to itself (as mkverity makes it):
	 * a filesystem reading past a shorter device gets no unchecked bytes,
	 * but a clear refusal beats a mount that fails for "no reason" */
	if (hash_off % v->data_bs != 0 || v->data_blocks != hash_off / v->data_bs)
		return "dm-verity superblock: its data blocks are not the filesystem's (a changed superblock?)";
	if (salt > 256)
		return "dm-verity superblock: salt longer than 256 bytes";
	for (i = 0; i < salt; i++)
		sprintf(v->salt + 2 * i, "%02x", sb[88 + i]);
	if (salt == 0)
		strcpy(v->salt, "-");
	return NULL;
}

/* --- the network's parameters and replies ---------------------------------- */

/* A strict dotted quad (no "1", no hex, no leading zeros' octal): *a in
 * network byte order.  n: the length of s to read. */
int lr_ipv4(const char *s, size_t n, uint32_t *a)
{
	uint32_t v = 0;
	unsigned part = 0, digits = 0, i, dots = 0;

	for (i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i])) {
			if (digits == 3 || (digits == 1 && part == 0))
				return -1;  /* 4 digits, or 01 */
			part = part * 10 + (s[i] - '0');
			digits++;
			if (part > 255)
				return -1;
		} else if (s[i] == '.' && digits && dots < 3) {
			v = (v << 8) | part;
			part = digits = 0;
			dots++;
		} else
			return -1;
	}
	if (dots != 3 || !digits)
		return -1;
	v = (v << 8) | part;
	*a = htonl(v);
	return 0;
}

/* aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff */
int lr_mac(const char *s, uint8_t *mac)
{
	unsigned i;

	if (strlen(s) != 17)
		return -1;
	for (i = 0; i < 6; i++) {
		const char *p = s + 3 * i;
		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1])
		 || (i < 5 && p[2] != ':' && p[2] != '-') || (i > 0 && p[-1] != s[2]))
			return -1;
		mac[i] = (isdigit((unsigned char)p[0]) ? p[0] - '0' : (tolower((unsigned char)p[0]) - 'a' + 10)) << 4
			| (isdigit((unsigned char)p[1]) ? p[1] - '0' : (tolower((unsigned char)p[1]) - 'a' + 10));
	}
	return 0;
}

int lr_valid_ifname(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 15 || (s[0] == '.' && (n == 1 || (n == 2 && s[1] == '.'))))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return 0;
	return 1;
}

static int autoconf_word(const char *s, size_t n)
{
	static const char dhcp[] ALIGN1 = "dhcp\0" "on\0" "any\0" "both\0" "bootp\0";
	static const char off[] ALIGN1 = "off\0" "none\0";
	char w[8];
	int i;

	if (n == 0)
		return LR_IP_UNSET;
	if (n >= sizeof(w))
		return -1;
	memcpy(w, s, n);
	w[n] = '\0';
	if ((i = index_in_strings(dhcp, w)) >= 0)
		return LR_IP_DHCP;
	if ((i = index_in_strings(off, w)) >= 0)
		return LR_IP_OFF;
	return -1;  /* dhcp6, auto6, rarp, ibft, ...: not liveroot's */
}

/* ip= in the kernel's syntax (Documentation/admin-guide/nfs/nfsroot.rst):
 *   off|none|dhcp|on|any|both|bootp
 *   CLIENT:SERVER:GATEWAY:NETMASK:HOSTNAME:DEVICE:AUTOCONF:DNS0:DNS1:NTP0
 * and dracut's DEVICE:dhcp.  A client address without AUTOCONF (or with
 * off/none) is a static setup; the netmask defaults to the address's class,
 * as the kernel's.  Returns 0, or -1 (malformed or a method liveroot has
 * not: dhcp6, auto6, rarp, ibft).  (Long: the ten fields of the kernel's
 * syntax, one after the other.) */
int lr_ip_param(const char *s, struct lr_ip *ip)
{
	const char *f[10];
	size_t fl[10];
	unsigned nf = 0, i;
	const char *p = s;
	int ac;

	memset(ip, 0, sizeof(*ip));
	for (;;) {
		const char *c = strchr(p, ':');
		if (nf == 10)
			return -1;
		f[nf] = p;
		fl[nf] = c ? (size_t)(c - p) : strlen(p);
		nf++;
		if (!c)
			break;
		p = c + 1;
	}
	if (nf == 1) {
		ac = autoconf_word(f[0], fl[0]);
		if (ac <= LR_IP_UNSET)
			return -1;
		ip->mode = ac;
		return 0;
	}
	if (nf == 2 && lr_ipv4(f[0], fl[0], &ip->addr) != 0) {
		/* dracut: DEVICE:dhcp */
		ac = autoconf_word(f[1], fl[1]);
		if (ac != LR_IP_DHCP || !lr_valid_ifname(f[0], fl[0]))
			return -1;
		memcpy(ip->dev, f[0], fl[0]);
		ip->mode = ac;
		return 0;
	}
	for (i = nf; i < 10; i++) {
		f[i] = "";
		fl[i] = 0;
	}
	if (fl[5] && !lr_valid_ifname(f[5], fl[5]))
		return -1;
	memcpy(ip->dev, f[5], fl[5]);
	if (fl[4] > 64)
		return -1;  /* HOSTNAME: not used, but not absurd either */
	ac = autoconf_word(f[6], fl[6]);
	if (ac < 0)
		return -1;
	if (ac == LR_IP_DHCP) {
		ip->mode = LR_IP_DHCP;
		ip->addr = 0;
		return 0;
	}
	if (fl[0] == 0) {
		/* no address: autoconfiguration, unless off */
		ip->mode = ac == LR_IP_OFF ? LR_IP_OFF : LR_IP_DHCP;
		return 0;
	}
	if (lr_ipv4(f[0], fl[0], &ip->addr) != 0 || ip->addr == 0)
		return -1;
	if (fl[3]) {
		uint32_t m;
		if (lr_ipv4(f[3], fl[3], &ip->mask) != 0)
			return -1;
		m = ntohl(ip->mask);
		if (m == 0 || (~m & (~m + 1)) != 0)  /* not contiguous ones */
			return -1;
	} else {
		unsigned a = ntohl(ip->addr) >> 24;
		ip->mask = htonl(a < 128 ? 0xff000000 : a < 192 ? 0xffff0000 : 0xffffff00);
	}
	if (fl[2] && lr_ipv4(f[2], fl[2], &ip->gw) != 0)
		return -1;
	if (fl[1] && lr_ipv4(f[1], fl[1], &ip->server) != 0)
		return -1;
	/* DNS0, DNS1 (dracut's MTU here: digits, ignored) */
	for (i = 0; i < 2; i++) {
		if (!fl[7 + i])
			continue;
		if (lr_ipv4(f[7 + i], fl[7 + i], &ip->dns[i]) != 0
		 && strspn(f[7 + i], "0123456789") != fl[7 + i])
			return -1;
	}
	ip->mode = LR_IP_STATIC;
	return 0;
}

/* host: a name (letters, digits, '-', '.') or a dotted quad */
static int valid_host(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 253 || s[0] == '-' || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

/* HOST[:PORT] up to one of the end characters; -1 if bad */
static int host_port(const char *s, const char *ends, char *host, size_t hostsz,
		unsigned *port, const char **rest)
{
	size_t hl = strcspn(s, ":");
	size_t el = strcspn(s, ends);

	if (el < hl)
		hl = el;
	if (!valid_host(s, hl) || hl >= hostsz)
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	s += hl;
	if (*s == ':') {
		unsigned long v = 0;
		s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s)) {
			v = v * 10 + (*s++ - '0');
			if (v > 65535)
				return -1;
		}
		if (v == 0 || (*s && !strchr(ends, *s)))
			return -1;
		*port = v;
	}
	*rest = s;
	return 0;
}

/* http://HOST[:PORT][/PATH]: *path points into url ("" means "/").
 * Returns 0, -1 (malformed), -2 (https://, not supported).  The path goes
 * into the request line as it is: no blanks or control characters. */
int lr_parse_url(const char *url, struct lr_url *u)
{
	const char *p;

	if (is_prefixed_with(url, "https://"))
		return -2;
	if (!is_prefixed_with(url, "http://"))
		return -1;
	u->port = 80;
	if (host_port(url + 7, "/", u->host, sizeof(u->host), &u->port, &p) != 0)
		return -1;
	if (*p && *p != '/')
		return -1;
	u->path = p;
	for (; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '#')
			return -1;
	return 0;
}

/* HOST[:PORT][/EXPORT] (NBD's port 10809 by default; the export's name
 * "" by default) */
int lr_nbd_spec(const char *s, char *host, size_t hostsz, unsigned *port, const char **export)
{
	const char *p;

	*port = 10809;
	if (host_port(s, "/", host, hostsz, port, &p) != 0)
		return -1;
	if (*p == '/')
		p++;
	else if (*p)
		return -1;
	*export = p;
	if (strlen(p) > 255)
		return -1;
	for (; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return -1;
	return 0;
}

/* An HTTP reply's head (status line and header lines, NUL-terminated at
 * its blank line), parsed in place: h->location points into buf.  What
 * liveroot needs: the status, Content-Length (-1: none), Location, and
 * whether the body is in a transfer or content coding liveroot doesn't
 * speak.  Returns 0, or -1 (not HTTP, a bad or contradictory header). */
int lr_http_head(char *buf, struct lr_http *h)
{
	char *line, *next;
	int first = 1;

	memset(h, 0, sizeof(*h));
	h->length = -1;
	for (line = buf; line && *line; line = next) {
		char *colon, *v, *end;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		end = line + strlen(line);
		if (end > line && end[-1] == '\r')
			*--end = '\0';
		if (first) {
			/* HTTP/1.x NNN reason */
			first = 0;
			if (!is_prefixed_with(line, "HTTP/1.") || !isdigit((unsigned char)line[7])
			 || line[8] != ' ' || !isdigit((unsigned char)line[9])
			 || !isdigit((unsigned char)line[10]) || !isdigit((unsigned char)line[11])
			 || (line[12] != ' ' && line[12] != '\0'))
				return -1;
			h->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
			continue;
		}
		if (*line == '\0')
			break;
		colon = strchr(line, ':');
		if (!colon || colon == line)
			return -1;
		*colon = '\0';
		v = skip_whitespace(colon + 1);
		while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (strcasecmp(line, "Content-Length") == 0) {
			long long n = 0;
			const char *q = v;
			if (!isdigit((unsigned char)*q))
				return -1;
			while (isdigit((unsigned char)*q)) {
				if (n > (1LL << 50))
					return -1;  /* a petabyte: absurd */
				n = n * 10 + (*q++ - '0');
			}
			if (*q || (h->length >= 0 && h->length != n))
				return -1;
			h->length = n;
		} else if (strcasecmp(line, "Location") == 0) {
			if (h->location)
				return -1;
			h->location = v;
		} else if (strcasecmp(line, "Transfer-Encoding") == 0
				|| strcasecmp(line, "Content-Encoding") == 0) {
			if (strcasecmp(v, "identity") != 0)
				h->coded = 1;
		}
	}
	return first ? -1 : 0;
}
