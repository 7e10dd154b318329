/* Request dispatch: the table of handlers with their flags, argument
 * helpers, replies, and watch firing after the reply. */
#include "request.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <talloc.h>

#include "connection.h"
#include "control.h"
#include "domain.h"
#include "log.h"
#include "node_ops.h"
#include "path.h"
#include "transaction.h"
#include "util.h"
#include "watch.h"

#define FLAG_PRIV   0x1  /* privileged connections only (else EACCES) */
#define FLAG_NOTID  0x2  /* the transaction id is ignored */
#define FLAG_PATH   0x4  /* the payload's first string is the path of the
			  * node the request acts on, in its transaction
			  * (never with FLAG_NOTID): see req_path() */

struct handler {
	int (*fn)(struct request *req);
	unsigned int flags;
};

static const struct handler handlers[XS_TYPE_COUNT] = {
	[XS_CONTROL]              = { do_control, FLAG_PRIV | FLAG_NOTID },
	[XS_DIRECTORY]            = { do_directory, FLAG_PATH },
	[XS_READ]                 = { do_read, FLAG_PATH },
	[XS_GET_PERMS]            = { do_get_perms, FLAG_PATH },
	[XS_WATCH]                = { do_watch, FLAG_NOTID },
	[XS_UNWATCH]              = { do_unwatch, FLAG_NOTID },
	[XS_TRANSACTION_START]    = { do_transaction_start, 0 },
	[XS_TRANSACTION_END]      = { do_transaction_end, 0 },
	[XS_INTRODUCE]            = { do_introduce, FLAG_PRIV | FLAG_NOTID },
	[XS_RELEASE]              = { do_release, FLAG_PRIV | FLAG_NOTID },
	[XS_GET_DOMAIN_PATH]      = { do_get_domain_path, FLAG_NOTID },
	[XS_WRITE]                = { do_write, FLAG_PATH },
	[XS_MKDIR]                = { do_mkdir, FLAG_PATH },
	[XS_RM]                   = { do_rm, FLAG_PATH },
	[XS_SET_PERMS]            = { do_set_perms, FLAG_PATH },
	[XS_IS_DOMAIN_INTRODUCED] = { do_is_domain_introduced, FLAG_PRIV | FLAG_NOTID },
	[XS_RESUME]               = { do_resume, FLAG_PRIV | FLAG_NOTID },
	[XS_SET_TARGET]           = { do_set_target, FLAG_PRIV | FLAG_NOTID },
	[XS_RESET_WATCHES]        = { do_reset_watches, FLAG_NOTID },
	[XS_DIRECTORY_PART]       = { do_directory_part, FLAG_PATH },
};

int req_path(struct request *req, const char **path)
{
	uint32_t type = req->hdr.type;

	if (!req->path_known) {
		req->path_known = true;
		req->path_len = -1;
		/* The payload is NUL-terminated after hdr.len bytes. */
		if (type < XS_TYPE_COUNT && (handlers[type].flags & FLAG_PATH))
			req->path_len = path_canonical(req->conn, req->data, false,
						       req->path, sizeof(req->path));
	}
	*path = req->path;
	return req->path_len;
}

void *req_ctx(struct request *req)
{
	if (!req->ctx) {
		req->ctx = talloc_new(NULL);
		if (!req->ctx)
			xs_fatal("out of memory");
	}
	return req->ctx;
}

unsigned int req_strings(const struct request *req, const char **vec,
			 unsigned int max)
{
	unsigned int n = 0;
	uint32_t off = 0;

	while (n < max && off < req->len) {
		const char *nul = memchr(req->data + off, '\0', req->len - off);
		if (!nul)
			break;
		vec[n++] = req->data + off;
		off = (uint32_t)(nul - req->data) + 1;
	}
	return n;
}

unsigned int req_count_strings(const struct request *req)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < req->len; i++)
		n += req->data[i] == '\0';
	return n;
}

const char *req_onearg(const struct request *req)
{
	if (!req->len || memchr(req->data, '\0', req->len) != req->data + req->len - 1)
		return NULL;
	return req->data;
}

void reply(struct request *req, const void *data, size_t len)
{
	conn_queue_msg(req->conn, req->hdr.type, req->hdr.req_id, req->hdr.tx_id,
		       data, len, false);
	req->replied = true;
}

void reply_ok(struct request *req)
{
	reply(req, "OK", 3);
}

void reply_str(struct request *req, const char *s)
{
	reply(req, s, strlen(s) + 1);
}

void req_record_change(struct request *req, const char *path, size_t len,
		       bool exact, struct perms *old_perms)
{
	struct change *c;

	if (!watch_count())
		return;
	c = talloc(req_ctx(req), struct change);
	if (!c || !(c->path = talloc_strndup(c, path, len)))
		xs_fatal("out of memory");
	c->next = NULL;
	c->exact = exact;
	c->old_perms = old_perms ? perms_ref(old_perms) : NULL;
	*req->changes_tail = c;
	req->changes_tail = &c->next;
}

static void send_error(struct request *req, int err)
{
	const char *s = wire_error_string(err);

	conn_queue_msg(req->conn, XS_ERROR, req->hdr.req_id, req->hdr.tx_id,
		       s, strlen(s) + 1, false);
}

bool request_handle(struct connection *conn, const struct xsd_sockmsg *hdr,
		    const char *payload)
{
	struct request req;
	const struct handler *h = NULL;
	int err = 0;

	/* All but the path buffer at the end, which is written before it
	 * is read (3 KiB a request not cleared for nothing). */
	memset(&req, 0, offsetof(struct request, path));
	req.conn = conn;
	req.hdr = *hdr;
	req.data = payload;
	req.len = hdr->len;
	req.changes_tail = &req.changes;

	/* Its transaction waits for another: nothing is done, not even
	 * tracing, until the message is handled again. */
	if (txn_order_before(&req))
		return false;

	if (trace_enabled())
		trace_msg("IN", conn->id, hdr->type, hdr->req_id, hdr->tx_id,
			  payload, hdr->len);

	if (hdr->type < XS_TYPE_COUNT && handlers[hdr->type].fn)
		h = &handlers[hdr->type];
	if (!h) {
		xs_log_ratelimited(&conn->log_ratelimit, LOG_NOTICE,
				   "connection %lu: unknown request type %u",
				   conn->id, hdr->type);
		err = ENOSYS;
	} else if ((h->flags & FLAG_PRIV) && !conn->privileged) {
		err = EACCES;
	} else if (!(h->flags & FLAG_NOTID)) {
		req.txn = transaction_lookup(conn, hdr->tx_id, &err);
	}

	if (!err)
		err = h->fn(&req);
	if (err)
		send_error(&req, err);
	else if (!req.replied)
		xs_fatal("handler for %s sent no reply", wire_type_name(hdr->type));

	/* The reply is queued: now the events the request caused. */
	for (struct change *c = req.changes; c; c = c->next) {
		watch_fire(c->path, c->exact, c->old_perms);
		perms_unref(c->old_perms);
	}
	talloc_free(req.ctx);
	txn_order_after(&req);
	return true;
}
