/* fuzz target: where dm-verity's hash tree is and its superblock (parse.c):
 * the input is an image's first 2 KiB followed by the 512 bytes at the
 * hash offset.  Accepted values must make a table the kernel can take. */
#include "libbb.h"
#include "liveroot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t head[2048], sb[512];
	struct lr_verity v;
	unsigned long long off;

	if (size < sizeof(head) + sizeof(sb))
		return 0;
	memcpy(head, data, sizeof(head));
	memcpy(sb, data + sizeof(head), sizeof(sb));
	off = lr_verity_offset(head);
	if (off % 4096 != 0)
		abort();
	if (off == 0)
		off = 1ULL << 20;
	if (lr_verity_super(sb, off, &v) == NULL) {
		if (v.data_bs < 512 || v.data_bs > 4096 || (v.data_bs & (v.data_bs - 1))
		 || v.hash_bs != 4096 || v.data_blocks * v.data_bs != off
		 || strlen(v.salt) == 0 || strlen(v.salt) > 512
		 || (strcmp(v.salt, "-") != 0 && strspn(v.salt, "0123456789abcdef") != strlen(v.salt)))
			abort();
	}
	return 0;
}
