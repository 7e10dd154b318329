/* The RPC server library in-process, with a test program whose
 * procedures exercise what the connection procedures cannot: read-only
 * denial, slow calls on workers (and clients that die during one),
 * priority workers, handler errors, streams and events. The server runs
 * on its own thread and GMainContext; the test speaks raw frames. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "error.h"
#include "request.h"
#include "server.h"
#include "stream.h"
#include "wire.h"

#define TEST_PROGRAM 0x78766d74
#define TEST_VERSION 1

enum {
	PROC_WRITE = 1,        /* read-write only */
	PROC_SLOW = 2,         /* sleeps args.feature ms on a worker */
	PROC_PRIORITY = 3,     /* the same on the priority workers */
	PROC_FAIL_DOMAIN = 4,  /* a registered GError domain */
	PROC_FAIL_FOREIGN = 5, /* a GError libvirt does not know */
	PROC_FAIL_SILENT = 6,  /* false without an error */
	PROC_STREAM_ECHO = 7,
	PROC_STREAM_HELLO = 8, /* from a worker; the server sends "hello", ends */
	PROC_EMIT = 9,         /* emits a lifecycle event for args.dom */
	PROC_EMIT_SLOW = 10,   /* the same from a worker thread */
	PROC_STREAM_FLOOD = 11,/* sends until refused, then once writable: "end" */
	PROC_SET_DATA = 12,    /* per-connection data, freed with the client */
	PROC_TRY_LOOP = 13,    /* RPC_PROC_TRY_LOOP: says where it answered;
				  args.feature != 0: defers from the loop */
};

static rpc_server *srv;
static GMainContext *ctx;
static GMainLoop *loop;
static char *rw_path, *ro_path;
/* Stream callbacks seen (loop thread writes, test reads after a sync). */
static int finishes, aborts;
/* Flood streams: refusals seen, bytes queued; data freed. */
static int refusals, data_freed;
static size_t flooded;

/* ---- the test program --------------------------------------------------- */

static bool ok_handler(rpc_request *req, void *args, void *ret, GError **err)
{
	return true;
}

static bool slow_handler(rpc_request *req, void *args_, void *ret_, GError **err)
{
	remote_connect_supports_feature_args *args = args_;
	remote_connect_supports_feature_ret *ret = ret_;

	g_assert_false(g_main_context_is_owner(ctx));
	g_usleep((gulong)args->feature * 1000);
	ret->supported = args->feature;
	return true;
}

#define TEST_ERROR (g_quark_from_static_string("test-error"))

/* On the loop first; deferred, again from the start on a worker, with ret
 * zeroed and what the first try left in it freed (valgrind). */
static bool try_loop(rpc_request *req, void *args_, void *ret_, GError **err)
{
	remote_connect_supports_feature_args *args = args_;
	remote_connect_get_hostname_ret *ret = ret_;
	bool on_loop = g_main_context_is_owner(ctx);

	g_assert_cmpint(rpc_request_on_loop(req), ==, on_loop);
	g_assert_null(ret->hostname);
	ret->hostname = g_strdup(on_loop ? "loop" : "worker");
	if (on_loop && args->feature) {
		/* Left behind for the dispatcher to drop. */
		g_set_error(err, TEST_ERROR, VIR_ERR_INTERNAL_ERROR, "not for the client");
		return rpc_request_defer(req);
	}
	return true;
}

static bool fail_domain(rpc_request *req, void *args, void *ret, GError **err)
{
	g_set_error(err, TEST_ERROR, VIR_ERR_NO_DOMAIN, "Domain not found: %s", "guest");
	return false;
}

static bool fail_foreign(rpc_request *req, void *args, void *ret, GError **err)
{
	g_set_error(err, G_IO_ERROR, G_IO_ERROR_FAILED, "disk on fire");
	return false;
}

static bool fail_silent(rpc_request *req, void *args, void *ret, GError **err)
{
	return false;
}

static void echo_data(rpc_stream *s, const void *buf, size_t len, void *opaque)
{
	g_assert_true(rpc_stream_send(s, buf, len));
}

static void count_finish(rpc_stream *s, void *opaque)
{
	finishes++;
}

static void count_abort(rpc_stream *s, void *opaque)
{
	aborts++;
}

static const rpc_stream_ops echo_ops = {
	.data = echo_data, .finish = count_finish, .abort = count_abort,
};

static bool stream_echo(rpc_request *req, void *args, void *ret, GError **err)
{
	return rpc_request_open_stream(req, &echo_ops, NULL, err) != NULL;
}

static void say_hello(rpc_stream *s, void *opaque)
{
	g_assert_true(g_main_context_is_owner(ctx));
	g_assert_true(rpc_stream_send(s, "hello", 5));
	rpc_stream_finish(s);
}

static const rpc_stream_ops hello_ops = {
	.start = say_hello, .data = echo_data, .finish = count_finish, .abort = count_abort,
};

static bool stream_hello(rpc_request *req, void *args, void *ret, GError **err)
{
	g_assert_false(g_main_context_is_owner(ctx));
	return rpc_request_open_stream(req, &hello_ops, NULL, err) != NULL;
}

#define FLOOD_PIECE (1u << 20)

static void flood(rpc_stream *s, void *opaque)
{
	static uint8_t piece[FLOOD_PIECE];

	/* Queue until the server refuses: the client reads nothing yet. */
	while (rpc_stream_send(s, piece, sizeof(piece)))
		flooded += sizeof(piece);
	refusals++;
}

static void flood_writable(rpc_stream *s, void *opaque)
{
	g_assert_true(rpc_stream_send(s, "end", 3));
	flooded += 3;
	rpc_stream_finish(s);
}

static const rpc_stream_ops flood_ops = {
	.start = flood, .data = echo_data, .finish = count_finish, .abort = count_abort,
	.writable = flood_writable,
};

static bool stream_flood(rpc_request *req, void *args, void *ret, GError **err)
{
	return rpc_request_open_stream(req, &flood_ops, NULL, err) != NULL;
}

static void free_data(gpointer data)
{
	g_assert_cmpstr(data, ==, "per-connection");
	data_freed++;
	g_free(data);
}

static bool set_data(rpc_request *req, void *args, void *ret, GError **err)
{
	rpc_client *c = rpc_request_client(req);

	/* Replacing frees the old data. */
	rpc_client_set_data(c, g_strdup("per-connection"), free_data);
	g_assert_cmpstr(rpc_client_get_data(c), ==, "per-connection");
	return true;
}

static bool emit(rpc_request *req, void *args_, void *ret, GError **err)
{
	remote_connect_domain_event_callback_register_any_args *args = args_;
	remote_domain_event_callback_lifecycle_msg msg = { 0 };

	msg.msg.dom = *args->dom;
	msg.msg.event = args->eventID;
	msg.msg.detail = 7;
	msg.callbackID = 12345;   /* the server puts each registration's */
	return rpc_server_emit_domain_event(rpc_request_server(req), VIR_DOMAIN_EVENT_ID_LIFECYCLE,
					    (unsigned char *)args->dom->uuid,
					    REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
					    (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg,
					    &msg, err);
}

#define FEATURE_ARGS RPC_XDR(remote_connect_supports_feature_args)
#define FEATURE_RET RPC_XDR(remote_connect_supports_feature_ret)
#define RO RPC_PROC_READONLY_OK
#define CONN RPC_PROC_NEEDS_CONN

static const rpc_procedure test_procs[] = {
	{ PROC_WRITE, "testWrite", RPC_XDR_NONE, RPC_XDR_NONE, ok_handler, CONN },
	{ PROC_SLOW, "testSlow", FEATURE_ARGS, FEATURE_RET, slow_handler,
	  RO | CONN | RPC_PROC_SLOW },
	{ PROC_PRIORITY, "testPriority", FEATURE_ARGS, FEATURE_RET, slow_handler,
	  RO | CONN | RPC_PROC_SLOW | RPC_PROC_PRIORITY },
	{ PROC_FAIL_DOMAIN, "testFailDomain", RPC_XDR_NONE, RPC_XDR_NONE, fail_domain, RO },
	{ PROC_FAIL_FOREIGN, "testFailForeign", RPC_XDR_NONE, RPC_XDR_NONE, fail_foreign, RO },
	{ PROC_FAIL_SILENT, "testFailSilent", RPC_XDR_NONE, RPC_XDR_NONE, fail_silent,
	  RO | RPC_PROC_SLOW },
	{ PROC_STREAM_ECHO, "testStreamEcho", RPC_XDR_NONE, RPC_XDR_NONE, stream_echo, RO | CONN },
	{ PROC_STREAM_HELLO, "testStreamHello", RPC_XDR_NONE, RPC_XDR_NONE, stream_hello,
	  RO | CONN | RPC_PROC_SLOW },
	{ PROC_EMIT, "testEmit",
	  RPC_XDR(remote_connect_domain_event_callback_register_any_args), RPC_XDR_NONE,
	  emit, RO | CONN },
	{ PROC_EMIT_SLOW, "testEmitSlow",
	  RPC_XDR(remote_connect_domain_event_callback_register_any_args), RPC_XDR_NONE,
	  emit, RO | CONN | RPC_PROC_SLOW },
	{ PROC_STREAM_FLOOD, "testStreamFlood", RPC_XDR_NONE, RPC_XDR_NONE, stream_flood,
	  RO | CONN },
	{ PROC_SET_DATA, "testSetData", RPC_XDR_NONE, RPC_XDR_NONE, set_data, RO },
	{ PROC_TRY_LOOP, "testTryLoop", FEATURE_ARGS, RPC_XDR(remote_connect_get_hostname_ret),
	  try_loop, RO | CONN | RPC_PROC_SLOW | RPC_PROC_PRIORITY | RPC_PROC_TRY_LOOP },
};

/* TRY_LOOP needs SLOW (somewhere to defer to): refused at registration. */
static const rpc_procedure bad_procs[] = {
	{ 99, "testBad", RPC_XDR_NONE, RPC_XDR_NONE, ok_handler, RO | RPC_PROC_TRY_LOOP },
};

/* ---- helpers ------------------------------------------------------------- */

typedef struct {
	GSourceFunc fn;
	gpointer data;
	GMutex lock;
	GCond cond;
	bool done;
} OnLoop;

static gboolean on_loop_cb(gpointer data)
{
	OnLoop *o = data;

	o->fn(o->data);
	g_mutex_lock(&o->lock);
	o->done = true;
	g_cond_signal(&o->cond);
	g_mutex_unlock(&o->lock);
	return G_SOURCE_REMOVE;
}

/* Runs fn(data) on the server's loop and waits for it. */
static void on_loop(GSourceFunc fn, gpointer data)
{
	OnLoop o = { .fn = fn, .data = data };

	g_mutex_init(&o.lock);
	g_cond_init(&o.cond);
	g_main_context_invoke(ctx, on_loop_cb, &o);
	g_mutex_lock(&o.lock);
	while (!o.done)
		g_cond_wait(&o.cond, &o.lock);
	g_mutex_unlock(&o.lock);
	g_mutex_clear(&o.lock);
	g_cond_clear(&o.cond);
}

static gboolean read_count(gpointer out)
{
	*(unsigned int *)out = rpc_server_client_count(srv);
	return G_SOURCE_REMOVE;
}

/* Waits until the server has n clients. */
static void wait_clients(unsigned int n)
{
	unsigned int count = G_MAXUINT;

	for (int i = 0; i < 500; i++) {
		on_loop(read_count, &count);
		if (count == n)
			return;
		g_usleep(10000);
	}
	g_assert_cmpuint(count, ==, n);
}

static void test_call(int fd, int proc, uint32_t serial, xdrproc_t filter, const void *args)
{
	wire_send(fd, TEST_PROGRAM, TEST_VERSION, proc, XVM_NET_CALL, serial, XVM_NET_OK,
		  filter, args);
}

static void slow_call(int fd, int proc, uint32_t serial, int ms)
{
	remote_connect_supports_feature_args a = { ms };

	test_call(fd, proc, serial, (xdrproc_t)xdr_remote_connect_supports_feature_args, &a);
}

/* The reply to a GET_TYPE of serial: "Xen". */
static void expect_type(int fd, uint32_t serial)
{
	remote_connect_get_type_ret r = { 0 };

	wire_expect_ok(fd, serial, (xdrproc_t)xdr_remote_connect_get_type_ret, &r);
	g_assert_cmpstr(r.type, ==, "Xen");
	xdr_free((xdrproc_t)xdr_remote_connect_get_type_ret, (char *)&r);
}

static int opened(const char *path, unsigned int flags)
{
	int fd = wire_connect(path);

	wire_open(fd, "xen:///system", flags, 1);
	return fd;
}

/* ---- tests --------------------------------------------------------------- */

static void test_read_only(void)
{
	int rw = opened(rw_path, 0);
	int ro = opened(ro_path, 0);
	int rw_ro = opened(rw_path, VIR_CONNECT_RO);
	g_autofree char *msg = NULL;

	test_call(rw, PROC_WRITE, 2, NULL, NULL);
	wire_expect_ok(rw, 2, NULL, NULL);
	test_call(ro, PROC_WRITE, 2, NULL, NULL);
	msg = wire_expect_error(ro, 2, VIR_ERR_OPERATION_DENIED);
	g_assert_nonnull(strstr(msg, "read only access prevents testWrite"));
	test_call(rw_ro, PROC_WRITE, 2, NULL, NULL);
	g_free(wire_expect_error(rw_ro, 2, VIR_ERR_OPERATION_DENIED));
	/* Read-only procedures still work there. */
	slow_call(ro, PROC_SLOW, 3, 0);
	wire_expect_ok(ro, 3, (xdrproc_t)xdr_remote_connect_supports_feature_ret,
		       &(remote_connect_supports_feature_ret){ 0 });
	/* CONNECT_CLOSE on the rw socket forgets VIR_CONNECT_RO. */
	wire_call(rw_ro, REMOTE_PROC_CONNECT_CLOSE, 4, NULL, NULL);
	wire_expect_ok(rw_ro, 4, NULL, NULL);
	wire_open(rw_ro, "xen:///system", 0, 5);
	test_call(rw_ro, PROC_WRITE, 6, NULL, NULL);
	wire_expect_ok(rw_ro, 6, NULL, NULL);
	close(rw);
	close(ro);
	close(rw_ro);
}

static void test_needs_connection(void)
{
	int fd = wire_connect(rw_path);
	g_autofree char *msg = NULL;

	test_call(fd, PROC_WRITE, 1, NULL, NULL);
	msg = wire_expect_error(fd, 1, VIR_ERR_INTERNAL_ERROR);
	g_assert_cmpstr(msg, ==, "internal error: hypervisor connection not open");
	close(fd);
}

static void expect_error_from(int fd, uint32_t serial, int code, int domain, const char *message)
{
	g_autoptr(wire_frame) r = wire_recv(fd, 5000);
	xvm_net_error e = { 0 };

	g_assert_nonnull(r);
	g_assert_cmpuint(r->hdr.serial, ==, serial);
	g_assert_cmpint(r->hdr.status, ==, XVM_NET_ERROR);
	wire_decode(r, (xdrproc_t)xdr_xvm_net_error, &e);
	g_assert_cmpint(e.code, ==, code);
	g_assert_cmpint(e.domain, ==, domain);
	g_assert_nonnull(e.message);
	if (message)
		g_assert_cmpstr(*e.message, ==, message);
	g_assert_null(e.dom);
	g_assert_null(e.net);
	xdr_free((xdrproc_t)xdr_xvm_net_error, (char *)&e);
}

static void test_errors(void)
{
	int fd = wire_connect(rw_path);

	test_call(fd, PROC_FAIL_DOMAIN, 1, NULL, NULL);
	expect_error_from(fd, 1, VIR_ERR_NO_DOMAIN, VIR_FROM_DOMAIN, "Domain not found: guest");
	test_call(fd, PROC_FAIL_FOREIGN, 2, NULL, NULL);
	expect_error_from(fd, 2, VIR_ERR_INTERNAL_ERROR, VIR_FROM_NONE,
			  "internal error: disk on fire");
	test_call(fd, PROC_FAIL_SILENT, 3, NULL, NULL);
	expect_error_from(fd, 3, VIR_ERR_INTERNAL_ERROR, VIR_FROM_RPC, NULL);
	close(fd);
}

static void test_slow_calls(void)
{
	int a = opened(rw_path, 0);
	int b = opened(rw_path, 0);
	g_autoptr(wire_frame) first = NULL;
	remote_connect_supports_feature_ret r = { 0 };
	g_autoptr(wire_frame) none = NULL;

	/* The slow call takes long enough that no loaded machine (or
	 * valgrind) answers the others after it by accident: what shows that
	 * the loop is free is the order of the replies, not a clock. */
	slow_call(a, PROC_SLOW, 2, 3000);
	/* The loop is free: a's next call and b's are answered meanwhile. */
	wire_call(a, REMOTE_PROC_CONNECT_GET_TYPE, 3, NULL, NULL);
	first = wire_recv(a, 5000);
	g_assert_nonnull(first);
	g_assert_cmpuint(first->hdr.serial, ==, 3);
	wire_call(b, REMOTE_PROC_CONNECT_GET_TYPE, 2, NULL, NULL);
	expect_type(b, 2);
	/* ... while the slow one is still running. */
	none = wire_recv(a, 0);
	g_assert_null(none);
	wire_expect_ok(a, 2, (xdrproc_t)xdr_remote_connect_supports_feature_ret, &r);
	g_assert_cmpint(r.supported, ==, 3000);
	close(a);
	close(b);
}

static void test_priority_workers(void)
{
	enum { BUSY = 12 };   /* more than the normal workers */
	int a = opened(rw_path, 0);
	int b = opened(rw_path, 0);
	remote_connect_supports_feature_ret r = { 0 };
	g_autoptr(wire_frame) none = NULL;

	/* Every normal worker busy for 4 s: the priority call is answered
	 * while none of them has finished (order, not a clock, shows it). */
	for (int i = 0; i < BUSY; i++)
		slow_call(a, PROC_SLOW, 10 + i, 4000);
	g_usleep(100000);
	slow_call(b, PROC_PRIORITY, 2, 0);
	wire_expect_ok(b, 2, (xdrproc_t)xdr_remote_connect_supports_feature_ret, &r);
	none = wire_recv(a, 0);
	g_assert_null(none);
	for (int i = 0; i < BUSY; i++) {
		g_autoptr(wire_frame) f = wire_recv(a, 30000);

		g_assert_nonnull(f);
		g_assert_cmpint(f->hdr.status, ==, XVM_NET_OK);
	}
	close(a);
	close(b);
}

static void expect_where(int fd, uint32_t serial, const char *where)
{
	remote_connect_get_hostname_ret r = { 0 };

	wire_expect_ok(fd, serial, (xdrproc_t)xdr_remote_connect_get_hostname_ret, &r);
	g_assert_cmpstr(r.hostname, ==, where);
	xdr_free((xdrproc_t)xdr_remote_connect_get_hostname_ret, (char *)&r);
}

static void test_try_loop(void)
{
	int a = opened(rw_path, 0);

	/* Answered on the loop. */
	slow_call(a, PROC_TRY_LOOP, 2, 0);
	expect_where(a, 2, "loop");
	/* Deferred: answered by a worker, the first try's error dropped. */
	slow_call(a, PROC_TRY_LOOP, 3, 1);
	expect_where(a, 3, "worker");
	/* Both kinds in a row on one connection, each answered once. */
	for (uint32_t i = 0; i < 20; i++)
		slow_call(a, PROC_TRY_LOOP, 10 + i, i & 1);
	for (uint32_t i = 0; i < 20; i++) {
		g_autoptr(wire_frame) f = wire_recv(a, 10000);
		remote_connect_get_hostname_ret r = { 0 };

		g_assert_nonnull(f);
		g_assert_cmpint(f->hdr.status, ==, XVM_NET_OK);
		g_assert_cmpuint(f->hdr.serial, >=, 10);
		g_assert_cmpuint(f->hdr.serial, <, 30);
		wire_decode(f, (xdrproc_t)xdr_remote_connect_get_hostname_ret, &r);
		g_assert_cmpstr(r.hostname, ==, (f->hdr.serial - 10) & 1 ? "worker" : "loop");
		xdr_free((xdrproc_t)xdr_remote_connect_get_hostname_ret, (char *)&r);
	}
	close(a);
}

static void test_client_dies_mid_call(void)
{
	int fd = opened(rw_path, 0);
	int other;

	wait_clients(1);
	slow_call(fd, PROC_SLOW, 2, 300);
	slow_call(fd, PROC_PRIORITY, 3, 300);
	g_usleep(50000);
	close(fd);
	/* Gone from the server at once; its calls finish into nothing. */
	wait_clients(0);
	g_usleep(400000);
	other = opened(rw_path, 0);
	slow_call(other, PROC_SLOW, 2, 0);
	wire_expect_ok(other, 2, (xdrproc_t)xdr_remote_connect_supports_feature_ret,
		       &(remote_connect_supports_feature_ret){ 0 });
	close(other);
	wait_clients(0);
}

static void send_stream(int fd, int proc, uint32_t serial, int status, const void *data, size_t len)
{
	xvm_net_header h = { TEST_PROGRAM, TEST_VERSION, proc, XVM_NET_STREAM, serial, status };
	g_autoptr(rpc_message) m = rpc_message_encode_raw(&h, data, len);

	g_assert_true(wire_write(fd, m->data, m->len));
}

static wire_frame *expect_stream(int fd, int proc, uint32_t serial, int status)
{
	wire_frame *f = wire_recv(fd, 5000);

	g_assert_nonnull(f);
	g_assert_cmphex(f->hdr.prog, ==, TEST_PROGRAM);
	g_assert_cmpint(f->hdr.proc, ==, proc);
	g_assert_cmpint(f->hdr.type, ==, XVM_NET_STREAM);
	g_assert_cmpuint(f->hdr.serial, ==, serial);
	g_assert_cmpint(f->hdr.status, ==, status);
	return f;
}

static gboolean reset_counts(gpointer data)
{
	finishes = aborts = 0;
	return G_SOURCE_REMOVE;
}

static gboolean nothing(gpointer data)
{
	return G_SOURCE_REMOVE;
}

static void test_stream_echo(void)
{
	int fd = opened(rw_path, 0);
	g_autoptr(wire_frame) f = NULL;
	g_autofree uint8_t *big = g_malloc(RPC_STREAM_CHUNK * 2 + 10);
	size_t got = 0;

	on_loop(reset_counts, NULL);
	/* Data for the stream before it exists: dropped. */
	send_stream(fd, PROC_STREAM_ECHO, 10, XVM_NET_CONTINUE, "early", 5);
	test_call(fd, PROC_STREAM_ECHO, 10, NULL, NULL);
	wire_expect_ok(fd, 10, NULL, NULL);

	send_stream(fd, PROC_STREAM_ECHO, 10, XVM_NET_CONTINUE, "abc", 3);
	f = expect_stream(fd, PROC_STREAM_ECHO, 10, XVM_NET_CONTINUE);
	g_assert_cmpuint(f->len, ==, RPC_FRAME_MIN + 3);
	g_assert_cmpmem(f->data + RPC_FRAME_MIN, 3, "abc", 3);
	wire_frame_free(g_steal_pointer(&f));

	/* Data for another serial or procedure: not this stream's. */
	send_stream(fd, PROC_STREAM_ECHO, 11, XVM_NET_CONTINUE, "x", 1);
	send_stream(fd, PROC_STREAM_HELLO, 10, XVM_NET_CONTINUE, "x", 1);

	/* More than a chunk comes back in chunks. */
	for (size_t i = 0; i < RPC_STREAM_CHUNK * 2 + 10; i++)
		big[i] = (uint8_t)i;
	for (size_t off = 0; off < RPC_STREAM_CHUNK * 2 + 10; off += RPC_STREAM_CHUNK)
		send_stream(fd, PROC_STREAM_ECHO, 10, XVM_NET_CONTINUE, big + off,
			    MIN((size_t)RPC_STREAM_CHUNK, RPC_STREAM_CHUNK * 2 + 10 - off));
	while (got < RPC_STREAM_CHUNK * 2 + 10) {
		f = expect_stream(fd, PROC_STREAM_ECHO, 10, XVM_NET_CONTINUE);
		g_assert_cmpmem(f->data + RPC_FRAME_MIN, f->len - RPC_FRAME_MIN,
				big + got, f->len - RPC_FRAME_MIN);
		got += f->len - RPC_FRAME_MIN;
		wire_frame_free(g_steal_pointer(&f));
	}

	/* The client finishes: the server answers OK. */
	send_stream(fd, PROC_STREAM_ECHO, 10, XVM_NET_OK, NULL, 0);
	f = expect_stream(fd, PROC_STREAM_ECHO, 10, XVM_NET_OK);
	g_assert_cmpuint(f->len, ==, RPC_FRAME_MIN);
	on_loop(nothing, NULL);
	g_assert_cmpint(finishes, ==, 1);
	g_assert_cmpint(aborts, ==, 0);
	/* The same serial again is a new stream. */
	test_call(fd, PROC_STREAM_ECHO, 10, NULL, NULL);
	wire_expect_ok(fd, 10, NULL, NULL);
	close(fd);
	wait_clients(0);
	/* Closing the socket aborts it. */
	g_assert_cmpint(aborts, ==, 1);
}

static void test_stream_abort(void)
{
	int fd = opened(rw_path, 0);
	g_autoptr(wire_frame) f = NULL;
	xvm_net_error e = { 0 };

	on_loop(reset_counts, NULL);
	test_call(fd, PROC_STREAM_ECHO, 5, NULL, NULL);
	wire_expect_ok(fd, 5, NULL, NULL);
	send_stream(fd, PROC_STREAM_ECHO, 5, XVM_NET_ERROR, NULL, 0);
	f = expect_stream(fd, PROC_STREAM_ECHO, 5, XVM_NET_ERROR);
	wire_decode(f, (xdrproc_t)xdr_xvm_net_error, &e);
	g_assert_cmpint(e.code, ==, VIR_ERR_RPC);
	xdr_free((xdrproc_t)xdr_xvm_net_error, (char *)&e);
	on_loop(nothing, NULL);
	g_assert_cmpint(aborts, ==, 1);
	g_assert_cmpint(finishes, ==, 0);
	/* Gone: later data is dropped, the connection goes on. */
	send_stream(fd, PROC_STREAM_ECHO, 5, XVM_NET_CONTINUE, "late", 4);
	wire_call(fd, REMOTE_PROC_CONNECT_GET_TYPE, 6, NULL, NULL);
	expect_type(fd, 6);
	close(fd);
	wait_clients(0);
}

static void test_stream_server_ends(void)
{
	int fd = opened(rw_path, 0);
	g_autoptr(wire_frame) data = NULL;
	g_autoptr(wire_frame) end = NULL;

	test_call(fd, PROC_STREAM_HELLO, 3, NULL, NULL);
	wire_expect_ok(fd, 3, NULL, NULL);
	data = expect_stream(fd, PROC_STREAM_HELLO, 3, XVM_NET_CONTINUE);
	g_assert_cmpmem(data->data + RPC_FRAME_MIN, data->len - RPC_FRAME_MIN, "hello", 5);
	end = expect_stream(fd, PROC_STREAM_HELLO, 3, XVM_NET_OK);
	/* The client's OK answer is for a stream that is gone: dropped. */
	send_stream(fd, PROC_STREAM_HELLO, 3, XVM_NET_OK, NULL, 0);
	wire_call(fd, REMOTE_PROC_CONNECT_GET_TYPE, 4, NULL, NULL);
	expect_type(fd, 4);
	close(fd);
}

static void test_stream_limits(void)
{
	int fd = opened(rw_path, 0);
	g_autofree char *msg = NULL;

	on_loop(reset_counts, NULL);
	for (uint32_t i = 0; i < 64; i++) {
		test_call(fd, PROC_STREAM_ECHO, 100 + i, NULL, NULL);
		wire_expect_ok(fd, 100 + i, NULL, NULL);
	}
	/* One too many: the call fails, its stream is aborted. */
	test_call(fd, PROC_STREAM_ECHO, 200, NULL, NULL);
	msg = wire_expect_error(fd, 200, VIR_ERR_OPERATION_FAILED);
	g_assert_nonnull(strstr(msg, "too many streams"));
	on_loop(nothing, NULL);
	g_assert_cmpint(aborts, ==, 1);
	/* A serial that has a stream already. */
	send_stream(fd, PROC_STREAM_ECHO, 101, XVM_NET_OK, NULL, 0);
	wire_frame_free(expect_stream(fd, PROC_STREAM_ECHO, 101, XVM_NET_OK));
	test_call(fd, PROC_STREAM_ECHO, 100, NULL, NULL);
	g_free(wire_expect_error(fd, 100, VIR_ERR_RPC));
	on_loop(nothing, NULL);
	g_assert_cmpint(aborts, ==, 2);
	g_assert_cmpint(finishes, ==, 1);
	close(fd);
	wait_clients(0);
	/* The 63 left went with the client. */
	g_assert_cmpint(aborts, ==, 2 + 63);
}

/* A stream the client does not read: the server's queue stops at its
 * bound, the producer is told when there is room again. */
static void test_stream_backpressure(void)
{
	int fd = opened(rw_path, 0);
	size_t got = 0;
	bool end = false;

	on_loop(reset_counts, NULL);
	refusals = 0;
	flooded = 0;
	test_call(fd, PROC_STREAM_FLOOD, 4, NULL, NULL);
	wire_expect_ok(fd, 4, NULL, NULL);
	g_usleep(300000);
	on_loop(nothing, NULL);
	g_assert_cmpint(refusals, ==, 1);
	/* The bound of a client's output, plus what the sockets hold. */
	g_assert_cmpuint(flooded, >=, 32u << 20);
	g_assert_cmpuint(flooded, <=, 65u << 20);
	while (!end) {
		g_autoptr(wire_frame) f = wire_recv(fd, 10000);

		g_assert_nonnull(f);
		g_assert_cmpint(f->hdr.type, ==, XVM_NET_STREAM);
		if (f->hdr.status == XVM_NET_OK)
			end = true;
		else
			got += f->len - RPC_FRAME_MIN;
	}
	g_assert_cmpuint(got, ==, flooded);
	close(fd);
	wait_clients(0);
	g_assert_cmpint(aborts, ==, 0);
}

static void test_client_data(void)
{
	int fd = wire_connect(rw_path);

	data_freed = 0;
	test_call(fd, PROC_SET_DATA, 1, NULL, NULL);
	wire_expect_ok(fd, 1, NULL, NULL);
	test_call(fd, PROC_SET_DATA, 2, NULL, NULL);
	wire_expect_ok(fd, 2, NULL, NULL);
	on_loop(nothing, NULL);
	g_assert_cmpint(data_freed, ==, 1);
	close(fd);
	wait_clients(0);
	g_assert_cmpint(data_freed, ==, 2);
}

static int register_event(int fd, int event_id, const unsigned char *uuid, uint32_t serial)
{
	remote_nonnull_domain dom = { .name = "guest", .id = -1 };
	remote_connect_domain_event_callback_register_any_args a = { event_id, NULL };
	remote_connect_domain_event_callback_register_any_ret r = { 0 };

	if (uuid) {
		memcpy(dom.uuid, uuid, VIR_UUID_BUFLEN);
		a.dom = &dom;
	}
	wire_call(fd, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, serial,
		  (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_args, &a);
	wire_expect_ok(fd, serial,
		       (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_ret, &r);
	return r.callbackID;
}

static void emit_with(int proc, int fd, const unsigned char *uuid, int event, uint32_t serial)
{
	remote_nonnull_domain dom = { .name = "guest", .id = 3 };
	remote_connect_domain_event_callback_register_any_args a = { event, &dom };

	memcpy(dom.uuid, uuid, VIR_UUID_BUFLEN);
	test_call(fd, proc, serial,
		  (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_args, &a);
	wire_expect_ok(fd, serial, NULL, NULL);
}

static void emit_for(int fd, const unsigned char *uuid, int event, uint32_t serial)
{
	emit_with(PROC_EMIT, fd, uuid, event, serial);
}

static void expect_event(int fd, int callback_id, const unsigned char *uuid, int event)
{
	g_autoptr(wire_frame) f = wire_recv(fd, 5000);
	remote_domain_event_callback_lifecycle_msg m = { 0 };

	g_assert_nonnull(f);
	g_assert_cmphex(f->hdr.prog, ==, REMOTE_PROGRAM);
	g_assert_cmpint(f->hdr.proc, ==, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE);
	g_assert_cmpint(f->hdr.type, ==, XVM_NET_MESSAGE);
	g_assert_cmpint(f->hdr.status, ==, XVM_NET_OK);
	wire_decode(f, (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &m);
	g_assert_cmpint(m.callbackID, ==, callback_id);
	g_assert_cmpstr(m.msg.dom.name, ==, "guest");
	g_assert_cmpmem(m.msg.dom.uuid, VIR_UUID_BUFLEN, uuid, VIR_UUID_BUFLEN);
	g_assert_cmpint(m.msg.dom.id, ==, 3);
	g_assert_cmpint(m.msg.event, ==, event);
	g_assert_cmpint(m.msg.detail, ==, 7);
	xdr_free((xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, (char *)&m);
}

/* No event is waiting: the next frame is the reply to a fresh call. */
static void expect_no_event(int fd, uint32_t serial)
{
	wire_call(fd, REMOTE_PROC_CONNECT_GET_TYPE, serial, NULL, NULL);
	g_autoptr(wire_frame) f = wire_recv(fd, 5000);
	g_assert_nonnull(f);
	g_assert_cmpint(f->hdr.type, ==, XVM_NET_REPLY);
	g_assert_cmpuint(f->hdr.serial, ==, serial);
}

static void test_events(void)
{
	const unsigned char u1[VIR_UUID_BUFLEN] = { 1, 1 }, u2[VIR_UUID_BUFLEN] = { 2, 2 };
	int all = opened(rw_path, 0);
	int only_u1 = opened(ro_path, 0);
	int reboot = opened(rw_path, 0);
	int emitter = opened(rw_path, 0);
	int id_all = register_event(all, VIR_DOMAIN_EVENT_ID_LIFECYCLE, NULL, 2);
	int id_u1 = register_event(only_u1, VIR_DOMAIN_EVENT_ID_LIFECYCLE, u1, 2);

	register_event(reboot, VIR_DOMAIN_EVENT_ID_REBOOT, NULL, 2);

	emit_for(emitter, u2, VIR_DOMAIN_EVENT_STARTED, 2);
	expect_event(all, id_all, u2, VIR_DOMAIN_EVENT_STARTED);
	expect_no_event(only_u1, 3);
	expect_no_event(reboot, 3);
	expect_no_event(emitter, 3);

	emit_for(emitter, u1, VIR_DOMAIN_EVENT_STOPPED, 4);
	expect_event(all, id_all, u1, VIR_DOMAIN_EVENT_STOPPED);
	expect_event(only_u1, id_u1, u1, VIR_DOMAIN_EVENT_STOPPED);
	expect_no_event(reboot, 5);

	/* From a worker thread: the event goes out before the call's reply. */
	emit_with(PROC_EMIT_SLOW, emitter, u1, VIR_DOMAIN_EVENT_SUSPENDED, 10);
	expect_event(all, id_all, u1, VIR_DOMAIN_EVENT_SUSPENDED);
	expect_event(only_u1, id_u1, u1, VIR_DOMAIN_EVENT_SUSPENDED);
	expect_no_event(reboot, 11);

	/* CONNECT_CLOSE drops the connection's callbacks. */
	wire_call(all, REMOTE_PROC_CONNECT_CLOSE, 6, NULL, NULL);
	wire_expect_ok(all, 6, NULL, NULL);
	wire_open(all, "xen:///system", 0, 7);
	/* A client gone with callbacks registered: nothing left behind. */
	close(only_u1);
	wait_clients(3);
	emit_for(emitter, u1, VIR_DOMAIN_EVENT_STARTED, 8);
	expect_no_event(all, 9);
	close(all);
	close(reboot);
	close(emitter);
	wait_clients(0);
}

static gpointer run_loop(gpointer data)
{
	g_main_context_push_thread_default(ctx);
	g_main_loop_run(loop);
	g_main_context_pop_thread_default(ctx);
	return NULL;
}

int main(int argc, char **argv)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *dir = NULL;
	GThread *thread;
	int rc;

	g_test_init(&argc, &argv, NULL);
	signal(SIGPIPE, SIG_IGN);

	dir = g_dir_make_tmp("rpc-server-test-XXXXXX", &err);
	g_assert_no_error(err);
	rw_path = g_build_filename(dir, "sock", NULL);
	ro_path = g_build_filename(dir, "sock-ro", NULL);
	ctx = g_main_context_new();
	loop = g_main_loop_new(ctx, FALSE);
	srv = rpc_server_new(ctx);
	xvm_error_register_domain(TEST_ERROR, VIR_FROM_DOMAIN);
	g_assert_true(rpc_server_add_procedures(srv, TEST_PROGRAM, TEST_VERSION, test_procs,
						G_N_ELEMENTS(test_procs), NULL));
	/* A number twice is refused. */
	g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*registered twice*");
	g_assert_false(rpc_server_add_procedures(srv, TEST_PROGRAM, TEST_VERSION, test_procs, 1,
						 NULL));
	g_test_assert_expected_messages();
	g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*TRY_LOOP without SLOW*");
	g_assert_false(rpc_server_add_procedures(srv, TEST_PROGRAM, TEST_VERSION, bad_procs, 1,
						 NULL));
	g_test_assert_expected_messages();
	g_assert_true(rpc_server_listen_unix(srv, rw_path, 0700, false, &err));
	g_assert_no_error(err);
	g_assert_true(rpc_server_listen_unix(srv, ro_path, 0777, true, &err));
	g_assert_no_error(err);
	/* A second server cannot take a live socket. */
	{
		g_autoptr(rpc_server) other = rpc_server_new(ctx);

		g_assert_false(rpc_server_listen_unix(other, rw_path, 0700, false, &err));
		g_assert_nonnull(err);
		g_clear_error(&err);
	}
	thread = g_thread_new("server", run_loop, NULL);

	g_test_add_func("/server/read-only", test_read_only);
	g_test_add_func("/server/needs-connection", test_needs_connection);
	g_test_add_func("/server/errors", test_errors);
	g_test_add_func("/server/slow-calls", test_slow_calls);
	g_test_add_func("/server/priority-workers", test_priority_workers);
	g_test_add_func("/server/try-loop", test_try_loop);
	g_test_add_func("/server/client-dies-mid-call", test_client_dies_mid_call);
	g_test_add_func("/server/stream-echo", test_stream_echo);
	g_test_add_func("/server/stream-abort", test_stream_abort);
	g_test_add_func("/server/stream-server-ends", test_stream_server_ends);
	g_test_add_func("/server/stream-limits", test_stream_limits);
	g_test_add_func("/server/stream-backpressure", test_stream_backpressure);
	g_test_add_func("/server/client-data", test_client_data);
	g_test_add_func("/server/events", test_events);
	rc = g_test_run();

	g_main_loop_quit(loop);
	g_thread_join(thread);
	rpc_server_free(srv);
	/* The listeners' socket files are gone with the server. */
	g_assert_false(g_file_test(rw_path, G_FILE_TEST_EXISTS));
	g_assert_cmpint(g_rmdir(dir), ==, 0);
	g_main_loop_unref(loop);
	g_main_context_unref(ctx);
	g_free(rw_path);
	g_free(ro_path);
	return rc;
}
