/* A connected client: non-blocking socket I/O on the loop, frames in, a
 * queue of messages out.
 *
 * Invariants: a closed client has no fd, no source, no streams and no
 * event registrations, and is not in srv->clients; whoever still holds a
 * reference (a call running on a worker) sees closed and drops its reply.
 * Reading pauses while the client has more than RPC_CLIENT_OUTPUT_SOFT
 * bytes unread or RPC_CLIENT_MAX_CALLS calls running; frames already read
 * wait in c->in meanwhile.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "error.h"
#include "rpc_internal.h"

#define READ_CHUNK 65536

static void process_input(rpc_client *c);

static bool paused(const rpc_client *c)
{
	return c->out_bytes > RPC_CLIENT_OUTPUT_SOFT ||
	       c->calls_running >= RPC_CLIENT_MAX_CALLS || rpc_relay_busy(c);
}

/* Changing what the loop polls for wakes the loop (an eventfd write and
 * read, GLib's g_source_modify_unix_fd): only when it changes. */
static void update_io(rpc_client *c)
{
	GIOCondition cond = 0;

	if (c->closed)
		return;
	if (!paused(c))
		cond |= G_IO_IN;
	if (c->out.length)
		cond |= G_IO_OUT;
	if (cond == c->io_cond)
		return;
	c->io_cond = cond;
	if (c->in_set)
		rpc_client_set_modify(c);
	else
		g_source_modify_unix_fd(c->source, c->fd_tag, cond);
}

/* Writes what the socket takes. false: the client is gone. */
static bool flush_output(rpc_client *c)
{
	rpc_message *m;

	while ((m = g_queue_peek_head(&c->out))) {
		ssize_t n = send(c->fd, m->data + m->sent, m->len - m->sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			g_debug("rpc: client %d: write: %s", c->fd, g_strerror(errno));
			rpc_client_close(c);
			return false;
		}
		m->sent += (size_t)n;
		if (m->sent < m->len)
			continue;
		c->out_bytes -= m->len;
		rpc_message_free(g_queue_pop_head(&c->out));
	}
	return true;
}

/* Reads once: a chunk, or the rest of a large frame. One read per
 * wake-up keeps clients fair and c->in bounded (a chunk plus one frame);
 * the loop calls again while there is more. false: the client is gone. */
static bool read_input(rpc_client *c)
{
	guint old = c->in->len;
	size_t want = READ_CHUNK;
	ssize_t n;

	if (old >= RPC_LEN_SIZE) {
		uint32_t total;

		if (!rpc_frame_length(c->in->data, &total, NULL))
			return true;   /* process_input() reports and drops */
		if (total > old)
			want = MAX(want, total - old);
	}
	g_byte_array_set_size(c->in, old + want);
	do
		n = recv(c->fd, c->in->data + old, want, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	g_byte_array_set_size(c->in, old + MAX(n, 0));
	if (n == 0) {
		/* End of input: the calls already read still run. */
		c->read_eof = true;
		return true;
	}
	if (n > 0 || errno == EAGAIN || errno == EWOULDBLOCK)
		return true;
	g_debug("rpc: client %d: read: %s", c->fd, g_strerror(errno));
	rpc_client_close(c);
	return false;
}

/* Dispatches the whole frames in c->in while not paused. */
static void process_input(rpc_client *c)
{
	size_t off = 0;

	if (c->processing || c->closed)
		return;
	c->processing = true;
	rpc_client_ref(c);
	while (!c->closed && !paused(c) && c->in->len - off >= RPC_LEN_SIZE) {
		g_autoptr(GError) err = NULL;
		uint32_t total;

		if (!rpc_frame_length(c->in->data + off, &total, &err)) {
			/* The frame boundary is lost: only this client goes. */
			g_debug("rpc: client %d dropped: %s", c->fd, err->message);
			rpc_client_close(c);
			break;
		}
		if (c->in->len - off < total)
			break;
		if (!rpc_dispatch_frame(c, c->in->data + off, total)) {
			rpc_client_close(c);
			break;
		}
		off += total;
	}
	if (!c->closed) {
		g_byte_array_remove_range(c->in, 0, off);
		update_io(c);
	}
	c->processing = false;
	rpc_client_unref(c);
}

void rpc_client_handle_io(rpc_client *c, GIOCondition cond)
{
	bool was_full = c->out_bytes > RPC_CLIENT_OUTPUT_SOFT;

	rpc_client_ref(c);
	if ((cond & G_IO_OUT) && flush_output(c)) {
		if (was_full && c->out_bytes <= RPC_CLIENT_OUTPUT_SOFT) {
			rpc_stream_notify_writable(c);
			rpc_relay_client_writable(c);
		}
	}
	if (!c->closed && (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR)) && read_input(c))
		process_input(c);
	if (!c->closed && (cond & G_IO_OUT) && !(cond & G_IO_IN))
		process_input(c);   /* reading may have been paused for output */
	/* The peer is gone (or half-closed): once what it sent was handled,
	 * so is the client. Calls still on workers drop their replies. */
	if (!c->closed && c->read_eof)
		rpc_client_close(c);
	update_io(c);
	rpc_client_unref(c);
}

static gboolean client_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
	rpc_client *c = data;

	rpc_client_handle_io(c, g_source_query_unix_fd(source, c->fd_tag));
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs client_source_funcs = {
	.dispatch = client_dispatch,
};

rpc_client *rpc_client_new(rpc_server *srv, int fd, bool read_only)
{
	rpc_client *c = g_new0(rpc_client, 1);

	c->ref = 1;
	c->srv = srv;
	c->fd = fd;
	c->socket_read_only = read_only;
	c->read_only = read_only;
	c->in = g_byte_array_new();
	g_queue_init(&c->out);
	c->streams = g_hash_table_new(NULL, NULL);
	c->event_cbs = g_array_new(FALSE, FALSE, sizeof(rpc_event_cb));
	c->io_cond = G_IO_IN;
	g_hash_table_add(srv->clients, c);
	if (srv->n_direct >= RPC_CLIENT_DIRECT_MAX && rpc_client_set_add(c))
		return c;
	c->source = g_source_new(&client_source_funcs, sizeof(GSource));
	g_source_set_callback(c->source, NULL, c, NULL);
	/* Otherwise GLib takes the fd out of the poll set and puts it back
	 * around every dispatch, waking the loop twice a call. Nothing
	 * iterates srv->ctx from inside a dispatch, and process_input()
	 * refuses recursion anyway. */
	g_source_set_can_recurse(c->source, TRUE);
	c->fd_tag = g_source_add_unix_fd(c->source, fd, c->io_cond);
	g_source_attach(c->source, srv->ctx);
	srv->n_direct++;
	return c;
}

rpc_client *rpc_client_ref(rpc_client *c)
{
	g_atomic_int_inc(&c->ref);
	return c;
}

void rpc_client_unref(rpc_client *c)
{
	if (!g_atomic_int_dec_and_test(&c->ref))
		return;
	g_assert(c->closed);
	rpc_relay_free(c->relay);
	g_byte_array_unref(c->in);
	g_hash_table_unref(c->streams);
	g_array_unref(c->event_cbs);
	g_free(c);
}

void rpc_client_close(rpc_client *c)
{
	if (c->closed)
		return;
	c->closed = true;
	rpc_stream_abort_all(c);
	rpc_relay_close(c->relay);
	g_array_set_size(c->event_cbs, 0);
	if (c->data_free)
		c->data_free(c->data);
	c->data = NULL;
	if (c->in_set) {
		rpc_client_set_remove(c);
	} else {
		g_source_destroy(c->source);
		g_source_unref(c->source);
		c->source = NULL;
		c->srv->n_direct--;
	}
	close(c->fd);
	c->fd = -1;
	g_queue_clear_full(&c->out, (GDestroyNotify)rpc_message_free);
	c->out_bytes = 0;
	/* The server's reference. */
	if (g_hash_table_remove(c->srv->clients, c))
		rpc_client_unref(c);
}

bool rpc_client_send(rpc_client *c, rpc_message *m)
{
	if (c->closed) {
		rpc_message_free(m);
		return false;
	}
	g_queue_push_tail(&c->out, m);
	c->out_bytes += m->len;
	/* Write now if the socket takes it: saves a poll round per reply. */
	if (c->out.length == 1) {
		if (!flush_output(c))
			return false;
	}
	update_io(c);
	return true;
}

void rpc_client_resume(rpc_client *c)
{
	if (c->closed)
		return;
	process_input(c);
	update_io(c);
}

void rpc_client_set_data(rpc_client *c, void *data, GDestroyNotify destroy)
{
	if (c->data_free)
		c->data_free(c->data);
	c->data = data;
	c->data_free = destroy;
}

void *rpc_client_get_data(rpc_client *c)
{
	return c->data;
}
