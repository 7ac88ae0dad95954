/* vi: set sw=4 ts=4: */
/*
 * liveroot: a root over NBD, for machines that can't hold the image in RAM.
 * The handshake (fixed newstyle, NBD_OPT_GO, else NBD_OPT_EXPORT_NAME) is
 * done here; then the socket is handed to the kernel's nbd driver by
 * generic netlink (NBD_CMD_CONNECT): the kernel holds the connection, no
 * process stays behind (an ioctl client has to sit in NBD_DO_IT for as long
 * as the device lives).  While liveroot boots, every request has the
 * kernel's timeout set to timeout=: a server that stops answering ends
 * the boot in the rescue shell, said.  Before the switch the timeout goes
 * (lr_nbd_no_timeout): the running system's reads then wait for the
 * server as long as its TCP connection lives -- an outage or a server
 * that hangs for a while stalls them, and they go on when it answers
 * again; a connection that breaks (the server restarted, the network
 * gone for TCP's ~15 minutes of retries) is an I/O error -- there is no
 * reconnect.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_FEATURE_LIVEROOT_NET) += nbd.o

#include "libbb.h"
#include "liveroot.h"
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <linux/nbd-netlink.h>

#define NBDMAGIC        0x4e42444d41474943ULL
#define IHAVEOPT        0x49484156454f5054ULL
#define OLDSTYLE        0x00420281861253ULL
#define REPLY_MAGIC     0x3e889045565a9ULL
enum {
	FIXED_NEWSTYLE = 1, NO_ZEROES = 2,
	OPT_EXPORT_NAME = 1, OPT_GO = 7,
	REP_ACK = 1, REP_INFO = 3, INFO_EXPORT = 0,
	REP_ERR_UNSUP = 0x80000001, REP_ERR_POLICY = 0x80000002,
	REP_ERR_TLS_REQD = 0x80000005, REP_ERR_UNKNOWN = 0x80000006,
	FLAG_READ_ONLY = 2,
};

static unsigned get16(const uint8_t *p)
{
	return (p[0] << 8) | p[1];
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static uint64_t get64(const uint8_t *p)
{
	return ((uint64_t)get_unaligned_be32(p) << 32) | get_unaligned_be32(p + 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	put_unaligned_be32(v >> 32, p);
	put_unaligned_be32(v, p + 4);
}

static int rd(int s, void *buf, size_t n, const char *what)
{
	ssize_t r = full_read(s, buf, n);

	if (r == (ssize_t)n)
		return 0;
	if (r >= 0)
		bb_error_msg("NBD server: the connection ended during %s", what);
	else
		bb_perror_msg("NBD server: %s", what);
	return -1;
}

static int wr(int s, const void *buf, size_t n)
{
	if (full_write(s, buf, n) == (ssize_t)n)
		return 0;
	bb_simple_perror_msg("NBD server: sending");
	return -1;
}

static int send_option(int s, unsigned opt, const void *data, unsigned len)
{
	uint8_t h[16];

	put64(h, IHAVEOPT);
	put_unaligned_be32(opt, h + 8);
	put_unaligned_be32(len, h + 12);
	return wr(s, h, 16) || (len && wr(s, data, len)) ? -1 : 0;
}

/* The handshake; *size, *flags of the export.  Returns 0, -1 (said). */
/* The server's replies to NBD_OPT_GO.  Returns 0 (granted: *size,
 * *flags), 1 (an older server without it: NBD_OPT_EXPORT_NAME), -1 (said) */
static int go_replies(int s, const char *export, uint64_t *size, unsigned *flags)
{
	*flags = ~0U;
	for (;;) {
		uint8_t r[20], info[12];
		unsigned type, len;

		if (rd(s, r, 20, "the option reply") != 0)
			return -1;
		if (get64(r) != REPLY_MAGIC || get_unaligned_be32(r + 8) != OPT_GO) {
			bb_error_msg("NBD server: a garbled option reply");
			return -1;
		}
		type = get_unaligned_be32(r + 12);
		len = get_unaligned_be32(r + 16);
		if (len > 4096) {
			bb_error_msg("NBD server: an option reply of %u bytes: refused", len);
			return -1;
		}
		if (type == REP_INFO && len == 12) {
			if (rd(s, info, 12, "the export's information") != 0)
				return -1;
			if (get16(info) == INFO_EXPORT) {
				*size = get64(info + 2);
				*flags = get16(info + 10);
			}
			continue;
		}
		if (type == REP_ACK) {
			if (*flags == ~0U) {
				bb_error_msg("NBD server: no size for the export");
				return -1;
			}
			return 0;
		}
		if (type & 0x80000000) {
			char msg[128];
			unsigned m = MIN(len, sizeof(msg) - 1), i;

			if (rd(s, msg, m, "the error message") != 0)
				return -1;
			for (i = m; i < len; i++)  /* the rest of it, unread so far */
				if (rd(s, info, 1, "the error message") != 0)
					return -1;
			for (i = 0; i < m; i++)
				if ((msg[i] < ' ' || msg[i] > '~'))
					msg[i] = '?';
			msg[m] = '\0';
			if (type == REP_ERR_UNSUP)
				return 1;  /* an older server: NBD_OPT_EXPORT_NAME */
			bb_error_msg("NBD server refuses export '%s': %s%s%s", export,
					type == REP_ERR_UNKNOWN ? "no such export"
					: type == REP_ERR_POLICY ? "not allowed"
					: type == REP_ERR_TLS_REQD ? "it wants TLS (liveroot has none)"
					: "error", m ? ": " : "", msg);
			return -1;
		}
		/* anything else: skip it */
		while (len) {
			unsigned m = MIN(len, sizeof(info));
			if (rd(s, info, m, "an option reply") != 0)
				return -1;
			len -= m;
		}
	}
}

static int handshake(int s, const char *export, uint64_t *size, unsigned *flags)
{
	int rc;
	uint8_t b[18 + 4 + 255 + 2];
	unsigned hflags, cflags, nl = strlen(export);

	if (rd(s, b, 18, "the greeting") != 0)
		return -1;
	if (get64(b) != NBDMAGIC) {
		bb_error_msg("not an NBD server (no NBDMAGIC)");
		return -1;
	}
	if (get64(b + 8) == OLDSTYLE) {
		bb_error_msg("an old-style NBD server: liveroot speaks the fixed newstyle "
				"handshake (nbd-server 3.x, qemu-nbd)");
		return -1;
	}
	if (get64(b + 8) != IHAVEOPT) {
		bb_error_msg("NBD server: unknown handshake");
		return -1;
	}
	hflags = get16(b + 16);
	if (!(hflags & FIXED_NEWSTYLE)) {
		bb_error_msg("NBD server without the fixed newstyle handshake");
		return -1;
	}
	cflags = FIXED_NEWSTYLE | (hflags & NO_ZEROES);
	put_unaligned_be32(cflags, b);
	if (wr(s, b, 4) != 0)
		return -1;

	/* NBD_OPT_GO: name, no information requests */
	put_unaligned_be32(nl, b);
	memcpy(b + 4, export, nl);
	put16(b + 4 + nl, 0);
	if (send_option(s, OPT_GO, b, 4 + nl + 2) != 0)
		return -1;
	rc = go_replies(s, export, size, flags);
	if (rc <= 0)
		return rc;
	if (send_option(s, OPT_EXPORT_NAME, export, nl) != 0)
		return -1;
	if (rd(s, b, 10, "the export's size") != 0)
		return -1;
	*size = get64(b);
	*flags = get16(b + 8);
	if (!(cflags & NO_ZEROES) && rd(s, b, 124, "the handshake's padding") != 0)
		return -1;
	return 0;
}

/* --- generic netlink --------------------------------------------------------- */

struct nlmsg {
	struct nlmsghdr n;
	struct genlmsghdr g;
	uint8_t buf[256];
};

static void *nla_put(struct nlmsg *m, unsigned type, const void *data, unsigned len)
{
	struct nlattr *a = (struct nlattr *)((uint8_t *)m + NLMSG_ALIGN(m->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (data)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
	m->n.nlmsg_len = NLMSG_ALIGN(m->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static void nla_u64(struct nlmsg *m, unsigned type, uint64_t v)
{
	nla_put(m, type, &v, 8);
}

static void nla_end(struct nlmsg *m, struct nlattr *nest)
{
	nest->nla_len = (uint8_t *)m + m->n.nlmsg_len - (uint8_t *)nest;
}

/* send m; the reply of that type, if any, into m (else m->n.nlmsg_type
 * is 0); returns 0 (the ACK), or -errno */
static int talk(int s, struct nlmsg *m, unsigned short type, unsigned char cmd, unsigned seq)
{
	enum { RBUF = 8192 };
	char *rbuf = xmalloc(RBUF);
	int rc = -EPROTO, got = 0;

	m->n.nlmsg_type = type;
	m->n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m->n.nlmsg_seq = seq;
	m->g.cmd = cmd;
	m->g.version = 1;
	if (send(s, m, m->n.nlmsg_len, 0) != (ssize_t)m->n.nlmsg_len) {
		rc = -errno;
		goto out;
	}
	for (;;) {
		struct nlmsghdr *h = (struct nlmsghdr *)rbuf;
		ssize_t n = recv(s, rbuf, RBUF, 0);

		if (n < 0) {
			rc = -errno;
			goto out;
		}
		for (; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					goto out;
				rc = e->error;  /* 0: the ACK */
				if (!got)
					m->n.nlmsg_type = 0;
				goto out;
			}
			if (h->nlmsg_type == type && !got) {
				/* the reply comes before its ACK */
				memcpy(m, h, MIN(h->nlmsg_len, sizeof(*m)));
				got = 1;
			}
		}
	}
 out:
	free(rbuf);
	return rc;
}

/* the attribute of type in the reply m (generic netlink), or NULL */
static struct nlattr *nla_find(struct nlmsg *m, unsigned type)
{
	uint8_t *p = m->buf, *end = (uint8_t *)m + MIN(m->n.nlmsg_len, sizeof(*m));

	while (p + NLA_HDRLEN <= end) {
		struct nlattr *a = (struct nlattr *)p;
		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static int nbd_family(int s)
{
	struct nlmsg m;
	struct nlattr *a;
	int rc;

	memset(&m, 0, sizeof(m));
	m.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	nla_put(&m, CTRL_ATTR_FAMILY_NAME, NBD_GENL_FAMILY_NAME, sizeof(NBD_GENL_FAMILY_NAME));
	rc = talk(s, &m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	if (rc < 0)
		return rc;
	a = m.n.nlmsg_type ? nla_find(&m, CTRL_ATTR_FAMILY_ID) : NULL;
	if (!a || a->nla_len < NLA_HDRLEN + 2)
		return -ENOENT;
	return *(uint16_t *)((uint8_t *)a + NLA_HDRLEN);
}

/* The first read of the device: the server answers (within the kernel's
 * timeout), and what the export is.  Returns 0 (the media), 1 (the root
 * image), -1 (said). */
static int probe(const char *dev, unsigned timeout, const char *export, const char *host,
		unsigned port, uint64_t size)
{
	char buf[512];
	const char *type = NULL;
	int fd = open(dev, O_RDONLY | O_CLOEXEC), rc = -1;

	if (fd < 0)
		bb_perror_msg("%s", dev);
	else if (pread(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
		bb_perror_msg("NBD: %s:%u sent no answer to a read within %u s (timeout=) "
				"or broke the connection", host, port, timeout ? timeout : 1);
	else {
		type = lr_image_type(fd);
		lr_log("NBD: %s is export '%s' of %s port %u, %llu bytes, read-only (the kernel "
				"holds the connection, no process; no reconnect): %s%s", dev, export, host,
				port, (unsigned long long)size, type ? "the root image, " : "the media",
				type ? type : "");
		rc = type != NULL;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Generic netlink, and the nbd driver's family in it (*fam).  Returns the
 * socket, or -1 (said). */
static int genl_open(int *fam)
{
	struct sockaddr_nl sa;
	int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (nl < 0 || bind(nl, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		bb_simple_perror_msg("generic netlink");
		if (nl >= 0)
			close(nl);
		return -1;
	}
	*fam = nbd_family(nl);
	if (*fam < 0) {
		errno = -*fam;
		bb_perror_msg("the kernel's nbd driver (module nbd, make EXTRA_MODULES=nbd)");
		close(nl);
		return -1;
	}
	return nl;
}

/* NBD_CMD_CONNECT: the socket s to the kernel, read-only, the boot's
 * request timeout.  *index: the device's number.  0, or -errno. */
static int kernel_connect(int nl, int fam, int s, uint64_t size, unsigned flags,
		unsigned timeout, uint32_t *index)
{
	struct nlmsg m;
	struct nlattr *socks, *item, *a;
	uint32_t fd32 = s;
	int rc;

	memset(&m, 0, sizeof(m));
	m.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	nla_u64(&m, NBD_ATTR_SIZE_BYTES, size);
	/* 4 KiB blocks when the size allows (squashfs, erofs images do) */
	nla_u64(&m, NBD_ATTR_BLOCK_SIZE_BYTES, size % 4096 ? 512 : 4096);
	/* read-only, whatever the server allows */
	nla_u64(&m, NBD_ATTR_SERVER_FLAGS, flags | FLAG_READ_ONLY);
	nla_u64(&m, NBD_ATTR_TIMEOUT, timeout ? timeout : 1);
	socks = nla_put(&m, NBD_ATTR_SOCKETS | NLA_F_NESTED, NULL, 0);
	item = nla_put(&m, NBD_SOCK_ITEM | NLA_F_NESTED, NULL, 0);
	nla_put(&m, NBD_SOCK_FD, &fd32, 4);
	nla_end(&m, item);
	nla_end(&m, socks);
	rc = talk(nl, &m, fam, NBD_CMD_CONNECT, 2);
	if (rc < 0)
		return rc;
	a = m.n.nlmsg_type == fam ? nla_find(&m, NBD_ATTR_INDEX) : NULL;
	*index = a && a->nla_len >= NLA_HDRLEN + 4 ? *(uint32_t *)((uint8_t *)a + NLA_HDRLEN) : 0;
	return 0;
}

/* Connect to nbd=HOST[:PORT][/EXPORT]; *dev gets /dev/nbdN.  Returns 1
 * (the export is the root image), 0 (it is the media), -1 (said). */
int lr_nbd_connect(const struct lr_opts *o, char *dev, size_t devsz)
{
	char host[256];
	const char *export;
	unsigned port, flags;
	uint64_t size = 0;
	struct nlmsg m;
	char *spec;
	int s, nl = -1, fam, rc;
	uint32_t index;

	spec = lr_expand_pxeserver(o->nbd);
	if (!spec)
		return -1;
	if (lr_nbd_spec(spec, host, sizeof(host), &port, &export) != 0) {
		bb_error_msg("nbd=%s: use HOST[:PORT][/EXPORT]", spec);
		free(spec);
		return -1;
	}
	lr_modprobe("nbd");
	s = lr_tcp_connect(host, port, o->timeout);
	if (s < 0) {
		free(spec);
		return -1;
	}
	if (handshake(s, export, &size, &flags) != 0)
		goto fail;
	/* the kernel's own timeouts from here on (see the top) */
	{
		struct timeval tv = { 0, 0 };
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	nl = genl_open(&fam);
	if (nl < 0)
		goto fail;
	rc = kernel_connect(nl, fam, s, size, flags, o->timeout, &index);
	if (rc < 0) {
		errno = -rc;
		bb_perror_msg("connecting the nbd device to %s", spec);
		goto fail;
	}
	snprintf(dev, devsz, "/dev/nbd%u", index);
	close(s);  /* the kernel holds its own reference */
	s = -1;
	rc = probe(dev, o->timeout, export, host, port, size);
	if (rc < 0) {
		/* no more of it: the kernel would log the dead device for ever */
		memset(&m, 0, sizeof(m));
		m.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
		nla_put(&m, NBD_ATTR_INDEX, &index, 4);
		talk(nl, &m, fam, NBD_CMD_DISCONNECT, 3);
		goto fail;
	}
	close(nl);
	free(spec);
	return rc;
 fail:
	if (nl >= 0)
		close(nl);
	if (s >= 0)
		close(s);
	free(spec);
	return -1;
}

/* Before the switch: no request timeout for the running system (see the
 * top).  Returns 0, -1 (said: the boot timeout stays). */
int lr_nbd_no_timeout(const char *dev)
{
	struct nlmsg m;
	unsigned index;
	uint32_t i32;
	int nl, fam, rc = -1;

	if (sscanf(dev, "/dev/nbd%u", &index) != 1)
		return -1;
	i32 = index;
	nl = genl_open(&fam);
	if (nl >= 0) {
		memset(&m, 0, sizeof(m));
		m.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
		nla_put(&m, NBD_ATTR_INDEX, &i32, 4);
		nla_u64(&m, NBD_ATTR_TIMEOUT, 0);
		rc = talk(nl, &m, fam, NBD_CMD_RECONFIGURE, 4);
		if (rc < 0)
			errno = -rc;
		close(nl);
	}
	if (rc != 0)
		bb_perror_msg("WARNING: %s keeps its boot timeout: a server that does not answer "
				"within it makes reads fail", dev);
	else
		lr_log("NBD: %s has no request timeout now: reads wait for the server", dev);
	return rc ? -1 : 0;
}
