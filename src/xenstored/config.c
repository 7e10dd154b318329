#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include "wire.h"

#include "util.h"

struct xs_config config;

void config_defaults(void)
{
	memset(&config, 0, sizeof(config));
	config.quota_nodes = 1000;
	config.quota_node_size = 2048;
	config.quota_watches = 128;
	config.quota_transactions = 10;
	config.quota_perms = 5;
	config.quota_path_max = XENSTORE_REL_PATH_MAX;
	config.quota_trans_nodes = 1024;
	config.quota_outstanding = 20;
	config.quota_memory = 2 * 1024 * 1024 + 512 * 1024;
	config.quota_memory_soft = 2 * 1024 * 1024;
	config.watch_event_timeout = 20;
	config.txn_wait_us = 5000;
	config.socket_out_max = 1024 * 1024;
	config.priv_domid = 0;
	config.control_files = true;
}

struct quota_name {
	const char *name;
	const char *help;
	size_t hard, soft;   /* offsets in struct xs_config, or (size_t)-1 */
};

#define Q(field) offsetof(struct xs_config, field)
#define NONE ((size_t)-1)
static const struct quota_name quotas[] = {
	{ "nodes", "Nodes per domain", Q(quota_nodes), NONE },
	{ "watches", "Watches per domain", Q(quota_watches), NONE },
	{ "transactions", "Transactions per domain", Q(quota_transactions), NONE },
	{ "node-size", "Max. size of a node", Q(quota_node_size), NONE },
	{ "permissions", "Max. number of permissions per node", Q(quota_perms), NONE },
	{ "path-length", "Max. length of a node path", Q(quota_path_max), NONE },
	{ "transaction-nodes", "Max. number of accessed nodes per transaction", Q(quota_trans_nodes), NONE },
	{ "outstanding", "Max. number of outstanding requests", Q(quota_outstanding), NONE },
	{ "memory", "Total Xenstore memory per domain", Q(quota_memory), Q(quota_memory_soft) },
};

bool config_quota_by_name(const char *name, bool soft, unsigned int **val)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(quotas); i++) {
		size_t off = soft ? quotas[i].soft : quotas[i].hard;
		if (off != NONE && streq(quotas[i].name, name)) {
			*val = (unsigned int *)((char *)&config + off);
			return true;
		}
	}
	return false;
}

static bool parse_uint(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 0x7fffffffUL)
		return false;
	*out = v;
	return true;
}

bool config_set_quota(const char *arg, bool soft)
{
	const char *eq = strchr(arg, '=');
	char name[32];
	unsigned int *val, v;

	if (!eq || eq - arg >= (long)sizeof(name))
		return false;
	memcpy(name, arg, eq - arg);
	name[eq - arg] = '\0';
	if (!config_quota_by_name(name, soft, &val) || !parse_uint(eq + 1, &v))
		return false;
	*val = v;
	return true;
}

bool config_set_timeout(const char *arg)
{
	if (strncmp(arg, "watch-event=", 12))
		return false;
	return parse_uint(arg + 12, &config.watch_event_timeout);
}

char *config_quota_report(const void *ctx, bool soft)
{
	char *s = talloc_strdup(ctx, "");

	for (unsigned int i = 0; s && i < ARRAY_SIZE(quotas); i++) {
		size_t off = soft ? quotas[i].soft : quotas[i].hard;
		if (off == NONE)
			continue;
		s = talloc_asprintf_append(s, "%-17s: %8u %s\n", quotas[i].name,
					   *(unsigned int *)((char *)&config + off),
					   quotas[i].help);
	}
	return s;
}
