/*
 * gen_cpio: write a cpio "newc" archive from a file list, deterministically
 * and without root: owners, modes, device numbers and mtimes come from the
 * list and from SOURCE_DATE_EPOCH, never from the build host.
 *
 * List format (the kernel's gen_init_cpio syntax, one entry per line):
 *   dir   NAME MODE UID GID
 *   file  NAME SOURCE MODE UID GID
 *   slink NAME TARGET MODE UID GID
 *   nod   NAME MODE UID GID c|b MAJOR MINOR
 * '#' starts a comment.  Entries are written in list order; inode numbers
 * are assigned in that order.  Output: stdout.
 *
 * Usage: gen_cpio LIST > archive.cpio
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long mtime, ino = 300, offset;

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "gen_cpio: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
	exit(1);
}

static void pad(void)
{
	while (offset & 3) {
		putchar(0);
		offset++;
	}
}

static void header(const char *name, unsigned mode, unsigned uid, unsigned gid,
		unsigned long size, unsigned maj, unsigned min)
{
	size_t nlen = strlen(name) + 1;

	while (name[0] == '/')	/* archive names are relative */
		name++, nlen--;
	offset += printf("070701%08lX%08X%08X%08X%08X%08lX%08lX%08X%08X%08X%08X%08lX%08X",
			ino++, mode, uid, gid, 1u, mtime, size, 0u, 0u, maj, min,
			(unsigned long)nlen, 0u);
	fwrite(name, 1, nlen, stdout);
	offset += nlen;
	pad();
}

static void body(const char *data, unsigned long size)
{
	fwrite(data, 1, size, stdout);
	offset += size;
	pad();
}

int main(int argc, char **argv)
{
	char line[8192], name[4096], src[4096], kind[16];
	unsigned mode, uid, gid, maj, min;
	const char *e = getenv("SOURCE_DATE_EPOCH");
	FILE *list;
	int n;

	if (argc != 2)
		die("usage: gen_cpio LIST > archive.cpio", NULL);
	mtime = e ? strtoul(e, NULL, 10) : 0;
	list = fopen(argv[1], "r");
	if (!list)
		die(strerror(errno), argv[1]);
	while (fgets(line, sizeof(line), list)) {
		char *h = strchr(line, '#');
		char ch;

		if (h)
			*h = '\0';
		if (sscanf(line, "%15s", kind) != 1)
			continue;
		if (strcmp(kind, "dir") == 0) {
			if (sscanf(line, "%*s %4095s %o %u %u", name, &mode, &uid, &gid) != 4)
				die("bad dir line", line);
			header(name, S_IFDIR | mode, uid, gid, 0, 0, 0);
		} else if (strcmp(kind, "nod") == 0) {
			n = sscanf(line, "%*s %4095s %o %u %u %c %u %u", name, &mode, &uid, &gid,
					&ch, &maj, &min);
			if (n != 7 || (ch != 'c' && ch != 'b'))
				die("bad nod line", line);
			header(name, (ch == 'c' ? S_IFCHR : S_IFBLK) | mode, uid, gid, 0, maj, min);
		} else if (strcmp(kind, "slink") == 0) {
			if (sscanf(line, "%*s %4095s %4095s %o %u %u", name, src, &mode, &uid, &gid) != 5)
				die("bad slink line", line);
			header(name, S_IFLNK | mode, uid, gid, strlen(src), 0, 0);
			body(src, strlen(src));
		} else if (strcmp(kind, "file") == 0) {
			FILE *f;
			char *buf;
			long size;

			if (sscanf(line, "%*s %4095s %4095s %o %u %u", name, src, &mode, &uid, &gid) != 5)
				die("bad file line", line);
			f = fopen(src, "rb");
			if (!f || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0)
				die(strerror(errno), src);
			rewind(f);
			buf = malloc(size ? size : 1);
			if (!buf || fread(buf, 1, size, f) != (size_t)size)
				die("can't read", src);
			fclose(f);
			header(name, S_IFREG | mode, uid, gid, size, 0, 0);
			body(buf, size);
			free(buf);
		} else {
			die("unknown entry", kind);
		}
	}
	fclose(list);
	ino = 0;
	header("TRAILER!!!", 0, 0, 0, 0, 0, 0);
	/* whole archive: a multiple of 512 bytes, like cpio(1) */
	while (offset & 511) {
		putchar(0);
		offset++;
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		die("write error", NULL);
	return 0;
}
