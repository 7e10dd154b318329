/* See console.h. */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <xen/io/console.h>

#include "console.h"

struct console {
	struct xs_platform *p;
	uint32_t domid;
	struct xencons_interface *intf;
	int local_port;
	int master, slave;           /* the pty; we keep the slave open so
					the master never sees a hangup */
	char *tty;
	char *log_path;              /* NULL: no log */
	int log_fd;                  /* -1: none, or it could not be opened */
	bool log_failed;             /* a failed write was reported */
	bool ring_broken;            /* bad indexes were reported */
	GByteArray *pending;         /* output not yet taken by the pty */
	guint out_watch, in_watch;   /* pty writable / readable sources */
};

/* Writes pending output to the pty as far as it takes it; true when
 * nothing is left. */
static bool flush_pending(struct console *c)
{
	while (c->pending->len > 0) {
		ssize_t n = write(c->master, c->pending->data, c->pending->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		g_byte_array_remove_range(c->pending, 0, (guint)n);
	}
	return c->pending->len == 0;
}

static gboolean on_pty_out(gint fd, GIOCondition cond, gpointer data)
{
	struct console *c = data;

	if (!flush_pending(c))
		return G_SOURCE_CONTINUE;
	c->out_watch = 0;
	return G_SOURCE_REMOVE;
}

static void log_write(struct console *c, const char *buf, size_t len)
{
	while (c->log_fd >= 0 && len > 0) {
		ssize_t n = write(c->log_fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!c->log_failed)
				g_warning(_("domain %u: cannot write its console log: %s"),
					  c->domid, g_strerror(errno));
			c->log_failed = true;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* Guest output: out ring -> log and pty. */
static void take_output(struct console *c)
{
	XENCONS_RING_IDX cons = c->intf->out_cons;
	XENCONS_RING_IDX prod = __atomic_load_n(&c->intf->out_prod, __ATOMIC_ACQUIRE);
	char buf[sizeof(c->intf->out)];
	size_t n = 0;

	if ((XENCONS_RING_IDX)(prod - cons) > sizeof(c->intf->out)) {
		/* A guest's bad indexes: skip to its producer, as xenconsoled. */
		if (!c->ring_broken)
			g_warning(_("domain %u: console ring indexes out of range"), c->domid);
		c->ring_broken = true;
		__atomic_store_n(&c->intf->out_cons, prod, __ATOMIC_RELEASE);
		/* The guest may write again: tell it. */
		c->p->evtchn_notify(c->p, (uint32_t)c->local_port);
		return;
	}
	while (cons != prod)
		buf[n++] = c->intf->out[MASK_XENCONS_IDX(cons++, c->intf->out)];
	__atomic_store_n(&c->intf->out_cons, cons, __ATOMIC_RELEASE);
	if (n == 0)
		return;
	c->p->evtchn_notify(c->p, (uint32_t)c->local_port);
	log_write(c, buf, n);
	g_byte_array_append(c->pending, (const guint8 *)buf, (guint)n);
	if (c->pending->len > CONSOLE_BUFFER_MAX)
		g_byte_array_remove_range(c->pending, 0,
					  c->pending->len - CONSOLE_BUFFER_MAX);
	/* Writable again later: the source takes over. */
	if (!c->out_watch && !flush_pending(c))
		c->out_watch = g_unix_fd_add(c->master, G_IO_OUT, on_pty_out, c);
}

static gboolean on_pty_in(gint fd, GIOCondition cond, gpointer data);

/* Room in the guest's in ring. */
static size_t in_space(struct console *c)
{
	XENCONS_RING_IDX cons = __atomic_load_n(&c->intf->in_cons, __ATOMIC_ACQUIRE);
	XENCONS_RING_IDX used = c->intf->in_prod - cons;

	return used > sizeof(c->intf->in) ? 0 : sizeof(c->intf->in) - used;
}

static void pty_want_in(struct console *c)
{
	if (!c->in_watch && in_space(c) > 0)
		c->in_watch = g_unix_fd_add(c->master, G_IO_IN, on_pty_in, c);
}

/* Typed input: pty -> in ring, as far as it has room. */
static gboolean on_pty_in(gint fd, GIOCondition cond, gpointer data)
{
	struct console *c = data;
	size_t space = in_space(c);
	char buf[sizeof(c->intf->in)];
	XENCONS_RING_IDX prod;
	ssize_t n;

	if (space == 0) {
		c->in_watch = 0;         /* again when the guest consumed */
		return G_SOURCE_REMOVE;
	}
	n = read(c->master, buf, space);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n <= 0) {
		c->in_watch = 0;
		return G_SOURCE_REMOVE;
	}
	prod = c->intf->in_prod;
	for (ssize_t i = 0; i < n; i++)
		c->intf->in[MASK_XENCONS_IDX(prod++, c->intf->in)] = buf[i];
	__atomic_store_n(&c->intf->in_prod, prod, __ATOMIC_RELEASE);
	c->p->evtchn_notify(c->p, (uint32_t)c->local_port);
	return G_SOURCE_CONTINUE;
}

void console_event(struct console *c)
{
	take_output(c);
	pty_want_in(c);
}

/* A pty in raw mode whose master does not block. */
static bool pty_open(struct console *c, GError **err)
{
	struct termios t;
	const char *name;

	c->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (c->master < 0 || grantpt(c->master) < 0 || unlockpt(c->master) < 0 ||
	    !(name = ptsname(c->master)))
		goto fail;
	c->tty = g_strdup(name);
	c->slave = open(c->tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (c->slave < 0 || tcgetattr(c->slave, &t) < 0)
		goto fail;
	cfmakeraw(&t);
	if (tcsetattr(c->slave, TCSANOW, &t) < 0 ||
	    fcntl(c->master, F_SETFL, O_NONBLOCK) < 0)
		goto fail;
	return true;
fail:
	g_set_error(err, G_IO_ERROR, g_io_error_from_errno(errno),
		    _("cannot open a pty: %s"), g_strerror(errno));
	return false;
}

/* guest-NAME.log when the name is a plain file name, else guest-DOMID.log. */
static char *log_path(const struct console *c, const char *dir, const char *name)
{
	g_autofree char *file = NULL;

	if (name && name[0] && name[0] != '.' && !strchr(name, '/') && strlen(name) < 200)
		file = g_strdup_printf("guest-%s.log", name);
	else
		file = g_strdup_printf("guest-%u.log", c->domid);
	return g_build_filename(dir, file, NULL);
}

static bool log_open(struct console *c, GError **err)
{
	c->log_fd = open(c->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
			 0640);
	if (c->log_fd < 0) {
		g_set_error(err, G_IO_ERROR, g_io_error_from_errno(errno),
			    _("cannot open %s: %s"), c->log_path, g_strerror(errno));
		return false;
	}
	c->log_failed = false;
	return true;
}

void console_reopen_log(struct console *c)
{
	g_autoptr(GError) err = NULL;

	if (!c->log_path)
		return;
	if (c->log_fd >= 0)
		close(c->log_fd);
	if (!log_open(c, &err))
		g_warning(_("domain %u: %s"), c->domid, err->message);
}

struct console *console_open(struct xs_platform *p, uint32_t domid, uint64_t gfn,
			     uint32_t remote_port, const char *log_dir,
			     const char *log_name, GError **err)
{
	struct console *c = g_new0(struct console, 1);

	c->p = p;
	c->domid = domid;
	c->local_port = -1;
	c->master = c->slave = c->log_fd = -1;
	c->pending = g_byte_array_new();
	c->intf = p->map_console(p, domid, gfn);
	if (!c->intf) {
		g_set_error(err, G_IO_ERROR, g_io_error_from_errno(errno),
			    _("cannot map the console page of domain %u: %s"), domid,
			    g_strerror(errno));
		goto fail;
	}
	c->local_port = p->evtchn_bind_interdomain(p, domid, remote_port);
	if (c->local_port < 0) {
		g_set_error(err, G_IO_ERROR, g_io_error_from_errno(errno),
			    _("cannot bind the console port %u of domain %u: %s"),
			    remote_port, domid, g_strerror(errno));
		goto fail;
	}
	if (!pty_open(c, err))
		goto fail;
	if (log_dir) {
		c->log_path = log_path(c, log_dir, log_name);
		if (!log_open(c, err))
			goto fail;
	}
	/* Output the guest wrote before we came. */
	console_event(c);
	return c;
fail:
	console_close(c);
	return NULL;
}

const char *console_tty(const struct console *c)
{
	return c->tty;
}

uint32_t console_local_port(const struct console *c)
{
	return (uint32_t)c->local_port;
}

void console_close(struct console *c)
{
	if (c->intf && c->local_port >= 0 && c->master >= 0)
		take_output(c);
	if (c->out_watch)
		g_source_remove(c->out_watch);
	if (c->in_watch)
		g_source_remove(c->in_watch);
	if (c->local_port >= 0)
		c->p->evtchn_unbind(c->p, (uint32_t)c->local_port);
	if (c->intf)
		c->p->unmap_console(c->p, c->domid, c->intf);
	if (c->master >= 0)
		close(c->master);
	if (c->slave >= 0)
		close(c->slave);
	if (c->log_fd >= 0)
		close(c->log_fd);
	g_byte_array_unref(c->pending);
	g_free(c->log_path);
	g_free(c->tty);
	g_free(c);
}
