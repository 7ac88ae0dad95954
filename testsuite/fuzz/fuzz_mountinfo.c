/* fuzz target: /proc/self/mountinfo lines and overlay options (parse.c) */
#include "libbb.h"
#include "liveroot.h"

static const char *lo, *hi;

static int dir_cb(void *ctx, const char *key, const char *dir)
{
	(void)ctx;
	/* every name handed out lies in the line and is terminated there */
	if (dir < lo || dir >= hi || key < lo || key >= hi || !dir[0])
		abort();
	if (strlen(dir) >= (size_t)(hi - dir))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *line, *next;
	struct lr_mnt m;

	memcpy(buf, data, size);
	buf[size] = '\0';
	lo = buf;
	hi = buf + size + 1;
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (lr_mountinfo_line(line, &m) != 0)
			continue;
		if (!m.mp || !m.fstype || !m.source || !m.opts || !m.root)
			abort();
		lr_overlay_dirs(m.opts, dir_cb, NULL);
	}
	free(buf);
	return 0;
}
