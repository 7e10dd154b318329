/* xvmd's command line. */
#ifndef XVMD_OPTIONS_H
#define XVMD_OPTIONS_H

#include <stdbool.h>

typedef struct xvmd_options {
	char *run_dir;         /* sockets (virtxend-sock, virtxend-sock-ro) */
	char *state_dir;       /* persistent domain configurations */
	char *pid_file;
	char *xenstored_path;  /* xenstored's socket, for the driver */
	char *hv_spec;         /* the hypervisor (include/xvm/hv.h hv_open) */
	char *stats_source;    /* the backends' statistics (driver/stats_source.h) */
	char *libvirtd_socket; /* libvirt's daemon, for the secondary drivers */
	bool libvirtd_session; /* it is a per-user (session) daemon */
	bool foreground;
	bool verbose;
} xvmd_options;

/* Parses argv into opts (defaults filled in). Returns -1 to go on, else
 * the exit status (0 after --help/--version, 2 on a bad command line;
 * the message is printed). */
int xvmd_options_parse(xvmd_options *opts, int argc, char **argv);
void xvmd_options_clear(xvmd_options *opts);

#endif
