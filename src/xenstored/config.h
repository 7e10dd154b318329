/* Daemon configuration: options and quotas (Xen 4.17's defaults). */
#ifndef XS_CONFIG_H
#define XS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct xs_config {
	/* Quotas, enforced on unprivileged domains (as Xen's xenstored). */
	unsigned int quota_nodes;        /* -E: nodes owned per domain */
	unsigned int quota_node_size;    /* -S: bytes of one node */
	unsigned int quota_watches;      /* -W: watches per domain */
	unsigned int quota_transactions; /* -t: open transactions per connection */
	unsigned int quota_perms;        /* -A: permission entries per node */
	unsigned int quota_path_max;     /* -M: path length below a domain's home */
	unsigned int quota_trans_nodes;  /* -Q transaction-nodes: nodes one transaction touches */
	unsigned int quota_outstanding;  /* -Q outstanding: requests answered but not yet read */
	unsigned int quota_memory;       /* -Q memory: hard, bytes per domain (0: off) */
	unsigned int quota_memory_soft;  /* -q memory: soft, bytes per domain (warns) */
	unsigned int watch_event_timeout;/* -w watch-event: seconds an event waits (0: forever) */
	/* --txn-wait: microseconds a transaction's request may wait for
	 * another transaction of its domain holding the node (txn_order.h);
	 * 0: never. */
	unsigned int txn_wait_us;

	/* Bound of a privileged (socket) connection's queued output, bytes:
	 * past it the daemon stops reading its requests; past four times it
	 * watch events to it are dropped. */
	size_t socket_out_max;

	unsigned int priv_domid;         /* the privileged domain (dom0) */
	bool no_domain_init;             /* -D */
	bool verbose;                    /* -V */
	bool keep_orphans;               /* -K */
	/* CONTROL logfile / memreport FILE may create files (dom0's tools
	 * may, as in Xen); the fuzzer turns it off: its requests must not
	 * write files wherever it runs. */
	bool control_files;
	const char *socket_path;         /* --socket */
	const char *persistent_dir;      /* --persistent */
	const char *pid_file;            /* -F */
	const char *trace_file;          /* -T */
};

extern struct xs_config config;

void config_defaults(void);
/* "name=value" for -Q / -q / -w; returns false when unknown or bad. */
bool config_set_quota(const char *arg, bool soft);
bool config_set_timeout(const char *arg);
/* For CONTROL quota / quota-soft: sets a quota by name. */
bool config_quota_by_name(const char *name, bool soft, unsigned int **val);
/* Writes "name: value\n" lines of the hard (or soft) quotas. */
char *config_quota_report(const void *ctx, bool soft);

#endif
