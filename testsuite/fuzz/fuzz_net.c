/* fuzz target: the network's parameters and replies (parse.c): ip= in the
 * kernel's syntax, http:// URLs, nbd= specs, MAC addresses and the heads of
 * HTTP replies (a server's bytes) */
#include "libbb.h"
#include "liveroot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *copy;
	struct lr_ip ip;
	struct lr_url u;
	struct lr_http h;
	char host[256];
	unsigned port;
	const char *e;
	uint8_t mac[6];
	uint32_t a;

	memcpy(buf, data, size);
	buf[size] = '\0';
	if (lr_ip_param(buf, &ip) == 0) {
		if (ip.mode > LR_IP_STATIC || strnlen(ip.dev, sizeof(ip.dev)) >= sizeof(ip.dev))
			abort();
		if (ip.mode == LR_IP_STATIC && (ip.addr == 0 || ip.mask == 0))
			abort();
	}
	if (lr_parse_url(buf, &u) == 0) {
		/* what goes into the request line: no blank, no control byte */
		for (e = u.path; *e; e++)
			if ((unsigned char)*e <= ' ' || *e == 0x7f)
				abort();
		if (u.port == 0 || u.port > 65535 || !u.host[0] || strlen(u.host) >= sizeof(u.host))
			abort();
	}
	if (lr_nbd_spec(buf, host, sizeof(host), &port, &e) == 0) {
		if (port == 0 || port > 65535 || strlen(e) > 255 || e < buf || e > buf + size)
			abort();
	}
	lr_mac(buf, mac);
	lr_ipv4(buf, size, &a);
	lr_valid_ifname(buf, size);
	copy = strdup(buf);
	if (lr_http_head(copy, &h) == 0) {
		if (h.location && (h.location < copy || h.location > copy + size))
			abort();
		if (h.length < -1)
			abort();
	}
	free(copy);
	free(buf);
	return 0;
}
