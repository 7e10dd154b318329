/* virDomainOpenConsole (201): the guest's console pty
 * (src/driver/domain_console.h) relayed over the call's stream
 * (rpc/stream.h), as libvirt's fdstream relays it.
 *
 * Everything after the handler runs on the loop and never blocks it:
 *   - the pty is non-blocking; it is read only while the client's output
 *     has room: a chunk the client cannot take yet waits in `pending` and
 *     reading stops until ops->writable (a slow or stuck client holds
 *     the console daemon's buffer, not xvmd's memory);
 *   - keystrokes the pty cannot take at once wait in `to_guest`, at
 *     most TO_GUEST_MAX bytes (a guest that reads nothing loses the rest);
 *   - the pty's end (the domain stopped: the console daemon closed it)
 *     ends the stream with OK, as a finished stream;
 *   - another client opening the console with VIR_DOMAIN_CONSOLE_FORCE
 *     aborts this stream.
 */
#include <errno.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "domain_console.h"
#include "error.h"
#include "remote.h"
#include "request.h"
#include "stream.h"

#define READ_CHUNK   16384
#define TO_GUEST_MAX 65536

typedef struct {
	xvmDriver *drv;
	xvmConsole *con;
	rpc_stream *stream;          /* set by start */
	int fd;
	GSource *in_src;             /* reading the pty */
	GSource *out_src;            /* writing to_guest */
	GByteArray *pending;         /* read, not taken by the client yet */
	GByteArray *to_guest;
	gboolean started;
	gboolean revoked;            /* taken over before start */
	guint64 dropped;             /* keystrokes lost */
} ConsoleStream;

static void watch_in(ConsoleStream *cs);

static void stop_source(GSource **src)
{
	if (*src) {
		g_source_destroy(*src);
		g_clear_pointer(src, g_source_unref);
	}
}

/* The stream is gone (or never was): releases everything. */
static void console_stream_free(ConsoleStream *cs)
{
	stop_source(&cs->in_src);
	stop_source(&cs->out_src);
	if (cs->dropped)
		g_info("xvmd: a console lost %" G_GUINT64_FORMAT " input bytes", cs->dropped);
	xvmConsoleClose(cs->con);
	g_byte_array_unref(cs->pending);
	g_byte_array_unref(cs->to_guest);
	g_free(cs);
}

/* msg: the whole text, libvirt's prefix for code included. */
static void end_with_error(ConsoleStream *cs, virErrorNumber code, const char *msg)
{
	g_autoptr(GError) err = NULL;

	xvm_error_set(&err, VIR_FROM_STREAMS, code, "%s", msg);
	rpc_stream_abort(cs->stream, err);
	console_stream_free(cs);
}

/* ---- guest -> client --------------------------------------------------- */

static gboolean on_pty_readable(gint fd, GIOCondition cond, gpointer data)
{
	ConsoleStream *cs = data;
	guint8 buf[READ_CHUNK];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n > 0) {
		if (rpc_stream_send(cs->stream, buf, (size_t)n))
			return G_SOURCE_CONTINUE;
		/* The client's output is full: keep the chunk, stop reading. */
		g_byte_array_append(cs->pending, buf, (guint)n);
		g_clear_pointer(&cs->in_src, g_source_unref);
		return G_SOURCE_REMOVE;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	/* EOF, or EIO: the console daemon closed the pty (the domain is
	 * gone). As libvirtd: end of data, then the client finishes. The
	 * console is free from now on. */
	if (n == 0 || errno == EIO) {
		g_clear_pointer(&cs->in_src, g_source_unref);
		stop_source(&cs->out_src);
		g_clear_pointer(&cs->con, xvmConsoleClose);
		rpc_stream_send_eof(cs->stream);
		return G_SOURCE_REMOVE;
	}
	g_clear_pointer(&cs->in_src, g_source_unref);
	{
		g_autofree char *msg = g_strdup_printf(_("operation failed: cannot read console %s: %s"),
						       xvmConsoleGetPath(cs->con),
						       g_strerror(errno));

		end_with_error(cs, VIR_ERR_OPERATION_FAILED, msg);
	}
	return G_SOURCE_REMOVE;
}

static void watch_in(ConsoleStream *cs)
{
	if (cs->in_src)
		return;
	cs->in_src = g_unix_fd_source_new(cs->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
	g_source_set_callback(cs->in_src, (GSourceFunc)(void (*)(void))on_pty_readable, cs,
			      NULL);
	g_source_attach(cs->in_src, cs->drv->context);
}

static void on_stream_writable(rpc_stream *s, void *opaque)
{
	ConsoleStream *cs = opaque;

	if (!cs->con)
		return;
	if (cs->pending->len && !rpc_stream_send(s, cs->pending->data, cs->pending->len))
		return;
	g_byte_array_set_size(cs->pending, 0);
	watch_in(cs);
}

/* ---- client -> guest --------------------------------------------------- */

static gboolean on_pty_writable(gint fd, GIOCondition cond, gpointer data);

/* Writes what the pty takes now; the rest when it is writable again. */
static void flush_to_guest(ConsoleStream *cs)
{
	while (cs->to_guest->len) {
		ssize_t n = write(cs->fd, cs->to_guest->data, cs->to_guest->len);

		if (n > 0) {
			g_byte_array_remove_range(cs->to_guest, 0, (guint)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN) {
			/* The pty is going: the reader sees its end. */
			cs->dropped += cs->to_guest->len;
			g_byte_array_set_size(cs->to_guest, 0);
		}
		break;
	}
	if (cs->to_guest->len && !cs->out_src) {
		cs->out_src = g_unix_fd_source_new(cs->fd, G_IO_OUT | G_IO_HUP | G_IO_ERR);
		g_source_set_callback(cs->out_src,
				      (GSourceFunc)(void (*)(void))on_pty_writable, cs, NULL);
		g_source_attach(cs->out_src, cs->drv->context);
	} else if (!cs->to_guest->len && cs->out_src) {
		stop_source(&cs->out_src);
	}
}

static gboolean on_pty_writable(gint fd, GIOCondition cond, gpointer data)
{
	ConsoleStream *cs = data;

	if (cond & (G_IO_HUP | G_IO_ERR)) {
		cs->dropped += cs->to_guest->len;
		g_byte_array_set_size(cs->to_guest, 0);
	}
	/* flush_to_guest may destroy this very source: keep it until then. */
	g_source_ref(cs->out_src);
	{
		GSource *self = cs->out_src;

		flush_to_guest(cs);
		g_source_unref(self);
		if (cs->out_src == self)
			return G_SOURCE_CONTINUE;
	}
	return G_SOURCE_REMOVE;
}

static void on_stream_data(rpc_stream *s, const void *buf, size_t len, void *opaque)
{
	ConsoleStream *cs = opaque;
	size_t room = TO_GUEST_MAX - cs->to_guest->len;

	if (!cs->con) {                /* after the pty's end */
		cs->dropped += len;
		return;
	}
	if (len > room) {
		cs->dropped += len - room;
		len = room;
	}
	g_byte_array_append(cs->to_guest, buf, (guint)len);
	flush_to_guest(cs);
}

/* ---- the stream's life ------------------------------------------------- */

static void on_stream_start(rpc_stream *s, void *opaque)
{
	ConsoleStream *cs = opaque;

	cs->stream = s;
	cs->started = TRUE;
	if (cs->revoked) {
		end_with_error(cs, VIR_ERR_OPERATION_ABORTED,
			       _("operation aborted: another client opened the console with --force"));
		return;
	}
	watch_in(cs);
}

static void on_stream_end(rpc_stream *s, void *opaque)
{
	console_stream_free(opaque);
}

/* Another client took the console (driver's context = the loop). */
static void on_revoked(xvmConsole *con, void *opaque)
{
	ConsoleStream *cs = opaque;

	if (!cs->started) {
		cs->revoked = TRUE;
		return;
	}
	end_with_error(cs, VIR_ERR_OPERATION_ABORTED,
		       _("operation aborted: another client opened the console with --force"));
}

static const rpc_stream_ops console_ops = {
	.start = on_stream_start,
	.data = on_stream_data,
	.finish = on_stream_end,
	.abort = on_stream_end,
	.writable = on_stream_writable,
};

static bool open_console(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_domain_open_console_args *args = args_;
	xvmDriver *drv = rpc_request_data(call);
	xvmDomainObj *obj = xvmd_domain_get(drv, &args->dom, err);
	ConsoleStream *cs;

	if (!obj)
		return false;
	cs = g_new0(ConsoleStream, 1);
	cs->drv = drv;
	cs->pending = g_byte_array_new();
	cs->to_guest = g_byte_array_new();
	cs->con = xvmDomainOpenConsole(drv, obj, args->dev_name ? *args->dev_name : NULL,
				       args->flags, on_revoked, cs, err);
	xvmDomainObjEndAPI(&obj);
	if (!cs->con) {
		g_byte_array_unref(cs->pending);
		g_byte_array_unref(cs->to_guest);
		g_free(cs);
		return false;
	}
	cs->fd = xvmConsoleGetFd(cs->con);
	/* From here the stream owns cs: start, or abort if the reply fails. */
	if (!rpc_request_open_stream(call, &console_ops, cs, err)) {
		console_stream_free(cs);
		return false;
	}
	return true;
}

static const rpc_procedure console_procs[] = {
	{ REMOTE_PROC_DOMAIN_OPEN_CONSOLE, "virDomainOpenConsole",
	  RPC_XDR(remote_domain_open_console_args), RPC_XDR_NONE, open_console,
	  RPC_PROC_NEEDS_CONN | RPC_PROC_SLOW },
};

void xvmd_remote_console_register(rpc_server *srv, xvmDriver *drv)
{
	rpc_server_add_procedures(srv, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
				  console_procs, G_N_ELEMENTS(console_procs), drv);
}
