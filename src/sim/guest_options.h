/* The simulated kernel's command line: the xvmsim.* options that make a
 * guest misbehave on purpose, for tests (docs/xvm-simhv-guest.7 lists
 * them). Unknown words are ignored, as a kernel ignores parameters it
 * does not know; a known option with a bad value is ignored too and
 * reported on the console by the caller (bad_options). */
#ifndef SIM_GUEST_OPTIONS_H
#define SIM_GUEST_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

struct guest_options {
	uint32_t crash_after_s;      /* xvmsim.crash=SECONDS: 0 = never */
	bool ignore_shutdown;        /* xvmsim.ignore_shutdown */
	bool hang_boot;              /* xvmsim.hang_boot: never connects xenbus */
	bool refuse_vbd;             /* xvmsim.refuse=vbd[,vif] */
	bool refuse_vif;             /* xvmsim.refuse=vif[,vbd] */
	bool busy;                   /* xvmsim.busy: vCPUs always running */
	bool ring_garbage;           /* xvmsim.ring_garbage */
	bool console_garbage;        /* xvmsim.console_garbage */
	bool counter;                /* xvmsim.counter: a console line a second */
	unsigned int bad_options;    /* xvmsim.* words with an unusable value */
};

/* Parses a command line (any bytes, NUL-terminated); never fails. */
void guest_options_parse(const char *cmdline, struct guest_options *opts);

#endif
