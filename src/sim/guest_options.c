/* The xvmsim.* kernel options (guest_options.h). The command line comes
 * from the toolstack's domain configuration: any bytes. Words are
 * separated by blanks; each xvmsim.NAME[=VALUE] word sets one option. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guest_options.h"

#define PREFIX "xvmsim."

/* SECONDS: a decimal number 1..86400 (a day: the longest a test waits). */
static bool parse_seconds(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;

	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v == 0 || v > 86400)
		return false;
	*out = v;
	return true;
}

/* "vbd", "vif" or both, comma-separated. */
static bool parse_refuse(const char *s, size_t len, struct guest_options *o)
{
	bool vbd = false, vif = false;

	while (len > 0) {
		const char *comma = memchr(s, ',', len);
		size_t n = comma ? (size_t)(comma - s) : len;

		if (n == 3 && memcmp(s, "vbd", 3) == 0)
			vbd = true;
		else if (n == 3 && memcmp(s, "vif", 3) == 0)
			vif = true;
		else
			return false;
		if (!comma)
			break;
		len -= n + 1;
		s = comma + 1;
		if (len == 0)
			return false;       /* trailing comma */
	}
	if (!vbd && !vif)
		return false;
	o->refuse_vbd |= vbd;
	o->refuse_vif |= vif;
	return true;
}

static bool is_name(const char *name, size_t nlen, const char *want)
{
	return nlen == strlen(want) && memcmp(name, want, nlen) == 0;
}

/* One xvmsim.* word without its prefix: NAME or NAME=VALUE. */
static void parse_word(const char *w, size_t len, struct guest_options *o)
{
	const char *eq = memchr(w, '=', len);
	size_t nlen = eq ? (size_t)(eq - w) : len;
	const char *val = eq ? eq + 1 : NULL;
	size_t vlen = eq ? len - nlen - 1 : 0;
	bool ok;

	if (is_name(w, nlen, "crash"))
		ok = val && parse_seconds(val, vlen, &o->crash_after_s);
	else if (is_name(w, nlen, "refuse"))
		ok = val && parse_refuse(val, vlen, o);
	else if (is_name(w, nlen, "ignore_shutdown"))
		ok = !val && (o->ignore_shutdown = true);
	else if (is_name(w, nlen, "hang_boot"))
		ok = !val && (o->hang_boot = true);
	else if (is_name(w, nlen, "busy"))
		ok = !val && (o->busy = true);
	else if (is_name(w, nlen, "ring_garbage"))
		ok = !val && (o->ring_garbage = true);
	else if (is_name(w, nlen, "console_garbage"))
		ok = !val && (o->console_garbage = true);
	else if (is_name(w, nlen, "counter"))
		ok = !val && (o->counter = true);
	else
		ok = false;                 /* an xvmsim option we do not know */
	if (!ok)
		o->bad_options++;
}

void guest_options_parse(const char *cmdline, struct guest_options *opts)
{
	const char *p = cmdline;

	memset(opts, 0, sizeof(*opts));
	while (*p) {
		size_t len;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		len = strcspn(p, " \t\n");
		if (len > strlen(PREFIX) && memcmp(p, PREFIX, strlen(PREFIX)) == 0)
			parse_word(p + strlen(PREFIX), len - strlen(PREFIX), opts);
		p += len;
	}
}
