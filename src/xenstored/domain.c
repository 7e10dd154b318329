/* Domains: accounting and domain requests. See domain.h. */
#include "domain.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <xen/xen.h>

#include "config.h"
#include "connection.h"
#include "log.h"
#include "node_ops.h"
#include "path.h"
#include "request.h"
#include "store.h"
#include "util.h"
#include "watch.h"

#define DOMAIN_BUCKETS 256
static struct domain *buckets[DOMAIN_BUCKETS];
static unsigned int ndomains;
static const struct ring_platform *platform;

void domain_set_platform(const struct ring_platform *p)
{
	platform = p;
}

bool domid_is_privileged(uint32_t domid)
{
	return domid == 0 || domid == config.priv_domid;
}

struct domain *domain_find(uint32_t domid)
{
	struct domain *d;

	for (d = buckets[domid % DOMAIN_BUCKETS]; d; d = d->hnext)
		if (d->domid == domid)
			return d;
	return NULL;
}

struct domain *domain_get(uint32_t domid)
{
	struct domain *d = domain_find(domid);

	if (d)
		return d;
	d = xcalloc(1, sizeof(*d));
	d->domid = domid;
	d->generation = store_generation;
	d->hnext = buckets[domid % DOMAIN_BUCKETS];
	buckets[domid % DOMAIN_BUCKETS] = d;
	ndomains++;
	return d;
}

static void domain_maybe_free(struct domain *d)
{
	struct domain **pp;

	if (d->conn || d->nodes || d->watches || d->memory > 0)
		return;
	for (pp = &buckets[d->domid % DOMAIN_BUCKETS]; *pp; pp = &(*pp)->hnext)
		if (*pp == d) {
			*pp = d->hnext;
			break;
		}
	ndomains--;
	free(d);
}

void domain_init(void)
{
	memset(buckets, 0, sizeof(buckets));
	ndomains = 0;
}

void domain_fini(void)
{
	for (unsigned int i = 0; i < DOMAIN_BUCKETS; i++) {
		while (buckets[i]) {
			struct domain *d = buckets[i];
			buckets[i] = d->hnext;
			free(d);
		}
	}
	ndomains = 0;
}

unsigned int domain_count(void)
{
	return ndomains;
}

void domain_nodes_add(uint32_t domid, int delta)
{
	struct domain *d = domain_get(domid);

	d->nodes += delta;
	if (delta < 0)
		domain_maybe_free(d);
}

int domain_nodes(uint32_t domid)
{
	struct domain *d = domain_find(domid);

	return d ? d->nodes : 0;
}

/* Logs crossing the soft and hard memory quotas (at most every 10 s). */
static void memory_check(struct domain *d)
{
	time_t now;
	bool hard, soft;

	if (domid_is_privileged(d->domid))
		return;
	hard = config.quota_memory && d->memory >= (long)config.quota_memory;
	soft = config.quota_memory_soft && d->memory >= (long)config.quota_memory_soft;
	if (hard == d->hard_reported && soft == d->soft_reported)
		return;
	now = time(NULL);
	if (hard && !d->hard_reported) {
		/* Always said at once: the domain is stalled from now on. */
		xs_log(LOG_ERR, "domain %u exceeds hard memory quota (%ld bytes), "
		       "its Xenstore interface is stalled", d->domid, d->memory);
		d->hard_reported = true;
		d->mem_msg_time = now;
		return;
	}
	if (now - d->mem_msg_time < 10)
		return;
	d->mem_msg_time = now;
	if (!hard && d->hard_reported) {
		xs_log(LOG_INFO, "domain %u below hard memory quota again", d->domid);
		d->hard_reported = false;
	}
	if (soft && !d->soft_reported)
		xs_log(LOG_WARNING, "domain %u exceeds soft memory quota (%ld bytes)",
		       d->domid, d->memory);
	else if (!soft && d->soft_reported)
		xs_log(LOG_INFO, "domain %u below soft memory quota again", d->domid);
	d->soft_reported = soft;
}

void domain_memory_add(struct domain *d, long delta)
{
	d->memory += delta;
	memory_check(d);
	if (delta < 0)
		domain_maybe_free(d);
}

void domain_memory_add_id(uint32_t domid, long delta)
{
	domain_memory_add(domain_get(domid), delta);
}

bool domain_over_memory(const struct domain *d)
{
	return !domid_is_privileged(d->domid) && config.quota_memory &&
	       d->memory >= (long)config.quota_memory;
}

int domain_attach_conn(uint32_t domid, struct connection *conn)
{
	struct domain *d = domain_get(domid);

	if (d->conn)
		return EEXIST;
	d->conn = conn;
	d->introduced = true;
	d->shutdown = false;
	d->generation = store_generation;
	conn->domain = d;
	conn->domid = domid;
	conn->privileged = domid_is_privileged(domid);
	if (domid != config.priv_domid && domid != 0)
		watch_fire_special("@introduceDomain");
	return 0;
}

void domain_conn_gone(struct domain *d, struct connection *conn)
{
	uint32_t domid = d->domid;

	if (d->conn != conn)
		return;
	d->introduced = false;
	/* The connection's queued output was accounted to the domain and is
	 * gone with it. d->conn stays set while its nodes go, or the last
	 * one would free d (domain_maybe_free()) under our feet. */
	if (!domid_is_privileged(domid) && !config.keep_orphans)
		node_remove_domain(domid);
	node_forget_domain_perms(domid);
	d->conn = NULL;
	watch_fire_special("@releaseDomain");
	domain_maybe_free(d);
}

void domain_state_changed(uint32_t domid, bool shutdown, bool dying)
{
	struct domain *d = domain_find(domid);

	if (!d || !d->introduced)
		return;
	if (dying) {
		/* Freeing the connection releases the domain. */
		if (d->conn)
			conn_drop(d->conn, NULL);
		return;
	}
	if (shutdown && !d->shutdown) {
		d->shutdown = true;
		watch_fire_special("@releaseDomain");
	}
}

char *domain_quota_report(const void *ctx, uint32_t domid)
{
	struct domain *d = domain_find(domid);

	if (!d)
		return NULL;
	return talloc_asprintf(ctx,
		"Domain %u:\n%-16s: %8d\n%-16s: %8u\n%-16s: %8u\n%-16s: %8zu\n%-16s: %8ld\n",
		domid, "nodes", d->nodes, "watches", d->watches, "transactions",
		d->conn ? d->conn->ntransactions : 0, "outstanding",
		d->conn ? d->conn->out_msgs : 0, "memory", d->memory);
}

/* Parses a domid argument: decimal, below DOMID_FIRST_RESERVED. */
static bool parse_domid(const char *s, uint32_t *domid)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= DOMID_FIRST_RESERVED)
		return false;
	*domid = v;
	return true;
}

/* domid, gfn, event channel port */
int do_introduce(struct request *req)
{
	const char *vec[3];
	uint32_t domid;
	unsigned long long gfn;
	unsigned long port;
	char *end;
	struct domain *d;
	int err;

	if (req_strings(req, vec, 3) < 3 || !parse_domid(vec[0], &domid))
		return EINVAL;
	errno = 0;
	gfn = strtoull(vec[1], &end, 10);
	if (errno || *end)
		return EINVAL;
	port = strtoul(vec[2], &end, 10);
	if (errno || *end || port == 0 || port > UINT32_MAX)
		return EINVAL;
	if (!platform)
		return ENOSYS;

	d = domain_find(domid);
	if (d && d->introduced) {
		/* Re-introduction recreates the event channel binding. */
		err = platform->rebind(domid, (uint32_t)port);
	} else {
		err = platform->introduce(domid, gfn, (uint32_t)port);
	}
	if (err)
		return err;
	reply_ok(req);
	return 0;
}

static int onearg_domain(struct request *req, struct domain **out)
{
	uint32_t domid;
	struct domain *d;

	if (!parse_domid(req_onearg(req), &domid) || domid == 0)
		return EINVAL;
	d = domain_find(domid);
	if (!d || !d->introduced)
		return ENOENT;
	if (!d->conn)
		return EINVAL;
	*out = d;
	return 0;
}

int do_release(struct request *req)
{
	struct domain *d;
	int err = onearg_domain(req, &d);

	if (err)
		return err;
	if (d->conn == req->conn)
		return EINVAL;  /* a domain cannot release itself mid-request */
	conn_drop(d->conn, NULL);
	reply_ok(req);
	return 0;
}

int do_resume(struct request *req)
{
	struct domain *d;
	int err = onearg_domain(req, &d);

	if (err)
		return err;
	d->shutdown = false;
	reply_ok(req);
	return 0;
}

int do_is_domain_introduced(struct request *req)
{
	const char *arg = req_onearg(req);
	uint32_t domid;
	struct domain *d;
	bool yes;

	if (!arg)
		return EINVAL;
	if (streq(arg, "32753") /* DOMID_SELF */)
		yes = true;
	else if (!parse_domid(arg, &domid))
		return EINVAL;
	else if (domid == 0 && !platform)
		yes = true;  /* no hypervisor: dom0 is the socket's domain */
	else
		yes = (d = domain_find(domid)) && d->introduced;
	reply_str(req, yes ? "T" : "F");
	return 0;
}

int do_get_domain_path(struct request *req)
{
	const char *arg = req_onearg(req);
	uint32_t domid;
	char path[64];

	if (!parse_domid(arg, &domid))
		return EINVAL;
	path_domain_home(domid, path, sizeof(path));
	reply_str(req, path);
	return 0;
}

/* domid (a device model's domain), target domid (the domain it serves) */
int do_set_target(struct request *req)
{
	const char *vec[2];
	uint32_t domid, tdomid;
	struct domain *d, *t;

	if (req_strings(req, vec, 2) < 2 || !parse_domid(vec[0], &domid) ||
	    !parse_domid(vec[1], &tdomid))
		return EINVAL;
	d = domain_find(domid);
	t = domain_find(tdomid);
	if (!d || !d->introduced || !t || !t->introduced)
		return ENOENT;
	if (!d->conn || !t->conn)
		return EINVAL;
	d->conn->target = tdomid;
	reply_ok(req);
	return 0;
}
