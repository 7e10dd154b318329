/* The relay's upstream connections; see relay.h.
 *
 * Invariants:
 * - relay->conns[kind] is NULL or a connection whose socket is open; a
 *   connection that fails is freed at once, after its waiting calls got
 *   their error replies and its streams their error.
 * - conn->calls holds the header of every call of the client sent or
 *   held for that connection and not yet answered; each counts once in
 *   the client's calls_running, so a client cannot have more than
 *   RPC_CLIENT_MAX_CALLS relayed calls in flight. A serial is in at most
 *   one connection's calls.
 * - conn->held has the client's frames while the handshake runs (state
 *   before READY); they go out in order once it is done.
 * - relay->streams: the serials of volume upload/download calls, from
 *   the call until the daemon's last STREAM message (its ERROR, or its
 *   OK/ERROR after the client's own OK/ERROR).
 * - Upstream is not read while the client has more than
 *   RPC_CLIENT_OUTPUT_SOFT bytes unread; the client is not read while an
 *   upstream connection has as much unsent (rpc_relay_busy()).
 * - A connection is freed only outside its own dispatch: a failure during
 *   it (or the client closing under it) marks it doomed.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "error.h"
#include "keepalive_protocol.h"
#include "relay.h"
#include "remote_protocol.h"
#include "rpc_internal.h"

#define READ_CHUNK 65536

typedef enum conn_state {
	CONN_AUTH_LIST,         /* AUTH_LIST sent */
	CONN_AUTH_POLKIT,       /* AUTH_POLKIT sent */
	CONN_OPENING,           /* CONNECT_OPEN sent */
	CONN_READY,
} conn_state;

typedef struct relay_conn {
	rpc_relay *relay;
	rpc_relay_kind kind;
	int fd;
	GSource *source;
	gpointer fd_tag;
	GIOCondition io_cond;           /* what source polls fd for */
	conn_state state;
	bool dispatching;
	bool doomed;
	GByteArray *in;             /* bytes read, not yet a whole frame */
	GQueue out;                 /* rpc_message*, head being written */
	size_t out_bytes;
	GQueue held;                /* rpc_message*: client frames before READY */
	GHashTable *calls;          /* serial -> xvm_net_header* */
} relay_conn;

typedef struct relay_stream {
	rpc_relay_kind kind;
	int proc;
	bool client_done;           /* the client sent OK or ERROR */
} relay_stream;

struct rpc_relay {
	rpc_client *client;         /* not a reference: the client owns us */
	relay_conn *conns[RPC_RELAY_KINDS];
	GHashTable *streams;        /* serial -> relay_stream* */
};

static void conn_fail(relay_conn *conn, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* ---- sending ------------------------------------------------------------ */

static rpc_message *copy_frame(const uint8_t *frame, size_t len)
{
	rpc_message *m = g_new0(rpc_message, 1);

	m->data = g_memdup2(frame, len);
	m->len = len;
	return m;
}

static void conn_update_io(relay_conn *conn)
{
	rpc_client *c = conn->relay->client;
	GIOCondition cond = 0;

	if (c->out_bytes <= RPC_CLIENT_OUTPUT_SOFT)
		cond |= G_IO_IN;
	if (conn->out.length)
		cond |= G_IO_OUT;
	/* Each change wakes the loop (client.c): only when it changes. */
	if (cond == conn->io_cond)
		return;
	conn->io_cond = cond;
	g_source_modify_unix_fd(conn->source, conn->fd_tag, cond);
}

/* Writes what the socket takes. false: the connection failed (and is
 * freed unless dispatching). */
static bool conn_flush(relay_conn *conn)
{
	rpc_client *c = conn->relay->client;
	bool was_busy = conn->out_bytes > RPC_CLIENT_OUTPUT_SOFT;
	rpc_message *m;

	while ((m = g_queue_peek_head(&conn->out))) {
		ssize_t n = send(conn->fd, m->data + m->sent, m->len - m->sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			conn_fail(conn, VIR_ERR_INTERNAL_ERROR,
				  _("internal error: cannot write to libvirt's %s daemon: %s"),
				  rpc_relay_kind_scheme(conn->kind), g_strerror(errno));
			return false;
		}
		m->sent += (size_t)n;
		if (m->sent < m->len)
			continue;
		conn->out_bytes -= m->len;
		rpc_message_free(g_queue_pop_head(&conn->out));
	}
	conn_update_io(conn);
	if (was_busy && conn->out_bytes <= RPC_CLIENT_OUTPUT_SOFT && !conn->dispatching)
		rpc_client_resume(c);
	return true;
}

static bool conn_send(relay_conn *conn, rpc_message *m)
{
	g_queue_push_tail(&conn->out, m);
	conn->out_bytes += m->len;
	return conn->out.length > 1 || conn_flush(conn);
}

/* One of our own calls of the handshake. */
static rpc_message *handshake_call(int proc, xdrproc_t filter, const void *args)
{
	xvm_net_header h = {
		.prog = REMOTE_PROGRAM,
		.vers = REMOTE_PROTOCOL_VERSION,
		.proc = proc,
		.type = XVM_NET_CALL,
		.serial = 0,
		.status = XVM_NET_OK,
	};

	return rpc_message_encode(&h, filter, args, NULL);
}

static bool conn_call(relay_conn *conn, int proc, xdrproc_t filter, const void *args)
{
	return conn_send(conn, handshake_call(proc, filter, args));
}

/* ---- the client's side -------------------------------------------------- */

static void reply_error(rpc_client *c, const xvm_net_header *call, const GError *err)
{
	xvm_net_header h = *call;

	h.type = XVM_NET_REPLY;
	rpc_client_send(c, rpc_message_encode_error(&h, err));
}

/* ---- connections -------------------------------------------------------- */

static void conn_free(relay_conn *conn)
{
	g_source_destroy(conn->source);
	g_source_unref(conn->source);
	close(conn->fd);
	g_byte_array_unref(conn->in);
	g_queue_clear_full(&conn->out, (GDestroyNotify)rpc_message_free);
	g_queue_clear_full(&conn->held, (GDestroyNotify)rpc_message_free);
	g_hash_table_unref(conn->calls);
	g_free(conn);
}

/* Takes conn out of its relay and frees it, now or after its dispatch. */
static void conn_drop(relay_conn *conn)
{
	rpc_relay *relay = conn->relay;

	if (relay->conns[conn->kind] == conn)
		relay->conns[conn->kind] = NULL;
	if (conn->dispatching)
		conn->doomed = true;
	else
		conn_free(conn);
}

/* The connection is lost: its calls get an error of code with the
 * message, its running streams an error; then it goes. */
static void conn_fail(relay_conn *conn, int code, const char *fmt, ...)
{
	rpc_relay *relay = conn->relay;
	rpc_client *c = rpc_client_ref(relay->client);
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) out = g_ptr_array_new();
	g_autofree char *msg = NULL;
	GHashTableIter it;
	gpointer key, value;
	va_list ap;

	if (conn->doomed || relay->conns[conn->kind] != conn) {
		rpc_client_unref(c);
		return;
	}
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	xvm_error_set(&err, VIR_FROM_RPC, code, "%s", msg);
	g_debug("rpc: client %d: relay to %s: %s", c->fd, rpc_relay_kind_scheme(conn->kind), msg);

	/* Everything leaves the tables before anything is sent: sending
	 * may close the client, which empties them. */
	g_hash_table_iter_init(&it, relay->streams);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		relay_stream *s = value;
		xvm_net_header h = {
			.prog = REMOTE_PROGRAM,
			.vers = REMOTE_PROTOCOL_VERSION,
			.proc = s->proc,
			.type = XVM_NET_STREAM,
			.serial = GPOINTER_TO_UINT(key),
		};

		if (s->kind != conn->kind)
			continue;
		/* A stream whose call is unanswered gets the call's error. */
		if (!g_hash_table_contains(conn->calls, key))
			g_ptr_array_add(out, rpc_message_encode_error(&h, err));
		g_hash_table_iter_remove(&it);
	}
	g_hash_table_iter_init(&it, conn->calls);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		xvm_net_header h = *(const xvm_net_header *)value;

		h.type = XVM_NET_REPLY;
		g_ptr_array_add(out, rpc_message_encode_error(&h, err));
		c->calls_running--;
	}
	g_hash_table_remove_all(conn->calls);
	conn_drop(conn);

	for (guint i = 0; i < out->len; i++)
		rpc_client_send(c, out->pdata[i]);
	rpc_client_resume(c);
	rpc_client_unref(c);
}

/* ---- frames from upstream ----------------------------------------------- */

/* The error an upstream ERROR reply carries, as text. */
static char *upstream_error(const uint8_t *frame, size_t len)
{
	xvm_net_error e = { 0 };
	char *msg;

	if (rpc_payload_decode(frame, len, (xdrproc_t)xdr_xvm_net_error, &e) && e.message)
		msg = g_strdup(*e.message);
	else
		msg = g_strdup(_("no reason given"));
	xdr_free((xdrproc_t)xdr_xvm_net_error, (char *)&e);
	return msg;
}

static bool send_open(relay_conn *conn)
{
	rpc_client *c = conn->relay->client;
	g_autofree char *uri = g_strdup_printf("%s:///%s", rpc_relay_kind_scheme(conn->kind),
					       c->srv->relay_session ? "session" : "system");
	remote_connect_open_args args = {
		.name = &uri,
		.flags = c->read_only ? VIR_CONNECT_RO : 0,
	};

	conn->state = CONN_OPENING;
	return conn_call(conn, REMOTE_PROC_CONNECT_OPEN,
			 (xdrproc_t)xdr_remote_connect_open_args, &args);
}

static void handshake_step(relay_conn *conn, const xvm_net_header *hdr,
			   const uint8_t *frame, size_t len)
{
	const char *scheme = rpc_relay_kind_scheme(conn->kind);
	remote_auth_list_ret auth = { 0 };
	bool none = false, polkit = false;
	g_autofree char *why = NULL;
	int expected = conn->state == CONN_AUTH_LIST ? REMOTE_PROC_AUTH_LIST :
		       conn->state == CONN_AUTH_POLKIT ? REMOTE_PROC_AUTH_POLKIT :
		       REMOTE_PROC_CONNECT_OPEN;

	if (hdr->type != XVM_NET_REPLY || hdr->proc != expected) {
		conn_fail(conn, VIR_ERR_NO_SUPPORT,
			  _("this function is not supported by the connection driver: "
			    "libvirt's %s daemon answered procedure %d with an unexpected message"),
			  scheme, expected);
		return;
	}
	if (hdr->status != XVM_NET_OK) {
		why = upstream_error(frame, len);
		conn_fail(conn, VIR_ERR_NO_SUPPORT,
			  _("this function is not supported by the connection driver: "
			    "libvirt's %s daemon refused the connection: %s"), scheme, why);
		return;
	}
	switch (conn->state) {
	case CONN_AUTH_LIST:
		if (!rpc_payload_decode(frame, len, (xdrproc_t)xdr_remote_auth_list_ret, &auth)) {
			xdr_free((xdrproc_t)xdr_remote_auth_list_ret, (char *)&auth);
			conn_fail(conn, VIR_ERR_NO_SUPPORT,
				  _("this function is not supported by the connection driver: "
				    "libvirt's %s daemon sent an undecodable authentication list"),
				  scheme);
			return;
		}
		none = auth.types.types_len == 0;
		for (u_int i = 0; i < auth.types.types_len; i++) {
			none |= auth.types.types_val[i] == REMOTE_AUTH_NONE;
			polkit |= auth.types.types_val[i] == REMOTE_AUTH_POLKIT;
		}
		xdr_free((xdrproc_t)xdr_remote_auth_list_ret, (char *)&auth);
		if (none) {
			send_open(conn);
		} else if (polkit) {
			/* The daemon asks polkit whether our uid may connect
			 * (libvirtd offers this to non-root clients only). */
			conn->state = CONN_AUTH_POLKIT;
			conn_call(conn, REMOTE_PROC_AUTH_POLKIT, NULL, NULL);
		} else {
			conn_fail(conn, VIR_ERR_NO_SUPPORT,
				  _("this function is not supported by the connection driver: "
				    "libvirt's %s daemon wants SASL authentication"), scheme);
		}
		return;
	case CONN_AUTH_POLKIT:
		send_open(conn);
		return;
	case CONN_OPENING:
		conn->state = CONN_READY;
		while (!conn->doomed && conn->held.length)
			conn_send(conn, g_queue_pop_head(&conn->held));
		return;
	case CONN_READY:
		g_assert_not_reached();
	}
}

static void forward_reply(relay_conn *conn, const xvm_net_header *hdr,
			  const uint8_t *frame, size_t len)
{
	rpc_relay *relay = conn->relay;
	rpc_client *c = relay->client;
	gpointer key = GUINT_TO_POINTER(hdr->serial);

	if (!g_hash_table_remove(conn->calls, key)) {
		g_debug("rpc: client %d: relay to %s: a reply to no call (serial %u)",
			c->fd, rpc_relay_kind_scheme(conn->kind), hdr->serial);
		return;
	}
	c->calls_running--;
	if (hdr->status != XVM_NET_OK)
		g_hash_table_remove(relay->streams, key);
	rpc_client_send(c, copy_frame(frame, len));
}

static void forward_stream(relay_conn *conn, const xvm_net_header *hdr,
			   const uint8_t *frame, size_t len)
{
	rpc_relay *relay = conn->relay;
	gpointer key = GUINT_TO_POINTER(hdr->serial);
	relay_stream *s = g_hash_table_lookup(relay->streams, key);

	if (!s || s->kind != conn->kind || g_hash_table_contains(conn->calls, key))
		return;   /* late data of a stream that ended, or noise */
	if (hdr->type == XVM_NET_STREAM &&
	    (hdr->status == XVM_NET_ERROR || (hdr->status == XVM_NET_OK && s->client_done)))
		g_hash_table_remove(relay->streams, key);
	rpc_client_send(relay->client, copy_frame(frame, len));
}

static void upstream_frame(relay_conn *conn, const uint8_t *frame, size_t len)
{
	xvm_net_header hdr;

	if (!rpc_header_decode(frame, len, &hdr))
		return;
	if (hdr.prog == KEEPALIVE_PROGRAM) {
		xvm_net_header pong = {
			.prog = KEEPALIVE_PROGRAM,
			.vers = KEEPALIVE_PROTOCOL_VERSION,
			.proc = KEEPALIVE_PROC_PONG,
			.type = XVM_NET_MESSAGE,
		};

		if (hdr.proc == KEEPALIVE_PROC_PING && hdr.type == XVM_NET_MESSAGE)
			conn_send(conn, rpc_message_encode(&pong, NULL, NULL, NULL));
		return;
	}
	if (hdr.prog != REMOTE_PROGRAM || hdr.vers != REMOTE_PROTOCOL_VERSION)
		return;
	if (conn->state != CONN_READY) {
		handshake_step(conn, &hdr, frame, len);
		return;
	}
	switch (hdr.type) {
	case XVM_NET_REPLY:
		forward_reply(conn, &hdr, frame, len);
		return;
	case XVM_NET_MESSAGE:       /* events of callbacks the client registered */
		rpc_client_send(conn->relay->client, copy_frame(frame, len));
		return;
	case XVM_NET_STREAM:
	case XVM_NET_STREAM_HOLE:
		forward_stream(conn, &hdr, frame, len);
		return;
	default:
		return;
	}
}

/* Reads and handles whole frames while the client takes output. */
static void conn_read(relay_conn *conn)
{
	rpc_client *c = conn->relay->client;
	size_t off = 0;
	ssize_t n;
	guint old = conn->in->len;

	g_byte_array_set_size(conn->in, old + READ_CHUNK);
	n = recv(conn->fd, conn->in->data + old, READ_CHUNK, MSG_DONTWAIT);
	g_byte_array_set_size(conn->in, old + MAX(n, 0));
	if (n == 0) {
		conn_fail(conn, VIR_ERR_INTERNAL_ERROR,
			  _("internal error: libvirt's %s daemon closed the connection"),
			  rpc_relay_kind_scheme(conn->kind));
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			conn_fail(conn, VIR_ERR_INTERNAL_ERROR,
				  _("internal error: cannot read from libvirt's %s daemon: %s"),
				  rpc_relay_kind_scheme(conn->kind), g_strerror(errno));
		return;
	}
	while (!conn->doomed && !c->closed && conn->in->len - off >= RPC_LEN_SIZE) {
		g_autoptr(GError) err = NULL;
		uint32_t total;

		if (!rpc_frame_length(conn->in->data + off, &total, &err)) {
			conn_fail(conn, VIR_ERR_INTERNAL_ERROR,
				  _("internal error: libvirt's %s daemon: %s"),
				  rpc_relay_kind_scheme(conn->kind), err->message);
			return;
		}
		if (conn->in->len - off < total)
			break;
		upstream_frame(conn, conn->in->data + off, total);
		off += total;
	}
	if (!conn->doomed)
		g_byte_array_remove_range(conn->in, 0, off);
}

static gboolean conn_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
	relay_conn *conn = data;
	rpc_client *c = rpc_client_ref(conn->relay->client);
	GIOCondition cond = g_source_query_unix_fd(source, conn->fd_tag);

	conn->dispatching = true;
	if (cond & G_IO_OUT)
		conn_flush(conn);
	if (!conn->doomed && (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR)))
		conn_read(conn);
	conn->dispatching = false;
	if (conn->doomed) {
		conn_free(conn);
	} else {
		conn_update_io(conn);
		if (conn->out_bytes <= RPC_CLIENT_OUTPUT_SOFT)
			rpc_client_resume(c);
	}
	rpc_client_unref(c);
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs conn_source_funcs = {
	.dispatch = conn_dispatch,
};

/* The socket of kind's daemon: libvirt's modular one (virtstoraged-sock,
 * virtnetworkd-sock, ...) when its socket is beside libvirtd's, as
 * libvirt lays them out, else libvirtd's. */
static char *daemon_socket(const char *libvirtd, rpc_relay_kind kind)
{
	g_autofree char *dir = g_path_get_dirname(libvirtd);
	g_autofree char *name = g_strdup_printf("virt%sd-sock", rpc_relay_kind_scheme(kind));
	char *modular = g_build_filename(dir, name, NULL);

	if (g_file_test(modular, G_FILE_TEST_EXISTS))
		return modular;
	g_free(modular);
	return g_strdup(libvirtd);
}

/* A connection to the daemon for kind, its handshake started. NULL and
 * *err (VIR_ERR_NO_SUPPORT) when no daemon answers. */
static relay_conn *conn_new(rpc_relay *relay, rpc_relay_kind kind, int proc, GError **err)
{
	rpc_client *c = relay->client;
	g_autofree char *path = daemon_socket(c->srv->relay_path, kind);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	relay_conn *conn;
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_NO_SUPPORT,
			      _("this function is not supported by the connection driver: %s "
				"(libvirt daemon socket path %s is too long)"),
			      rpc_relay_proc_name(proc), path);
		return NULL;
	}
	strcpy(addr.sun_path, path);
	/* A unix socket connects at once or not at all (EAGAIN: its
	 * backlog is full): this never waits. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_NO_SUPPORT,
			      _("this function is not supported by the connection driver: %s "
				"(no libvirt daemon for %s on %s: %s)"),
			      rpc_relay_proc_name(proc), rpc_relay_kind_scheme(kind), path,
			      g_strerror(e));
		return NULL;
	}
	conn = g_new0(relay_conn, 1);
	conn->relay = relay;
	conn->kind = kind;
	conn->fd = fd;
	conn->in = g_byte_array_new();
	g_queue_init(&conn->out);
	g_queue_init(&conn->held);
	conn->calls = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	conn->source = g_source_new(&conn_source_funcs, sizeof(GSource));
	g_source_set_callback(conn->source, NULL, conn, NULL);
	conn->io_cond = G_IO_IN;
	conn->fd_tag = g_source_add_unix_fd(conn->source, fd, conn->io_cond);
	g_source_attach(conn->source, c->srv->ctx);
	relay->conns[kind] = conn;
	/* Queued, not written: it goes out from the loop, so a write error
	 * cannot free conn under the caller. */
	conn->state = CONN_AUTH_LIST;
	g_queue_push_tail(&conn->out, handshake_call(REMOTE_PROC_AUTH_LIST, NULL, NULL));
	conn->out_bytes = ((rpc_message *)g_queue_peek_head(&conn->out))->len;
	conn_update_io(conn);
	return conn;
}

/* ---- entry points ------------------------------------------------------- */

static bool serial_in_flight(const rpc_relay *relay, uint32_t serial)
{
	for (int k = 0; k < RPC_RELAY_KINDS; k++) {
		if (relay->conns[k] &&
		    g_hash_table_contains(relay->conns[k]->calls, GUINT_TO_POINTER(serial)))
			return true;
	}
	return g_hash_table_contains(relay->streams, GUINT_TO_POINTER(serial));
}

void rpc_relay_call(rpc_client *c, rpc_relay_kind kind, const xvm_net_header *hdr,
		    const uint8_t *frame, size_t len)
{
	g_autoptr(GError) err = NULL;
	rpc_relay *relay = c->relay;
	bool stream = rpc_relay_proc_is_stream(hdr->proc);
	relay_conn *conn;

	if (!c->conn_open) {
		xvm_error_set(&err, VIR_FROM_RPC, VIR_ERR_INTERNAL_ERROR,
			      _("internal error: hypervisor connection not open"));
		reply_error(c, hdr, err);
		return;
	}
	if (!relay) {
		relay = c->relay = g_new0(rpc_relay, 1);
		relay->client = c;
		relay->streams = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	}
	if (serial_in_flight(relay, hdr->serial)) {
		xvm_error_set(&err, VIR_FROM_RPC, VIR_ERR_RPC,
			      _("a call with serial %u is already running"), hdr->serial);
		reply_error(c, hdr, err);
		return;
	}
	if (stream && g_hash_table_size(relay->streams) + g_hash_table_size(c->streams) >=
		      RPC_CLIENT_MAX_STREAMS) {
		xvm_error_set(&err, VIR_FROM_STREAMS, VIR_ERR_OPERATION_FAILED,
			      _("operation failed: too many streams (%u) on this connection"),
			      RPC_CLIENT_MAX_STREAMS);
		reply_error(c, hdr, err);
		return;
	}
	conn = relay->conns[kind];
	if (!conn && !(conn = conn_new(relay, kind, hdr->proc, &err))) {
		reply_error(c, hdr, err);
		return;
	}
	g_hash_table_insert(conn->calls, GUINT_TO_POINTER(hdr->serial),
			    g_memdup2(hdr, sizeof(*hdr)));
	c->calls_running++;
	if (stream) {
		relay_stream *s = g_new0(relay_stream, 1);

		s->kind = kind;
		s->proc = hdr->proc;
		g_hash_table_insert(relay->streams, GUINT_TO_POINTER(hdr->serial), s);
	}
	if (conn->state == CONN_READY)
		conn_send(conn, copy_frame(frame, len));
	else
		g_queue_push_tail(&conn->held, copy_frame(frame, len));
}

bool rpc_relay_stream_frame(rpc_client *c, const xvm_net_header *hdr,
			    const uint8_t *frame, size_t len)
{
	rpc_relay *relay = c->relay;
	gpointer key = GUINT_TO_POINTER(hdr->serial);
	relay_stream *s;
	relay_conn *conn;

	if (!relay || !(s = g_hash_table_lookup(relay->streams, key)))
		return false;
	conn = relay->conns[s->kind];
	/* Before the call's reply the client sends nothing: drop noise. */
	if (!conn || conn->state != CONN_READY || g_hash_table_contains(conn->calls, key))
		return true;
	if (hdr->type == XVM_NET_STREAM && hdr->status != XVM_NET_CONTINUE)
		s->client_done = true;
	conn_send(conn, copy_frame(frame, len));
	return true;
}

void rpc_relay_reset(rpc_client *c)
{
	rpc_relay *relay = c->relay;

	if (!relay)
		return;
	for (int k = 0; k < RPC_RELAY_KINDS; k++) {
		if (relay->conns[k])
			conn_fail(relay->conns[k], VIR_ERR_INTERNAL_ERROR,
				  _("internal error: the connection was closed"));
	}
}

void rpc_relay_close(rpc_relay *relay)
{
	if (!relay)
		return;
	for (int k = 0; k < RPC_RELAY_KINDS; k++) {
		if (relay->conns[k])
			conn_drop(relay->conns[k]);
	}
	g_hash_table_remove_all(relay->streams);
}

void rpc_relay_free(rpc_relay *relay)
{
	if (!relay)
		return;
	rpc_relay_close(relay);
	g_hash_table_unref(relay->streams);
	g_free(relay);
}

bool rpc_relay_busy(const rpc_client *c)
{
	if (!c->relay)
		return false;
	for (int k = 0; k < RPC_RELAY_KINDS; k++) {
		if (c->relay->conns[k] && c->relay->conns[k]->out_bytes > RPC_CLIENT_OUTPUT_SOFT)
			return true;
	}
	return false;
}

void rpc_relay_client_writable(rpc_client *c)
{
	if (!c->relay)
		return;
	for (int k = 0; k < RPC_RELAY_KINDS; k++) {
		if (c->relay->conns[k])
			conn_update_io(c->relay->conns[k]);
	}
}
