/* What the daemon sends: framing, checks and dispatch.
 *
 * Everything here is untrusted. A message is accepted only when:
 *   - its payload is at most XENSTORE_PAYLOAD_MAX bytes;
 *   - it is XS_WATCH_EVENT with a payload "path\0token\0" (two
 *     NUL-terminated strings; more may follow and are ignored, as
 *     libxenstore does), or
 *   - it answers the oldest pending request: same req_id, and the
 *     request's type or XS_ERROR.
 * Anything else breaks the connection (client_fail(): EIO to everyone):
 * once the stream is out of step nothing after it can be trusted.
 */
#include "client.h"

#include <errno.h>
#include <string.h>

/* The errno of an XS_ERROR payload ("ENOENT\0"); EIO for a string this
 * client does not know (a newer daemon's). */
static int error_from_string(const char *body, size_t len)
{
	size_t n = strnlen(body, len);

	for (size_t i = 0; i < G_N_ELEMENTS(xsd_errors); i++)
		if (strlen(xsd_errors[i].errstring) == n &&
		    !memcmp(xsd_errors[i].errstring, body, n))
			return xsd_errors[i].errnum;
	return EIO;
}

static void dispatch_watch_event(xs_client_t *c, const char *body, size_t len)
{
	const char *nul = memchr(body, '\0', len);
	const char *token;

	if (!nul || !memchr(nul + 1, '\0', len - (size_t)(nul + 1 - body))) {
		client_fail(c, "watch event without a path and a token");
		return;
	}
	token = nul + 1;
	client_deliver_watch(c, body, token);
}

static void dispatch_reply(xs_client_t *c, const struct xsd_sockmsg *h,
			   const char *body)
{
	struct xs_pending *p = g_queue_peek_head(&c->pending);

	if (!p) {
		client_fail(c, "a reply to no request");
		return;
	}
	if (h->req_id != p->req_id) {
		client_fail(c, "a reply out of order (req_id)");
		return;
	}
	if (h->type != p->type && h->type != XS_ERROR) {
		client_fail(c, "a reply of another type than its request");
		return;
	}
	g_queue_pop_head(&c->pending);
	if (h->type == XS_ERROR)
		client_deliver_reply(c, p, error_from_string(body, h->len), NULL, 0);
	else
		client_deliver_reply(c, p, 0, body, h->len);
	g_free(p);
}

void client_process_input(xs_client_t *c)
{
	/* One message at a time, copied out before its dispatch: a callback
	 * may make a sync call, which reads and dispatches from c->in too. */
	char body[XENSTORE_PAYLOAD_MAX + 1];
	struct xsd_sockmsg h;

	client_enter(c);
	while (!c->failed) {
		size_t avail = c->in->len - c->in_off;

		if (avail < XS_HDR_SIZE)
			break;
		memcpy(&h, c->in->data + c->in_off, XS_HDR_SIZE);
		if (h.len > XENSTORE_PAYLOAD_MAX) {
			client_fail(c, "a message longer than XENSTORE_PAYLOAD_MAX");
			break;
		}
		if (avail - XS_HDR_SIZE < h.len)
			break;
		memcpy(body, c->in->data + c->in_off + XS_HDR_SIZE, h.len);
		body[h.len] = '\0';
		c->in_off += XS_HDR_SIZE + h.len;

		if (h.type == XS_WATCH_EVENT)
			dispatch_watch_event(c, body, h.len);
		else
			dispatch_reply(c, &h, body);
	}
	client_leave(c);
}
