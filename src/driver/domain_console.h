/*
 * domain_console.h: virDomainOpenConsole — a running domain's console
 * pty, one client at a time, as libvirt's drivers hand it out.
 *
 * The pty is the one the console daemon (xenconsoled, xvm-consoled)
 * publishes in xenstore: /local/domain/DOMID/console/tty for the PV
 * console, .../serial/PORT/tty for an emulated serial port. It is
 * opened non-blocking, in raw mode; the caller moves the bytes (an RPC
 * stream in xvmd). When the domain goes away the console daemon closes
 * the pty: reads then end (EOF or EIO).
 *
 * Exclusive access (libvirt's virChrdev): while a console is open,
 * opening it again fails with VIR_ERR_OPERATION_FAILED "Active console
 * session exists for this domain", unless VIR_DOMAIN_CONSOLE_FORCE: the
 * new session gets it and the old one is revoked — its revoked callback
 * runs on the driver's main context, where the owner closes it.
 *
 * Threading: xvmDomainOpenConsole from any thread (it blocks on
 * xenstore); everything else on the driver's main context, the thread
 * that runs revoked callbacks.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "driver.h"

G_BEGIN_DECLS

/* How long an open waits for the console daemon to publish the pty of a
 * domain that has just started. */
#define XVM_CONSOLE_TTY_WAIT_MS 5000

typedef struct _xvmConsole xvmConsole;
/* The sessions of a driver (driver.c creates them). */
typedef struct _xvmConsoles xvmConsoles;

xvmConsoles *xvmConsolesNew(void);
/* The sessions still open keep what they need. */
void xvmConsolesFree(xvmConsoles *consoles);

typedef void (*xvmConsoleRevokedFunc)(xvmConsole *con, void *opaque);

/* Opens the console of obj (locked; unlocked meanwhile), the domain's
 * first <console>, else its first <serial>, as libxl:
 *   dev_name        must be NULL: VIR_ERR_ARGUMENT_UNSUPPORTED "Named
 *                   device aliases are not supported"
 *   flags           VIR_DOMAIN_CONSOLE_FORCE, VIR_DOMAIN_CONSOLE_SAFE
 *                   (access is always exclusive: SAFE is met)
 * Fails with VIR_ERR_OPERATION_INVALID for a domain not running,
 * VIR_ERR_INTERNAL_ERROR "cannot find character device" when it has no
 * console, VIR_ERR_OPERATION_FAILED when its pty is not published
 * (after XVM_CONSOLE_TTY_WAIT_MS) or does not open, and as above. */
xvmConsole *xvmDomainOpenConsole(xvmDriver *drv, xvmDomainObj *obj, const char *dev_name,
                                 unsigned int flags, xvmConsoleRevokedFunc revoked,
                                 void *opaque, GError **error);

/* The pty: non-blocking, raw, owned by the console. */
int xvmConsoleGetFd(const xvmConsole *con);
const char *xvmConsoleGetPath(const xvmConsole *con);

/* Ends the session: the pty is closed, the console free for another
 * client; revoked will not run. */
void xvmConsoleClose(xvmConsole *con);

G_END_DECLS
