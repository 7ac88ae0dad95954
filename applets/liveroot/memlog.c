/* vi: set sw=4 ts=4: */
/*
 * liveroot: the log and the memory log, the very bottom (calls nothing of
 * the applet's own).  One line per stage: seconds since boot,
 * MemAvailable, MemFree, Shmem, Cached and the change since the previous
 * stage, on the console (unless quiet) and in /run/liveroot/log.  Small
 * files (/proc, /sys) are read here too.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += memlog.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/sysinfo.h>

/* --- small files ----------------------------------------------------------- */

/* Read up to size-1 bytes of PATH into buf, terminated after what was
 * read.  Returns the length, or -1 (buf is then ""). */
ssize_t lr_read_small(const char *path, char *buf, size_t size)
{
	ssize_t n = open_read_close(path, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* Write S into PATH (a /proc or /sys file) in one write: 0, or -1 with errno */
int lr_write_small(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), e;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static const char mem_keys[] ALIGN1 =
	"MemAvailable:\0" "MemFree:\0" "Shmem:\0" "Cached:\0";

/* v[]: MemAvailable, MemFree, Shmem, Cached in KiB (0 when unknown) out
 * of BUF, /proc/meminfo's text (NULL: none) */
void lr_meminfo_parse(const char *buf, unsigned long long v[4])
{
	int i;

	memset(v, 0, 4 * sizeof(v[0]));
	for (i = 0; buf && i < 4; i++) {
		const char *k = nth_string(mem_keys, i);
		char *p = strstr(buf, k);
		if (p)
			v[i] = strtoull(p + strlen(k), NULL, 10);
	}
}

/* lr_meminfo_parse's v[] for the system now */
void lr_meminfo(unsigned long long v[4])
{
	char buf[2048];

	lr_meminfo_parse(lr_read_small("/proc/meminfo", buf, sizeof(buf)) > 0 ? buf : NULL, v);
}

static void log_write(const char *line)
{
	if (G.log_fd >= 0)
		full_write(G.log_fd, line, strlen(line));
}

/* Open (append) /run/liveroot/log once /run is mounted. */
void lr_open_log(void)
{
	if (G.log_fd < 0)
		G.log_fd = open(LR_LOG, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

void lr_log(const char *fmt, ...)
{
	va_list ap;
	char *s, *line;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		bb_die_memory_exhausted();
	va_end(ap);
	/* one write each: the copier (background.c) logs while PID 1 does */
	line = xasprintf("liveroot: %s\n", s);
	full_write(STDERR_FILENO, line, strlen(line));
	log_write(line + sizeof("liveroot: ") - 1);
	free(line);
	free(s);
}

void lr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!(G.o.flags & LR_DEBUG))
		return;
	va_start(ap, fmt);
	{
		char up[32];
		if (lr_read_small("/proc/uptime", up, sizeof(up)) <= 0)
			strcpy(up, "?");
		*strchrnul(up, ' ') = '\0';
		fprintf(stderr, "liveroot: debug: [%s] ", up);
	}
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void lr_memlog(const char *stage)
{
	unsigned long long v[4];
	long long d[4];
	char up[32];
	char *line;
	int i;

	if (lr_read_small("/proc/uptime", up, sizeof(up)) <= 0)
		strcpy(up, "0");
	*strchrnul(up, ' ') = '\0';

	lr_meminfo(v);
	for (i = 0; i < 4; i++)
		d[i] = G.have_prev ? (long long)(v[i] - G.mem_prev[i]) : 0;
	line = xasprintf("mem %-10s t=%ss avail=%llu(%+lld) free=%llu(%+lld)"
			" shmem=%llu(%+lld) cached=%llu(%+lld) KiB\n",
			stage, up, v[0], d[0], v[1], d[1], v[2], d[2], v[3], d[3]);
	if (!(G.o.flags & LR_QUIET))
		fprintf(stderr, "liveroot: %s", line);
	log_write(line);
	free(line);
	memcpy(G.mem_prev, v, sizeof(v));
	G.have_prev = 1;
}

/* what copying an image into RAM must leave available: an eighth of the
 * RAM, at least 8 MiB (a 48 MB PC keeps a third of what it has after the
 * kernel), at most 32 MiB */
unsigned long long lr_ram_margin(void)
{
	struct sysinfo si;
	unsigned long long m = TORAM_MARGIN_MAX;

	if (sysinfo(&si) == 0)
		m = (unsigned long long)si.totalram * si.mem_unit / 8;
	return MAX(TORAM_MARGIN_MIN, MIN(m, TORAM_MARGIN_MAX));
}
