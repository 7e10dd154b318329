/* One backend device of dom0's simulated blkback/netback: discovery
 * under /local/domain/0/backend/TYPE, the hotplug check and the
 * XenbusState handshake with its frontend (backend.h). Reads come back
 * through struct dev_req, which names the device by key, generation and
 * connection: a reply for a device removed, replaced or from a lost
 * connection changes nothing. */
#include <errno.h>
#include <glib/gi18n.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/xs_wire.h>

#include "backend_io.h"
#include "backend_priv.h"

#define BACKEND_ROOT "/local/domain/0/backend/"
#define FE_TOKEN "fe:"

static const struct backend_type *const types[] = { &backend_vbd_type, &backend_vif_type };

/* Keys every device's refresh reads first. */
enum { K_FRONTEND, K_STATE, K_COMMON };

struct dev_req {
	xs_client_t *xs;
	char *key;
	uint64_t gen;
	uint64_t state_writes;       /* the device's, when the reads left */
	/* Several reads answered together (refresh, frontend keys). */
	unsigned int pending;
	bool failed;                 /* a read failed other than ENOENT */
	char *vals[K_COMMON + BACKEND_MAX_KEYS];
	struct dev_slot {
		struct dev_req *req;
		unsigned int idx;
	} slots[K_COMMON + BACKEND_MAX_KEYS];
	unsigned int nvals;
};

static void req_destroy(void *data);

static struct dev_req *req_new(struct backend_dev *dev, unsigned int nvals)
{
	struct dev_req *r = g_new0(struct dev_req, 1);

	r->xs = backends->xs;
	r->key = g_strdup(dev->key);
	r->gen = dev->gen;
	r->state_writes = dev->state_writes;
	r->nvals = nvals;
	for (unsigned int i = 0; i < nvals; i++) {
		r->slots[i].req = r;
		r->slots[i].idx = i;
	}
	return backend_track(r, req_destroy);
}

static void req_free(struct dev_req *r)
{
	backend_untrack(r);
	req_destroy(r);
}

static void req_destroy(void *data)
{
	struct dev_req *r = data;

	for (unsigned int i = 0; i < r->nvals; i++)
		g_free(r->vals[i]);
	g_free(r->key);
	g_free(r);
}

/* The device the request was for, if it still is. */
static struct backend_dev *req_dev(const struct dev_req *r)
{
	struct backend_dev *dev;

	if (!backends->xs || r->xs != backends->xs)
		return NULL;
	dev = g_hash_table_lookup(backends->devs, r->key);
	return dev && dev->gen == r->gen ? dev : NULL;
}

/* Stores one reply of a multi-read; true once all are in. */
static bool req_store(struct dev_slot *s, int err, const char *body, size_t len)
{
	struct dev_req *r = s->req;

	if (!err && !memchr(body, '\0', len))
		r->vals[s->idx] = g_strndup(body, len);
	else if (err && err != ENOENT)
		r->failed = true;
	return --r->pending == 0;
}

static void req_read(struct dev_req *r, unsigned int idx, const char *path,
		     xs_reply_cb cb)
{
	r->pending++;
	xs_read_async(backends->xs, 0, path, cb, &r->slots[idx]);
}

/* ---- writes ----------------------------------------------------------- */

static void on_write(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	char *path = data;

	if (err && err != EIO)
		g_warning(_("backends: cannot write %s: %s"), path, g_strerror(err));
	backend_untrack(path);
	g_free(path);
}

static void on_rm(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	on_write(c, err == ENOENT ? 0 : err, body, len, data);
}

void backend_write(struct backend_dev *dev, const char *key, const char *fmt, ...)
{
	g_autofree char *value = NULL;
	va_list ap;
	char *path;

	if (!backends->xs)
		return;
	va_start(ap, fmt);
	value = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	path = backend_track(g_strdup_printf("%s/%s", dev->dir, key), g_free);
	xs_write_async(backends->xs, 0, path, value, strlen(value), on_write, path);
}

static void dev_switch(struct backend_dev *dev, XenbusState state)
{
	dev->state = state;
	dev->state_writes++;
	backend_write(dev, "state", "%d", (int)state);
}

/* Linux's xenbus_dev_fatal() for a backend: the message goes to
 * /local/domain/0/error/backend/KEY/error, the device to Closing. */
static void dev_fatal(struct backend_dev *dev, const char *msg)
{
	char *path = backend_track(g_strdup_printf("/local/domain/0/error/backend/%s/error",
						   dev->key), g_free);

	g_warning(_("backends: %s: %s"), dev->key, msg);
	xs_write_async(backends->xs, 0, path, msg, strlen(msg), on_write, path);
	dev->connected = false;
	dev_switch(dev, XenbusStateClosing);
}

/* A hotplug script's failure: hotplug-error, hotplug-status error and
 * the device Closed, never to connect. */
static void dev_hotplug_failed(struct backend_dev *dev, const char *msg)
{
	g_warning(_("backends: %s: %s"), dev->key, msg);
	dev->failed = true;
	backend_write(dev, "hotplug-error", "%s", msg);
	backend_write(dev, "hotplug-status", "%s", "error");
	dev_switch(dev, XenbusStateClosed);
}

/* ---- devices ---------------------------------------------------------- */

static void dev_free(struct backend_dev *dev)
{
	g_free(dev->key);
	g_free(dev->dir);
	g_free(dev->frontend);
	g_free(dev->token);
	g_free(dev->bridge);
	g_free(dev);
}

static struct backend_dev *dev_get(const struct backend_type *type, uint32_t domid,
				   uint32_t devid)
{
	g_autofree char *key = g_strdup_printf("%s/%u/%u", type->name, domid, devid);
	struct backend_dev *dev = g_hash_table_lookup(backends->devs, key);

	if (dev)
		return dev;
	dev = g_new0(struct backend_dev, 1);
	dev->type = type;
	dev->domid = domid;
	dev->devid = devid;
	dev->gen = backends->next_gen++;
	dev->key = g_steal_pointer(&key);
	dev->dir = g_strdup_printf(BACKEND_ROOT "%s", dev->key);
	dev->token = g_strdup_printf(FE_TOKEN "%s", dev->key);
	dev->state = XenbusStateUnknown;
	g_hash_table_insert(backends->devs, dev->key, dev);
	return dev;
}

static void dev_unwatch(struct backend_dev *dev)
{
	if (dev->watching && backends->xs) {
		g_autofree char *path = g_strdup_printf("%s/state", dev->frontend);

		xs_unwatch_async(backends->xs, path, dev->token, NULL, NULL);
	}
	dev->watching = false;
}

/* Back to a device never seen: not checked, not connected, no error of
 * a previous check left. */
static void dev_forget(struct backend_dev *dev)
{
	char *path = backend_track(g_strdup_printf("%s/hotplug-error", dev->dir), g_free);

	xs_rm_async(backends->xs, 0, path, on_rm, path);
	dev_unwatch(dev);
	g_clear_pointer(&dev->frontend, g_free);
	dev->checked = dev->failed = dev->connected = false;
}

static void dev_remove(struct backend_dev *dev)
{
	dev_unwatch(dev);
	backend_stats_remove(dev);
	g_hash_table_remove(backends->devs, dev->key);
	dev_free(dev);
}

static void dev_refresh(struct backend_dev *dev);

static void on_frontend_keys(xs_client_t *c, int err, const char *body, size_t len,
			     void *data)
{
	struct dev_req *r = ((struct dev_slot *)data)->req;
	struct backend_dev *dev;
	g_autofree char *msg = NULL;

	if (!req_store(data, err, body, len))
		return;
	dev = req_dev(r);
	if (!dev || r->failed || dev->state != XenbusStateInitWait) {
		req_free(r);
		return;
	}
	msg = dev->type->check_frontend(dev, r->vals);
	req_free(r);
	if (msg) {
		dev_fatal(dev, msg);
		return;
	}
	dev->type->write_connect(dev);
	dev_switch(dev, XenbusStateConnected);
	dev->connected = true;
	backend_stats_publish(dev);
}

/* The frontend is ready: read what it wrote, then connect. */
static void dev_connect(struct backend_dev *dev)
{
	struct dev_req *r = req_new(dev, (unsigned int)dev->type->nfe_keys);

	for (size_t i = 0; i < dev->type->nfe_keys; i++) {
		g_autofree char *path = g_strdup_printf("%s/%s", dev->frontend,
							dev->type->fe_keys[i]);

		req_read(r, (unsigned int)i, path, on_frontend_keys);
	}
}

static bool parse_state(const char *s, XenbusState *out)
{
	if (!s || s[0] < '0' || s[0] > '8' || s[1] != '\0')
		return false;
	*out = (XenbusState)(s[0] - '0');
	return true;
}

static void on_frontend_state(xs_client_t *c, int err, const char *body, size_t len,
			      void *data)
{
	struct dev_req *r = ((struct dev_slot *)data)->req;
	struct backend_dev *dev;
	XenbusState fe = XenbusStateUnknown;

	req_store(data, err, body, len);
	dev = req_dev(r);
	if (!dev || r->failed || dev->failed) {
		req_free(r);
		return;
	}
	if (r->vals[0] && !parse_state(r->vals[0], &fe))
		fe = XenbusStateUnknown;
	req_free(r);

	switch (fe) {
	case XenbusStateInitialising:
		/* A frontend starting over (a resumed guest): prepare for it. */
		if (dev->state == XenbusStateClosed)
			dev_switch(dev, XenbusStateInitWait);
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (dev->state == XenbusStateInitWait)
			dev_connect(dev);
		break;
	case XenbusStateClosing:
		dev->connected = false;
		if (dev->state != XenbusStateClosing && dev->state != XenbusStateClosed)
			dev_switch(dev, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		dev->connected = false;
		if (dev->state != XenbusStateClosed)
			dev_switch(dev, XenbusStateClosed);
		break;
	default:
		/* No frontend (any more): the guest is gone; the toolstack
		 * removes this directory. Writing now would recreate it. */
		dev->connected = false;
		break;
	}
}

void backend_frontend_event(const char *token)
{
	struct backend_dev *dev;
	struct dev_req *r;
	g_autofree char *path = NULL;

	if (!g_str_has_prefix(token, FE_TOKEN))
		return;
	dev = g_hash_table_lookup(backends->devs, token + strlen(FE_TOKEN));
	if (!dev || !dev->frontend || !backends->xs)
		return;
	r = req_new(dev, 1);
	path = g_strdup_printf("%s/state", dev->frontend);
	req_read(r, 0, path, on_frontend_state);
}

static void on_watch_reply(xs_client_t *c, int err, const char *body, size_t len,
			   void *data)
{
	char *key = data;

	if (err && err != EIO)
		g_warning(_("backends: %s: cannot watch its frontend: %s"), key,
			  g_strerror(err));
	backend_untrack(key);
	g_free(key);
}

static void on_backend_watch(xs_client_t *c, const char *path, const char *token,
			     void *data)
{
	backend_frontend_event(token);
}

/* A frontend path from the toolstack: absolute, inside the frontend
 * domain's tree. */
static bool frontend_ok(const struct backend_dev *dev, const char *fe)
{
	g_autofree char *home = g_strdup_printf("/local/domain/%u/", dev->domid);

	return fe && g_str_has_prefix(fe, home) && strlen(fe) < XENSTORE_ABS_PATH_MAX;
}

static void on_refresh(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct dev_req *r = ((struct dev_slot *)data)->req;
	struct backend_dev *dev;
	XenbusState state;
	g_autofree char *msg = NULL;

	if (!req_store(data, err, body, len))
		return;
	dev = req_dev(r);
	if (!dev) {
		req_free(r);
		return;
	}
	dev->refreshing = false;
	if (r->failed) {
		req_free(r);
		return;
	}
	if (!r->vals[K_STATE]) {         /* the directory went away */
		req_free(r);
		dev_remove(dev);
		return;
	}
	if (!parse_state(r->vals[K_STATE], &state)) {
		g_warning(_("backends: %s: state \"%s\" is not a XenbusState"), dev->key,
			  r->vals[K_STATE]);
		req_free(r);
		return;
	}
	/* A state read before our last write of it is stale; else it is
	 * the device's, and Initialising again means the toolstack made the
	 * device anew: it is checked again, as a new one. */
	if (r->state_writes == dev->state_writes) {
		if (state == XenbusStateInitialising && dev->checked &&
		    dev->state != XenbusStateInitialising)
			dev_forget(dev);
		dev->state = state;
	}
	if (!dev->frontend && frontend_ok(dev, r->vals[K_FRONTEND]))
		dev->frontend = g_strdup(r->vals[K_FRONTEND]);
	if (!dev->checked && state == XenbusStateInitialising) {
		dev->checked = true;
		if (!dev->frontend)
			msg = g_strdup(_("no valid frontend path"));
		else
			msg = dev->type->check(dev, r->vals + K_COMMON);
		if (msg) {
			dev_hotplug_failed(dev, msg);
		} else {
			dev->type->write_features(dev);
			backend_write(dev, "hotplug-status", "%s", "connected");
			dev_switch(dev, XenbusStateInitWait);
		}
	}
	req_free(r);
	if (dev->checked && !dev->failed && dev->frontend && !dev->watching) {
		g_autofree char *path = g_strdup_printf("%s/state", dev->frontend);

		dev->watching = true;
		xs_watch_async(backends->xs, path, dev->token, on_backend_watch, NULL,
			       on_watch_reply, backend_track(g_strdup(dev->key), g_free));
	}
	if (dev->refresh_again) {
		dev->refresh_again = false;
		dev_refresh(dev);
	}
}

/* Reads the device's directory; one refresh at a time. */
static void dev_refresh(struct backend_dev *dev)
{
	const struct backend_type *t = dev->type;
	static const char *const common[K_COMMON] = { "frontend", "state" };
	struct dev_req *r;

	if (!backends->xs)
		return;
	if (dev->refreshing) {
		dev->refresh_again = true;
		return;
	}
	dev->refreshing = true;
	r = req_new(dev, (unsigned int)(K_COMMON + t->nkeys));
	for (unsigned int i = 0; i < K_COMMON + t->nkeys; i++) {
		const char *k = i < K_COMMON ? common[i] : t->keys[i - K_COMMON];
		g_autofree char *path = g_strdup_printf("%s/%s", dev->dir, k);

		req_read(r, i, path, on_refresh);
	}
}

/* ---- discovery -------------------------------------------------------- */

/* A domid or device id: decimal, no leading zero, 32 bits. */
static bool parse_id(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 10 || (len > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

struct list_req {
	xs_client_t *xs;
	const struct backend_type *type;
	bool whole_type;             /* listing TYPE (domids), else DOMID */
	uint32_t domid;
};

static void list_dir(const struct backend_type *type, bool whole, uint32_t domid);

/* Known devices the listing did not name: refreshed, which removes them
 * when their directory is gone. */
static void refresh_unlisted(const struct list_req *l, GHashTable *listed)
{
	GHashTableIter it;
	gpointer value;
	g_autoptr(GPtrArray) todo = g_ptr_array_new();

	g_hash_table_iter_init(&it, backends->devs);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct backend_dev *dev = value;
		uint32_t id = l->whole_type ? dev->domid : dev->devid;

		if (dev->type != l->type || (!l->whole_type && dev->domid != l->domid))
			continue;
		if (!g_hash_table_contains(listed, GUINT_TO_POINTER(id + 1)))
			g_ptr_array_add(todo, dev);
	}
	for (guint i = 0; i < todo->len; i++)
		dev_refresh(todo->pdata[i]);
}

static void on_list(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct list_req *l = data;
	g_autoptr(GHashTable) listed = g_hash_table_new(NULL, NULL);
	size_t off = 0;

	backend_untrack(l);
	if (!backends->xs || l->xs != backends->xs || (err && err != ENOENT)) {
		g_free(l);
		return;
	}
	while (!err && off < len) {
		size_t n = strnlen(body + off, len - off);
		uint32_t id;

		if (parse_id(body + off, n, &id)) {
			g_hash_table_add(listed, GUINT_TO_POINTER(id + 1));
			if (l->whole_type)
				list_dir(l->type, false, id);
			else
				dev_refresh(dev_get(l->type, l->domid, id));
		}
		off += n + 1;
	}
	refresh_unlisted(l, listed);
	g_free(l);
}

static void list_dir(const struct backend_type *type, bool whole, uint32_t domid)
{
	struct list_req *l = backend_track(g_new0(struct list_req, 1), g_free);
	g_autofree char *path = whole ?
		g_strdup_printf(BACKEND_ROOT "%s", type->name) :
		g_strdup_printf(BACKEND_ROOT "%s/%u", type->name, domid);

	l->xs = backends->xs;
	l->type = type;
	l->whole_type = whole;
	l->domid = domid;
	xs_directory_async(backends->xs, 0, path, on_list, l);
}

/* Keys whose change matters to a known device (the others are ours). */
static bool key_matters(const struct backend_type *t, const char *leaf)
{
	if (strcmp(leaf, "state") == 0 || strcmp(leaf, "frontend") == 0)
		return true;
	for (size_t i = 0; i < t->nkeys; i++)
		if (strcmp(leaf, t->keys[i]) == 0)
			return true;
	return false;
}

/* A watch event under BACKEND_ROOT TYPE. */
void backend_event(const char *path)
{
	const struct backend_type *type = NULL;
	g_auto(GStrv) parts = NULL;
	uint32_t domid, devid;
	g_autofree char *key = NULL;
	struct backend_dev *dev;

	if (!backends->xs || !g_str_has_prefix(path, BACKEND_ROOT))
		return;
	parts = g_strsplit(path + strlen(BACKEND_ROOT), "/", 4);
	for (size_t i = 0; i < G_N_ELEMENTS(types); i++)
		if (parts[0] && strcmp(parts[0], types[i]->name) == 0)
			type = types[i];
	if (!type)
		return;
	if (!parts[1]) {
		list_dir(type, true, 0);
		return;
	}
	if (!parse_id(parts[1], strlen(parts[1]), &domid))
		return;
	if (!parts[2]) {
		list_dir(type, false, domid);
		return;
	}
	if (!parse_id(parts[2], strlen(parts[2]), &devid))
		return;
	key = g_strdup_printf("%s/%u/%u", type->name, domid, devid);
	dev = g_hash_table_lookup(backends->devs, key);
	if (!dev || !parts[3] || key_matters(type, parts[3]))
		dev_refresh(dev ? dev : dev_get(type, domid, devid));
}

/* The connection is gone: watches with it. The next connection's first
 * events refresh every device. */
void backend_devices_reset(void)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, backends->devs);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct backend_dev *dev = value;

		dev->watching = false;
		dev->refreshing = dev->refresh_again = false;
	}
}

void backend_devs_free(void)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, backends->devs);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		g_hash_table_iter_steal(&it);
		dev_free(value);
	}
}

/* ---- the data path (backend_io.h) -------------------------------------- */

int backend_io(uint32_t domid, const char *type, uint32_t devid,
	       enum backend_io_kind kind, uint32_t nreq, uint64_t bytes)
{
	g_autofree char *key = NULL;
	struct backend_dev *dev;
	unsigned int base;

	if (!backends)
		return -ENXIO;
	key = g_strdup_printf("%s/%u/%u", type, domid, devid);
	dev = g_hash_table_lookup(backends->devs, key);
	if (!dev || !dev->connected)
		return -ENXIO;
	/* counters: [0] requests/packets, [1] bytes of the first
	 * direction, [2] [3] of the second. */
	base = (kind == BACKEND_IO_READ || kind == BACKEND_IO_RX) ? 0 : 2;
	dev->counters[base] += nreq;
	dev->counters[base + 1] += bytes;
	backend_stats_publish(dev);
	return 0;
}
