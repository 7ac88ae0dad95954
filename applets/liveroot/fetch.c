/* vi: set sw=4 ts=4: */
/*
 * liveroot: fetch=, the root images over HTTP into RAM.  Each is streamed
 * into a tmpfs under /run/liveroot/ram and hashed in the same pass, after
 * its size (Content-Length) was checked against MemAvailable with toram's
 * rule; a transfer that breaks, a wrong hash, anything but the announced
 * bytes: the copy is deleted, nothing is mounted.  Plain HTTP: the
 * integrity check is verify=sha256:HEX on the command line (a hash file
 * from the same server only catches damage, not tampering).
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_FEATURE_LIVEROOT_NET) += fetch.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/mount.h>

/* GET a small file (a hash file) into buf; its length, -2 not there, -1 */
static ssize_t fetch_small(const char *url, unsigned timeout, char *buf, size_t size)
{
	long long len;
	ssize_t n;
	int s = lr_http_get(url, timeout, &len, 1);

	if (s < 0)
		return s;
	if (len > (long long)size) {
		bb_error_msg("%s: %lld bytes: not a hash file", url, len);
		close(s);
		return -1;
	}
	n = full_read(s, buf, size);
	if (n < 0)
		bb_perror_msg("%s", url);
	close(s);
	return n;
}

/* The hash url's image must have: verify=shaN:HEX, else URL.shaN or (the
 * archiso way) URL without its extension .shaN from the server.
 * Returns 0 (want set), 1 (no hash file: a 404, or without verify= any
 * answer that is not one; allowed only without verify=), -1. */
static int expected_hash(const struct lr_opts *o, const char *url, unsigned bits, char *want)
{
	const char *base = bb_basename(url), *dot = strrchr(base, '.');
	char buf[4096];
	char *h1, *h2 = NULL;
	ssize_t n;
	int rc;

	if (o->verify_hex)
		return lr_hash_line(o->verify_hex, strlen(o->verify_hex), bits, NULL, want);
	h1 = xasprintf("%s.sha%u", url, bits);
	n = fetch_small(h1, o->timeout, buf, sizeof(buf));
	if (n == -2 && dot && dot > base) {
		h2 = xasprintf("%.*s.sha%u", (int)(dot - url), url, bits);
		n = fetch_small(h2, o->timeout, buf, sizeof(buf));
	}
	if (n == -1 && !o->verify) {
		/* (a 403 for a missing object, say): without verify= not fatal */
		lr_log("warning: the hash file for %s could not be read (see above)", url);
		n = -2;
	}
	if (n == -2) {
		if (o->verify)
			bb_error_msg("verify=sha%u: neither %s nor %s is on the server: nothing to "
					"check %s against, not booting it", bits, h1, h2 ? h2 : "", url);
		free(h1);
		free(h2);
		return o->verify ? -1 : 1;
	}
	rc = n < 0 ? -1 : lr_hash_line(buf, n, bits, base, want);
	if (rc == -1 && n >= 0 && !o->verify) {
		/* an answer that is no hash file -- a "soft 404" (a web page for
		 * a missing file, with 200), an empty or damaged file: without
		 * verify= the same as no hash file, said; with it, refused below */
		lr_log("warning: %s is not a sha%u hash file (a web page for a missing file?): "
				"not checking %s against it", h2 ? h2 : h1, bits, url);
		free(h1);
		free(h2);
		return 1;
	}
	if (rc == -2)
		bb_error_msg("%s names another file, not %s: refusing it", h2 ? h2 : h1, base);
	else if (rc != 0 && n >= 0)
		bb_error_msg("%s does not start with a sha%u (%u hex digits)", h2 ? h2 : h1,
				bits, bits / 4);
	free(h1);
	free(h2);
	return rc ? -1 : 0;
}

/* the file's name in RAM: N-NAME, NAME the URL's last part, tamed */
static char *ram_name(unsigned i, const char *url)
{
	const char *b = bb_basename(url);
	char name[65];
	size_t n = 0;

	for (; *b && *b != '?' && n < sizeof(name) - 1; b++)
		name[n++] = (isalnum((unsigned char)*b) || strchr("._-", *b)) ? *b : '_';
	name[n] = '\0';
	return xasprintf(LR_RAM "/%u-%s", i, n && name[0] != '.' ? name : "image");
}

/* an ISO 9660 image (dracut's and live-boot's fetch of a whole ISO) */
static int is_iso(const char *path)
{
	char b[5];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r = fd >= 0 && pread(fd, b, 5, 0x8001) == 5 && memcmp(b, "CD001", 5) == 0;

	if (fd >= 0)
		close(fd);
	return r;
}

/* One fetch= entry (A|B: the first the server has) into dst */
static int fetch_one(const struct lr_opts *o, unsigned i, char **dst)
{
	unsigned bits = o->verify ? o->verify : 256;
	char *alts = xstrdup(o->fetches[i]), *p = alts, *a, *url = NULL;
	unsigned long long mem[4];
	long long len = -1;
	char want[129];
	uint8_t h[64];
	int s = -2, rc = -1, hashed;

	*dst = NULL;
	while (s == -2 && (a = strsep(&p, "|")) != NULL) {
		free(url);
		url = lr_expand_pxeserver(a);
		if (!url)
			goto out;
		s = lr_http_get(url, o->timeout, &len, p != NULL);
	}
	if (s == -2 && strchr(o->fetches[i], '|'))
		bb_error_msg("fetch=: none of %s is on the server", o->fetches[i]);
	if (s < 0)
		goto out;
	lr_meminfo(mem);
	if (len >= 0 && mem[0] * 1024 < (unsigned long long)len + lr_ram_margin()) {
		bb_error_msg("%s: %llu MiB do not fit in RAM (MemAvailable %llu MiB, %llu MiB must "
				"stay free): boot it over NBD instead (liveroot.nbd=), or give the machine "
				"more memory", url, (unsigned long long)len / MiB, mem[0] / 1024,
				lr_ram_margin() / MiB);
		goto out;
	}
	if (o->verify_hex) {
		hashed = expected_hash(o, url, bits, want);
	} else {
		/* the hash file first, the image again after it: a server that
		 * serves one request at a time must not be kept waiting */
		long long len2 = -1;

		close(s);
		s = -1;
		hashed = expected_hash(o, url, bits, want);
		if (hashed < 0)
			goto out;
		s = lr_http_get(url, o->timeout, &len2, 0);
		if (s < 0)
			goto out;
		if (len2 != len) {
			bb_error_msg("%s: its size changed between two requests (%lld, %lld bytes)",
					url, len, len2);
			goto out;
		}
	}
	if (hashed < 0)
		goto out;
	if (hashed > 0 && len < 0) {
		bb_error_msg("%s: no Content-Length and no hash: a transfer cut short could not be "
				"told from the whole image; give verify=sha256:HEX", url);
		goto out;
	}
	if (hashed > 0)
		lr_log("warning: %s is not verified: no verify=, no %s.sha%u on the server (plain "
				"http: give verify=sha256:HEX)", url, bb_basename(url), bits);
	*dst = ram_name(i, url);
	lr_log("fetching %s (%s) to %s", url, len >= 0 ? "its size announced" : "size unknown", *dst);
	rc = lr_copy_pass(s, url, len, 1, *dst, hashed == 0 ? h : NULL, bits);
	if (rc == 0 && hashed == 0)
		rc = lr_check_hash(url, want, h, bits, "while fetching it");
	if (rc != 0) {
		unlink(*dst);
		free(*dst);
		*dst = NULL;
	}
 out:
	if (s >= 0)
		close(s);
	free(url);
	free(alts);
	return rc;
}

/* Every fetch= image into a tmpfs on LR_RAM, fetched[] their paths (o->nfetch
 * of them).  Returns 0, 1 (one ISO image: it is the media) or -1 (and
 * nothing left of them) */
int lr_fetch_images(const struct lr_opts *o, char **fetched)
{
	unsigned long long mem[4], room, bytes = 0, t0 = monotonic_ms(), ms;
	struct stat st;
	unsigned i;
	int iso = 0;

	lr_meminfo(mem);
	room = mem[0] * 1024 > lr_ram_margin() + MiB ? mem[0] * 1024 - lr_ram_margin() : MiB;
	if (lr_mount_ram(room, o->nfetch) != 0)
		return -1;
	for (i = 0; i < o->nfetch; i++) {
		if (fetch_one(o, i, &fetched[i]) != 0)
			goto fail;
		if (stat(fetched[i], &st) == 0)
			bytes += st.st_size;
	}
	if (o->nfetch == 1 && is_iso(fetched[0])) {
		iso = 1;
		lr_log("%s is an ISO image: it is the media", fetched[0]);
	}
	ms = monotonic_ms() - t0;
	lr_log("fetched %u image(s) to " LR_RAM ": %llu bytes in %llu ms (%llu KB/s, hashed in "
			"the same pass)", o->nfetch, bytes, ms, ms ? bytes / ms : 0);
	return iso;
 fail:
	while (i-- > 0) {
		unlink(fetched[i]);
		free(fetched[i]);
		fetched[i] = NULL;
	}
	umount2(LR_RAM, MNT_DETACH);
	rmdir(LR_RAM);
	return -1;
}
