/* xs_client over xenstored's unix socket, against our xenstored (a
 * private one per test, see daemon.h). */
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "daemon.h"
#include "util.h"

struct fixture {
	struct test_daemon d;
	xs_client_t *c;
	unsigned int closed;
};

static void closed_cb(xs_client_t *c, void *data)
{
	struct fixture *f = data;

	f->closed++;
}

static void setup(struct fixture *f, gconstpointer arg)
{
	g_autoptr(GError) err = NULL;

	memset(f, 0, sizeof(*f));
	test_daemon_start(&f->d, NULL);
	f->c = xs_client_open_socket(f->d.socket, NULL, &err);
	g_assert_no_error(err);
	g_assert_nonnull(f->c);
	xs_client_set_closed_cb(f->c, closed_cb, f);
}

static void teardown(struct fixture *f, gconstpointer arg)
{
	xs_client_free(f->c);
	if (f->d.pid > 0)
		test_daemon_stop(&f->d);
	test_daemon_cleanup(&f->d);
	g_assert_cmpuint(f->closed, ==, 0);
}

/* One request, run to its reply. */
#define CALL(r, expr) do { reply_clear(r); expr; run_until(&(r)->done); } while (0)

static void test_async_requests(struct fixture *f, gconstpointer arg)
{
	xs_client_t *c = f->c;
	struct reply r = { 0 };
	const char *perms[] = { "n0", "r5" };
	const char *one[1];
	uint32_t tx;

	CALL(&r, xs_write_async(c, 0, "/t/a", "va\0lue", 6, reply_cb, &r));
	assert_reply_ok(&r, "OK");
	CALL(&r, xs_read_async(c, 0, "/t/a", reply_cb, &r));
	assert_reply_ok(&r, NULL);
	g_assert_cmpuint(r.len, ==, 6);
	g_assert_cmpmem(r.body, r.len, "va\0lue", 6);
	CALL(&r, xs_mkdir_async(c, 0, "/t/d", reply_cb, &r));
	assert_reply_ok(&r, "OK");
	CALL(&r, xs_directory_async(c, 0, "/t", reply_cb, &r));
	assert_reply_ok(&r, NULL);
	g_assert_cmpmem(r.body, r.len, "a\0d\0", 4);
	CALL(&r, xs_set_perms_async(c, 0, "/t/a", perms, 2, reply_cb, &r));
	assert_reply_ok(&r, "OK");
	one[0] = "/t/a";
	CALL(&r, xs_request(c, XS_GET_PERMS, 0, one, 1, true, reply_cb, &r));
	assert_reply_ok(&r, NULL);
	g_assert_cmpmem(r.body, r.len, "n0\0r5\0", 6);
	CALL(&r, xs_rm_async(c, 0, "/t/a", reply_cb, &r));
	assert_reply_ok(&r, "OK");
	CALL(&r, xs_read_async(c, 0, "/t/a", reply_cb, &r));
	assert_reply_err(&r, ENOENT);

	CALL(&r, xs_transaction_start_async(c, reply_cb, &r));
	assert_reply_ok(&r, NULL);
	tx = (uint32_t)g_ascii_strtoull(r.body, NULL, 10);
	g_assert_cmpuint(tx, !=, 0);
	CALL(&r, xs_write_async(c, tx, "/t/in-tx", "1", 1, reply_cb, &r));
	assert_reply_ok(&r, "OK");
	CALL(&r, xs_transaction_end_async(c, tx, true, reply_cb, &r));
	assert_reply_ok(&r, "OK");
	CALL(&r, xs_read_async(c, 0, "/t/in-tx", reply_cb, &r));
	assert_reply_ok(&r, "1");
	/* An aborted transaction leaves nothing. */
	CALL(&r, xs_transaction_start_async(c, reply_cb, &r));
	tx = (uint32_t)g_ascii_strtoull(r.body, NULL, 10);
	CALL(&r, xs_write_async(c, tx, "/t/aborted", "1", 1, reply_cb, &r));
	CALL(&r, xs_transaction_end_async(c, tx, false, reply_cb, &r));
	assert_reply_ok(&r, "OK");
	CALL(&r, xs_read_async(c, 0, "/t/aborted", reply_cb, &r));
	assert_reply_err(&r, ENOENT);

	one[0] = "7";
	CALL(&r, xs_request(c, XS_GET_DOMAIN_PATH, 0, one, 1, true, reply_cb, &r));
	assert_reply_ok(&r, "/local/domain/7");
	CALL(&r, xs_request(c, XS_IS_DOMAIN_INTRODUCED, 0, one, 1, true, reply_cb, &r));
	assert_reply_ok(&r, "F");
	one[0] = "check";
	CALL(&r, xs_request(c, XS_CONTROL, 0, one, 1, true, reply_cb, &r));
	assert_reply_ok(&r, "OK");
	CALL(&r, xs_request(c, XS_RESET_WATCHES, 0, NULL, 0, true, reply_cb, &r));
	assert_reply_ok(&r, "OK");
	reply_clear(&r);
}

static void test_sync_requests(struct fixture *f, gconstpointer arg)
{
	xs_client_t *c = f->c;
	g_autoptr(GError) err = NULL;
	const char *perms[] = { "n0", "r3" };
	g_autofree char *v = NULL, *dp = NULL;
	g_auto(GStrv) names = NULL;
	size_t len;
	uint32_t tx;

	g_assert_true(xs_write(c, 0, "/s/a", "value", &err));
	g_assert_no_error(err);
	v = xs_read(c, 0, "/s/a", &len, &err);
	g_assert_no_error(err);
	g_assert_cmpstr(v, ==, "value");
	g_assert_cmpuint(len, ==, 5);
	g_assert_true(xs_mkdir(c, 0, "/s/b", &err));
	names = xs_directory(c, 0, "/s", &err);
	g_assert_no_error(err);
	g_assert_cmpuint(g_strv_length(names), ==, 2);
	g_assert_cmpstr(names[0], ==, "a");
	g_assert_cmpstr(names[1], ==, "b");
	g_assert_true(xs_set_perms(c, 0, "/s/a", perms, 2, &err));
	g_assert_no_error(err);
	g_assert_true(xs_rm(c, 0, "/s/b", &err));
	g_assert_no_error(err);
	g_assert_false(xs_rm(c, 0, "/s/b/c", &err));
	g_assert_error(err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
	g_assert_nonnull(strstr(err->message, "/s/b/c"));
	g_clear_error(&err);

	g_assert_true(xs_transaction_start(c, &tx, &err));
	g_assert_no_error(err);
	g_assert_true(xs_write(c, tx, "/s/tx", "x", &err));
	g_assert_true(xs_transaction_end(c, tx, true, &err));
	g_assert_no_error(err);
	g_free(v);
	v = xs_read(c, 0, "/s/tx", NULL, &err);
	g_assert_cmpstr(v, ==, "x");

	dp = xs_get_domain_path(c, 3, &err);
	g_assert_no_error(err);
	g_assert_cmpstr(dp, ==, "/local/domain/3");
	/* No hypervisor behind this daemon: INTRODUCE is not supported. */
	g_assert_false(xs_introduce(c, 3, 1234, 5, &err));
	g_assert_error(err, G_IO_ERROR, (int)g_io_error_from_errno(ENOSYS));
	g_clear_error(&err);
	g_assert_false(xs_release(c, 3, &err));
	g_assert_nonnull(err);
	g_assert_nonnull(strstr(err->message, "3"));
	g_clear_error(&err);
	/* Bad arguments are the daemon's to refuse. */
	g_assert_false(xs_introduce(c, 3, 1234, 0, &err));
	g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

#define PIPELINE 1000

struct pipeline {
	unsigned int next;       /* the callback expected next */
	unsigned int errors;
	char **values;
};

struct pipe_req {
	struct pipeline *p;
	unsigned int i;
	bool read;
};

static void pipe_cb(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct pipe_req *q = data;
	unsigned int expect = q->read ? PIPELINE + q->i : q->i;

	if (err || q->p->next != expect)
		q->p->errors++;
	if (!err && q->read && strcmp(body, q->p->values[q->i]))
		q->p->errors++;
	q->p->next++;
}

static void test_pipeline(struct fixture *f, gconstpointer arg)
{
	struct pipeline p = { 0 };
	struct pipe_req reqs[2 * PIPELINE];
	char path[64];

	p.values = g_new0(char *, PIPELINE + 1);
	/* All queued before the loop runs: 2000 requests in flight. */
	for (unsigned int i = 0; i < PIPELINE; i++) {
		p.values[i] = g_strdup_printf("value-%u-%s", i, i % 7 ? "" : "longer");
		snprintf(path, sizeof(path), "/pipe/n%u", i);
		reqs[i] = (struct pipe_req){ &p, i, false };
		xs_write_async(f->c, 0, path, p.values[i], strlen(p.values[i]),
			       pipe_cb, &reqs[i]);
	}
	for (unsigned int i = 0; i < PIPELINE; i++) {
		snprintf(path, sizeof(path), "/pipe/n%u", i);
		reqs[PIPELINE + i] = (struct pipe_req){ &p, i, true };
		xs_read_async(f->c, 0, path, pipe_cb, &reqs[PIPELINE + i]);
	}
	while (p.next < 2 * PIPELINE)
		g_main_context_iteration(NULL, TRUE);
	g_assert_cmpuint(p.errors, ==, 0);
	g_assert_cmpuint(p.next, ==, 2 * PIPELINE);
	g_strfreev(p.values);
}

static void test_watches(struct fixture *f, gconstpointer arg)
{
	xs_client_t *c = f->c;
	struct events e;
	struct reply r = { 0 };
	g_autoptr(GError) err = NULL;

	events_init(&e);
	g_assert_true(xs_write(c, 0, "/w/a", "", &err));
	CALL(&r, xs_watch_async(c, "/w/a", "abs", events_cb, &e, reply_cb, &r));
	assert_reply_ok(&r, "OK");
	/* The first event comes on registration. */
	run_until_events(&e, 1);
	g_assert_cmpstr(e.paths->pdata[0], ==, "/w/a");
	g_assert_cmpstr(e.tokens->pdata[0], ==, "abs");

	xs_watch_async(c, "rel", "rel-token", events_cb, &e, NULL, NULL);
	run_until_events(&e, 2);
	g_assert_cmpstr(e.paths->pdata[1], ==, "rel");
	g_assert_cmpstr(e.tokens->pdata[1], ==, "rel-token");

	g_assert_true(xs_write(c, 0, "/w/a/b", "1", &err));
	run_until_events(&e, 3);
	g_assert_cmpstr(e.paths->pdata[2], ==, "/w/a/b");
	g_assert_true(xs_write(c, 0, "/local/domain/0/rel/x", "1", &err));
	run_until_events(&e, 4);
	g_assert_cmpstr(e.paths->pdata[3], ==, "rel/x");
	g_assert_cmpstr(e.tokens->pdata[3], ==, "rel-token");

	/* After unwatch, nothing for that token; the other still fires. */
	CALL(&r, xs_unwatch_async(c, "/w/a", "abs", reply_cb, &r));
	assert_reply_ok(&r, "OK");
	g_assert_true(xs_write(c, 0, "/w/a/c", "1", &err));
	g_assert_true(xs_write(c, 0, "/local/domain/0/rel/y", "1", &err));
	run_until_events(&e, 5);
	g_assert_cmpstr(e.paths->pdata[4], ==, "rel/y");
	run_for(50);
	g_assert_cmpuint(e.paths->len, ==, 5);

	/* A refused registration leaves no watch behind. */
	CALL(&r, xs_watch_async(c, "bad path", "bad", events_cb, &e, reply_cb, &r));
	assert_reply_err(&r, EINVAL);
	CALL(&r, xs_watch_async(c, "rel", "rel-token", events_cb, &e, reply_cb, &r));
	assert_reply_err(&r, EEXIST);
	/* ... and the first registration of that token still works. */
	g_assert_true(xs_write(c, 0, "/local/domain/0/rel/z", "1", &err));
	run_until_events(&e, 6);
	g_assert_cmpstr(e.paths->pdata[5], ==, "rel/z");
	reply_clear(&r);
	events_clear(&e);
}

static void test_transaction_conflict(struct fixture *f, gconstpointer arg)
{
	xs_client_t *c = f->c;
	g_autoptr(GError) err = NULL;
	g_autofree char *v = NULL;
	struct reply r = { 0 };
	uint32_t tx;

	g_assert_true(xs_write(c, 0, "/tc/n", "0", &err));

	/* Async: the node read in the transaction changes outside it. */
	CALL(&r, xs_transaction_start_async(c, reply_cb, &r));
	tx = (uint32_t)g_ascii_strtoull(r.body, NULL, 10);
	CALL(&r, xs_read_async(c, tx, "/tc/n", reply_cb, &r));
	assert_reply_ok(&r, "0");
	g_assert_true(xs_write(c, 0, "/tc/n", "outside", &err));
	CALL(&r, xs_write_async(c, tx, "/tc/n", "inside", 6, reply_cb, &r));
	CALL(&r, xs_transaction_end_async(c, tx, true, reply_cb, &r));
	assert_reply_err(&r, EAGAIN);

	/* Sync: the same, as G_IO_ERROR_WOULD_BLOCK. */
	g_assert_true(xs_transaction_start(c, &tx, &err));
	v = xs_read(c, tx, "/tc/n", NULL, &err);
	g_assert_cmpstr(v, ==, "outside");
	g_assert_true(xs_write(c, 0, "/tc/n", "again", &err));
	g_assert_true(xs_write(c, tx, "/tc/n", "inside", &err));
	g_assert_false(xs_transaction_end(c, tx, true, &err));
	g_assert_error(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
	g_clear_error(&err);
	g_free(v);
	v = xs_read(c, 0, "/tc/n", NULL, &err);
	g_assert_cmpstr(v, ==, "again");
	/* An ended transaction is gone. */
	g_assert_false(xs_write(c, tx, "/tc/n", "late", &err));
	g_assert_error(err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
	reply_clear(&r);
}

static void test_errors(struct fixture *f, gconstpointer arg)
{
	xs_client_t *c = f->c;
	g_autoptr(GError) err = NULL;
	g_autofree char *big = g_malloc(5000);
	struct reply r = { 0 };
	char name[128];

	CALL(&r, xs_read_async(c, 0, "/missing", reply_cb, &r));
	assert_reply_err(&r, ENOENT);
	CALL(&r, xs_read_async(c, 0, "/bad path", reply_cb, &r));
	assert_reply_err(&r, EINVAL);
	CALL(&r, xs_write_async(c, 0, "/e/n", "x", 1, reply_cb, &r));
	CALL(&r, xs_mkdir_async(c, 0, "/e/n/../x", reply_cb, &r));
	assert_reply_err(&r, EINVAL);
	CALL(&r, xs_transaction_end_async(c, 424242, true, reply_cb, &r));
	assert_reply_err(&r, ENOENT);
	/* A directory listing longer than a payload. */
	for (int i = 0; i < 40; i++) {
		memset(name, 'x', sizeof(name));
		snprintf(name, sizeof(name), "/e/big/%03d", i);
		name[strlen(name)] = 'x';
		name[120] = '\0';
		g_assert_true(xs_write(c, 0, name, "", &err));
		g_assert_no_error(err);
	}
	CALL(&r, xs_directory_async(c, 0, "/e/big", reply_cb, &r));
	assert_reply_err(&r, E2BIG);
	g_assert_null(xs_directory(c, 0, "/e/big", &err));
	g_assert_error(err, G_IO_ERROR, (int)g_io_error_from_errno(E2BIG));
	g_clear_error(&err);
	/* A request longer than a payload is refused here, not sent (the
	 * daemon would drop the connection), and never re-entrantly. */
	memset(big, 'v', 5000);
	reply_clear(&r);
	xs_write_async(c, 0, "/e/big-value", big, 5000, reply_cb, &r);
	g_assert_false(r.done);
	run_until(&r.done);
	assert_reply_err(&r, E2BIG);
	big[4999] = '\0';
	g_assert_false(xs_write(c, 0, "/e/big-value", big, &err));
	g_assert_error(err, G_IO_ERROR, (int)g_io_error_from_errno(E2BIG));
	g_clear_error(&err);
	/* The connection is still good. */
	CALL(&r, xs_read_async(c, 0, "/e/n", reply_cb, &r));
	assert_reply_ok(&r, "x");
	/* Not privileged enough is EACCES: dom0's socket is all-powerful, so
	 * that mapping is tested on a ring (test_ring.c). An unsupported
	 * request is ENOSYS. */
	CALL(&r, xs_request(c, XS_TYPE_COUNT + 5, 0, NULL, 0, true, reply_cb, &r));
	assert_reply_err(&r, ENOSYS);
	reply_clear(&r);
}

static void test_killed(struct fixture *f, gconstpointer arg)
{
	struct reply r[5] = { 0 }, late = { 0 };
	g_autoptr(GError) err = NULL;
	struct events e;

	events_init(&e);
	xs_watch_async(f->c, "/k", "k", events_cb, &e, reply_cb, &r[0]);
	run_until_events(&e, 1);
	/* Stopped, the daemon takes the requests but cannot answer. */
	g_assert_cmpint(kill(f->d.pid, SIGSTOP), ==, 0);
	for (int i = 0; i < 5; i++) {
		reply_clear(&r[i]);
		xs_read_async(f->c, 0, "/k", reply_cb, &r[i]);
	}
	run_for(100);
	for (int i = 0; i < 5; i++)
		g_assert_false(r[i].done);
	test_daemon_kill(&f->d);
	run_until(&r[4].done);
	for (int i = 0; i < 5; i++)
		assert_reply_err(&r[i], EIO);
	run_for(20);
	g_assert_cmpuint(f->closed, ==, 1);
	/* Later requests: EIO from the main loop, not from the call. */
	xs_read_async(f->c, 0, "/k", reply_cb, &late);
	g_assert_false(late.done);
	run_until(&late.done);
	assert_reply_err(&late, EIO);
	g_assert_null(xs_read(f->c, 0, "/k", NULL, &err));
	g_assert_error(err, G_IO_ERROR, (int)g_io_error_from_errno(EIO));
	g_assert_cmpuint(f->closed, ==, 1);
	f->closed = 0;
	for (int i = 0; i < 5; i++)
		reply_clear(&r[i]);
	reply_clear(&late);
	events_clear(&e);
}

/* Nothing of the user's runs inside a sync call: replies to earlier
 * async requests and watch events wait for the main loop, in order. */
static void test_sync_defers(struct fixture *f, gconstpointer arg)
{
	xs_client_t *c = f->c;
	g_autoptr(GError) err = NULL;
	struct reply r = { 0 };
	struct events e;

	events_init(&e);
	g_assert_true(xs_write(c, 0, "/sd", "", &err));
	xs_watch_async(c, "/sd", "sd", events_cb, &e, NULL, NULL);
	run_until_events(&e, 1);
	xs_read_async(c, 0, "/sd", reply_cb, &r);
	g_assert_true(xs_write(c, 0, "/sd/x", "1", &err));
	g_assert_no_error(err);
	/* Read the reply to the write, hence the event before it too. */
	g_assert_false(r.done);
	g_assert_cmpuint(e.paths->len, ==, 1);
	run_until_events(&e, 2);
	assert_reply_ok(&r, "");
	g_assert_cmpstr(e.paths->pdata[1], ==, "/sd/x");
	reply_clear(&r);
	events_clear(&e);
}

struct freer {
	struct fixture *f;
	unsigned int calls;
};

static void free_cb(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct freer *fr = data;

	fr->calls++;
	xs_client_free(c);
	fr->f->c = NULL;
}

static void test_free_in_callback(struct fixture *f, gconstpointer arg)
{
	struct freer fr = { f, 0 };
	struct reply others[3] = { 0 };

	xs_read_async(f->c, 0, "/", free_cb, &fr);
	for (int i = 0; i < 3; i++)
		xs_read_async(f->c, 0, "/", reply_cb, &others[i]);
	while (!fr.calls)
		g_main_context_iteration(NULL, TRUE);
	run_for(50);
	g_assert_cmpuint(fr.calls, ==, 1);
	for (int i = 0; i < 3; i++)
		g_assert_false(others[i].done);
}

static void test_connect_fails(void)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *dir = g_dir_make_tmp("xsclient-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "nothing", NULL);
	g_autofree char *longpath = g_strnfill(200, 'x');

	g_assert_null(xs_client_open_socket(path, NULL, &err));
	g_assert_error(err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
	g_assert_nonnull(strstr(err->message, path));
	g_clear_error(&err);
	g_assert_null(xs_client_open_socket(longpath, NULL, &err));
	g_assert_nonnull(err);
	g_rmdir(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(name, fn) g_test_add("/xsclient/socket/" name, struct fixture, NULL, \
				 setup, fn, teardown)
	ADD("async-requests", test_async_requests);
	ADD("sync-requests", test_sync_requests);
	ADD("pipeline", test_pipeline);
	ADD("watches", test_watches);
	ADD("transaction-conflict", test_transaction_conflict);
	ADD("errors", test_errors);
	ADD("killed", test_killed);
	ADD("sync-defers", test_sync_defers);
	ADD("free-in-callback", test_free_in_callback);
	g_test_add_func("/xsclient/socket/connect-fails", test_connect_fails);
	return g_test_run();
}
