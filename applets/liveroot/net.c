/* vi: set sw=4 ts=4: */
/*
 * liveroot: the network, a source like the media.  One interface (named
 * by ip=, net.if= or pxelinux's BOOTIF=, else the first with a link) comes
 * up with DHCP (BusyBox's udhcpc, once: -q, it exits with the lease) or
 * ip='s static setup; then TCP connections with timeouts and HTTP/1.0
 * GETs.  Nothing keeps running: the address stays on the interface for
 * the booted system, the lease is in /run/liveroot/net/.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_FEATURE_LIVEROOT_NET) += net.o

#include "libbb.h"
#include "liveroot.h"
#include <net/if.h>
#include <net/route.h>
#include <poll.h>

#define LR_NET          LR_DIR "/net"

/* --- udhcpc's script: liveroot itself ----------------------------------------
 * udhcpc runs LR_NET/liveroot (a link to BusyBox) EVENT with the lease in its
 * environment; on bound/renew the checked values go to LR_NET/lease, which
 * the boot reads (and the booted system may). */
int lr_dhcp_event(const char *event)
{
	static const char keys[] ALIGN1 = "ip\0" "router\0" "dns\0" "serverid\0" "siaddr\0";
	const char *ifname = getenv("interface"), *k, *v;
	char *out = NULL, *tmp;
	unsigned i, mask;
	uint32_t a;
	int fd;

	if (strcmp(event, "bound") != 0 && strcmp(event, "renew") != 0)
		return 0;  /* deconfig, leasefail, nak: nothing to record */
	if (!ifname || !lr_valid_ifname(ifname, strlen(ifname)))
		return 1;
	out = xasprintf("interface=%s\n", ifname);
	for (i = 0; (k = nth_string(keys, i))[0]; i++) {
		char *list, *w, *p, *ok = NULL;

		v = getenv(k);
		if (!v)
			continue;
		/* router, dns: lists; each must be a dotted quad */
		p = list = xstrdup(v);
		while ((w = strsep(&p, " ")) != NULL) {
			if (!*w || lr_ipv4(w, strlen(w), &a) != 0)
				continue;
			tmp = xasprintf("%s%s%s", ok ? ok : "", ok ? " " : "", w);
			free(ok);
			ok = tmp;
		}
		free(list);
		if (ok) {
			tmp = xasprintf("%s%s=%s\n", out, k, ok);
			free(out);
			out = tmp;
			free(ok);
		}
	}
	v = getenv("mask");
	if (v && (mask = bb_strtou(v, NULL, 10), !errno) && mask <= 32) {
		tmp = xasprintf("%smask=%u\n", out, mask);
		free(out);
		out = tmp;
	}
	v = getenv("lease");
	if (v && (bb_strtou(v, NULL, 10), !errno)) {
		tmp = xasprintf("%slease=%s\n", out, v);
		free(out);
		out = tmp;
	}
	fd = open(LR_NET "/lease.new", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || full_write(fd, out, strlen(out)) != (ssize_t)strlen(out) || close(fd) != 0
	 || rename(LR_NET "/lease.new", LR_NET "/lease") != 0) {
		bb_simple_perror_msg(LR_NET "/lease");
		return 1;
	}
	free(out);
	return 0;
}

/* the value of KEY= in the lease file's text (first word with words=1) */
static char *lease_get(const char *lease, const char *key, int words)
{
	char *k = xasprintf("\n%s=", key), *p, *r;
	size_t n;

	p = strstr(lease, k);
	free(k);
	if (!p)
		return NULL;
	p += strlen(key) + 2;
	n = strcspn(p, words ? " \n" : "\n");
	r = xstrndup(p, n);
	return r;
}

/* --- interfaces ---------------------------------------------------------- */

static int inet_sock(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		bb_simple_perror_msg("socket");
	return s;
}

static void set_ifname(struct ifreq *r, const char *ifname)
{
	memset(r, 0, sizeof(*r));
	strncpy_IFNAMSIZ(r->ifr_name, ifname);
}

static int if_flags(const char *ifname, int up)
{
	struct ifreq r;
	int s = inet_sock(), rc = -1;

	if (s < 0)
		return -1;
	set_ifname(&r, ifname);
	if (ioctl(s, SIOCGIFFLAGS, &r) == 0) {
		if (up)
			r.ifr_flags |= IFF_UP;
		else
			r.ifr_flags &= ~IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &r);
	}
	if (rc != 0)
		bb_perror_msg("can't bring %s %s", ifname, up ? "up" : "down");
	close(s);
	return rc;
}

static int set_inaddr(int s, const char *ifname, unsigned long req, uint32_t a)
{
	struct ifreq r;
	struct sockaddr_in *sin = (struct sockaddr_in *)&r.ifr_addr;

	set_ifname(&r, ifname);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = a;
	return ioctl(s, req, &r);
}

/* address/mask (and a default route through gw, if not 0) on ifname */
static int configure(const char *ifname, uint32_t addr, uint32_t mask, uint32_t gw)
{
	struct rtentry rt;
	struct sockaddr_in *sin;
	int s = inet_sock(), rc = -1;

	if (s < 0)
		return -1;
	if (set_inaddr(s, ifname, SIOCSIFADDR, addr) != 0
	 || set_inaddr(s, ifname, SIOCSIFNETMASK, mask) != 0
	 || set_inaddr(s, ifname, SIOCSIFBRDADDR, addr | ~mask) != 0) {
		bb_perror_msg("can't set the address of %s", ifname);
		goto out;
	}
	if (gw) {
		memset(&rt, 0, sizeof(rt));
		sin = (struct sockaddr_in *)&rt.rt_dst;
		sin->sin_family = AF_INET;
		sin = (struct sockaddr_in *)&rt.rt_genmask;
		sin->sin_family = AF_INET;
		sin = (struct sockaddr_in *)&rt.rt_gateway;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = gw;
		rt.rt_flags = RTF_UP | RTF_GATEWAY;
		rt.rt_dev = (char *)ifname;
		if (ioctl(s, SIOCADDRT, &rt) != 0 && errno != EEXIST) {
			bb_perror_msg("can't add the default route through %s on %s",
					inet_ntoa(sin->sin_addr), ifname);
			goto out;
		}
	}
	rc = 0;
 out:
	close(s);
	return rc;
}

static int sys_net(const char *ifname, const char *attr, char *buf, size_t size)
{
	char *p = xasprintf("/sys/class/net/%s/%s", ifname, attr);
	ssize_t n = lr_read_small(p, buf, size);

	free(p);
	if (n <= 0)
		return -1;
	*strchrnul(buf, '\n') = '\0';
	return 0;
}

/* an Ethernet interface (type 1), not lo, not a bridge made by nobody */
static int ethernet(const char *ifname)
{
	char b[16];
	return sys_net(ifname, "type", b, sizeof(b)) == 0 && strcmp(b, "1") == 0;
}

static int carrier(const char *ifname)
{
	char b[8];
	return sys_net(ifname, "carrier", b, sizeof(b)) == 0 && strcmp(b, "1") == 0;
}

/* does ifname answer to want (a name or a MAC address)? */
static int is_wanted(const char *ifname, const char *want)
{
	uint8_t m1[6], m2[6];
	char b[32];

	if (lr_mac(want, m1) != 0)
		return strcmp(ifname, want) == 0;
	return sys_net(ifname, "address", b, sizeof(b)) == 0 && lr_mac(b, m2) == 0
		&& memcmp(m1, m2, 6) == 0;
}

/* Wait (loading drivers) for the wanted interface, or for any Ethernet
 * interface with a link; every candidate is brought up to see its link,
 * those not chosen go down again.  Returns the name (malloced) or NULL. */
static char *pick_interface(const struct lr_opts *o, const char *want)
{
	unsigned long long end = monotonic_ms() + MAX(1u, o->timeout) * 1000ULL;
	llist_t *upped = NULL;
	char *found = NULL, *seen = NULL;
	unsigned tick = 0;

	for (;;) {
		DIR *d;
		struct dirent *de;

		if (!(tick++ % 5))
			lr_coldplug(NULL);  /* drivers for what appeared */
		d = opendir("/sys/class/net");
		while (d && (de = readdir(d)) != NULL && !found) {
			const char *n = de->d_name;
			if (n[0] == '.' || !ethernet(n) || (want && !is_wanted(n, want)))
				continue;
			if (!llist_find_str(upped, n)) {
				if (if_flags(n, 1) != 0)
					continue;
				llist_add_to(&upped, xstrdup(n));
			}
			if (!seen)
				seen = xstrdup(n);
			if (carrier(n))
				found = xstrdup(n);
		}
		if (d)
			closedir(d);
		if (found || monotonic_ms() >= end)
			break;
		msleep(100);
	}
	if (!found && seen && want) {
		/* named, but no link reported: try it anyway */
		lr_log("%s reports no link after %u s: trying it anyway", seen, o->timeout);
		found = xstrdup(seen);
	}
	while (upped) {
		char *n = llist_pop(&upped);
		if (!found || strcmp(n, found) != 0)
			if_flags(n, 0);
		free(n);
	}
	free(seen);
	if (!found)
		bb_error_msg("no network interface%s%s%s with a link within %u s (is its driver in "
				"the initramfs? make EXTRA_MODULES=net)", want ? " " : "", want ? want : "",
				want ? " found, or none" : "", o->timeout);
	return found;
}

static char *ntoa(uint32_t a)
{
	struct in_addr i = { a };
	return xstrdup(inet_ntoa(i));
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	size_t n = strlen(text);

	if (fd < 0 || full_write(fd, text, n) != (ssize_t)n || close(fd) != 0) {
		bb_simple_perror_msg(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

/* /etc/resolv.conf of the initramfs (for names in fetch=, nbd=): the
 * servers, blank separated (dotted quads, checked) */
static void resolv_conf(const char *servers)
{
	char *list = xstrdup(servers), *p = list, *w, *conf = xstrdup("");

	while ((w = strsep(&p, " ")) != NULL) {
		char *c;
		if (!*w)
			continue;
		c = xasprintf("%snameserver %s\n", conf, w);
		free(conf);
		conf = c;
	}
	if (conf[0])
		write_file("/etc/resolv.conf", conf);
	free(conf);
	free(list);
}

/* DHCP on ifname through udhcpc, once; the lease configured here.
 * (Long: udhcpc's run, its timeout and the lease's checks read best as
 * one sequence.) */
static int dhcp(const struct lr_opts *o, const char *ifname)
{
	char tries[12], *lease, *v;
	const char *argv[16];
	uint32_t addr, gw = 0;
	unsigned prefix = 0;
	int n = 0, rc;

	unlink(LR_NET "/liveroot");
	if (symlink(bb_busybox_exec_path, LR_NET "/liveroot") != 0) {
		bb_simple_perror_msg(LR_NET "/liveroot");
		return -1;
	}
	unlink(LR_NET "/lease");
	/* discover every 2 s for the timeout */
	sprintf(tries, "%u", MAX(1u, o->timeout / 2));
	argv[n++] = "udhcpc";
	argv[n++] = "-f";       /* foreground, */
	argv[n++] = "-q";       /* exit with the lease, */
	argv[n++] = "-n";       /* or without one */
	argv[n++] = "-i";
	argv[n++] = ifname;
	argv[n++] = "-t";
	argv[n++] = tries;
	argv[n++] = "-T";
	argv[n++] = "2";
	argv[n++] = "-s";
	argv[n++] = LR_NET "/liveroot";
	argv[n] = NULL;
	/* the kernel hands its unknown NAME=VALUE words to init's environment:
	 * none of them may pass for a lease value udhcpc did not set (they are
	 * put back for init) */
	{
		static const char keys[] ALIGN1 = "ip\0" "mask\0" "subnet\0" "router\0" "dns\0"
			"serverid\0" "siaddr\0" "lease\0" "interface\0";
		char *saved[9];
		const char *k;
		unsigned i;

		for (i = 0; (k = nth_string(keys, i))[0]; i++) {
			char *e = getenv(k);
			saved[i] = e ? xstrdup(e) : NULL;
			unsetenv(k);
		}
		setenv("LIVEROOT_DHCP", "1", 1);
		rc = lr_run(argv);
		unsetenv("LIVEROOT_DHCP");
		for (i = 0; (k = nth_string(keys, i))[0]; i++) {
			if (saved[i])
				setenv(k, saved[i], 1);
			free(saved[i]);
		}
	}
	lease = xmalloc_open_read_close(LR_NET "/lease", NULL);
	if (rc != 0 || !lease) {
		bb_error_msg("no DHCP lease on %s within %u s", ifname, o->timeout);
		free(lease);
		return -1;
	}
	v = xasprintf("\n%s", lease);  /* every key after a newline */
	free(lease);
	lease = v;
	v = lease_get(lease, "ip", 1);
	if (!v || lr_ipv4(v, strlen(v), &addr) != 0) {
		bb_error_msg("the DHCP lease on %s has no address", ifname);
		free(v);
		free(lease);
		return -1;
	}
	free(v);
	v = lease_get(lease, "mask", 1);
	if (v)
		prefix = bb_strtou(v, NULL, 10);
	free(v);
	if (prefix == 0 || prefix > 32)
		prefix = 24;
	v = lease_get(lease, "router", 1);
	if (v && lr_ipv4(v, strlen(v), &gw) != 0)
		gw = 0;
	free(v);
	v = lease_get(lease, "siaddr", 1);
	if (!v)
		v = lease_get(lease, "serverid", 1);
	G.pxeserver = v;
	rc = configure(ifname, addr, htonl(0xffffffffU << (32 - prefix)), gw);
	if (rc == 0) {
		char *dns = lease_get(lease, "dns", 0);
		char *ls = lease_get(lease, "lease", 1);
		char *a = ntoa(addr), *g = ntoa(gw);
		lr_log("network: %s %s/%u by DHCP, gateway %s, DNS %s, server %s, lease %s s "
				"(not renewed by liveroot; " LR_NET "/lease)", ifname, a, prefix,
				gw ? g : "none", dns ? dns : "none", v ? v : "?", ls ? ls : "?");
		if (dns)
			resolv_conf(dns);
		free(dns);
		free(ls);
		free(a);
		free(g);
	}
	free(lease);
	return rc;
}

/* Bring the network up as ip= says (DHCP when not said); returns 0 or -1 */
int lr_net_up(const struct lr_opts *o)
{
	const struct lr_ip *ip = &o->ip;
	const char *want = ip->dev[0] ? ip->dev : o->net_if;
	unsigned long long t0 = monotonic_ms();
	char *ifname;
	int rc;

	if (ip->mode == LR_IP_OFF) {
		lr_log("ip=off: the network is used as it is");
		return 0;
	}
	if (lr_mkdir(LR_NET) != 0)
		return -1;
	lr_modprobe("af_packet");  /* (udhcpc's raw socket, where it is a module) */
	if_flags("lo", 1);
	ifname = pick_interface(o, want);
	if (!ifname)
		return -1;
	if (ip->mode == LR_IP_STATIC) {
		unsigned prefix = 32 - ffs(ntohl(ip->mask)) + 1;
		char *a = ntoa(ip->addr), *g = ntoa(ip->gw);

		rc = configure(ifname, ip->addr, ip->mask, ip->gw);
		if (rc == 0) {
			char *conf = xasprintf("interface=%s\nip=%s\nmask=%u\n", ifname, a, prefix);
			char *d0 = ntoa(ip->dns[0]), *d1 = ntoa(ip->dns[1]);
			char *dns = xasprintf("%s %s", ip->dns[0] ? d0 : "", ip->dns[1] ? d1 : "");
			lr_log("network: %s %s/%u (ip=), gateway %s, DNS %s", ifname, a, prefix,
					ip->gw ? g : "none", ip->dns[0] | ip->dns[1] ? dns : "none");
			resolv_conf(dns);
			free(dns);
			free(d0);
			free(d1);
			write_file(LR_NET "/lease", conf);
			free(conf);
		}
		free(a);
		free(g);
		if (ip->server)
			G.pxeserver = ntoa(ip->server);
	} else
		rc = dhcp(o, ifname);
	if (rc == 0)
		lr_log("network: up in %llu ms", monotonic_ms() - t0);
	free(ifname);
	return rc;
}

/* "${pxeserver}" (archiso's PXE entries) in s: the boot server's address
 * from DHCP (siaddr, else the DHCP server) or ip='s SERVER; malloced */
char *lr_expand_pxeserver(const char *s)
{
	const char *p = strstr(s, "${pxeserver}");

	if (!p)
		return xstrdup(s);
	if (!G.pxeserver) {
		bb_error_msg("%s: ${pxeserver} is the boot server from DHCP (or ip='s SERVER), "
				"and there is none", s);
		return NULL;
	}
	return xasprintf("%.*s%s%s", (int)(p - s), s, G.pxeserver, p + 12);
}

/* --- TCP and HTTP ------------------------------------------------------------ */

/* A connection to host:port within timeout seconds; reads and writes time
 * out after timeout seconds without progress.  Returns the socket or -1. */
int lr_tcp_connect(const char *host, unsigned port, unsigned timeout)
{
	len_and_sockaddr *lsa;
	struct timeval tv;
	struct pollfd pfd;
	int s, err = 0;
	socklen_t el = sizeof(err);

	if (timeout == 0)
		timeout = 1;  /* (timeout=0: no waiting for devices; the network needs a moment) */
	lsa = host2sockaddr(host, port);  /* (says why not) */
	if (!lsa)
		return -1;
	s = socket(lsa->u.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0) {
		bb_simple_perror_msg("socket");
		free(lsa);
		return -1;
	}
	if (connect(s, &lsa->u.sa, lsa->len) != 0) {
		if (errno != EINPROGRESS) {
			err = errno;
		} else {
			pfd.fd = s;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, timeout * 1000) != 1)
				err = ETIMEDOUT;
			else if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el) != 0)
				err = errno;
		}
	}
	free(lsa);
	if (err) {
		errno = err;
		bb_perror_msg("can't connect to %s port %u", host, port);
		close(s);
		return -1;
	}
	ndelay_off(s);
	tv.tv_sec = timeout;
	tv.tv_usec = 0;
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return s;
}

/* read the reply's head (up to its blank line, nothing of the body) */
static char *http_head(int s, const char *url, unsigned timeout)
{
	enum { MAX = 8192 };
	char *buf = xmalloc(MAX + 1);
	size_t n = 0;

	for (;;) {
		ssize_t r = recv(s, buf + n, MAX - n, MSG_PEEK);
		char *e;
		size_t take;

		if (r <= 0) {
			if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				bb_error_msg("%s: no reply within %u s", url, timeout);
			else if (r < 0)
				bb_perror_msg("%s", url);
			else
				bb_error_msg("%s: the server closed the connection without a reply", url);
			break;
		}
		buf[n + r] = '\0';
		{
			/* the head ends at the first blank line, CRLF or LF */
			char *crlf = strstr(buf + (n > 3 ? n - 3 : 0), "\r\n\r\n");
			char *lf = strstr(buf + (n > 1 ? n - 1 : 0), "\n\n");
			e = crlf && (!lf || crlf < lf) ? crlf : lf;
		}
		take = e ? (size_t)(e - buf) + (e[0] == '\n' ? 2 : 4) - n : (size_t)r;
		if (safe_read(s, buf + n, take) != (ssize_t)take) {
			bb_perror_msg("%s", url);
			break;
		}
		n += take;
		buf[n] = '\0';
		if (e)
			return buf;
		if (n == MAX) {
			bb_error_msg("%s: the reply's head is longer than %u bytes: not a web server?",
					url, MAX);
			break;
		}
	}
	free(buf);
	return NULL;
}

/* GET url (http:// only; redirects followed, 5 at most).  Returns the
 * socket, its body next, with *length (-1: unknown); -2 when the server
 * has no such file (404, 410; said unless quiet); -1 on any other error,
 * said.  (Long: one request/redirect loop; its steps share the socket
 * and the URL being followed.) */
int lr_http_get(const char *url0, unsigned timeout, long long *length, int quiet)
{
	char *url = xstrdup(url0);
	int hops;

	for (hops = 0; ; hops++) {
		struct lr_url u;
		struct lr_http h;
		char *req, *head, *next;
		char port[8];
		int s, rc = lr_parse_url(url, &u);

		if (rc != 0) {
			bb_error_msg(rc == -2 ? "%s: https is not supported: plain http with "
					"verify=sha256:HEX on the command line is the integrity check"
					: "%s: not an http://HOST[:PORT]/PATH address", url);
			break;
		}
		s = lr_tcp_connect(u.host, u.port, timeout);
		if (s < 0)
			break;
		sprintf(port, ":%u", u.port);
		req = xasprintf("GET %s HTTP/1.0\r\nHost: %s%s\r\nUser-Agent: liveroot\r\n"
				"Accept-Encoding: identity\r\nConnection: close\r\n\r\n",
				u.path[0] ? u.path : "/", u.host, u.port != 80 ? port : "");
		rc = full_write(s, req, strlen(req)) == (ssize_t)strlen(req) ? 0 : -1;
		free(req);
		if (rc != 0) {
			bb_perror_msg("%s: sending the request", url);
			close(s);
			break;
		}
		head = http_head(s, url, timeout);
		if (!head) {
			close(s);
			break;
		}
		if (lr_http_head(head, &h) != 0) {
			bb_error_msg("%s: not a valid HTTP reply", url);
			goto bad;
		}
		if (h.status == 200) {
			if (h.coded) {
				bb_error_msg("%s: the server sent it compressed or chunked (liveroot "
						"asks for neither)", url);
				goto bad;
			}
			*length = h.length;
			free(head);
			free(url);
			return s;
		}
		if (h.status == 404 || h.status == 410) {
			if (!quiet)
				bb_error_msg("%s: not on the server (HTTP %d)", url, h.status);
			free(head);
			free(url);
			close(s);
			return -2;
		}
		if ((h.status == 301 || h.status == 302 || h.status == 303 || h.status == 307
				|| h.status == 308) && h.location) {
			if (hops == 5) {
				bb_error_msg("%s: more than 5 redirects: a loop?", url0);
				goto bad;
			}
			if (is_prefixed_with(h.location, "//"))
				next = xasprintf("http:%s", h.location);  /* scheme-relative */
			else if (h.location[0] == '/')
				next = xasprintf("http://%s:%u%s", u.host, u.port, h.location);
			else if (strstr(h.location, "://") || !h.location[0])
				next = xstrdup(h.location);  /* (an empty one is refused next) */
			else {
				/* relative to the current path's directory */
				const char *sl = strrchr(u.path, '/');
				next = xasprintf("http://%s:%u%.*s/%s", u.host, u.port,
						sl ? (int)(sl - u.path) : 0, u.path, h.location);
			}
			lr_log("%s: redirected (HTTP %d) to %s", url, h.status, next);
			free(head);
			free(url);
			close(s);
			url = next;
			continue;
		}
		bb_error_msg("%s: HTTP %d", url, h.status);
 bad:
		free(head);
		close(s);
		break;
	}
	free(url);
	return -1;
}
