/* One domain's console in xvm-consoled: its page (struct xencons_interface
 * of <xen/io/console.h>) and event channel on one side, a pty and an
 * optional log file on the other.
 *
 * Guest output (the out ring) goes to the log file as it comes and to the
 * pty master; when nobody drains the pty, output waits in a bounded
 * buffer whose oldest bytes are dropped (the daemon never blocks on a
 * guest). Input typed on the pty goes to the in ring as far as it has
 * room; the rest waits in the pty until the guest consumed some. */
#ifndef CONSOLED_CONSOLE_H
#define CONSOLED_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <xvm/platform.h>

struct console;

/* Maps domid's console page (gfn from console/ring-ref), binds its port,
 * opens a pty and, when log_dir is set, DIR/guest-LOGNAME.log. NULL with
 * *err set on failure (nothing stays open). */
struct console *console_open(struct xs_platform *p, uint32_t domid, uint64_t gfn,
			     uint32_t remote_port, const char *log_dir,
			     const char *log_name, GError **err);
/* The pty's slave device, for console/tty. */
const char *console_tty(const struct console *c);
uint32_t console_local_port(const struct console *c);
/* The port fired: moves output and input. */
void console_event(struct console *c);
/* Closes the log file and opens it again (after logrotate moved it). */
void console_reopen_log(struct console *c);
/* Drains what is left in the out ring, then releases everything. */
void console_close(struct console *c);

/* Bytes kept for the pty at most. */
#define CONSOLE_BUFFER_MAX (64 * 1024)

#endif
