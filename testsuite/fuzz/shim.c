/*
 * The few libbb functions the fuzzed parsers call, for a host build with
 * clang's sanitizers (the real ones live in BusyBox's libbb, built for the
 * target libc).  Allocations go into an arena that each run frees: the
 * options parser keeps its strings for the life of the process, as it
 * should in PID 1, and the fuzzer must not see that as a leak.  The
 * parsers are built with -Dfree=shim_free, so what they free themselves
 * leaves the arena.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include "shim.h"
#undef free /* the real one, here */

static void **arena;
static size_t narena, carena;

static void *keep(void *p)
{
	if (!p)
		abort();
	if (narena == carena) {
		carena = carena ? 2 * carena : 64;
		arena = realloc(arena, carena * sizeof(*arena));
		if (!arena)
			abort();
	}
	arena[narena++] = p;
	return p;
}

/* the parsers' own free() (built with -Dfree=shim_free) */
void shim_free(void *p)
{
	size_t i;

	for (i = narena; i-- > 0;) {
		if (arena[i] == p) {
			arena[i] = arena[--narena];
			break;
		}
	}
	free(p);
}

void shim_reset(void)
{
	while (narena)
		free(arena[--narena]);
}

char *xstrdup(const char *s)
{
	return keep(strdup(s));
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return keep(s);
}

void *xmalloc(size_t n)
{
	return keep(malloc(n ? n : 1));
}

void *xzalloc(size_t n)
{
	return keep(calloc(1, n ? n : 1));
}

/* messages: formatted (so a bad format or argument is caught), not shown */
static void format(const char *fmt, va_list ap)
{
	char buf[4096];

	vsnprintf(buf, sizeof(buf), fmt, ap);
}

void bb_error_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format(fmt, ap);
	va_end(ap);
}

void bb_perror_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format(fmt, ap);
	va_end(ap);
}

void bb_simple_perror_msg(const char *s)
{
	(void)s;
}

char *is_prefixed_with(const char *string, const char *key)
{
	while (*key != '\0') {
		if (*key != *string)
			return NULL;
		key++;
		string++;
	}
	return (char *)string;
}

char *last_char_is(const char *s, int c)
{
	if (!s || !*s)
		return NULL;
	s += strlen(s) - 1;
	return *s == c ? (char *)s : NULL;
}

char *skip_whitespace(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return (char *)s;
}

int index_in_strings(const char *strings, const char *key)
{
	int idx = 0;

	while (*strings) {
		if (strcmp(strings, key) == 0)
			return idx;
		strings += strlen(strings) + 1;
		idx++;
	}
	return -1;
}

const char *nth_string(const char *strings, int n)
{
	while (n) {
		if (*strings++ == '\0') {
			if (*strings == '\0')
				break;
			n--;
		}
	}
	return strings;
}

void *xmalloc_open_read_close(const char *filename, size_t *maxsz_p)
{
	(void)filename;
	(void)maxsz_p;
	errno = ENOENT;
	return NULL;
}

/* memlog.c/media.c functions the parsers' files refer to */
void lr_log(const char *fmt, ...)
{
	(void)fmt;
}

/* libbb reaches errno through a pointer (see libbb.h) */
int *bb_errno;
__attribute__((constructor)) static void shim_init(void)
{
	bb_errno = &errno;
}

char *xstrndup(const char *s, int n)
{
	return keep(strndup(s, n));
}
