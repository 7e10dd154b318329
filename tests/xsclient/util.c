/* See util.h. */
#include "util.h"

#include <string.h>

void reply_cb(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct reply *r = data;

	r->calls++;
	r->done = true;
	r->err = err;
	g_free(r->body);
	r->body = NULL;
	if (err) {
		g_assert_null(body);
	} else {
		g_assert_nonnull(body);
		g_assert_cmpint(body[len], ==, '\0');
		r->body = g_memdup2(body, len + 1);
	}
	r->len = len;
}

void reply_clear(struct reply *r)
{
	g_free(r->body);
	memset(r, 0, sizeof(*r));
}

void events_init(struct events *e)
{
	e->paths = g_ptr_array_new_with_free_func(g_free);
	e->tokens = g_ptr_array_new_with_free_func(g_free);
}

void events_clear(struct events *e)
{
	g_ptr_array_unref(e->paths);
	g_ptr_array_unref(e->tokens);
}

void events_cb(xs_client_t *c, const char *path, const char *token, void *data)
{
	struct events *e = data;

	g_ptr_array_add(e->paths, g_strdup(path));
	g_ptr_array_add(e->tokens, g_strdup(token));
}

static gboolean timeout_cb(gpointer data)
{
	*(bool *)data = true;
	return G_SOURCE_REMOVE;
}

void run_until(const bool *flag)
{
	bool expired = false;
	guint t = g_timeout_add_seconds(10, timeout_cb, &expired);

	while (!*flag && !expired)
		g_main_context_iteration(NULL, TRUE);
	g_assert_false(expired);
	g_source_remove(t);
}

void run_until_events(const struct events *e, unsigned int n)
{
	bool expired = false;
	guint t = g_timeout_add_seconds(10, timeout_cb, &expired);

	while (e->paths->len < n && !expired)
		g_main_context_iteration(NULL, TRUE);
	g_assert_false(expired);
	g_source_remove(t);
}

void run_for(unsigned int ms)
{
	bool expired = false;
	guint t = g_timeout_add(ms, timeout_cb, &expired);

	while (!expired)
		g_main_context_iteration(NULL, TRUE);
	(void)t;
}
