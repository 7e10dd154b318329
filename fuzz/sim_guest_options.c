/*
 * libFuzzer target: the simulated guest kernel's command line
 * (src/sim/guest_options.c), which comes from the toolstack's domain
 * configuration. Input: the command line's bytes (cut at the first NUL,
 * as the kernel sees a C string). Nothing may crash; the options parsed
 * must be within their documented ranges.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest_options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *cmdline = malloc(size + 1);
	struct guest_options o;

	if (!cmdline)
		return 0;
	memcpy(cmdline, data, size);
	cmdline[size] = '\0';
	guest_options_parse(cmdline, &o);
	if (o.crash_after_s > 86400)
		abort();
	free(cmdline);
	return 0;
}
