/* An asynchronous xenstore client on the GLib main loop, for xvmd,
 * xvm-simhv's guest kernels and backends, and the console daemon.
 *
 * Speaks <xen/io/xs_wire.h> over a unix socket (dom0 clients) or over a
 * domain's ring (struct xenstore_domain_interface, the guest side: a
 * simulated kernel's xenbus). Requests are pipelined: any number may be
 * outstanding; replies come back in order through their callbacks; watch
 * events go to the callback of their watch, matched by token. Nothing
 * blocks: the client only reads and writes when the transport is ready.
 *
 * Errors: a reply callback gets err = 0 and the reply's payload, or an
 * errno value (from the protocol's error string: "ENOENT" -> ENOENT) and
 * no payload. When the connection fails (EOF, a malformed message, the
 * ring's indexes out of range, xenstored setting the ring page's error
 * field) every outstanding callback gets EIO once, the closed callback
 * runs, and later requests get EIO at once (from an idle callback, never
 * re-entrantly). A request whose payload would exceed
 * XENSTORE_PAYLOAD_MAX is not sent: E2BIG, from an idle callback too.
 *
 * Callbacks may issue new requests and may call xs_client_free(): the
 * client then delivers nothing more; callbacks still pending are dropped
 * without being called (their owner is going away with the client).
 */
#ifndef XVM_XS_CLIENT_H
#define XVM_XS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct xs_client xs_client_t;

/* err: 0 or an errno value. body: the payload (NUL-terminated beyond len
 * for convenience), NULL when err != 0. Valid during the call only. */
typedef void (*xs_reply_cb)(xs_client_t *c, int err, const char *body, size_t len,
			    void *data);
/* A watch fired: path that changed (relative if the watch was), token. */
typedef void (*xs_watch_cb)(xs_client_t *c, const char *path, const char *token,
			    void *data);
typedef void (*xs_closed_cb)(xs_client_t *c, void *data);

/* Connects to xenstored's socket (XENSTORED_PATH style path). NULL and
 * *err set when the connect fails. ctx NULL: the default context. */
xs_client_t *xs_client_open_socket(const char *path, GMainContext *ctx, GError **err);

/* The guest side of a domain ring: page is the shared xenstore page,
 * notify() kicks the event channel to xenstored. The owner calls
 * xs_client_ring_event() when that channel fires. */
xs_client_t *xs_client_open_ring(void *page, void (*notify)(void *opaque),
				 void *opaque, GMainContext *ctx);
void xs_client_ring_event(xs_client_t *c);

void xs_client_set_closed_cb(xs_client_t *c, xs_closed_cb cb, void *data);
void xs_client_free(xs_client_t *c);

/* ---- requests (tx 0: outside a transaction) --------------------------- */

/* Any message: args are NUL-joined into the payload; the last argument is
 * NUL-terminated when nul_last (every type but WRITE's value). */
void xs_request(xs_client_t *c, uint32_t type, uint32_t tx,
		const char *const *args, size_t nargs, bool nul_last,
		xs_reply_cb cb, void *data);

void xs_read_async(xs_client_t *c, uint32_t tx, const char *path,
		   xs_reply_cb cb, void *data);
void xs_write_async(xs_client_t *c, uint32_t tx, const char *path,
		    const char *value, size_t len, xs_reply_cb cb, void *data);
void xs_mkdir_async(xs_client_t *c, uint32_t tx, const char *path,
		    xs_reply_cb cb, void *data);
void xs_rm_async(xs_client_t *c, uint32_t tx, const char *path,
		 xs_reply_cb cb, void *data);
/* Reply body: NUL-separated child names. */
void xs_directory_async(xs_client_t *c, uint32_t tx, const char *path,
			xs_reply_cb cb, void *data);
/* perms: "n0", "r1", ... as xenstore-chmod writes them. */
void xs_set_perms_async(xs_client_t *c, uint32_t tx, const char *path,
			const char *const *perms, size_t n, xs_reply_cb cb, void *data);
/* Reply body: the transaction id in decimal. */
void xs_transaction_start_async(xs_client_t *c, xs_reply_cb cb, void *data);
void xs_transaction_end_async(xs_client_t *c, uint32_t tx, bool commit,
			      xs_reply_cb cb, void *data);

/* Registers a watch; cb runs for each event with this token (the first
 * one right after registration, as xenstored sends it). A NULL reply cb
 * ignores the registration's reply. A token names one callback: watching
 * another path with the same token counts one more registration and
 * replaces cb/cb_data. xs_unwatch_async() drops one registration at
 * once: when it was the last, no event of that token is delivered any
 * more, even one already received. */
void xs_watch_async(xs_client_t *c, const char *path, const char *token,
		    xs_watch_cb cb, void *cb_data, xs_reply_cb done, void *done_data);
void xs_unwatch_async(xs_client_t *c, const char *path, const char *token,
		      xs_reply_cb done, void *done_data);

/* ---- synchronous calls (socket clients only) -------------------------- */

/* These block on the socket until their reply. No user callback runs
 * inside them: watch events and replies to earlier asynchronous requests
 * that arrive meanwhile are kept, in order, for the main loop (an idle
 * source). On error they return NULL/false with *err in G_IO_ERROR
 * (g_io_error_from_errno()) whose message names the path;
 * G_IO_ERROR_NOT_SUPPORTED on a ring client. */
char *xs_read(xs_client_t *c, uint32_t tx, const char *path, size_t *len, GError **err);
bool xs_write(xs_client_t *c, uint32_t tx, const char *path, const char *value,
	      GError **err);
bool xs_mkdir(xs_client_t *c, uint32_t tx, const char *path, GError **err);
bool xs_rm(xs_client_t *c, uint32_t tx, const char *path, GError **err);
/* NULL-terminated, g_strfreev(). */
char **xs_directory(xs_client_t *c, uint32_t tx, const char *path, GError **err);
bool xs_set_perms(xs_client_t *c, uint32_t tx, const char *path,
		  const char *const *perms, size_t n, GError **err);
bool xs_transaction_start(xs_client_t *c, uint32_t *tx, GError **err);
/* Returns false with G_IO_ERROR_WOULD_BLOCK (EAGAIN) when the
 * transaction conflicted and must be retried. */
bool xs_transaction_end(xs_client_t *c, uint32_t tx, bool commit, GError **err);
bool xs_introduce(xs_client_t *c, uint32_t domid, uint64_t gfn, uint32_t port,
		  GError **err);
bool xs_release(xs_client_t *c, uint32_t domid, GError **err);
char *xs_get_domain_path(xs_client_t *c, uint32_t domid, GError **err);

G_END_DECLS

#endif
