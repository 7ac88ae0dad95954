/* fuzz target: the ISO block map check (parse.c): one piece, or not */
#include "libbb.h"
#include "liveroot.h"

struct map { const uint8_t *d; size_t n; };

static int map(void *ctx, unsigned long long i, unsigned long long *phys)
{
	struct map *m = ctx;

	if ((i + 1) * 4 > m->n)
		abort(); /* asked for a block past the end */
	memcpy(phys, m->d + i * 4, 4);
	*phys &= 0xffffffffULL;
	return *phys == 0xffffffffULL ? -1 : 0; /* an error from FIBMAP */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct map m = { data, size };
	unsigned long long first, nblk = size / 4, i, p;

	if (lr_contiguous(nblk, map, &m, &first) == 0) {
		/* accepted: then every block really is where the loop will read */
		for (i = 0; i < nblk; i++) {
			if (map(&m, i, &p) != 0 || p != first + i)
				abort();
		}
		if (first == 0)
			abort();
	}
	return 0;
}
