/* A small raw-protocol xenstore client for tests (<xen/io/xs_wire.h>).
 *
 * It speaks the wire protocol byte for byte, with no libxenstore in
 * between, so tests can send anything: arbitrary type / req_id / tx_id,
 * payloads without NULs, lengths that lie, partial messages.  Replies are
 * read with a timeout; XS_WATCH_EVENT messages that arrive while waiting for
 * a reply are queued and handed out by xsc_wait_watch().
 *
 * Every received header is checked against the protocol's payload limit
 * (XENSTORE_PAYLOAD_MAX, 4096 bytes): a daemon must never send more.
 *
 * The xsc_expect_* helpers use GLib test assertions and report the caller's
 * file and line (use the XSC_* macros).
 */
#ifndef XS_CLIENT_H
#define XS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <glib.h>
#include <xen/io/xs_wire.h>

/* Default time to wait for a reply, milliseconds. */
#define XSC_TIMEOUT_MS 10000

typedef struct xsc_msg {
	struct xsd_sockmsg hdr;
	char *body;            /* hdr.len bytes, plus a NUL added by us */
} xsc_msg;

typedef struct xsc_conn {
	int fd;
	uint32_t next_req_id;
	GQueue events;         /* xsc_msg *: watch events not yet consumed */
	GQueue replies;        /* xsc_msg *: replies read while waiting for events */
	bool eof;              /* the daemon closed the connection */
	bool oversize;         /* the daemon sent a payload > XENSTORE_PAYLOAD_MAX */
} xsc_conn;

/* The daemon's socket: $XENSTORED_PATH, else $XENSTORED_RUNDIR/socket,
 * else /run/xenstored/socket (as libxenstore). */
const char *xsc_socket_path(void);

/* NULL (errno set) when the connection fails. */
xsc_conn *xsc_connect(const char *path);
/* Connects to xsc_socket_path() or fails the test (then aborts). */
xsc_conn *xsc_open(void);
void xsc_close(xsc_conn *c);
void xsc_msg_free(xsc_msg *m);

/* Raw bytes; 0 or -errno (EPIPE when the daemon dropped us). */
int xsc_send_raw(xsc_conn *c, const void *buf, size_t len);
/* A well-framed message: header (len = plen) + payload. */
int xsc_send(xsc_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
	     const void *payload, size_t plen);

/* The next message of any type; 0, -ETIMEDOUT, or -EPIPE (connection closed
 * or broken: c->eof is set). */
int xsc_recv_any(xsc_conn *c, xsc_msg **out, int timeout_ms);
/* The next message that is not a watch event (events are queued);
 * NULL on timeout or when the connection is closed. */
xsc_msg *xsc_recv(xsc_conn *c, int timeout_ms);
/* The next watch event (queued or read); NULL on timeout / EOF. */
xsc_msg *xsc_wait_watch(xsc_conn *c, int timeout_ms);
/* Drops queued watch events, and reads and drops events arriving within
 * timeout_ms; returns how many were dropped. */
unsigned int xsc_drain_watches(xsc_conn *c, int timeout_ms);
/* True when the daemon has closed this connection (waits up to timeout_ms
 * for EOF, discarding whatever arrives meanwhile). */
bool xsc_wait_closed(xsc_conn *c, int timeout_ms);

/* Payload builders.  xsc_strings("a", "b", NULL) -> "a\0b\0". */
GByteArray *xsc_strings(const char *first, ...) G_GNUC_NULL_TERMINATED;
/* "path\0value" (value without a trailing NUL, as libxenstore sends it). */
GByteArray *xsc_path_value(const char *path, const void *value, size_t vlen);

/* Sends a request with the next req_id and returns its reply (NULL on
 * timeout / EOF).  Checks that the reply echoes req_id and tx_id and that
 * its type is the request's type or XS_ERROR. */
xsc_msg *xsc_call(xsc_conn *c, uint32_t type, uint32_t tx_id,
		  const void *payload, size_t plen);
/* Same, payload = NUL-terminated strings. */
xsc_msg *xsc_callv(xsc_conn *c, uint32_t type, uint32_t tx_id,
		   const char *first, ...) G_GNUC_NULL_TERMINATED;

/* The error string of an XS_ERROR reply, else NULL. */
const char *xsc_error(const xsc_msg *m);
bool xsc_is_ok(const xsc_msg *m);   /* type != XS_ERROR */

/* A printable, escaped rendering of a reply (for messages); g_free it. */
char *xsc_describe(const xsc_msg *m);

/* ---- assertions (GLib test framework) ---------------------------------- */

/* Expects a non-error reply; when exp != NULL its payload must equal
 * exp[0..explen).  Returns the reply (caller frees) or NULL on failure. */
xsc_msg *xsc_expect_ok_at(const char *file, int line, xsc_conn *c,
			  uint32_t type, uint32_t tx_id,
			  const void *payload, size_t plen,
			  const void *exp, size_t explen);
/* Expects XS_ERROR with payload "<err>\0". */
void xsc_expect_err_at(const char *file, int line, xsc_conn *c,
		       uint32_t type, uint32_t tx_id,
		       const void *payload, size_t plen, const char *err);
/* Expects one of a '|'-separated list of errors, e.g. "EINVAL|ENOENT";
 * returns the error received (static string) or NULL. */
const char *xsc_expect_err_any_at(const char *file, int line, xsc_conn *c,
				  uint32_t type, uint32_t tx_id,
				  const void *payload, size_t plen,
				  const char *errs);

void xsc_write_at(const char *file, int line, xsc_conn *c, uint32_t tx,
		  const char *path, const char *value);
void xsc_mkdir_at(const char *file, int line, xsc_conn *c, uint32_t tx,
		  const char *path);
void xsc_rm_at(const char *file, int line, xsc_conn *c, uint32_t tx,
	       const char *path);
void xsc_expect_read_at(const char *file, int line, xsc_conn *c, uint32_t tx,
			const char *path, const char *value);
/* Children of path, compared as a sorted set to the NULL-terminated list. */
void xsc_expect_dir_at(const char *file, int line, xsc_conn *c, uint32_t tx,
		       const char *path, ...) G_GNUC_NULL_TERMINATED;
/* GET_PERMS reply rendered as "n0,r5" compared to perms. */
void xsc_expect_perms_at(const char *file, int line, xsc_conn *c, uint32_t tx,
			 const char *path, const char *perms);
/* SET_PERMS with a comma-separated list ("n0,r5"). */
void xsc_set_perms_at(const char *file, int line, xsc_conn *c, uint32_t tx,
		      const char *path, const char *perms);
void xsc_watch_at(const char *file, int line, xsc_conn *c,
		  const char *path, const char *token);
/* Waits for a watch event "path\0token\0". */
void xsc_expect_watch_at(const char *file, int line, xsc_conn *c,
			 const char *path, const char *token);
/* Expects no watch event within timeout_ms. */
void xsc_expect_no_watch_at(const char *file, int line, xsc_conn *c,
			    int timeout_ms);
uint32_t xsc_tx_start_at(const char *file, int line, xsc_conn *c);
/* Ends tx; expect_err NULL = expect OK. */
void xsc_tx_end_at(const char *file, int line, xsc_conn *c, uint32_t tx,
		   bool commit, const char *expect_err);

#define XSC_EXPECT_OK(c, type, tx, p, pl, e, el) \
	xsc_expect_ok_at(__FILE__, __LINE__, c, type, tx, p, pl, e, el)
#define XSC_EXPECT_ERR(c, type, tx, p, pl, err) \
	xsc_expect_err_at(__FILE__, __LINE__, c, type, tx, p, pl, err)
#define XSC_EXPECT_ERR_ANY(c, type, tx, p, pl, errs) \
	xsc_expect_err_any_at(__FILE__, __LINE__, c, type, tx, p, pl, errs)
#define XSC_WRITE(c, tx, p, v)       xsc_write_at(__FILE__, __LINE__, c, tx, p, v)
#define XSC_MKDIR(c, tx, p)          xsc_mkdir_at(__FILE__, __LINE__, c, tx, p)
#define XSC_RM(c, tx, p)             xsc_rm_at(__FILE__, __LINE__, c, tx, p)
#define XSC_READ(c, tx, p, v)        xsc_expect_read_at(__FILE__, __LINE__, c, tx, p, v)
#define XSC_DIR(c, tx, p, ...)       xsc_expect_dir_at(__FILE__, __LINE__, c, tx, p, __VA_ARGS__)
#define XSC_PERMS(c, tx, p, perms)   xsc_expect_perms_at(__FILE__, __LINE__, c, tx, p, perms)
#define XSC_SET_PERMS(c, tx, p, perms) xsc_set_perms_at(__FILE__, __LINE__, c, tx, p, perms)
#define XSC_WATCH(c, p, t)           xsc_watch_at(__FILE__, __LINE__, c, p, t)
#define XSC_EXPECT_WATCH(c, p, t)    xsc_expect_watch_at(__FILE__, __LINE__, c, p, t)
#define XSC_EXPECT_NO_WATCH(c, ms)   xsc_expect_no_watch_at(__FILE__, __LINE__, c, ms)
#define XSC_TX_START(c)              xsc_tx_start_at(__FILE__, __LINE__, c)
#define XSC_TX_END(c, tx, commit, err) xsc_tx_end_at(__FILE__, __LINE__, c, tx, commit, err)

/* Shorthands for string-only requests. */
#define XSC_S(...) xsc_strings(__VA_ARGS__, NULL)

/* Fails the current test with a message located at file:line (the test
 * continues when assertions are non-fatal). */
void xsc_fail_at(const char *file, int line, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

/* The daemon under test: its pid from $XENSTORED_PID (0 if unknown). */
pid_t xsc_daemon_pid(void);
/* True if the daemon process still exists (true when the pid is unknown). */
bool xsc_daemon_alive(void);
/* Resident set size of the daemon in KiB (0 if unknown). */
long xsc_daemon_rss_kib(void);
/* "cxenstored" when $XSTEST_DAEMON says the reference daemon is under test. */
bool xsc_is_reference(void);

#endif
