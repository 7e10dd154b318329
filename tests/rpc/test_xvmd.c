/* xvmd on the wire: a private daemon per test (fresh run directory),
 * driven with hand-built frames, good and bad. The daemon must answer
 * what libvirtd answers, drop only a client whose framing is lost, and
 * exit 0 on SIGTERM at the end of every test.
 * Usage: test-xvmd PATH-TO-XVMD [GTest options] */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "keepalive_protocol.h"
#include "wire.h"

static const char *xvmd_path;

typedef struct {
	char *dir;
	char *rw, *ro;
	GPid pid;
} Fixture;

/* A failed assertion aborts the test: the daemon must not outlive it. */
static void die_with_parent(gpointer data)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static void fixture_setup(Fixture *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *state = NULL;

	f->dir = g_dir_make_tmp("xvmd-test-XXXXXX", &err);
	g_assert_no_error(err);
	state = g_build_filename(f->dir, "state", NULL);
	f->rw = g_build_filename(f->dir, "virtxend-sock", NULL);
	f->ro = g_build_filename(f->dir, "virtxend-sock-ro", NULL);
	const char *argv[] = { xvmd_path, "--foreground", "--run-dir", f->dir,
			       "--state-dir", state, NULL };
	/* No hypervisor: the tests expect its procedures unsupported. */
	g_auto(GStrv) env = g_environ_unsetenv(g_get_environ(), "XVM_SIMHV_SOCKET");

	g_spawn_async(NULL, (char **)argv, env, G_SPAWN_DO_NOT_REAP_CHILD,
		      die_with_parent, NULL, &f->pid, &err);
	g_assert_no_error(err);
	/* Ready once the pid file is written: the sockets listen before. */
	g_autofree char *pid_file = g_build_filename(f->dir, "xvmd.pid", NULL);
	for (int i = 0; i < 6000 && !g_file_test(pid_file, G_FILE_TEST_EXISTS); i++)
		g_usleep(10000);
	g_assert_true(g_file_test(pid_file, G_FILE_TEST_EXISTS));
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
	g_autofree char *state = g_build_filename(f->dir, "state", NULL);
	int status;

	/* pid 0: the test stopped the daemon itself. */
	if (f->pid) {
		g_assert_cmpint(kill(f->pid, SIGTERM), ==, 0);
		g_assert_cmpint(waitpid(f->pid, &status, 0), ==, f->pid);
		g_assert_true(WIFEXITED(status));
		g_assert_cmpint(WEXITSTATUS(status), ==, 0);
	}
	/* Sockets and pid file removed on exit. */
	g_assert_false(g_file_test(f->rw, G_FILE_TEST_EXISTS));
	g_assert_false(g_file_test(f->ro, G_FILE_TEST_EXISTS));
	g_remove(state);
	g_assert_cmpint(g_rmdir(f->dir), ==, 0);
	g_free(f->dir);
	g_free(f->rw);
	g_free(f->ro);
}

static int feature(int fd, int feat, uint32_t serial)
{
	remote_connect_supports_feature_args a = { feat };
	remote_connect_supports_feature_ret r = { 0 };

	wire_call(fd, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, serial,
		  (xdrproc_t)xdr_remote_connect_supports_feature_args, &a);
	wire_expect_ok(fd, serial, (xdrproc_t)xdr_remote_connect_supports_feature_ret, &r);
	return r.supported;
}

static char *get_string(int fd, int proc, uint32_t serial)
{
	remote_connect_get_type_ret r = { 0 };   /* every such ret: one string */

	wire_call(fd, proc, serial, NULL, NULL);
	wire_expect_ok(fd, serial, (xdrproc_t)xdr_remote_connect_get_type_ret, &r);
	return r.type;
}

/* The connection still answers: GET_TYPE says Xen. */
static void assert_usable(int fd, uint32_t serial)
{
	g_autofree char *type = get_string(fd, REMOTE_PROC_CONNECT_GET_TYPE, serial);

	g_assert_cmpstr(type, ==, "Xen");
}

static void test_session(Fixture *f, gconstpointer data)
{
	int fd = wire_connect(f->rw);
	remote_auth_list_ret auth = { 0 };
	remote_connect_get_lib_version_ret lib = { 0 };
	remote_connect_is_secure_ret sec = { 0 };
	g_autofree char *msg = NULL;
	g_autofree char *host = NULL;
	g_autofree char *uri = NULL;
	char expect_host[256];

	/* What virsh sends, in its order. */
	wire_call(fd, REMOTE_PROC_AUTH_LIST, 1, NULL, NULL);
	wire_expect_ok(fd, 1, (xdrproc_t)xdr_remote_auth_list_ret, &auth);
	g_assert_cmpuint(auth.types.types_len, ==, 1);
	g_assert_cmpint(auth.types.types_val[0], ==, REMOTE_AUTH_NONE);
	xdr_free((xdrproc_t)xdr_remote_auth_list_ret, (char *)&auth);

	g_assert_cmpint(feature(fd, REMOTE_DRV_FEATURE_PROGRAM_KEEPALIVE, 2), ==, 1);

	/* Nothing else before CONNECT_OPEN, as libvirtd. */
	wire_call(fd, REMOTE_PROC_CONNECT_GET_TYPE, 3, NULL, NULL);
	msg = wire_expect_error(fd, 3, VIR_ERR_INTERNAL_ERROR);
	g_assert_nonnull(strstr(msg, "connection not open"));
	{
		remote_connect_supports_feature_args a = { REMOTE_DRV_FEATURE_REMOTE_EVENT_CALLBACK };

		wire_call(fd, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, 4,
			  (xdrproc_t)xdr_remote_connect_supports_feature_args, &a);
		g_free(wire_expect_error(fd, 4, VIR_ERR_INTERNAL_ERROR));
	}

	wire_open(fd, "xen:///system", 0, 5);
	g_assert_cmpint(feature(fd, REMOTE_DRV_FEATURE_REMOTE_EVENT_CALLBACK, 6), ==, 1);
	g_assert_cmpint(feature(fd, REMOTE_DRV_FEATURE_REMOTE_CLOSE_CALLBACK, 7), ==, 1);
	g_assert_cmpint(feature(fd, REMOTE_DRV_FEATURE_TYPED_PARAM_STRING, 8), ==, 1);
	g_assert_cmpint(feature(fd, REMOTE_DRV_FEATURE_FD_PASSING, 9), ==, 0);
	/* Migration is the driver's; there is none here. */
	g_assert_cmpint(feature(fd, REMOTE_DRV_FEATURE_MIGRATION_V3, 10), ==, 0);
	g_assert_cmpint(feature(fd, 9999, 11), ==, 0);
	g_assert_cmpint(feature(fd, -1, 12), ==, 0);

	wire_call(fd, REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK, 13, NULL, NULL);
	wire_expect_ok(fd, 13, NULL, NULL);

	assert_usable(fd, 14);
	wire_call(fd, REMOTE_PROC_CONNECT_GET_LIB_VERSION, 15, NULL, NULL);
	wire_expect_ok(fd, 15, (xdrproc_t)xdr_remote_connect_get_lib_version_ret, &lib);
	g_assert_cmpuint(lib.lib_ver, ==, LIBVIR_VERSION_NUMBER);

	host = get_string(fd, REMOTE_PROC_CONNECT_GET_HOSTNAME, 16);
	g_assert_cmpint(gethostname(expect_host, sizeof(expect_host)), ==, 0);
	g_assert_true(g_str_has_prefix(host, expect_host));

	uri = get_string(fd, REMOTE_PROC_CONNECT_GET_URI, 17);
	g_assert_cmpstr(uri, ==, "xen:///system");

	wire_call(fd, REMOTE_PROC_CONNECT_IS_SECURE, 18, NULL, NULL);
	wire_expect_ok(fd, 18, (xdrproc_t)xdr_remote_connect_is_secure_ret, &sec);
	g_assert_cmpint(sec.secure, ==, 1);

	/* No hypervisor driver in this daemon: its queries are unsupported. */
	wire_call(fd, REMOTE_PROC_CONNECT_GET_VERSION, 19, NULL, NULL);
	g_free(msg);
	msg = wire_expect_error(fd, 19, VIR_ERR_NO_SUPPORT);
	g_assert_nonnull(strstr(msg, "virConnectGetVersion"));

	wire_call(fd, REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK, 20, NULL, NULL);
	wire_expect_ok(fd, 20, NULL, NULL);
	wire_call(fd, REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK, 21, NULL, NULL);
	g_free(wire_expect_error(fd, 21, VIR_ERR_INTERNAL_ERROR));

	wire_call(fd, REMOTE_PROC_CONNECT_CLOSE, 22, NULL, NULL);
	wire_expect_ok(fd, 22, NULL, NULL);
	/* Closed: back to the state before open. */
	wire_call(fd, REMOTE_PROC_CONNECT_GET_TYPE, 23, NULL, NULL);
	g_free(wire_expect_error(fd, 23, VIR_ERR_INTERNAL_ERROR));
	close(fd);
}

static void expect_open_error(const char *path, const char *uri, unsigned int flags, int code)
{
	int fd = wire_connect(path);
	char *name = (char *)uri;
	remote_connect_open_args args = { .name = uri ? &name : NULL, .flags = flags };

	wire_call(fd, REMOTE_PROC_CONNECT_OPEN, 1, (xdrproc_t)xdr_remote_connect_open_args, &args);
	g_free(wire_expect_error(fd, 1, code));
	/* The connection stays, still unopened. */
	wire_open(fd, "xen:///system", 0, 2);
	close(fd);
}

static void test_uris(Fixture *f, gconstpointer data)
{
	/* What clients send for xen:///system, xen:///, xen://, probes. */
	const char *good[] = { "xen:///system", "xen:///", "xen://", "", "XEN:///system",
			       "xen://localhost/system" };
	int fd;

	for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
		fd = wire_connect(f->rw);
		wire_open(fd, good[i], 0, 1);
		assert_usable(fd, 2);
		close(fd);
	}
	fd = wire_connect(f->rw);
	wire_open(fd, NULL, 0, 1);
	/* A second open on the same connection is refused. */
	{
		char *name = "xen:///system";
		remote_connect_open_args args = { .name = &name };

		wire_call(fd, REMOTE_PROC_CONNECT_OPEN, 2,
			  (xdrproc_t)xdr_remote_connect_open_args, &args);
		g_free(wire_expect_error(fd, 2, VIR_ERR_INTERNAL_ERROR));
	}
	close(fd);

	expect_open_error(f->rw, "qemu:///system", 0, VIR_ERR_NO_CONNECT);
	expect_open_error(f->rw, "xen://otherhost/system", 0, VIR_ERR_NO_CONNECT);
	expect_open_error(f->rw, "not a uri at all", 0, VIR_ERR_NO_CONNECT);
	expect_open_error(f->rw, "xen:///session", 0, VIR_ERR_INTERNAL_ERROR);
	expect_open_error(f->rw, "xen:///system", 0x100, VIR_ERR_INVALID_ARG);
}

static void test_keepalive(Fixture *f, gconstpointer data)
{
	int fd = wire_connect(f->rw);
	g_autoptr(wire_frame) pong = NULL;

	wire_send(fd, KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION, KEEPALIVE_PROC_PING,
		  XVM_NET_MESSAGE, 0, XVM_NET_OK, NULL, NULL);
	pong = wire_recv(fd, 30000);
	g_assert_nonnull(pong);
	g_assert_cmphex(pong->hdr.prog, ==, KEEPALIVE_PROGRAM);
	g_assert_cmpuint(pong->hdr.vers, ==, KEEPALIVE_PROTOCOL_VERSION);
	g_assert_cmpint(pong->hdr.proc, ==, KEEPALIVE_PROC_PONG);
	g_assert_cmpint(pong->hdr.type, ==, XVM_NET_MESSAGE);
	g_assert_cmpuint(pong->hdr.serial, ==, 0);
	g_assert_cmpint(pong->hdr.status, ==, XVM_NET_OK);
	g_assert_cmpuint(pong->len, ==, RPC_FRAME_MIN);
	/* Keepalive works before and after open alike. */
	wire_open(fd, "xen:///system", 0, 1);
	wire_send(fd, KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION, KEEPALIVE_PROC_PING,
		  XVM_NET_MESSAGE, 0, XVM_NET_OK, NULL, NULL);
	wire_frame_free(g_steal_pointer(&pong));
	pong = wire_recv(fd, 30000);
	g_assert_nonnull(pong);
	g_assert_cmpint(pong->hdr.proc, ==, KEEPALIVE_PROC_PONG);
	close(fd);
}

static void test_unknown_procedure(Fixture *f, gconstpointer data)
{
	int fd = wire_connect(f->rw);
	const int procs[] = { 9999, 273, 0, -1, G_MAXINT32 };

	wire_open(fd, "xen:///system", 0, 1);
	for (size_t i = 0; i < G_N_ELEMENTS(procs); i++) {
		g_autoptr(wire_frame) r = NULL;
		xvm_net_error e = { 0 };

		wire_call(fd, procs[i], 100 + i, NULL, NULL);
		r = wire_recv(fd, 30000);
		g_assert_nonnull(r);
		/* The reply echoes the call's header. */
		g_assert_cmphex(r->hdr.prog, ==, REMOTE_PROGRAM);
		g_assert_cmpint(r->hdr.proc, ==, procs[i]);
		g_assert_cmpint(r->hdr.type, ==, XVM_NET_REPLY);
		g_assert_cmpuint(r->hdr.serial, ==, 100 + i);
		g_assert_cmpint(r->hdr.status, ==, XVM_NET_ERROR);
		wire_decode(r, (xdrproc_t)xdr_xvm_net_error, &e);
		g_assert_cmpint(e.code, ==, VIR_ERR_NO_SUPPORT);
		xdr_free((xdrproc_t)xdr_xvm_net_error, (char *)&e);
	}
	assert_usable(fd, 2);
	close(fd);
}

static void test_wrong_program(Fixture *f, gconstpointer data)
{
	int fd = wire_connect(f->rw);
	g_autoptr(wire_frame) r = NULL;
	xvm_net_error e = { 0 };

	wire_open(fd, "xen:///system", 0, 1);
	wire_send(fd, 0x12345678, 1, 3, XVM_NET_CALL, 2, XVM_NET_OK, NULL, NULL);
	r = wire_recv(fd, 30000);
	g_assert_nonnull(r);
	g_assert_cmphex(r->hdr.prog, ==, 0x12345678);
	g_assert_cmpuint(r->hdr.serial, ==, 2);
	g_assert_cmpint(r->hdr.status, ==, XVM_NET_ERROR);
	wire_decode(r, (xdrproc_t)xdr_xvm_net_error, &e);
	g_assert_cmpint(e.code, ==, VIR_ERR_RPC);
	g_assert_cmpint(e.domain, ==, VIR_FROM_RPC);
	xdr_free((xdrproc_t)xdr_xvm_net_error, (char *)&e);

	/* REMOTE, version 2. */
	wire_send(fd, REMOTE_PROGRAM, 2, REMOTE_PROC_CONNECT_GET_TYPE, XVM_NET_CALL, 3,
		  XVM_NET_OK, NULL, NULL);
	g_free(wire_expect_error(fd, 3, VIR_ERR_RPC));
	/* A CALL whose status is not OK. */
	wire_send(fd, REMOTE_PROGRAM, 1, REMOTE_PROC_CONNECT_GET_TYPE, XVM_NET_CALL, 4,
		  XVM_NET_ERROR, NULL, NULL);
	g_free(wire_expect_error(fd, 4, VIR_ERR_RPC));
	/* Types a client does not send: ignored (REPLY, unknown type 77). */
	wire_send(fd, REMOTE_PROGRAM, 1, REMOTE_PROC_CONNECT_GET_TYPE, XVM_NET_REPLY, 5,
		  XVM_NET_OK, NULL, NULL);
	wire_send(fd, REMOTE_PROGRAM, 1, REMOTE_PROC_CONNECT_GET_TYPE, 77, 6,
		  XVM_NET_OK, NULL, NULL);
	/* Stream data for no stream: dropped. */
	wire_send(fd, REMOTE_PROGRAM, 1, 201, XVM_NET_STREAM, 7, XVM_NET_CONTINUE, NULL, NULL);
	/* A call with fds: we do not take fds. */
	wire_send(fd, REMOTE_PROGRAM, 1, REMOTE_PROC_CONNECT_GET_TYPE, XVM_NET_CALL_WITH_FDS, 8,
		  XVM_NET_OK, NULL, NULL);
	g_free(wire_expect_error(fd, 8, VIR_ERR_RPC));
	assert_usable(fd, 9);
	close(fd);
}

/* A frame with a valid header and the given payload bytes. */
static void send_raw_call(int fd, int proc, uint32_t serial, const void *payload, size_t len)
{
	xvm_net_header h = { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, proc, XVM_NET_CALL,
			     serial, XVM_NET_OK };
	g_autoptr(rpc_message) m = rpc_message_encode(&h, NULL, NULL, NULL);
	uint32_t be = GUINT32_TO_BE((uint32_t)(m->len + len));

	memcpy(m->data, &be, 4);
	g_assert_true(wire_write(fd, m->data, m->len));
	g_assert_true(wire_write(fd, payload, len));
}

static void test_bad_payload(Fixture *f, gconstpointer data)
{
	int fd = wire_connect(f->rw);
	/* CONNECT_OPEN: presence flag 1, then a string claiming 4 GiB. */
	const uint8_t huge_string[] = { 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xf0, 'x', 0, 0, 0 };
	/* presence flag 7: not a bool */
	const uint8_t bad_bool[] = { 0, 0, 0, 7, 0, 0, 0, 0 };
	const uint8_t short_int[] = { 0, 0 };
	const uint8_t two_ints[] = { 0, 0, 0, 10, 0, 0, 0, 10 };
	const uint8_t one_int[] = { 0, 0, 0, 1 };

	send_raw_call(fd, REMOTE_PROC_CONNECT_OPEN, 1, huge_string, sizeof(huge_string));
	g_free(wire_expect_error(fd, 1, VIR_ERR_RPC));
	send_raw_call(fd, REMOTE_PROC_CONNECT_OPEN, 2, bad_bool, sizeof(bad_bool));
	g_free(wire_expect_error(fd, 2, VIR_ERR_RPC));
	send_raw_call(fd, REMOTE_PROC_CONNECT_OPEN, 3, NULL, 0);
	g_free(wire_expect_error(fd, 3, VIR_ERR_RPC));
	send_raw_call(fd, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, 4, short_int, sizeof(short_int));
	g_free(wire_expect_error(fd, 4, VIR_ERR_RPC));
	/* Trailing bytes after the arguments. */
	send_raw_call(fd, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, 5, two_ints, sizeof(two_ints));
	g_free(wire_expect_error(fd, 5, VIR_ERR_RPC));
	/* Arguments to a procedure that takes none. */
	send_raw_call(fd, REMOTE_PROC_AUTH_LIST, 6, one_int, sizeof(one_int));
	g_free(wire_expect_error(fd, 6, VIR_ERR_RPC));

	wire_open(fd, "xen:///system", 0, 7);
	assert_usable(fd, 8);
	close(fd);
}

static void assert_dropped(Fixture *f, const void *bytes, size_t len)
{
	int fd = wire_connect(f->rw);
	int other = wire_connect(f->rw);

	g_assert_true(wire_write(fd, bytes, len));
	g_assert_true(wire_wait_eof(fd, 30000));
	close(fd);
	/* Only that client went. */
	wire_open(other, "xen:///system", 0, 1);
	assert_usable(other, 2);
	close(other);
}

static void test_bad_length(Fixture *f, gconstpointer data)
{
	const uint8_t too_big[] = { 0x7f, 0xff, 0xff, 0xff };
	const uint8_t just_too_big[] = { 0x02, 0x00, 0x00, 0x05 };   /* 32 MiB + 5 */
	const uint8_t too_small[] = { 0, 0, 0, 27 };
	const uint8_t zero[] = { 0, 0, 0, 0 };

	assert_dropped(f, too_big, sizeof(too_big));
	assert_dropped(f, just_too_big, sizeof(just_too_big));
	assert_dropped(f, too_small, sizeof(too_small));
	assert_dropped(f, zero, sizeof(zero));
}

static void test_truncated(Fixture *f, gconstpointer data)
{
	int other = wire_connect(f->rw);
	const uint8_t partial[] = { 0, 0, 0, 100, 0x20, 0x00, 0x80, 0x86, 0, 0 };

	wire_open(other, "xen:///system", 0, 1);
	for (int i = 0; i < 3; i++) {
		int fd = wire_connect(f->rw);

		/* Half a frame, then the client stalls: others are served. */
		g_assert_true(wire_write(fd, partial, sizeof(partial)));
		assert_usable(other, 10 + i);
		/* Then it dies in the middle of the frame. */
		close(fd);
	}
	/* Just the length word, then death. */
	{
		int fd = wire_connect(f->rw);

		g_assert_true(wire_write(fd, partial, 2));
		close(fd);
	}
	assert_usable(other, 20);
	close(other);
}

static void test_read_only_socket(Fixture *f, gconstpointer data)
{
	int fd = wire_connect(f->ro);

	/* virsh -r sends VIR_CONNECT_RO; without it the socket still makes
	 * the connection read-only. */
	wire_open(fd, "xen:///system", 0, 1);
	assert_usable(fd, 2);
	close(fd);
	fd = wire_connect(f->ro);
	wire_open(fd, "xen:///system", VIR_CONNECT_RO, 1);
	assert_usable(fd, 2);
	close(fd);
}

static void test_many_clients(Fixture *f, gconstpointer data)
{
	enum { N = 100 };
	int fds[N];

	for (int i = 0; i < N; i++)
		fds[i] = wire_connect(i % 2 ? f->ro : f->rw);
	/* Every client sends before anyone reads. */
	for (int i = 0; i < N; i++) {
		char *name = "xen:///system";
		remote_connect_open_args args = { .name = &name };

		wire_call(fds[i], REMOTE_PROC_CONNECT_OPEN, 1,
			  (xdrproc_t)xdr_remote_connect_open_args, &args);
		wire_call(fds[i], REMOTE_PROC_CONNECT_GET_TYPE, 2, NULL, NULL);
	}
	for (int i = N - 1; i >= 0; i--) {
		remote_connect_get_type_ret r = { 0 };

		wire_expect_ok(fds[i], 1, NULL, NULL);
		wire_expect_ok(fds[i], 2, (xdrproc_t)xdr_remote_connect_get_type_ret, &r);
		g_assert_cmpstr(r.type, ==, "Xen");
		xdr_free((xdrproc_t)xdr_remote_connect_get_type_ret, (char *)&r);
		close(fds[i]);
	}
}

/* A client that sends many calls and reads nothing does not hold the
 * daemon up: its replies queue (bounded: the daemon stops reading its
 * calls meanwhile), others are served, and it gets every reply in the
 * end. */
typedef struct {
	int fd;
	GByteArray *bytes;
} Burst;

#ifndef __SANITIZE_ADDRESS__
/* The resident memory of process pid, in KiB. */
static unsigned long rss_kib(GPid pid)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)pid);
	g_autofree char *status = NULL;
	const char *line;

	g_assert_true(g_file_get_contents(path, &status, NULL, NULL));
	line = strstr(status, "VmRSS:");
	g_assert_nonnull(line);
	return strtoul(line + strlen("VmRSS:"), NULL, 10);
}
#endif

static gpointer write_burst(gpointer data)
{
	Burst *b = data;

	return GINT_TO_POINTER(wire_write(b->fd, b->bytes->data, b->bytes->len));
}

/* A slow-reader variant: which procedure, and whether the two clients
 * come after IDLE_CLIENTS others (more than the daemon watches with a
 * source each: the two are then served through its shared epoll set). */
typedef struct {
	int proc;
	bool behind_idle;
} SlowReader;

enum { IDLE_CLIENTS = 24 };

static void test_slow_reader(Fixture *f, gconstpointer data)
{
	const SlowReader *v = data;
	int idle[IDLE_CLIENTS];
	int n_idle = v->behind_idle ? IDLE_CLIENTS : 0;
	/* RPC_TEST_CALLS: fewer under valgrind. */
	const uint32_t CALLS = g_getenv("RPC_TEST_CALLS") ?
			       (uint32_t)g_ascii_strtoull(g_getenv("RPC_TEST_CALLS"), NULL, 10) :
			       200000;
	int lazy, other;
	/* GET_TYPE runs on the loop, GET_HOSTNAME on workers. */
	xvm_net_header h = { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
			     v->proc, XVM_NET_CALL, 0, XVM_NET_OK };
	Burst b = { -1, g_byte_array_new() };
	g_autofree bool *seen = g_new0(bool, CALLS);
	GThread *writer;

	for (int i = 0; i < n_idle; i++) {
		idle[i] = wire_connect(f->rw);
		wire_open(idle[i], "xen:///system", 0, 1);
	}
	lazy = b.fd = wire_connect(f->rw);
	other = wire_connect(f->rw);
	wire_open(lazy, "xen:///system", 0, 1);
	wire_open(other, "xen:///system", 0, 1);
	for (uint32_t i = 0; i < CALLS; i++) {
		g_autoptr(rpc_message) m = NULL;

		h.serial = 100 + i;
		m = rpc_message_encode(&h, NULL, NULL, NULL);
		g_byte_array_append(b.bytes, m->data, m->len);
	}
	/* About 5.6 MB of calls, 7+ MB of replies: more than the sockets
	 * buffer and the daemon's output bound, so the writer blocks until
	 * we read. */
	writer = g_thread_new("writer", write_burst, &b);
	g_usleep(200000);
	for (int i = 0; i < 50; i++)
		assert_usable(other, 10 + i);
	/* What waits for lazy is bounded, and small (RPC_TEST_RSS_MAX_KIB:
	 * more under valgrind, whose own memory counts). Not measurable under
	 * ASan, whose quarantine keeps what the daemon frees. */
#ifndef __SANITIZE_ADDRESS__
	g_assert_cmpuint(rss_kib(f->pid), <,
			 g_getenv("RPC_TEST_RSS_MAX_KIB") ?
			 g_ascii_strtoull(g_getenv("RPC_TEST_RSS_MAX_KIB"), NULL, 10) :
			 64 * 1024);
#endif
	/* Replies of worker calls come in any order. */
	for (uint32_t i = 0; i < CALLS; i++) {
		g_autoptr(wire_frame) r = wire_recv(lazy, 30000);

		g_assert_nonnull(r);
		g_assert_cmpint(r->hdr.type, ==, XVM_NET_REPLY);
		g_assert_cmpint(r->hdr.status, ==, XVM_NET_OK);
		g_assert_cmpuint(r->hdr.serial, >=, 100);
		g_assert_cmpuint(r->hdr.serial, <, 100 + CALLS);
		g_assert_false(seen[r->hdr.serial - 100]);
		seen[r->hdr.serial - 100] = true;
	}
	g_assert_true(GPOINTER_TO_INT(g_thread_join(writer)));
	g_byte_array_unref(b.bytes);
	close(lazy);
	close(other);
	/* The idle ones were kept: still served. */
	for (int i = 0; i < n_idle; i++) {
		assert_usable(idle[i], 2);
		close(idle[i]);
	}
}

/* SIGTERM while clients keep calls running on workers and more queued:
 * the daemon still exits 0 (the teardown checks) and closes them. */
static void test_stop_while_busy(Fixture *f, gconstpointer data)
{
	/* Half of them behind IDLE_CLIENTS idle ones: those are served
	 * through the daemon's epoll set, the first half by sources of their
	 * own. */
	enum { CLIENTS = 8, CALLS = 20000 };
	int idle[IDLE_CLIENTS];
	xvm_net_header h = { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
			     REMOTE_PROC_CONNECT_GET_HOSTNAME, XVM_NET_CALL, 0, XVM_NET_OK };
	Burst bursts[CLIENTS];
	GThread *writers[CLIENTS];
	int status;

	for (int c = 0; c < CLIENTS; c++) {
		if (c == CLIENTS / 2) {
			for (int i = 0; i < IDLE_CLIENTS; i++)
				idle[i] = wire_connect(f->rw);
		}
		bursts[c].fd = wire_connect(f->rw);
		bursts[c].bytes = g_byte_array_new();
		wire_open(bursts[c].fd, "xen:///system", 0, 1);
		for (uint32_t i = 0; i < CALLS; i++) {
			g_autoptr(rpc_message) m = NULL;

			h.serial = 100 + i;
			m = rpc_message_encode(&h, NULL, NULL, NULL);
			g_byte_array_append(bursts[c].bytes, m->data, m->len);
		}
		writers[c] = g_thread_new("writer", write_burst, &bursts[c]);
	}
	g_usleep(200000);
	g_assert_cmpint(kill(f->pid, SIGTERM), ==, 0);
	g_assert_cmpint(waitpid(f->pid, &status, 0), ==, f->pid);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
	f->pid = 0;
	for (int c = 0; c < CLIENTS; c++) {
		/* The daemon closed the connection: the writer stops. */
		g_assert_true(wire_wait_eof(bursts[c].fd, 30000));
		shutdown(bursts[c].fd, SHUT_RDWR);
		g_thread_join(writers[c]);
		close(bursts[c].fd);
		g_byte_array_unref(bursts[c].bytes);
	}
	for (int i = 0; i < IDLE_CLIENTS; i++) {
		g_assert_true(wire_wait_eof(idle[i], 30000));
		close(idle[i]);
	}
}

static void test_events(Fixture *f, gconstpointer data)
{
	int a = wire_connect(f->rw);
	int b = wire_connect(f->ro);
	remote_connect_domain_event_callback_register_any_args reg = {
		VIR_DOMAIN_EVENT_ID_LIFECYCLE, NULL };
	remote_connect_domain_event_callback_register_any_ret ra = { -1 }, rb = { -1 };
	remote_connect_domain_event_callback_deregister_any_args dereg;

	wire_open(a, "xen:///system", 0, 1);
	wire_open(b, "xen:///system", VIR_CONNECT_RO, 1);
	wire_call(a, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, 2,
		  (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_args, &reg);
	wire_expect_ok(a, 2, (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_ret,
		       &ra);
	/* Ids are daemon-wide, as libvirtd's. */
	wire_call(b, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, 2,
		  (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_args, &reg);
	wire_expect_ok(b, 2, (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_ret,
		       &rb);
	g_assert_cmpint(ra.callbackID, >=, 0);
	g_assert_cmpint(rb.callbackID, >, ra.callbackID);

	/* Unknown event ids and callback ids. */
	reg.eventID = VIR_DOMAIN_EVENT_ID_LIFECYCLE + 1000;
	wire_call(a, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, 3,
		  (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_args, &reg);
	g_free(wire_expect_error(a, 3, VIR_ERR_INTERNAL_ERROR));
	reg.eventID = -1;
	wire_call(a, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, 4,
		  (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_args, &reg);
	g_free(wire_expect_error(a, 4, VIR_ERR_INTERNAL_ERROR));
	/* b's callback is not a's to remove. */
	dereg.callbackID = rb.callbackID;
	wire_call(a, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, 5,
		  (xdrproc_t)xdr_remote_connect_domain_event_callback_deregister_any_args, &dereg);
	g_free(wire_expect_error(a, 5, VIR_ERR_INTERNAL_ERROR));
	dereg.callbackID = ra.callbackID;
	wire_call(a, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, 6,
		  (xdrproc_t)xdr_remote_connect_domain_event_callback_deregister_any_args, &dereg);
	wire_expect_ok(a, 6, NULL, NULL);
	wire_call(a, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, 7,
		  (xdrproc_t)xdr_remote_connect_domain_event_callback_deregister_any_args, &dereg);
	g_free(wire_expect_error(a, 7, VIR_ERR_INTERNAL_ERROR));
	close(a);
	close(b);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	if (argc < 2) {
		g_printerr("usage: %s PATH-TO-XVMD\n", argv[0]);
		return 2;
	}
	xvmd_path = argv[1];
	signal(SIGPIPE, SIG_IGN);

#define ADD(name, fn) g_test_add("/xvmd/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD("session", test_session);
	ADD("uris", test_uris);
	ADD("keepalive", test_keepalive);
	ADD("unknown-procedure", test_unknown_procedure);
	ADD("wrong-program", test_wrong_program);
	ADD("bad-payload", test_bad_payload);
	ADD("bad-length", test_bad_length);
	ADD("truncated", test_truncated);
	ADD("read-only-socket", test_read_only_socket);
	ADD("many-clients", test_many_clients);
	static const SlowReader on_loop = { REMOTE_PROC_CONNECT_GET_TYPE, false };
	static const SlowReader on_workers = { REMOTE_PROC_CONNECT_GET_HOSTNAME, false };
	static const SlowReader on_loop_set = { REMOTE_PROC_CONNECT_GET_TYPE, true };
	static const SlowReader on_workers_set = { REMOTE_PROC_CONNECT_GET_HOSTNAME, true };

	g_test_add("/xvmd/slow-reader/loop", Fixture, &on_loop,
		   fixture_setup, test_slow_reader, fixture_teardown);
	g_test_add("/xvmd/slow-reader/workers", Fixture, &on_workers,
		   fixture_setup, test_slow_reader, fixture_teardown);
	g_test_add("/xvmd/slow-reader/loop-behind-idle", Fixture, &on_loop_set,
		   fixture_setup, test_slow_reader, fixture_teardown);
	g_test_add("/xvmd/slow-reader/workers-behind-idle", Fixture, &on_workers_set,
		   fixture_setup, test_slow_reader, fixture_teardown);
	ADD("events", test_events);
	ADD("stop-while-busy", test_stop_while_busy);
	return g_test_run();
}
