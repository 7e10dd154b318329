/* Requests: one message from a client, its handler and its reply.
 *
 * Handlers are listed in a dispatch table with flags (dispatch.c), get the
 * parsed request, and either send a reply and return 0, or return an errno
 * that is sent as the protocol's error string. Changes they make to the
 * store are recorded on the request and fire watches after the reply is
 * queued, so a client always sees the answer to its request before the
 * events it caused.
 */
#ifndef XS_REQUEST_H
#define XS_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "path.h"
#include "txn_order.h"
#include "wire.h"

struct connection;
struct transaction;
struct perms;

struct change {
	struct change *next;
	char *path;
	bool exact;              /* fire watches on this path only (a node
				  * deleted below the node an RM named) */
	struct perms *old_perms; /* for SET_PERMS: who could see it before */
};

struct request {
	struct connection *conn;
	struct xsd_sockmsg hdr;
	const char *data;          /* payload, NUL-terminated at data[len] */
	uint32_t len;
	struct transaction *txn;   /* resolved from hdr.tx_id, or NULL */
	void *ctx;                 /* talloc context freed after the request */
	struct change *changes, **changes_tail;
	bool replied;
	struct txn_pending txn_order;  /* txn_order's, between its hooks */
	/* req_path()'s: path_len and path are set once path_known is. */
	bool path_known;
	int path_len;
	/* Last: request_handle() zeroes all that comes before it only. */
	char path[PATH_BUF];
};

/* Handles one complete message from conn. False when the request must wait
 * for another transaction (txn_order.h): then nothing was done, and the
 * message stays in conn's input to be handled later. */
bool request_handle(struct connection *conn, const struct xsd_sockmsg *hdr,
		    const char *payload);

/* The path of the node the request acts on: its payload's first string,
 * canonicalised (path_canonical()) on first use and kept on the request,
 * as both txn_order and the handler need it. Returns its length with *path
 * set, or -1 when the string is not a valid path or the request names no
 * node (a type without FLAG_PATH). */
int req_path(struct request *req, const char **path);

/* Splits the payload into up to max NUL-terminated strings; returns how
 * many complete strings there are (the remainder after the last NUL is not
 * counted). */
unsigned int req_strings(const struct request *req, const char **vec,
			 unsigned int max);
/* Number of NUL-terminated strings in the payload. */
unsigned int req_count_strings(const struct request *req);
/* The payload as one string, or NULL unless it is exactly one. */
const char *req_onearg(const struct request *req);

/* The request's talloc context, created on first use. */
void *req_ctx(struct request *req);

void reply(struct request *req, const void *data, size_t len);
void reply_ok(struct request *req);
void reply_str(struct request *req, const char *s);  /* with its NUL */

/* Records a change (path copied) for watches. */
void req_record_change(struct request *req, const char *path, size_t len,
		       bool exact, struct perms *old_perms);

#endif
