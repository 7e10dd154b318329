/* xvm-consoled's view of the domains: it follows @introduceDomain and
 * @releaseDomain over xenstored's socket (a dom0 client), opens a console
 * (console.h) for each domain whose console/ring-ref and console/port
 * are written, publishes console/tty, and closes it once the hypervisor
 * says the domain is dying or gone. xenstored may start later or
 * restart: the connection is retried every second. */
#ifndef CONSOLED_DOMAINS_H
#define CONSOLED_DOMAINS_H

#include <xvm/platform.h>

void domains_start(struct xs_platform *p, const char *xenstored_path,
		   const char *log_dir);
void domains_stop(void);
/* SIGHUP: every console's log file is opened again. */
void domains_reopen_logs(void);

#endif
