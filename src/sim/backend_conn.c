/* The backends' connection to xenstored (backend.h): made lazily,
 * retried every second until xenstored answers, made again when lost.
 * Its watches on backend/vbd and backend/vif drive everything else. */
#include <glib/gi18n.h>
#include <string.h>

#include "backend.h"
#include "backend_priv.h"

#define RETRY_S 1
#define BACKEND_ROOT "/local/domain/0/backend/"

struct backends *backends;

static void connect_now(void);

static gboolean on_retry(gpointer data)
{
	backends->retry = 0;
	connect_now();
	return G_SOURCE_REMOVE;
}

static void schedule_retry(void)
{
	if (!backends->retry)
		backends->retry = g_timeout_add_seconds(RETRY_S, on_retry, NULL);
}

static gboolean free_client_idle(gpointer data)
{
	xs_client_free(data);
	return G_SOURCE_REMOVE;
}

static void on_closed(xs_client_t *c, void *data)
{
	g_warning(_("backends: connection to xenstored lost, reconnecting"));
	/* Freed outside its own callback chain. */
	g_idle_add(free_client_idle, c);
	backends->xs = NULL;
	backend_devices_reset();
	schedule_retry();
}

static void on_watch(xs_client_t *c, const char *path, const char *token, void *data)
{
	if (g_str_has_prefix(token, "fe:"))
		backend_frontend_event(token);
	else
		backend_event(path);
}

static void on_watch_reply(xs_client_t *c, int err, const char *body, size_t len,
			   void *data)
{
	if (err)
		g_warning(_("backends: cannot watch %s: %s"), (const char *)data,
			  g_strerror(err));
}

static void connect_now(void)
{
	static const char *const roots[] = { BACKEND_ROOT "vbd", BACKEND_ROOT "vif" };
	g_autoptr(GError) err = NULL;

	backends->xs = xs_client_open_socket(backends->xenstored_path, NULL, &err);
	if (!backends->xs) {
		if (!backends->warned)
			g_message(_("backends: xenstored not reachable yet (%s), retrying"),
				  err->message);
		backends->warned = true;
		schedule_retry();
		return;
	}
	backends->warned = false;
	xs_client_set_closed_cb(backends->xs, on_closed, NULL);
	/* Each watch fires once at registration: a full scan. */
	for (size_t i = 0; i < G_N_ELEMENTS(roots); i++)
		xs_watch_async(backends->xs, roots[i], "backend", on_watch, NULL,
			       on_watch_reply, (void *)roots[i]);
}

void *backend_track(void *p, GDestroyNotify free_fn)
{
	g_hash_table_insert(backends->inflight, p, free_fn);
	return p;
}

void backend_untrack(void *p)
{
	g_hash_table_remove(backends->inflight, p);
}

static void free_inflight(gpointer key, gpointer value, gpointer data)
{
	((GDestroyNotify)value)(key);
}

void backends_start(const char *xenstored_path, const char *run_dir)
{
	g_return_if_fail(backends == NULL);
	backends = g_new0(struct backends, 1);
	backends->xenstored_path = g_strdup(xenstored_path);
	backends->run_dir = g_strdup(run_dir);
	backends->next_gen = 1;
	backends->devs = g_hash_table_new(g_str_hash, g_str_equal);
	backends->inflight = g_hash_table_new(NULL, NULL);
	connect_now();
}

void backends_stop(void)
{
	if (!backends)
		return;
	if (backends->retry)
		g_source_remove(backends->retry);
	backend_stats_stop();
	g_clear_pointer(&backends->xs, xs_client_free);
	/* The client dropped the callbacks still pending. */
	g_hash_table_foreach(backends->inflight, free_inflight, NULL);
	g_hash_table_destroy(backends->inflight);
	backend_devs_free();
	g_hash_table_destroy(backends->devs);
	g_free(backends->xenstored_path);
	g_free(backends->run_dir);
	g_clear_pointer(&backends, g_free);
}
