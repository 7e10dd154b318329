/* The kernel's frontends: device/vbd/N (blkfront), device/vif/N
 * (netfront) and device/console/N (secondary consoles), each brought
 * through the XenbusState handshake with its backend as Linux does:
 *
 *   backend InitWait   -> write the ring keys, Initialised
 *   backend Connected  -> Connected (the device is usable)
 *   backend Closing/Closed -> Closed (unless already Closing/Closed)
 *   backend InitWait after Closed -> again (a backend reconnecting)
 *
 * Devices come and go while the kernel runs (hotplug): a watch on
 * device/ rescans the type whose directory changed.
 *
 * A frontend is freed when its device disappears, but only once the
 * requests it has in flight returned (inflight; it waits in g->gone). */
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/xenbus.h>
#include <xen/io/xs_wire.h>

#include "backend_io.h"
#include "guest_kernel.h"

#define TOKEN_PREFIX "fe:"

static const char *const fe_types[] = { "vbd", "vif", "console" };

struct frontend {
	struct guest *g;
	char *key;                /* "vbd/51712": key of g->frontends */
	const char *type;         /* one of fe_types */
	uint32_t devid;
	char *dir;                /* HOME/device/vbd/51712 */
	char *backend;            /* its backend's directory, once read */
	char *token;              /* TOKEN_PREFIX KEY */
	XenbusState state;        /* what we last wrote */
	unsigned int inflight;
	bool gone, watching, refused;
	uint32_t gref, port;      /* nominal: no grant table in the sim */
};

static void fe_free(struct frontend *fe)
{
	g_free(fe->key);
	g_free(fe->dir);
	g_free(fe->backend);
	g_free(fe->token);
	g_free(fe);
}

/* A request of fe returned: false when fe was removed meanwhile (and
 * freed if this was its last request). */
static bool fe_done(struct frontend *fe)
{
	fe->inflight--;
	if (!fe->gone)
		return true;
	if (fe->inflight == 0) {
		g_ptr_array_remove_fast(fe->g->gone, fe);
		fe_free(fe);
	}
	return false;
}

static void on_fe_write(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct frontend *fe = data;

	if (fe_done(fe) && err)
		guest_console_printf(fe->g, "xenbus: %s: write failed: %s\n", fe->key,
				     g_strerror(err));
}

/* Writes DIR/rel (rel NULL: abs is the path). */
static void fe_write(struct frontend *fe, const char *rel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fe_write(struct frontend *fe, const char *rel, const char *fmt, ...)
{
	g_autofree char *path = g_strdup_printf("%s/%s", fe->dir, rel);
	g_autofree char *value = NULL;
	va_list ap;

	if (!fe->g->xs)
		return;
	va_start(ap, fmt);
	value = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fe->inflight++;
	xs_write_async(fe->g->xs, 0, path, value, strlen(value), on_fe_write, fe);
}

static void fe_switch(struct frontend *fe, XenbusState state)
{
	fe->state = state;
	fe_write(fe, "state", "%d", (int)state);
}

/* Linux's xenbus_dev_fatal(): the error goes to
 * HOME/error/device/TYPE/ID/error and the device to Closing. */
static void fe_fatal(struct frontend *fe, const char *msg)
{
	g_autofree char *path = g_strdup_printf("%s/error/device/%s/error", fe->g->home,
						fe->key);
	g_autofree char *value = g_strdup_printf("%d %s", -EIO, msg);

	guest_console_printf(fe->g, "xenbus: %s: %s\n", fe->key, msg);
	fe->inflight++;
	xs_write_async(fe->g->xs, 0, path, value, strlen(value), on_fe_write, fe);
	fe_switch(fe, XenbusStateClosing);
}

static bool fe_refused(const struct frontend *fe)
{
	const struct guest_options *o = &fe->g->opts;

	return (o->refuse_vbd && strcmp(fe->type, "vbd") == 0) ||
	       (o->refuse_vif && strcmp(fe->type, "vif") == 0);
}

/* talk_to_backend(): the ring references and event channel the backend
 * maps, then Initialised. */
static void fe_talk(struct frontend *fe)
{
	struct guest *g = fe->g;

	if (fe_refused(fe)) {
		fe->refused = true;
		fe_fatal(fe, "refusing to connect (xvmsim.refuse)");
		return;
	}
	if (!fe->gref) {
		fe->gref = g->next_gref;
		g->next_gref += 2;
		fe->port = g->next_port++;
	}
	if (strcmp(fe->type, "vbd") == 0) {
		fe_write(fe, "ring-ref", "%u", fe->gref);
		fe_write(fe, "event-channel", "%u", fe->port);
		fe_write(fe, "protocol", "%s", "x86_64-abi");
		fe_write(fe, "feature-persistent", "%d", 1);
	} else if (strcmp(fe->type, "vif") == 0) {
		fe_write(fe, "tx-ring-ref", "%u", fe->gref);
		fe_write(fe, "rx-ring-ref", "%u", fe->gref + 1);
		fe_write(fe, "event-channel", "%u", fe->port);
		fe_write(fe, "request-rx-copy", "%d", 1);
		fe_write(fe, "feature-rx-notify", "%d", 1);
		fe_write(fe, "feature-sg", "%d", 1);
		fe_write(fe, "feature-gso-tcpv4", "%d", 1);
		fe_write(fe, "feature-gso-tcpv6", "%d", 1);
		fe_write(fe, "feature-ipv6-csum-offload", "%d", 1);
	} else {
		fe_write(fe, "ring-ref", "%u", fe->gref);
		fe_write(fe, "port", "%u", fe->port);
	}
	fe_switch(fe, XenbusStateInitialised);
}

/* What a booting Linux does first with a new device: blkfront reads the
 * partition table, netfront's DHCP client sends a DISCOVER. */
static void fe_first_io(struct frontend *fe)
{
	if (strcmp(fe->type, "vbd") == 0)
		backend_io(fe->g->env.domid, "vbd", fe->devid, BACKEND_IO_READ, 8, 8 * 4096);
	else if (strcmp(fe->type, "vif") == 0)
		backend_io(fe->g->env.domid, "vif", fe->devid, BACKEND_IO_TX, 1, 342);
}

static void fe_backend_changed(struct frontend *fe, XenbusState be)
{
	switch (be) {
	case XenbusStateInitWait:
		if (fe->state == XenbusStateInitialising || fe->state == XenbusStateClosed)
			fe_talk(fe);
		break;
	case XenbusStateConnected:
		if (fe->state == XenbusStateConnected || fe->state == XenbusStateClosing ||
		    fe->refused)
			break;
		if (fe->state != XenbusStateInitialised) {
			fe_talk(fe);
			if (fe->refused)
				break;
		}
		fe_switch(fe, XenbusStateConnected);
		guest_console_printf(fe->g, "xenbus: %s connected\n", fe->key);
		fe_first_io(fe);
		break;
	case XenbusStateClosed:
	case XenbusStateClosing:
		if (fe->state == XenbusStateClosing || fe->state == XenbusStateClosed)
			break;
		fe_switch(fe, XenbusStateClosed);
		guest_console_printf(fe->g, "xenbus: %s closed\n", fe->key);
		break;
	default:
		break;
	}
}

/* A XenbusState as xenstore holds it: decimal 0..8. */
static bool parse_state(const char *s, size_t len, XenbusState *out)
{
	if (len != 1 || s[0] < '0' || s[0] > '8')
		return false;
	*out = (XenbusState)(s[0] - '0');
	return true;
}

static void on_backend_state(xs_client_t *c, int err, const char *body, size_t len,
			     void *data)
{
	struct frontend *fe = data;
	XenbusState be;

	if (!fe_done(fe) || err)
		return;                  /* ENOENT: no backend yet, or gone */
	if (!parse_state(body, len, &be)) {
		guest_console_printf(fe->g, "xenbus: %s: backend state \"%.16s\" is not a XenbusState\n",
				     fe->key, body);
		return;
	}
	fe_backend_changed(fe, be);
}

/* The watch on a backend's state fired (token TOKEN_PREFIX KEY). */
static void on_fe_watch(xs_client_t *c, const char *wpath, const char *token, void *data)
{
	struct guest *g = data;
	struct frontend *fe;
	g_autofree char *path = NULL;

	if (g->suspended || !g_str_has_prefix(token, TOKEN_PREFIX))
		return;
	fe = g_hash_table_lookup(g->frontends, token + strlen(TOKEN_PREFIX));
	if (!fe || !fe->backend || !g->xs)
		return;
	path = g_strdup_printf("%s/state", fe->backend);
	fe->inflight++;
	xs_read_async(g->xs, 0, path, on_backend_state, fe);
}

static void on_watch_registered(xs_client_t *c, int err, const char *body, size_t len,
				void *data)
{
	struct frontend *fe = data;

	if (fe_done(fe) && err)
		guest_console_printf(fe->g, "xenbus: %s: cannot watch its backend: %s\n",
				     fe->key, g_strerror(err));
}

static void on_backend_path(xs_client_t *c, int err, const char *body, size_t len,
			    void *data)
{
	struct frontend *fe = data;
	g_autofree char *path = NULL;

	if (!fe_done(fe))
		return;
	if (err || len == 0 || body[0] != '/' || memchr(body, '\0', len) ||
	    len > XENSTORE_ABS_PATH_MAX) {
		guest_console_printf(fe->g, "xenbus: %s: no usable backend path\n", fe->key);
		return;
	}
	fe->backend = g_strndup(body, len);
	path = g_strdup_printf("%s/state", fe->backend);
	fe->watching = true;
	fe->inflight++;
	/* The first event, right after registration, reads the state. */
	xs_watch_async(c, path, fe->token, on_fe_watch, fe->g, on_watch_registered, fe);
}

static void fe_new(struct guest *g, const char *type, uint32_t devid)
{
	struct frontend *fe = g_new0(struct frontend, 1);
	g_autofree char *path = NULL;

	fe->g = g;
	fe->type = type;
	fe->devid = devid;
	fe->key = g_strdup_printf("%s/%u", type, devid);
	fe->dir = g_strdup_printf("%s/device/%s", g->home, fe->key);
	fe->token = g_strdup_printf(TOKEN_PREFIX "%s", fe->key);
	fe->state = XenbusStateInitialising;
	g_hash_table_insert(g->frontends, fe->key, fe);
	path = g_strdup_printf("%s/backend", fe->dir);
	fe->inflight++;
	xs_read_async(g->xs, 0, path, on_backend_path, fe);
}

static void fe_remove(struct frontend *fe)
{
	struct guest *g = fe->g;

	g_hash_table_remove(g->frontends, fe->key);
	if (fe->watching && g->xs) {
		g_autofree char *path = g_strdup_printf("%s/state", fe->backend);

		xs_unwatch_async(g->xs, path, fe->token, NULL, NULL);
	}
	guest_console_printf(g, "xenbus: %s removed\n", fe->key);
	fe->gone = true;
	if (fe->inflight == 0)
		fe_free(fe);
	else
		g_ptr_array_add(g->gone, fe);
}

/* ---- discovery: device/TYPE/ID directories ----------------------------- */

static int type_index(const char *type, size_t len)
{
	for (size_t i = 0; i < G_N_ELEMENTS(fe_types); i++)
		if (strlen(fe_types[i]) == len && memcmp(fe_types[i], type, len) == 0)
			return (int)i;
	return -1;
}

/* A device id: decimal, no sign, no leading zero, fits 32 bits. */
static bool parse_devid(const char *s, size_t len, uint32_t *out)
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

static void scan_type(struct guest *g, int t);

struct fe_list_walk {
	const char *type;
	GHashTable *seen;
	GPtrArray *removed;
};

static void collect_removed(gpointer key, gpointer value, gpointer data)
{
	struct frontend *fe = value;
	struct fe_list_walk *w = data;

	if (fe->type == w->type && !g_hash_table_contains(w->seen, fe->key))
		g_ptr_array_add(w->removed, fe);
}

static void on_scan(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct scan_slot *slot = data;
	struct guest *g = slot->g;
	const char *type = fe_types[slot->type];
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal,
							   g_free, NULL);
	g_autoptr(GPtrArray) removed = g_ptr_array_new();
	struct fe_list_walk w = { type, seen, removed };
	size_t off = 0;

	if (err && err != ENOENT) {
		guest_console_printf(g, "xenbus: cannot list device/%s: %s\n", type,
				     g_strerror(err));
	}
	while (!err && off < len) {
		size_t n = strnlen(body + off, len - off);
		uint32_t devid;

		if (parse_devid(body + off, n, &devid)) {
			char *key = g_strdup_printf("%s/%u", type, devid);

			if (!g_hash_table_contains(g->frontends, key))
				fe_new(g, type, devid);
			g_hash_table_add(seen, key);
		}
		off += n + 1;
	}
	g_hash_table_foreach(g->frontends, collect_removed, &w);
	for (guint i = 0; i < removed->len; i++)
		fe_remove(removed->pdata[i]);
	slot->busy = false;
	if (slot->again) {
		slot->again = false;
		scan_type(g, slot->type);
	}
}

/* One listing of device/TYPE at a time; changes meanwhile list again. */
static void scan_type(struct guest *g, int t)
{
	struct scan_slot *slot = &g->scans[t];
	g_autofree char *path = g_strdup_printf("%s/device/%s", g->home, fe_types[t]);

	if (!g->xs)
		return;
	if (slot->busy) {
		slot->again = true;
		return;
	}
	slot->g = g;
	slot->type = t;
	slot->busy = true;
	xs_directory_async(g->xs, 0, path, on_scan, slot);
}

/* path: HOME/device[/TYPE[/ID[/...]]]. A change of device/ or
 * device/TYPE, the removal of a device's directory (an event for exactly
 * device/TYPE/ID of a known device) or anything under a device not known
 * yet makes the kernel list device/TYPE. */
void guest_frontends_device_event(struct guest *g, const char *path)
{
	g_autofree char *prefix = g_strdup_printf("%s/device", g->home);
	const char *rest, *slash, *id;
	uint32_t devid;
	int t;

	if (g->suspended || !g_str_has_prefix(path, prefix))
		return;
	rest = path + strlen(prefix);
	if (*rest == '\0') {
		for (size_t i = 0; i < G_N_ELEMENTS(fe_types); i++)
			scan_type(g, (int)i);
		return;
	}
	if (*rest++ != '/')
		return;
	slash = strchr(rest, '/');
	t = type_index(rest, slash ? (size_t)(slash - rest) : strlen(rest));
	if (t < 0)
		return;
	if (!slash) {
		scan_type(g, t);
		return;
	}
	id = slash + 1;
	slash = strchr(id, '/');
	if (!parse_devid(id, slash ? (size_t)(slash - id) : strlen(id), &devid))
		return;
	{
		g_autofree char *key = g_strdup_printf("%s/%u", fe_types[t], devid);

		if (!slash || !g_hash_table_contains(g->frontends, key))
			scan_type(g, t);
	}
}

/* ---- simulated activity ----------------------------------------------- */

/* A second of a busy guest: some disk I/O, some traffic. */
void guest_frontends_tick(struct guest *g)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, g->frontends);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct frontend *fe = value;

		if (fe->state != XenbusStateConnected)
			continue;
		if (strcmp(fe->type, "vbd") == 0) {
			backend_io(g->env.domid, "vbd", fe->devid, BACKEND_IO_READ, 2, 2 * 4096);
			backend_io(g->env.domid, "vbd", fe->devid, BACKEND_IO_WRITE, 1, 4096);
		} else if (strcmp(fe->type, "vif") == 0) {
			backend_io(g->env.domid, "vif", fe->devid, BACKEND_IO_TX, 4, 4 * 1514);
			backend_io(g->env.domid, "vif", fe->devid, BACKEND_IO_RX, 4, 4 * 1514);
		}
	}
}

/* Only once g->xs is gone: no callback can come back. */
void guest_frontends_free(struct guest *g)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, g->frontends);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		g_hash_table_iter_steal(&it);
		fe_free(value);
	}
	for (guint i = 0; i < g->gone->len; i++)
		fe_free(g->gone->pdata[i]);
	g_ptr_array_set_size(g->gone, 0);
	for (size_t i = 0; i < G_N_ELEMENTS(g->scans); i++)
		g->scans[i].busy = g->scans[i].again = false;
}
