/* fuzz target: the kernel command line and its values (options.c) */
#include "libbb.h"
#include "liveroot.h"
#include "shim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lr_opts o;
	char *argv[1] = { NULL };
	char *cmdline = malloc(size + 1);

	memcpy(cmdline, data, size);
	cmdline[size] = '\0';
	memset(&o, 0, sizeof(o));
	if (lr_parse_cmdline(&o, argv, cmdline, 0) == 0) {
		/* what was accepted must be what the later stages rely on */
		unsigned i;
		if ((!o.media && !o.fetch && !o.nbd) || (o.fetch && o.nbd) || o.nfetch > LR_MAX_IMAGES
		 || o.ip.mode > LR_IP_STATIC || !o.init || o.init[0] != '/' || o.nimages == 0
		 || o.nimages > LR_MAX_IMAGES || o.timeout > LR_MAX_TIMEOUT)
			abort();
		for (i = 0; i < o.nimages; i++)
			if (o.images[i][0] != '/' || strstr(o.images[i], "/../"))
				abort();
		for (i = 0; i < o.nfetch; i++)
			if (!is_prefixed_with(o.fetches[i], "http://") || strpbrk(o.fetches[i], " \t\r\n"))
				abort();
		if (o.rw_dir && strpbrk(o.rw_dir, ",:\\ \t"))
			abort();
		if (o.rw_size && strpbrk(o.rw_size, ",="))
			abort();
	}
	free(cmdline);
	shim_reset();
	return 0;
}
