/* The relay on the wire: a private xvmd per test whose "libvirtd" is the
 * test itself, listening on a socket of the test's directory. The test
 * plays both ends: a client of xvmd, and the upstream daemon, which may
 * answer well, refuse, break, or send garbage. xvmd must pass frames
 * through unchanged, fail calls with the right code, and keep serving.
 * Usage: test-relay PATH-TO-XVMD [GTest options] */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "keepalive_protocol.h"
#include "wire.h"

/* libvirt's procedure numbers (remote_protocol.x) the tests use. */
enum {
	PROC_STORAGE_POOL_LOOKUP_BY_NAME = 84,
	PROC_STORAGE_VOL_UPLOAD = 208,
	PROC_STORAGE_VOL_DOWNLOAD = 209,
	PROC_CONNECT_LIST_ALL_STORAGE_POOLS = 281,
	PROC_CONNECT_LIST_ALL_NETWORKS = 283,
	PROC_STORAGE_POOL_EVENT_LIFECYCLE = 370,
	PROC_NODE_DEVICE_DETACH_FLAGS = 301,
};

static const char *xvmd_path;

typedef struct {
	char *dir;
	char *rw, *ro, *upstream;
	int listen_fd;
	GPid pid;
	bool session;
} Fixture;

static void die_with_parent(gpointer data)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static int listen_unix(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpuint(strlen(path), <, sizeof(addr.sun_path));
	strcpy(addr.sun_path, path);
	g_assert_cmpint(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
	g_assert_cmpint(listen(fd, 16), ==, 0);
	return fd;
}

static void fixture_setup(Fixture *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *state = NULL;
	g_autofree char *pid_file = NULL;
	g_auto(GStrv) env = g_environ_unsetenv(g_get_environ(), "XVM_SIMHV_SOCKET");

	f->session = GPOINTER_TO_INT(data);
	f->dir = g_dir_make_tmp("xvmd-relay-XXXXXX", &err);
	g_assert_no_error(err);
	state = g_build_filename(f->dir, "state", NULL);
	pid_file = g_build_filename(f->dir, "xvmd.pid", NULL);
	f->rw = g_build_filename(f->dir, "virtxend-sock", NULL);
	f->ro = g_build_filename(f->dir, "virtxend-sock-ro", NULL);
	f->upstream = g_build_filename(f->dir, "libvirt-sock", NULL);
	f->listen_fd = listen_unix(f->upstream);

	const char *argv[] = { xvmd_path, "--foreground", "--run-dir", f->dir,
			       "--state-dir", state, "--libvirtd-socket", f->upstream,
			       f->session ? "--libvirtd-session" : NULL, NULL };
	g_spawn_async(NULL, (char **)argv, env, G_SPAWN_DO_NOT_REAP_CHILD,
		      die_with_parent, NULL, &f->pid, &err);
	g_assert_no_error(err);
	for (int i = 0; i < 500 && !g_file_test(pid_file, G_FILE_TEST_EXISTS); i++)
		g_usleep(10000);
	g_assert_true(g_file_test(pid_file, G_FILE_TEST_EXISTS));
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
	g_autofree char *state = g_build_filename(f->dir, "state", NULL);
	int status;

	g_assert_cmpint(kill(f->pid, SIGTERM), ==, 0);
	g_assert_cmpint(waitpid(f->pid, &status, 0), ==, f->pid);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
	if (f->listen_fd >= 0)
		close(f->listen_fd);
	g_remove(f->upstream);
	g_remove(state);
	g_assert_cmpint(g_rmdir(f->dir), ==, 0);
	g_free(f->dir);
	g_free(f->rw);
	g_free(f->ro);
	g_free(f->upstream);
}

/* The next upstream connection xvmd makes, within a few seconds. */
static int upstream_accept(Fixture *f)
{
	struct pollfd p = { .fd = f->listen_fd, .events = POLLIN };
	int fd;

	g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
	fd = accept4(f->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	g_assert_cmpint(fd, >=, 0);
	return fd;
}

/* No upstream connection is being made. */
static void assert_no_upstream(Fixture *f)
{
	struct pollfd p = { .fd = f->listen_fd, .events = POLLIN };

	g_assert_cmpint(poll(&p, 1, 200), ==, 0);
}

static wire_frame *expect_call(int fd, int proc)
{
	wire_frame *m = wire_recv(fd, 5000);

	g_assert_nonnull(m);
	g_assert_cmpuint(m->hdr.prog, ==, REMOTE_PROGRAM);
	g_assert_cmpint(m->hdr.type, ==, XVM_NET_CALL);
	g_assert_cmpint(m->hdr.proc, ==, proc);
	return m;
}

static void reply_ok(int fd, const xvm_net_header *call, xdrproc_t filter, const void *ret)
{
	wire_send(fd, call->prog, call->vers, call->proc, XVM_NET_REPLY, call->serial,
		  XVM_NET_OK, filter, ret);
}

static void reply_error(int fd, const xvm_net_header *call, int type, int status,
			int code, const char *text)
{
	char *msg = (char *)text;
	xvm_net_error e = { .code = code, .domain = VIR_FROM_STORAGE, .message = &msg,
			    .level = VIR_ERR_ERROR };

	wire_send(fd, call->prog, call->vers, call->proc, type, call->serial, status,
		  (xdrproc_t)xdr_xvm_net_error, &e);
}

/* Plays libvirtd's side of the handshake: the authentication list offers
 * auth, then CONNECT_OPEN must name uri with flags. */
static void upstream_handshake(int fd, remote_auth_type auth, const char *uri,
			       unsigned int flags)
{
	g_autoptr(wire_frame) list = expect_call(fd, REMOTE_PROC_AUTH_LIST);
	g_autoptr(wire_frame) open = NULL;
	remote_auth_list_ret types = { .types = { 1, &auth } };
	remote_connect_open_args args = { 0 };

	reply_ok(fd, &list->hdr, (xdrproc_t)xdr_remote_auth_list_ret, &types);
	if (auth == REMOTE_AUTH_POLKIT) {
		g_autoptr(wire_frame) polkit = expect_call(fd, REMOTE_PROC_AUTH_POLKIT);
		int complete = 1;

		reply_ok(fd, &polkit->hdr, (xdrproc_t)xdr_int, &complete);
	}
	open = expect_call(fd, REMOTE_PROC_CONNECT_OPEN);
	wire_decode(open, (xdrproc_t)xdr_remote_connect_open_args, &args);
	g_assert_nonnull(args.name);
	g_assert_cmpstr(*args.name, ==, uri);
	g_assert_cmpuint(args.flags, ==, flags);
	xdr_free((xdrproc_t)xdr_remote_connect_open_args, (char *)&args);
	reply_ok(fd, &open->hdr, NULL, NULL);
}

static int client_open(const char *path, unsigned int flags)
{
	int fd = wire_connect(path);

	wire_open(fd, "xen:///system", flags, 1);
	return fd;
}

/* A call of the client with an int as payload (the relay never looks at
 * payloads). */
static void client_call(int fd, int proc, uint32_t serial, int value)
{
	wire_call(fd, proc, serial, (xdrproc_t)xdr_int, &value);
}

static void assert_usable(int fd, uint32_t serial)
{
	remote_connect_get_type_ret r = { 0 };

	wire_call(fd, REMOTE_PROC_CONNECT_GET_TYPE, serial, NULL, NULL);
	wire_expect_ok(fd, serial, (xdrproc_t)xdr_remote_connect_get_type_ret, &r);
	g_assert_cmpstr(r.type, ==, "Xen");
	xdr_free((xdrproc_t)xdr_remote_connect_get_type_ret, (char *)&r);
}

static int decode_int(const wire_frame *m)
{
	int v = 0;

	wire_decode(m, (xdrproc_t)xdr_int, &v);
	return v;
}

/* Calls, replies, errors and events pass through unchanged, serials
 * included; each kind has its own upstream connection and URI. */
static void test_forward(Fixture *f, gconstpointer data)
{
	const char *path = f->session ? "session" : "system";
	g_autofree char *storage_uri = g_strdup_printf("storage:///%s", path);
	g_autofree char *network_uri = g_strdup_printf("network:///%s", path);
	int c = client_open(f->rw, 0);
	int up, net;
	wire_frame *m;
	g_autofree char *msg = NULL;
	int answer = 42;

	client_call(c, PROC_CONNECT_LIST_ALL_STORAGE_POOLS, 7, 1234);
	up = upstream_accept(f);
	upstream_handshake(up, REMOTE_AUTH_NONE, storage_uri, 0);
	m = expect_call(up, PROC_CONNECT_LIST_ALL_STORAGE_POOLS);
	g_assert_cmpuint(m->hdr.serial, ==, 7);
	g_assert_cmpint(decode_int(m), ==, 1234);
	reply_ok(up, &m->hdr, (xdrproc_t)xdr_int, &answer);
	wire_frame_free(m);
	m = wire_recv(c, 5000);
	g_assert_nonnull(m);
	g_assert_cmpint(m->hdr.type, ==, XVM_NET_REPLY);
	g_assert_cmpuint(m->hdr.serial, ==, 7);
	g_assert_cmpint(m->hdr.proc, ==, PROC_CONNECT_LIST_ALL_STORAGE_POOLS);
	g_assert_cmpint(decode_int(m), ==, 42);
	wire_frame_free(m);

	/* The daemon's error, as it is. */
	client_call(c, PROC_STORAGE_POOL_LOOKUP_BY_NAME, 8, 0);
	m = expect_call(up, PROC_STORAGE_POOL_LOOKUP_BY_NAME);
	reply_error(up, &m->hdr, XVM_NET_REPLY, XVM_NET_ERROR, VIR_ERR_NO_STORAGE_POOL,
		    "Storage pool not found: no storage pool with matching name 'x'");
	wire_frame_free(m);
	msg = wire_expect_error(c, 8, VIR_ERR_NO_STORAGE_POOL);
	g_assert_cmpstr(msg, ==, "Storage pool not found: no storage pool with matching name 'x'");

	/* Events the client registered for. */
	wire_send(up, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, PROC_STORAGE_POOL_EVENT_LIFECYCLE,
		  XVM_NET_MESSAGE, 1, XVM_NET_OK, (xdrproc_t)xdr_int, &answer);
	m = wire_recv(c, 5000);
	g_assert_nonnull(m);
	g_assert_cmpint(m->hdr.type, ==, XVM_NET_MESSAGE);
	g_assert_cmpint(m->hdr.proc, ==, PROC_STORAGE_POOL_EVENT_LIFECYCLE);
	g_assert_cmpint(decode_int(m), ==, 42);
	wire_frame_free(m);

	/* Upstream's keepalive is answered by xvmd, not passed on. */
	wire_send(up, KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION, KEEPALIVE_PROC_PING,
		  XVM_NET_MESSAGE, 0, XVM_NET_OK, NULL, NULL);
	m = wire_recv(up, 5000);
	g_assert_nonnull(m);
	g_assert_cmpuint(m->hdr.prog, ==, KEEPALIVE_PROGRAM);
	g_assert_cmpint(m->hdr.proc, ==, KEEPALIVE_PROC_PONG);
	wire_frame_free(m);
	g_assert_null(wire_recv(c, 200));

	/* Another kind: another connection, its own URI. */
	client_call(c, PROC_CONNECT_LIST_ALL_NETWORKS, 9, 5);
	net = upstream_accept(f);
	upstream_handshake(net, REMOTE_AUTH_POLKIT, network_uri, 0);
	m = expect_call(net, PROC_CONNECT_LIST_ALL_NETWORKS);
	g_assert_cmpuint(m->hdr.serial, ==, 9);
	reply_ok(net, &m->hdr, NULL, NULL);
	wire_frame_free(m);
	wire_expect_ok(c, 9, NULL, NULL);

	/* PCI passthrough is the hypervisor driver's, never relayed. */
	client_call(c, PROC_NODE_DEVICE_DETACH_FLAGS, 10, 0);
	g_free(wire_expect_error(c, 10, VIR_ERR_NO_SUPPORT));

	/* CONNECT_CLOSE ends the upstream connections. */
	wire_call(c, REMOTE_PROC_CONNECT_CLOSE, 11, NULL, NULL);
	wire_expect_ok(c, 11, NULL, NULL);
	g_assert_true(wire_wait_eof(up, 5000));
	g_assert_true(wire_wait_eof(net, 5000));
	close(up);
	close(net);
	close(c);
}

/* A modular daemon's socket beside libvirtd's takes its kind's calls
 * (virtstoraged-sock: storage), the others still go to libvirtd. */
static void test_modular(Fixture *f, gconstpointer data)
{
	g_autofree char *storaged = g_build_filename(f->dir, "virtstoraged-sock", NULL);
	int storaged_fd = listen_unix(storaged);
	struct pollfd p = { .fd = storaged_fd, .events = POLLIN };
	int c = client_open(f->rw, 0);
	int up, net;
	wire_frame *m;

	client_call(c, PROC_CONNECT_LIST_ALL_STORAGE_POOLS, 2, 0);
	g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
	up = accept4(storaged_fd, NULL, NULL, SOCK_CLOEXEC);
	g_assert_cmpint(up, >=, 0);
	upstream_handshake(up, REMOTE_AUTH_NONE, "storage:///system", 0);
	m = expect_call(up, PROC_CONNECT_LIST_ALL_STORAGE_POOLS);
	reply_ok(up, &m->hdr, NULL, NULL);
	wire_frame_free(m);
	wire_expect_ok(c, 2, NULL, NULL);
	assert_no_upstream(f);

	client_call(c, PROC_CONNECT_LIST_ALL_NETWORKS, 3, 0);
	net = upstream_accept(f);
	upstream_handshake(net, REMOTE_AUTH_NONE, "network:///system", 0);
	m = expect_call(net, PROC_CONNECT_LIST_ALL_NETWORKS);
	reply_ok(net, &m->hdr, NULL, NULL);
	wire_frame_free(m);
	wire_expect_ok(c, 3, NULL, NULL);
	close(c);
	close(up);
	close(net);
	close(storaged_fd);
	g_remove(storaged);
}

/* A read-only client's upstream connection is read-only too. */
static void test_readonly(Fixture *f, gconstpointer data)
{
	int c = client_open(f->ro, 0);
	int up;
	wire_frame *m;

	client_call(c, PROC_CONNECT_LIST_ALL_STORAGE_POOLS, 2, 0);
	up = upstream_accept(f);
	upstream_handshake(up, REMOTE_AUTH_NONE, "storage:///system", VIR_CONNECT_RO);
	m = expect_call(up, PROC_CONNECT_LIST_ALL_STORAGE_POOLS);
	reply_ok(up, &m->hdr, NULL, NULL);
	wire_frame_free(m);
	wire_expect_ok(c, 2, NULL, NULL);
	close(c);
	/* The client gone, so is its upstream connection. */
	g_assert_true(wire_wait_eof(up, 5000));
	close(up);
}

/* No daemon: VIR_ERR_NO_SUPPORT, every time, and the rest still works. */
static void test_unreachable(Fixture *f, gconstpointer data)
{
	int c;
	g_autofree char *msg = NULL;

	close(f->listen_fd);
	f->listen_fd = -1;
	g_remove(f->upstream);
	c = client_open(f->rw, 0);
	client_call(c, PROC_CONNECT_LIST_ALL_STORAGE_POOLS, 2, 0);
	msg = wire_expect_error(c, 2, VIR_ERR_NO_SUPPORT);
	g_assert_nonnull(strstr(msg, "not supported"));
	g_assert_nonnull(strstr(msg, f->upstream));
	client_call(c, PROC_CONNECT_LIST_ALL_STORAGE_POOLS, 3, 0);
	g_free(wire_expect_error(c, 3, VIR_ERR_NO_SUPPORT));
	assert_usable(c, 4);
	close(c);
}

/* Before CONNECT_OPEN: refused as libvirtd refuses, nothing relayed. */
static void test_not_open(Fixture *f, gconstpointer data)
{
	int c = wire_connect(f->rw);

	client_call(c, PROC_CONNECT_LIST_ALL_STORAGE_POOLS, 1, 0);
	g_free(wire_expect_error(c, 1, VIR_ERR_INTERNAL_ERROR));
	assert_no_upstream(f);
	close(c);
}

/* The daemon refuses the connection, or wants SASL: NO_SUPPORT with its
 * reason; the next call tries again. */
static void test_refused(Fixture *f, gconstpointer data)
{
	int c = client_open(f->rw, 0);
	int up;
	wire_frame *m;
	g_autofree char *msg = NULL;
	g_autofree char *msg2 = NULL;
	remote_auth_type sasl = REMOTE_AUTH_SASL;
	remote_auth_list_ret types = { .types = { 1, &sasl } };
	remote_auth_list_ret empty = { 0 };   /* no list: none needed */

	client_call(c, PROC_CONNECT_LIST_ALL_STORAGE_POOLS, 2, 0);
	up = upstream_accept(f);
	m = expect_call(up, REMOTE_PROC_AUTH_LIST);
	reply_ok(up, &m->hdr, (xdrproc_t)xdr_remote_auth_list_ret, &empty);
	wire_frame_free(m);
	m = expect_call(up, REMOTE_PROC_CONNECT_OPEN);
	reply_error(up, &m->hdr, XVM_NET_REPLY, XVM_NET_ERROR, VIR_ERR_INTERNAL_ERROR,
		    "unexpected storage URI path '/system', try storage:///session");
	wire_frame_free(m);
	msg = wire_expect_error(c, 2, VIR_ERR_NO_SUPPORT);
	g_assert_nonnull(strstr(msg, "try storage:///session"));
	g_assert_true(wire_wait_eof(up, 5000));
	close(up);

	client_call(c, PROC_CONNECT_LIST_ALL_STORAGE_POOLS, 3, 0);
	up = upstream_accept(f);
	m = expect_call(up, REMOTE_PROC_AUTH_LIST);
	reply_ok(up, &m->hdr, (xdrproc_t)xdr_remote_auth_list_ret, &types);
	wire_frame_free(m);
	msg2 = wire_expect_error(c, 3, VIR_ERR_NO_SUPPORT);
	g_assert_nonnull(strstr(msg2, "SASL"));
	close(up);
	assert_usable(c, 4);
	close(c);
}

/* The daemon goes away with a call in flight, or talks nonsense: the
 * call fails, xvmd serves on, the next call connects anew. */
static void test_upstream_breaks(Fixture *f, gconstpointer data)
{
	int c = client_open(f->rw, 0);
	int up;
	wire_frame *m;
	const uint8_t garbage[8] = { 0, 0, 0, 3, 1, 2, 3, 4 };   /* length 3 */
	remote_auth_list_ret none = { 0 };

	client_call(c, PROC_CONNECT_LIST_ALL_STORAGE_POOLS, 2, 0);
	up = upstream_accept(f);
	upstream_handshake(up, REMOTE_AUTH_NONE, "storage:///system", 0);
	wire_frame_free(expect_call(up, PROC_CONNECT_LIST_ALL_STORAGE_POOLS));
	close(up);
	g_free(wire_expect_error(c, 2, VIR_ERR_INTERNAL_ERROR));

	client_call(c, PROC_CONNECT_LIST_ALL_STORAGE_POOLS, 3, 0);
	up = upstream_accept(f);
	upstream_handshake(up, REMOTE_AUTH_NONE, "storage:///system", 0);
	wire_frame_free(expect_call(up, PROC_CONNECT_LIST_ALL_STORAGE_POOLS));
	g_assert_true(wire_write(up, garbage, sizeof(garbage)));
	g_free(wire_expect_error(c, 3, VIR_ERR_INTERNAL_ERROR));
	g_assert_true(wire_wait_eof(up, 5000));
	close(up);

	/* A reply to something else during the handshake fails the
	 * connection; a reply to a call never made is dropped. */
	client_call(c, PROC_CONNECT_LIST_ALL_STORAGE_POOLS, 4, 0);
	up = upstream_accept(f);
	m = expect_call(up, REMOTE_PROC_AUTH_LIST);
	reply_ok(up, &m->hdr, (xdrproc_t)xdr_remote_auth_list_ret, &none);
	wire_frame_free(m);
	m = expect_call(up, REMOTE_PROC_CONNECT_OPEN);
	m->hdr.proc = PROC_CONNECT_LIST_ALL_STORAGE_POOLS;
	reply_ok(up, &m->hdr, NULL, NULL);
	wire_frame_free(m);
	g_free(wire_expect_error(c, 4, VIR_ERR_NO_SUPPORT));
	g_assert_true(wire_wait_eof(up, 5000));
	close(up);

	client_call(c, PROC_CONNECT_LIST_ALL_STORAGE_POOLS, 5, 0);
	up = upstream_accept(f);
	upstream_handshake(up, REMOTE_AUTH_NONE, "storage:///system", 0);
	m = expect_call(up, PROC_CONNECT_LIST_ALL_STORAGE_POOLS);
	m->hdr.serial = 999;
	reply_ok(up, &m->hdr, NULL, NULL);
	m->hdr.serial = 5;
	reply_ok(up, &m->hdr, NULL, NULL);
	wire_frame_free(m);
	wire_expect_ok(c, 5, NULL, NULL);
	g_assert_null(wire_recv(c, 200));

	/* The same serial twice while the first runs: the second refused. */
	client_call(c, PROC_CONNECT_LIST_ALL_STORAGE_POOLS, 6, 0);
	client_call(c, PROC_CONNECT_LIST_ALL_STORAGE_POOLS, 6, 0);
	g_free(wire_expect_error(c, 6, VIR_ERR_RPC));
	m = expect_call(up, PROC_CONNECT_LIST_ALL_STORAGE_POOLS);
	reply_ok(up, &m->hdr, NULL, NULL);
	wire_frame_free(m);
	wire_expect_ok(c, 6, NULL, NULL);
	assert_usable(c, 7);
	close(up);
	close(c);
}

static void expect_stream(int fd, uint32_t serial, int status, const char *data)
{
	g_autoptr(wire_frame) m = wire_recv(fd, 5000);

	g_assert_nonnull(m);
	g_assert_cmpint(m->hdr.type, ==, XVM_NET_STREAM);
	g_assert_cmpint(m->hdr.proc, ==, PROC_STORAGE_VOL_DOWNLOAD);
	g_assert_cmpuint(m->hdr.serial, ==, serial);
	g_assert_cmpint(m->hdr.status, ==, status);
	g_assert_cmpuint(m->len - RPC_FRAME_MIN, ==, strlen(data));
	g_assert_cmpmem(m->data + RPC_FRAME_MIN, m->len - RPC_FRAME_MIN, data, strlen(data));
}

static void send_stream(int fd, uint32_t serial, int status, const char *data)
{
	xvm_net_header h = { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
			     PROC_STORAGE_VOL_DOWNLOAD, XVM_NET_STREAM, serial, status };
	g_autoptr(rpc_message) msg = rpc_message_encode_raw(&h, data, strlen(data));

	g_assert_true(wire_write(fd, msg->data, msg->len));
}

/* A volume download: the call, then STREAM messages both ways until the
 * daemon's final OK; later ones are dropped. A stream the daemon breaks
 * ends with an error to the client. */
static void test_stream(Fixture *f, gconstpointer data)
{
	int c = client_open(f->rw, 0);
	int up;
	wire_frame *m;
	xvm_net_header h;

	client_call(c, PROC_STORAGE_VOL_DOWNLOAD, 5, 0);
	up = upstream_accept(f);
	upstream_handshake(up, REMOTE_AUTH_NONE, "storage:///system", 0);
	m = expect_call(up, PROC_STORAGE_VOL_DOWNLOAD);
	h = m->hdr;
	wire_frame_free(m);
	reply_ok(up, &h, NULL, NULL);
	wire_expect_ok(c, 5, NULL, NULL);
	send_stream(up, 5, XVM_NET_CONTINUE, "volume data");
	expect_stream(c, 5, XVM_NET_CONTINUE, "volume data");
	send_stream(up, 5, XVM_NET_OK, "");
	expect_stream(c, 5, XVM_NET_OK, "");
	send_stream(c, 5, XVM_NET_OK, "");
	expect_stream(up, 5, XVM_NET_OK, "");
	send_stream(up, 5, XVM_NET_OK, "");
	expect_stream(c, 5, XVM_NET_OK, "");
	send_stream(up, 5, XVM_NET_CONTINUE, "late");
	g_assert_null(wire_recv(c, 200));

	/* The client's frames for a stream that is not there go nowhere. */
	send_stream(c, 77, XVM_NET_CONTINUE, "noise");
	g_assert_null(wire_recv(up, 200));

	client_call(c, PROC_STORAGE_VOL_DOWNLOAD, 6, 0);
	m = expect_call(up, PROC_STORAGE_VOL_DOWNLOAD);
	h = m->hdr;
	wire_frame_free(m);
	reply_ok(up, &h, NULL, NULL);
	wire_expect_ok(c, 6, NULL, NULL);
	send_stream(up, 6, XVM_NET_CONTINUE, "part");
	expect_stream(c, 6, XVM_NET_CONTINUE, "part");
	close(up);
	m = wire_recv(c, 5000);
	g_assert_nonnull(m);
	g_assert_cmpint(m->hdr.type, ==, XVM_NET_STREAM);
	g_assert_cmpuint(m->hdr.serial, ==, 6);
	g_assert_cmpint(m->hdr.status, ==, XVM_NET_ERROR);
	wire_frame_free(m);
	assert_usable(c, 7);
	close(c);
}

/* An upload the daemon does not read: xvmd stops reading the client once
 * a bounded amount waits for upstream, serves other clients meanwhile,
 * and loses nothing when the daemon reads again. */
static void test_upload_backpressure(Fixture *f, gconstpointer data)
{
	const size_t chunk = RPC_STREAM_CHUNK;
	xvm_net_header h = { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, PROC_STORAGE_VOL_UPLOAD,
			     XVM_NET_STREAM, 5, XVM_NET_CONTINUE };
	g_autofree uint8_t *payload = g_malloc0(chunk);
	g_autoptr(rpc_message) frame = rpc_message_encode_raw(&h, payload, chunk);
	g_autoptr(GByteArray) in = g_byte_array_new();
	int c = client_open(f->rw, 0);
	int c2, up;
	wire_frame *m;
	size_t sent = 0, pos = 0, frames_sent = 0, received = 0;

	client_call(c, PROC_STORAGE_VOL_UPLOAD, 5, 0);
	up = upstream_accept(f);
	upstream_handshake(up, REMOTE_AUTH_NONE, "storage:///system", 0);
	m = expect_call(up, PROC_STORAGE_VOL_UPLOAD);
	reply_ok(up, &m->hdr, NULL, NULL);
	wire_frame_free(m);
	wire_expect_ok(c, 5, NULL, NULL);

	/* Write until xvmd stops taking the client's data. */
	g_assert_cmpint(fcntl(c, F_SETFL, O_NONBLOCK), ==, 0);
	for (;;) {
		struct pollfd p = { .fd = c, .events = POLLOUT };
		ssize_t n;

		if (poll(&p, 1, 500) == 0)
			break;
		n = send(c, frame->data + pos, frame->len - pos, MSG_NOSIGNAL);
		if (n < 0) {
			g_assert_cmpint(errno, ==, EAGAIN);
			continue;
		}
		sent += (size_t)n;
		pos += (size_t)n;
		if (pos == frame->len) {
			pos = 0;
			frames_sent++;
		}
		g_assert_cmpuint(sent, <, 128u << 20);
	}
	g_assert_cmpuint(sent, >, 4u << 20);

	/* Others are served meanwhile. */
	c2 = client_open(f->rw, 0);
	assert_usable(c2, 2);
	close(c2);

	/* The daemon reads: the rest of the last frame goes through, and
	 * every byte arrives. */
	g_assert_cmpint(fcntl(up, F_SETFL, O_NONBLOCK), ==, 0);
	if (pos)
		frames_sent++;
	while (received < frames_sent) {
		struct pollfd p[2] = { { .fd = up, .events = POLLIN },
				       { .fd = c, .events = pos ? POLLOUT : 0 } };
		uint8_t buf[65536];
		ssize_t n;

		g_assert_cmpint(poll(p, 2, 5000), >, 0);
		if (pos && (p[1].revents & POLLOUT)) {
			n = send(c, frame->data + pos, frame->len - pos, MSG_NOSIGNAL);
			if (n > 0 && (pos += (size_t)n) == frame->len)
				pos = 0;
		}
		n = recv(up, buf, sizeof(buf), 0);
		if (n > 0)
			g_byte_array_append(in, buf, (guint)n);
		while (in->len >= RPC_FRAME_MIN) {
			uint32_t total;
			xvm_net_header got;

			g_assert_true(rpc_frame_length(in->data, &total, NULL));
			if (in->len < total)
				break;
			g_assert_true(rpc_header_decode(in->data, total, &got));
			g_assert_cmpint(got.type, ==, XVM_NET_STREAM);
			g_assert_cmpuint(got.serial, ==, 5);
			g_assert_cmpuint(total, ==, frame->len);
			g_byte_array_remove_range(in, 0, total);
			received++;
		}
	}
	g_assert_cmpuint(in->len, ==, 0);
	close(c);
	g_assert_true(wire_wait_eof(up, 5000));
	close(up);
}

/* A download the client does not read: xvmd stops reading the daemon
 * once a bounded amount waits for the client, and loses nothing when the
 * client reads again. */
static void test_download_backpressure(Fixture *f, gconstpointer data)
{
	const size_t chunk = RPC_STREAM_CHUNK;
	xvm_net_header h = { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, PROC_STORAGE_VOL_DOWNLOAD,
			     XVM_NET_STREAM, 5, XVM_NET_CONTINUE };
	g_autofree uint8_t *payload = g_malloc0(chunk);
	g_autoptr(rpc_message) frame = rpc_message_encode_raw(&h, payload, chunk);
	g_autoptr(GByteArray) in = g_byte_array_new();
	int c = client_open(f->rw, 0);
	int up;
	wire_frame *m;
	size_t sent = 0, pos = 0, frames_sent = 0, received = 0;

	client_call(c, PROC_STORAGE_VOL_DOWNLOAD, 5, 0);
	up = upstream_accept(f);
	upstream_handshake(up, REMOTE_AUTH_NONE, "storage:///system", 0);
	m = expect_call(up, PROC_STORAGE_VOL_DOWNLOAD);
	reply_ok(up, &m->hdr, NULL, NULL);
	wire_frame_free(m);
	wire_expect_ok(c, 5, NULL, NULL);

	/* The daemon writes until xvmd stops reading it. */
	g_assert_cmpint(fcntl(up, F_SETFL, O_NONBLOCK), ==, 0);
	for (;;) {
		struct pollfd p = { .fd = up, .events = POLLOUT };
		ssize_t n;

		if (poll(&p, 1, 500) == 0)
			break;
		n = send(up, frame->data + pos, frame->len - pos, MSG_NOSIGNAL);
		if (n < 0) {
			g_assert_cmpint(errno, ==, EAGAIN);
			continue;
		}
		sent += (size_t)n;
		pos += (size_t)n;
		if (pos == frame->len) {
			pos = 0;
			frames_sent++;
		}
		g_assert_cmpuint(sent, <, 128u << 20);
	}
	g_assert_cmpuint(sent, >, 4u << 20);

	/* The client reads: everything arrives, in whole frames. */
	g_assert_cmpint(fcntl(c, F_SETFL, O_NONBLOCK), ==, 0);
	if (pos)
		frames_sent++;
	while (received < frames_sent) {
		struct pollfd p[2] = { { .fd = c, .events = POLLIN },
				       { .fd = up, .events = pos ? POLLOUT : 0 } };
		uint8_t buf[65536];
		ssize_t n;

		g_assert_cmpint(poll(p, 2, 5000), >, 0);
		if (pos && (p[1].revents & POLLOUT)) {
			n = send(up, frame->data + pos, frame->len - pos, MSG_NOSIGNAL);
			if (n > 0 && (pos += (size_t)n) == frame->len)
				pos = 0;
		}
		n = recv(c, buf, sizeof(buf), 0);
		if (n > 0)
			g_byte_array_append(in, buf, (guint)n);
		while (in->len >= RPC_FRAME_MIN) {
			uint32_t total;
			xvm_net_header got;

			g_assert_true(rpc_frame_length(in->data, &total, NULL));
			if (in->len < total)
				break;
			g_assert_true(rpc_header_decode(in->data, total, &got));
			g_assert_cmpint(got.type, ==, XVM_NET_STREAM);
			g_assert_cmpuint(got.serial, ==, 5);
			g_assert_cmpuint(total, ==, frame->len);
			g_byte_array_remove_range(in, 0, total);
			received++;
		}
	}
	g_assert_cmpuint(in->len, ==, 0);
	close(c);
	g_assert_true(wire_wait_eof(up, 5000));
	close(up);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_cmpint(argc, ==, 2);
	xvmd_path = argv[1];
	signal(SIGPIPE, SIG_IGN);

#define ADD(name, fn, session) \
	g_test_add("/relay/" name, Fixture, GINT_TO_POINTER(session), \
		   fixture_setup, fn, fixture_teardown)
	ADD("forward", test_forward, false);
	ADD("forward-session", test_forward, true);
	ADD("modular", test_modular, false);
	ADD("readonly", test_readonly, false);
	ADD("unreachable", test_unreachable, false);
	ADD("not-open", test_not_open, false);
	ADD("refused", test_refused, false);
	ADD("upstream-breaks", test_upstream_breaks, false);
	ADD("stream", test_stream, false);
	ADD("upload-backpressure", test_upload_backpressure, false);
	ADD("download-backpressure", test_download_backpressure, false);
	return g_test_run();
}
