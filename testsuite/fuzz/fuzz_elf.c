/* fuzz target: the ELF header and program header reader (parse.c) */
#include "libbb.h"
#include "liveroot.h"
#include <elf.h>

struct file { const uint8_t *d; size_t n; };

static ssize_t rd(void *ctx, void *buf, size_t n, unsigned long long off)
{
	struct file *f = ctx;

	if (off >= f->n)
		return 0;
	if (n > f->n - off)
		n = f->n - off;
	memcpy(buf, f->d + off, n);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct file f = { data, size };
	char *ibuf = malloc(PATH_MAX + 1);
	const char *interp, *why;

	if (lr_elf_inspect(rd, &f, EM_X86_64, EM_386, ibuf, &interp, &why) == 0) {
		if (interp && (interp != ibuf || strlen(interp) > PATH_MAX || !interp[0]))
			abort();
	} else if (!why) {
		abort();
	}
	free(ibuf);
	return 0;
}
