/* fuzz target: IMAGE.sha256 files (parse.c) */
#include "libbb.h"
#include "liveroot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char want[65];
	size_t i;

	if (lr_sha256_line((const char *)data, size, want) == 0) {
		if (strlen(want) != 64)
			abort();
		for (i = 0; i < 64; i++)
			if (!strchr("0123456789abcdef", want[i]))
				abort();
	}
	return 0;
}
