/* vi: set sw=4 ts=4: */
/*
 * liveroot: hashing and copying -- an image copied to RAM or downloaded is
 * hashed in the same pass, with a progress line; and what an image is, by
 * its magic.  A system helper: calls only sys.c and memlog.c.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += copy.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/sendfile.h>
#include <sys/syscall.h>

/* --- hashing and copying (copy to RAM, downloads) ---------------------------- */

/* uClibc-ng 1.0.35 has no wrapper */
static ssize_t copy_range(int in, int out, size_t len)
{
#ifdef __NR_copy_file_range
	return syscall(__NR_copy_file_range, in, NULL, out, NULL, len, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* sha256 or sha512, as verify= says (archiso ships airootfs.sha512) */
void lr_hash_begin(struct lr_hash *h, unsigned bits)
{
	h->bits = bits;
	if (bits == 512)
		sha512_begin(&h->c.s512);
	else
		sha256_begin(&h->c.s256);
}

void lr_hash_add(struct lr_hash *h, const void *p, size_t n)
{
	if (h->bits == 512)
		sha512_hash(&h->c.s512, p, n);
	else
		sha256_hash(&h->c.s256, p, n);
}

void lr_hash_end(struct lr_hash *h, uint8_t *out)
{
	if (h->bits == 512)
		sha512_end(&h->c.s512, out);
	else
		sha256_end(&h->c.s256, out);
}

int lr_check_hash(const char *path, const char *want, const uint8_t *h, unsigned bits,
		const char *how)
{
	char have[129];
	unsigned i;

	for (i = 0; i < bits / 8; i++)
		sprintf(have + 2 * i, "%02x", h[i]);
	if (strcmp(have, want) == 0) {
		lr_log("verified %s: sha%u %s (%s)", path, bits, have, how);
		return 0;
	}
	bb_error_msg("checksum mismatch for %s: the image is damaged or not the one "
			"expected; nothing was mounted from it\n"
			"  expected sha%u: %s\n  actual sha%u:   %s", path, bits, want, bits, have);
	return -1;
}

struct progress {
	const char *verb, *name;
	long long total;
	unsigned long long done, start, shown;
	int tty, last_step;
};

static void progress(struct progress *p, int final)
{
	unsigned long long ms = monotonic_ms() - p->start;
	unsigned long long rate = ms ? p->done * 1000 / ms : 0; /* bytes/s */

	/* a console line costs time (115200 baud: 11 KB/s): once a second */
	if (p->tty && !final) {
		if (ms < p->shown + 1000)
			return;
		p->shown = ms;
	}
	if (p->total < 0) {
		/* a stream of unknown length: MiB so far, every 16 MiB */
		unsigned step = p->done >> 24;
		if (p->tty || final || (int)step > p->last_step) {
			p->last_step = step;
			fprintf(stderr, "%sliveroot: %s %s %llu MiB %llu.%llu MB/s%s", p->tty ? "\r" : "",
					p->verb, p->name, p->done >> 20, rate / 1000000, (rate / 100000) % 10,
					p->tty && !final ? " " : "\n");
		}
		return;
	}
	{
		unsigned pct = p->total ? p->done * 100 / p->total : 100;
		unsigned long long eta = rate && (long long)p->done < p->total
			? (p->total - p->done) / rate : 0;

		if (p->tty) {
			fprintf(stderr, "\rliveroot: %s %s %3u%% %4llu.%llu MB/s ETA %llu s ",
					p->verb, p->name, pct, rate / 1000000, (rate / 100000) % 10, eta);
			if (final)
				fputc('\n', stderr);
		} else if ((final && p->last_step < 10) || (int)(pct / 10) > p->last_step) {
			p->last_step = pct / 10;
			fprintf(stderr, "liveroot: %s %s %3u%% %llu.%llu MB/s ETA %llu s\n",
					p->verb, p->name, pct, rate / 1000000, (rate / 100000) % 10, eta);
		}
	}
}

/* Read in once -- a file, or with stream a socket -- hashing it (if hash:
 * sha256 or sha512, bits) and writing it to DST, with a progress line.
 * total: the bytes there are (-1: unknown, a stream read to its end);
 * anything else than total is an error: never half an image.  (Long:
 * the one loop every byte of a download or copy goes through.) */
int lr_copy_pass(int in, const char *src, long long total, int stream, const char *dst,
		uint8_t *hash, unsigned bits)
{
	enum { BUFSZ = 256 * 1024 };
	struct lr_hash ctx;
	struct progress p;
	char *buf;
	int out = -1, rc = -1;

	memset(&p, 0, sizeof(p));
	p.verb = stream ? "fetching" : "copying";
	p.name = bb_basename(src);
	p.total = total;
	p.start = monotonic_ms();
	p.tty = isatty(STDERR_FILENO);
	p.last_step = -1;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
	if (out < 0) {
		bb_perror_msg("%s", dst);
		return -1;
	}
	/* a file, no hash wanted: let the kernel copy (no trip through userspace) */
	if (!hash && !stream && total >= 0) {
		off_t left = total;
		while (left > 0) {
			ssize_t n = copy_range(in, out, left < (8 << 20) ? left : (8 << 20));
			if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL))
				n = sendfile(out, in, NULL, left < (8 << 20) ? left : (8 << 20));
			if (n == 0) {
				bb_error_msg("copying %s: it ended %llu bytes early (changed while "
						"being read?)", src, (unsigned long long)left);
				goto done;
			}
			if (n < 0) {
				bb_perror_msg("copying %s to %s", src, dst);
				goto done;
			}
			left -= n;
			p.done += n;
			progress(&p, 0);
		}
		progress(&p, 1);
		rc = 0;
		goto done;
	}
	if (hash)
		lr_hash_begin(&ctx, bits);
	buf = xmalloc(BUFSZ);
	for (;;) {
		ssize_t n = safe_read(in, buf, BUFSZ);
		if (n < 0) {
			if (stream && (errno == EAGAIN || errno == EWOULDBLOCK))
				bb_error_msg("%s: the server stopped sending (timed out) after %llu bytes",
						src, p.done);
			else if (stream)
				bb_perror_msg("%s: the transfer broke after %llu bytes", src, p.done);
			else
				bb_perror_msg("read error on %s: damaged media?", src);
			break;
		}
		if (n == 0) {
			if (total >= 0 && p.done != (unsigned long long)total) {
				bb_error_msg("%s: %s after %llu of %lld bytes", src, stream
						? "the server closed the connection" : "the file ended",
						p.done, total);
				break;
			}
			rc = 0;
			break;
		}
		if (total >= 0 && p.done + n > (unsigned long long)total) {
			bb_error_msg("%s: more than the %lld bytes announced", src, total);
			break;
		}
		if (hash)
			lr_hash_add(&ctx, buf, n);
		if (full_write(out, buf, n) != n) {
			bb_perror_msg("writing %s%s", dst, errno == ENOSPC
					? ": no room left in RAM for it" : "");
			break;
		}
		p.done += n;
		progress(&p, 0);
	}
	free(buf);
	if (hash)
		lr_hash_end(&ctx, hash);
	if (rc == 0)
		progress(&p, 1);
 done:
	if (close(out) != 0 && rc == 0) {
		bb_perror_msg("writing %s", dst);
		rc = -1;
	}
	return rc;
}

/* "squashfs", "erofs" or NULL */
const char *lr_image_type(int fd)
{
	uint8_t b[1028];

	if (pread(fd, b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return NULL;
	if (memcmp(b, "hsqs", 4) == 0)
		return "squashfs";
	/* erofs: little-endian 0xE0F5E1E2 at 1024 */
	if (b[1024] == 0xe2 && b[1025] == 0xe1 && b[1026] == 0xf5 && b[1027] == 0xe0)
		return "erofs";
	return NULL;
}
