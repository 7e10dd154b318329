/* Helpers shared by the xs_client tests: collecting replies and events,
 * running the main loop until something happened. */
#ifndef XSCLIENT_TEST_UTIL_H
#define XSCLIENT_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>
#include "xvm/xs_client.h"

struct reply {
	bool done;
	unsigned int calls;      /* must end as 1 */
	int err;
	char *body;
	size_t len;
};

/* An xs_reply_cb filling struct reply *data. */
void reply_cb(xs_client_t *c, int err, const char *body, size_t len, void *data);
void reply_clear(struct reply *r);

struct events {
	GPtrArray *paths;        /* char *, in order */
	GPtrArray *tokens;
};
void events_init(struct events *e);
void events_clear(struct events *e);
/* An xs_watch_cb appending to struct events *data. */
void events_cb(xs_client_t *c, const char *path, const char *token, void *data);

/* Iterates the default main context until *flag (10 s at most: then the
 * test fails). */
void run_until(const bool *flag);
/* Until n events arrived. */
void run_until_events(const struct events *e, unsigned int n);
/* Dispatches what is ready now, for about ms milliseconds. */
void run_for(unsigned int ms);

/* A reply, checked: err 0 and the body. */
#define assert_reply_ok(r, expect) do {                                  \
		g_assert_true((r)->done);                                \
		g_assert_cmpuint((r)->calls, ==, 1);                     \
		g_assert_cmpint((r)->err, ==, 0);                        \
		if ((expect) != NULL)                                    \
			g_assert_cmpstr((r)->body, ==, (expect));        \
	} while (0)

#define assert_reply_err(r, e) do {                                      \
		g_assert_true((r)->done);                                \
		g_assert_cmpuint((r)->calls, ==, 1);                     \
		g_assert_cmpint((r)->err, ==, (e));                      \
		g_assert_null((r)->body);                                \
	} while (0)

#endif
