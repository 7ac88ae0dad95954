/* fuzz target: IMAGE.sha256 / IMAGE.sha512 files (parse.c) */
#include "libbb.h"
#include "liveroot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned bits[2] = { 256, 512 };
	char want[129];
	size_t i, k;

	for (k = 0; k < 2; k++) {
		int rc = lr_hash_line((const char *)data, size, bits[k], k ? "airootfs.sfs" : NULL, want);
		if (rc == 0 || rc == -2) {
			/* a refused name still parsed the hash first */
			if (strlen(want) != bits[k] / 4)
				abort();
			for (i = 0; i < bits[k] / 4; i++)
				if (!strchr("0123456789abcdef", want[i]))
					abort();
		} else if (rc != -1)
			abort();
	}
	return 0;
}
