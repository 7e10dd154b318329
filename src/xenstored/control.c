/* CONTROL requests: see control.h. */
#include "control.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "config.h"
#include "connection.h"
#include "domain.h"
#include "log.h"
#include "perms.h"
#include "request.h"
#include "store.h"
#include "transaction.h"
#include "util.h"
#include "watch.h"

struct check_state {
	unsigned int problems;
	size_t nodes;
};

static void check_visit(node_id id, const char *path, size_t len, void *arg)
{
	struct check_state *st = arg;
	const struct node *n = store_node(id);
	uint32_t bytes = 0;
	const struct kids *kids = node_kids(n);

	st->nodes++;
	if (id != STORE_ROOT && store_lookup(path, len) != id) {
		xs_log(LOG_ERR, "check: %s not found by its path", path);
		st->problems++;
	}
	if (!node_perms(n) || !node_perms(n)->num) {
		xs_log(LOG_ERR, "check: %s has no permissions", path);
		st->problems++;
	}
	if (kids) {
		for (uint32_t i = 0; i < kids->n; i++) {
			const struct node *k = store_node(kids->id[i]);
			if (!k || k->parent != id) {
				xs_log(LOG_ERR, "check: bad child %u of %s", i, path);
				st->problems++;
				continue;
			}
			bytes += k->nlen + 1;
		}
		if (bytes != kids->bytes) {
			xs_log(LOG_ERR, "check: %s: children size %u, recorded %u",
			       path, bytes, kids->bytes);
			st->problems++;
		}
	}
}

unsigned int control_check_store(void)
{
	struct check_state st = { 0, 0 };
	struct store_stats stats;

	store_walk(STORE_ROOT, check_visit, &st);
	store_get_stats(&stats);
	if (st.nodes != stats.nodes) {
		xs_log(LOG_ERR, "check: %zu nodes reachable, %zu allocated",
		       st.nodes, stats.nodes);
		st.problems++;
	}
	return st.problems;
}

static char *memreport(struct request *req)
{
	struct store_stats st;
	size_t nconns = 0, queued = 0;
	struct connection *c;

	store_get_stats(&st);
	list_for_each_entry(c, &connections, list) {
		nconns++;
		queued += c->out_len;
	}
	return talloc_asprintf(req_ctx(req),
		"nodes: %zu\nstore bytes: %zu\nindex slots: %zu\n"
		"permission sets: %zu\nconnections: %zu\nqueued output: %zu\n"
		"watches: %zu\ntransactions: %zu\ndomains: %u\n",
		st.nodes, st.bytes, st.index_slots, perms_interned_count(),
		nconns, queued, watch_count(), transaction_total(),
		domain_count());
}

static const char help_text[] =
	"Available commands:\n"
	"check                   check the store's consistency\n"
	"log [on|off]            switch the trace log on or off\n"
	"logfile <file>          trace into <file>\n"
	"memreport [<file>]      memory used by the store and connections\n"
	"print <string>          write <string> to the trace and the log\n"
	"quota [<domid>|<quota> <value>]\n"
	"                        show quotas, a domain's usage, or set a quota\n"
	"quota-soft [<quota> <value>]\n"
	"                        show or set soft quotas\n"
	"help                    this text\n";

static int control_quota(struct request *req, const char **args,
			 unsigned int nargs, bool soft)
{
	char *s;
	unsigned int *val;

	if (nargs == 0) {
		s = config_quota_report(req_ctx(req), soft);
	} else if (nargs == 1 && !soft) {
		char *end;
		unsigned long domid = strtoul(args[0], &end, 10);
		if (!args[0][0] || *end)
			return EINVAL;
		s = domain_quota_report(req_ctx(req), (uint32_t)domid);
		if (!s)
			return ENOENT;
	} else if (nargs == 2) {
		char *end;
		unsigned long v = strtoul(args[1], &end, 10);
		if (!args[1][0] || *end || v > 0x7fffffffUL ||
		    !config_quota_by_name(args[0], soft, &val))
			return EINVAL;
		*val = (unsigned int)v;
		s = talloc_strdup(req_ctx(req), "OK");
	} else {
		return EINVAL;
	}
	if (!s)
		return ENOMEM;
	reply_str(req, s);
	return 0;
}

int do_control(struct request *req)
{
	const char *vec[8];
	unsigned int n = req_strings(req, vec, 8);
	const char *cmd;

	if (!n)
		return EINVAL;
	cmd = vec[0];
	if (streq(cmd, "check")) {
		unsigned int problems = control_check_store();
		reply_str(req, problems ? "store corrupt: see the log" : "OK");
	} else if (streq(cmd, "log")) {
		if (n == 2 && streq(vec[1], "off"))
			trace_close();
		else if (n == 2 && streq(vec[1], "on")) {
			if (!config.trace_file || trace_open(config.trace_file))
				return EINVAL;
		} else if (n != 1)
			return EINVAL;
		reply_str(req, "OK");
	} else if (streq(cmd, "logfile")) {
		if (n != 2)
			return EINVAL;
		if (!config.control_files)
			return EACCES;
		if (trace_open(vec[1]))
			return EINVAL;
		reply_str(req, "OK");
	} else if (streq(cmd, "memreport")) {
		char *s = memreport(req);

		if (!s)
			return ENOMEM;
		if (n == 2) {
			/* Into a file, as Xen's xenstored does. */
			FILE *f;

			if (!config.control_files)
				return EACCES;
			f = fopen(vec[1], "a");
			if (!f)
				return errno;
			fputs(s, f);
			if (fclose(f))
				return EIO;
			reply_str(req, "OK");
		} else if (n == 1) {
			reply_str(req, s);
		} else {
			return EINVAL;
		}
	} else if (streq(cmd, "print")) {
		if (n != 2)
			return EINVAL;
		trace_line("PRINT %s\n", vec[1]);
		xs_log(LOG_INFO, "control print: %s", vec[1]);
		reply_str(req, "OK");
	} else if (streq(cmd, "quota")) {
		return control_quota(req, vec + 1, n - 1, false);
	} else if (streq(cmd, "quota-soft")) {
		return control_quota(req, vec + 1, n - 1, true);
	} else if (streq(cmd, "help")) {
		reply_str(req, help_text);
	} else {
		return EINVAL;
	}
	return 0;
}
