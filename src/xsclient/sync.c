/* Synchronous calls (socket clients): the request goes through the same
 * pipeline as asynchronous ones, then the caller blocks in poll() on the
 * socket, writing and reading, until its reply. While it blocks, every
 * other delivery (replies to earlier asynchronous requests, watch events,
 * the closed callback) is deferred to the main loop, in order, so no user
 * callback runs inside a sync call. */
#include "client.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sync_result {
	bool done;
	int err;
	char *body;               /* g_malloc()ed, NUL-terminated */
	size_t len;
};

static void sync_reply(xs_client_t *c, int err, const char *body, size_t len, void *data)
{
	struct sync_result *r = data;

	r->done = true;
	r->err = err;
	if (!err)
		r->body = g_memdup2(body, len + 1);
	r->len = len;
}

static void sync_wait(xs_client_t *c, struct sync_result *r)
{
	int fd = c->ops->sync_fd(c);

	while (!r->done && !c->failed) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (client_has_output(c))
			pfd.events |= POLLOUT;
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			client_fail(c, g_strerror(errno));
			break;
		}
		if (pfd.revents & POLLOUT)
			client_io_writable(c);
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			client_io_readable(c);
	}
}

/* Sends payload and waits for its reply: 0 (r filled) or an errno value. */
static int sync_call(xs_client_t *c, uint32_t type, uint32_t tx, const void *payload,
		     size_t len, struct sync_result *r)
{
	memset(r, 0, sizeof(*r));
	if (c->ops->sync_fd(c) < 0)
		return ENOTSUP;
	if (c->failed)
		return EIO;
	if (len > XENSTORE_PAYLOAD_MAX)
		return E2BIG;
	client_enter(c);
	c->sync_depth++;
	client_send(c, type, tx, payload, len, sync_reply, r, NULL, true);
	sync_wait(c, r);
	c->sync_depth--;
	/* Not freed meanwhile: no user callback ran. */
	client_leave(c);
	if (!r->done)
		return EIO;
	return r->err;
}

/* "a\0b\0": every argument NUL-terminated; raw_last: the last one not. */
static GByteArray *payload_of(const char *const *args, size_t n, bool nul_last)
{
	GByteArray *p = g_byte_array_new();

	for (size_t i = 0; i < n; i++)
		g_byte_array_append(p, (const guint8 *)args[i],
				    (guint)(strlen(args[i]) + (i + 1 < n || nul_last)));
	return p;
}

static int sync_strings(xs_client_t *c, uint32_t type, uint32_t tx,
			const char *const *args, size_t n, struct sync_result *r)
{
	g_autoptr(GByteArray) p = payload_of(args, n, true);

	return sync_call(c, type, tx, p->data, p->len, r);
}

/* fmt: a translated message with two %s, what failed and why. */
#define SET_ERROR(err, e, fmt, subject) \
	g_set_error(err, G_IO_ERROR, g_io_error_from_errno(e), fmt, subject, g_strerror(e))

char *xs_read(xs_client_t *c, uint32_t tx, const char *path, size_t *len, GError **err)
{
	struct sync_result r;
	int e = sync_strings(c, XS_READ, tx, &path, 1, &r);

	if (e) {
		SET_ERROR(err, e, _("Cannot read xenstore path '%s': %s"), path);
		return NULL;
	}
	if (len)
		*len = r.len;
	return r.body;
}

/* A call whose reply body does not matter: 0 or an errno value. */
static int sync_noreply(xs_client_t *c, uint32_t type, uint32_t tx,
			const char *const *args, size_t n)
{
	struct sync_result r;
	int e = sync_strings(c, type, tx, args, n, &r);

	g_free(r.body);
	return e;
}

bool xs_write(xs_client_t *c, uint32_t tx, const char *path, const char *value,
	      GError **err)
{
	const char *args[] = { path, value };
	g_autoptr(GByteArray) p = payload_of(args, 2, false);
	struct sync_result r;
	int e = sync_call(c, XS_WRITE, tx, p->data, p->len, &r);

	g_free(r.body);
	if (e) {
		SET_ERROR(err, e, _("Cannot write xenstore path '%s': %s"), path);
		return false;
	}
	return true;
}

bool xs_mkdir(xs_client_t *c, uint32_t tx, const char *path, GError **err)
{
	int e = sync_noreply(c, XS_MKDIR, tx, &path, 1);

	if (e)
		SET_ERROR(err, e, _("Cannot create xenstore path '%s': %s"), path);
	return !e;
}

bool xs_rm(xs_client_t *c, uint32_t tx, const char *path, GError **err)
{
	int e = sync_noreply(c, XS_RM, tx, &path, 1);

	if (e)
		SET_ERROR(err, e, _("Cannot remove xenstore path '%s': %s"), path);
	return !e;
}

/* The strings of a NUL-separated body. */
static char **split_nuls(const char *body, size_t len)
{
	GPtrArray *v = g_ptr_array_new();
	size_t i = 0;

	while (i < len) {
		size_t n = strnlen(body + i, len - i);

		g_ptr_array_add(v, g_strndup(body + i, n));
		i += n + 1;
	}
	g_ptr_array_add(v, NULL);
	return (char **)g_ptr_array_free(v, FALSE);
}

char **xs_directory(xs_client_t *c, uint32_t tx, const char *path, GError **err)
{
	struct sync_result r;
	int e = sync_strings(c, XS_DIRECTORY, tx, &path, 1, &r);
	char **names;

	if (e) {
		SET_ERROR(err, e, _("Cannot list xenstore directory '%s': %s"), path);
		return NULL;
	}
	names = split_nuls(r.body, r.len);
	g_free(r.body);
	return names;
}

bool xs_set_perms(xs_client_t *c, uint32_t tx, const char *path,
		  const char *const *perms, size_t n, GError **err)
{
	g_autofree const char **args = g_new(const char *, n + 1);

	args[0] = path;
	memcpy(args + 1, perms, n * sizeof(*perms));
	int e = sync_noreply(c, XS_SET_PERMS, tx, args, n + 1);

	if (e)
		SET_ERROR(err, e, _("Cannot set permissions of xenstore path '%s': %s"), path);
	return !e;
}

/* A decimal number the daemon sent, strictly. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	guint64 v;

	if (!g_ascii_isdigit(*s))
		return false;
	errno = 0;
	v = g_ascii_strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

bool xs_transaction_start(xs_client_t *c, uint32_t *tx, GError **err)
{
	const char *empty = "";
	struct sync_result r;
	int e = sync_strings(c, XS_TRANSACTION_START, 0, &empty, 1, &r);
	uint64_t v;

	if (e) {
		g_set_error(err, G_IO_ERROR, g_io_error_from_errno(e),
			    _("Cannot start a xenstore transaction: %s"), g_strerror(e));
		return false;
	}
	if (!parse_u64(r.body, UINT32_MAX, &v) || v == 0) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    _("xenstore sent an invalid transaction id '%s'"), r.body);
		g_free(r.body);
		return false;
	}
	g_free(r.body);
	*tx = (uint32_t)v;
	return true;
}

bool xs_transaction_end(xs_client_t *c, uint32_t tx, bool commit, GError **err)
{
	const char *arg = commit ? "T" : "F";
	struct sync_result r;
	int e = sync_strings(c, XS_TRANSACTION_END, tx, &arg, 1, &r);

	g_free(r.body);
	if (e) {
		g_set_error(err, G_IO_ERROR, g_io_error_from_errno(e),
			    _("Cannot end xenstore transaction %u: %s"), tx, g_strerror(e));
		return false;
	}
	return true;
}

bool xs_introduce(xs_client_t *c, uint32_t domid, uint64_t gfn, uint32_t port,
		  GError **err)
{
	char d[16], g[24], p[16];
	const char *args[] = { d, g, p };

	snprintf(d, sizeof(d), "%" PRIu32, domid);
	snprintf(g, sizeof(g), "%" PRIu64, gfn);
	snprintf(p, sizeof(p), "%" PRIu32, port);
	int e = sync_noreply(c, XS_INTRODUCE, 0, args, 3);

	if (e)
		SET_ERROR(err, e, _("Cannot introduce domain %s to xenstore: %s"), d);
	return !e;
}

bool xs_release(xs_client_t *c, uint32_t domid, GError **err)
{
	char d[16];
	const char *arg = d;

	snprintf(d, sizeof(d), "%" PRIu32, domid);
	int e = sync_noreply(c, XS_RELEASE, 0, &arg, 1);

	if (e)
		SET_ERROR(err, e, _("Cannot release domain %s from xenstore: %s"), d);
	return !e;
}

char *xs_get_domain_path(xs_client_t *c, uint32_t domid, GError **err)
{
	char d[16];
	const char *arg = d;
	struct sync_result r;
	int e;

	snprintf(d, sizeof(d), "%" PRIu32, domid);
	e = sync_strings(c, XS_GET_DOMAIN_PATH, 0, &arg, 1, &r);
	if (e) {
		SET_ERROR(err, e, _("Cannot get the xenstore path of domain %s: %s"), d);
		return NULL;
	}
	return r.body;
}
