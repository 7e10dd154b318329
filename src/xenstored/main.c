/* xenstored: the xenstore database daemon. Options follow Xen's C
 * xenstored where they exist; see docs/xenstored.8. */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "connection.h"
#include "core.h"
#include "log.h"
#include "persist.h"
#include "txn_order.h"
#include "transport.h"
#include "util.h"
#include "ring.h"
#include <xvm/platform.h>

#ifndef XVM_VERSION
#define XVM_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fprintf(f, _(
"Usage: xenstored [OPTION]...\n"
"The xenstore database daemon.\n"
"\n"
"  -N, --no-fork             stay in the foreground, log to stderr\n"
"  -F, --pid-file FILE       write the daemon's pid to FILE\n"
"  -T, --trace-file FILE     trace every request and reply into FILE\n"
"      --socket PATH         listen on PATH (default $XENSTORED_RUNDIR/socket,\n"
"                            else /run/xenstored/socket)\n"
"      --persistent DIR      keep the store in DIR/xenstored.tdb across restarts\n"
"      --simhv PATH          serve the domain rings of the simulated machine\n"
"                            xvm-simhv listening on PATH\n"
"  -I, --internal-db         keep the store in memory only (the default)\n"
"  -D, --no-domain-init      do not connect dom0's ring at start-up\n"
"  -E, --entry-nb N          nodes per domain (default 1000)\n"
"  -S, --entry-size N        bytes per node (default 2048)\n"
"  -W, --watch-nb N          watches per domain (default 128)\n"
"  -t, --transaction N       transactions per domain (default 10)\n"
"  -A, --perm-nb N           permissions per node (default 5)\n"
"  -M, --path-max N          path length below a domain's home (default 2048)\n"
"  -Q, --quota WHAT=N        transaction-nodes, memory, outstanding, or any\n"
"                            of nodes, watches, transactions, node-size,\n"
"                            permissions, path-length\n"
"  -q, --quota-soft WHAT=N   memory: warn past N bytes per domain\n"
"  -w, --timeout WHAT=SEC    watch-event: drop watch events left unread\n"
"                            for SEC seconds (default 20, 0: never)\n"
"      --txn-wait USEC       a transaction's request naming a node that another\n"
"                            open transaction of its domain uses waits up to\n"
"                            USEC microseconds for it to end (default 5000,\n"
"                            0: never)\n"
"  -p, --priv-domid DOMID    the privileged domain besides dom0\n"
"  -K, --keep-orphans        keep nodes of domains that are gone\n"
"  -R, --no-recovery         accepted for compatibility\n"
"  -V, --verbose             log debugging messages\n"
"  -H, --help                this help\n"
"      --version             print the version\n"));
}

static bool parse_num(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *s == '-' || errno || *end || v > 0x7fffffffUL)
		return false;
	*out = (unsigned int)v;
	return true;
}

enum { OPT_SOCKET = 256, OPT_PERSISTENT, OPT_VERSION, OPT_SIMHV, OPT_TXN_WAIT };

static const struct option options[] = {
	{ "no-fork", no_argument, NULL, 'N' },
	{ "pid-file", required_argument, NULL, 'F' },
	{ "trace-file", required_argument, NULL, 'T' },
	{ "internal-db", no_argument, NULL, 'I' },
	{ "no-domain-init", no_argument, NULL, 'D' },
	{ "entry-nb", required_argument, NULL, 'E' },
	{ "entry-size", required_argument, NULL, 'S' },
	{ "watch-nb", required_argument, NULL, 'W' },
	{ "transaction", required_argument, NULL, 't' },
	{ "perm-nb", required_argument, NULL, 'A' },
	{ "path-max", required_argument, NULL, 'M' },
	{ "quota", required_argument, NULL, 'Q' },
	{ "quota-soft", required_argument, NULL, 'q' },
	{ "timeout", required_argument, NULL, 'w' },
	{ "priv-domid", required_argument, NULL, 'p' },
	{ "keep-orphans", no_argument, NULL, 'K' },
	{ "no-recovery", no_argument, NULL, 'R' },
	{ "verbose", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'H' },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "persistent", required_argument, NULL, OPT_PERSISTENT },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "simhv", required_argument, NULL, OPT_SIMHV },
	{ "txn-wait", required_argument, NULL, OPT_TXN_WAIT },
	{ NULL, 0, NULL, 0 },
};

static int parse_options(int argc, char **argv, bool *no_fork, const char **simhv)
{
	int opt;

	while ((opt = getopt_long(argc, argv, "NF:T:IDE:S:W:t:A:M:Q:q:w:p:KRVH",
				  options, NULL)) != -1) {
		unsigned int *num = NULL;

		switch (opt) {
		case 'N': *no_fork = true; break;
		case 'F': config.pid_file = optarg; break;
		case 'T': config.trace_file = optarg; break;
		case 'I': break;
		case 'D': config.no_domain_init = true; break;
		case 'E': num = &config.quota_nodes; break;
		case 'S': num = &config.quota_node_size; break;
		case 'W': num = &config.quota_watches; break;
		case 't': num = &config.quota_transactions; break;
		case 'A': num = &config.quota_perms; break;
		case 'M': num = &config.quota_path_max; break;
		case 'p': num = &config.priv_domid; break;
		case 'Q':
		case 'q':
			if (!config_set_quota(optarg, opt == 'q')) {
				fprintf(stderr, _("xenstored: bad quota \"%s\"\n"), optarg);
				return 2;
			}
			break;
		case 'w':
			if (!config_set_timeout(optarg)) {
				fprintf(stderr, _("xenstored: bad timeout \"%s\"\n"), optarg);
				return 2;
			}
			break;
		case 'K': config.keep_orphans = true; break;
		case 'R': break;
		case 'V': config.verbose = true; break;
		case 'H': usage(stdout); exit(0);
		case OPT_SOCKET: config.socket_path = optarg; break;
		case OPT_PERSISTENT: config.persistent_dir = optarg; break;
		case OPT_SIMHV: *simhv = optarg; break;
		case OPT_TXN_WAIT: num = &config.txn_wait_us; break;
		case OPT_VERSION: printf("xenstored (xvm) %s\n", XVM_VERSION); exit(0);
		default: usage(stderr); return 2;
		}
		if (num && !parse_num(optarg, num)) {
			if (opt < 256)
				fprintf(stderr, _("xenstored: bad number \"%s\" for -%c\n"),
					optarg, opt);
			else
				fprintf(stderr, _("xenstored: bad number \"%s\"\n"), optarg);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, _("xenstored: unexpected argument \"%s\"\n"), argv[optind]);
		return 2;
	}
	return 0;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct event_base *base = arg;

	(void)what;
	if (sig == SIGHUP) {
		if (config.trace_file && trace_open(config.trace_file))
			xs_log(LOG_ERR, "cannot reopen trace file %s: %s",
			       config.trace_file, strerror(errno));
		return;
	}
	xs_log(LOG_INFO, "xenstored: signal %d, exiting", (int)sig);
	event_base_loopbreak(base);
}

/* The timer of transaction ordering (txn_order.h). */
static struct event *txn_timer;

static void on_txn_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	txn_order_expire();
	conn_flush_all();
}

static void arm_txn_timer(uint64_t us)
{
	struct timeval tv = { (time_t)(us / 1000000u), (suseconds_t)(us % 1000000u) };

	event_add(txn_timer, &tv);
}

static void on_housekeeping(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	core_housekeeping();
}

static int write_pid_file(const char *path)
{
	char buf[32];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (fd < 0)
		return -1;
	if (write(fd, buf, len) != len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/"))
		return -1;
	umask(022);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	bool no_fork = false;
	const char *simhv = NULL;
	char default_socket[4096];
	struct event_base *base;
	struct event *sigs[4], *housekeeping;
	const int signums[4] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP };
	int rc;

	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
	config_defaults();
	rc = parse_options(argc, argv, &no_fork, &simhv);
	if (rc)
		return rc;
	if (!config.socket_path) {
		const char *rundir = getenv("XENSTORED_RUNDIR");
		snprintf(default_socket, sizeof(default_socket), "%s/socket",
			 rundir && *rundir ? rundir : "/run/xenstored");
		config.socket_path = default_socket;
	}

	log_init(no_fork, config.verbose);
	signal(SIGPIPE, SIG_IGN);
	if (config.trace_file && trace_open(config.trace_file)) {
		fprintf(stderr, _("xenstored: cannot open trace file %s: %s\n"),
			config.trace_file, strerror(errno));
		return 1;
	}

	core_init();
	if (config.persistent_dir && persist_open(config.persistent_dir)) {
		fprintf(stderr, _("xenstored: cannot use persistent store in %s\n"),
			config.persistent_dir);
		return 1;
	}
	core_setup();

	if (!no_fork && daemonize()) {
		fprintf(stderr, _("xenstored: cannot daemonize: %s\n"), strerror(errno));
		return 1;
	}
	base = event_base_new();
	if (!base)
		xs_fatal("cannot create the event loop");
	if (socket_listen(base, config.socket_path)) {
		xs_log(LOG_ERR, _("xenstored: cannot listen on %s: %s"),
		       config.socket_path, strerror(errno));
		return 1;
	}
	if (simhv) {
		/* The simulated machine: guests' rings; dom0 uses the socket. */
		struct xs_platform *sim = platform_sim_open(simhv);

		if (!sim || ring_init(base, sim)) {
			xs_log(LOG_ERR, _("xenstored: cannot use xvm-simhv at %s: %s"),
			       simhv, strerror(errno));
			return 1;
		}
	}
#ifdef HAVE_PLATFORM_XEN
	/* On a Xen host: domain rings, and dom0's own ring. */
	else if (!config.no_domain_init &&
		 (!access("/dev/xen/privcmd", F_OK) || !access("/proc/xen/xsd_kva", F_OK))) {
		struct xs_platform *xen = platform_xen_open();

		if (!xen || ring_init(base, xen)) {
			xs_log(LOG_ERR, _("xenstored: cannot open Xen's event channels, "
			       "grant tables or control interface: %s"), strerror(errno));
			return 1;
		}
		if (ring_init_master()) {
			xs_log(LOG_ERR, _("xenstored: cannot connect dom0's ring "
			       "(/proc/xen/xsd_kva, xsd_port): %s"), strerror(errno));
			return 1;
		}
	}
#endif
	if (config.pid_file && write_pid_file(config.pid_file)) {
		xs_log(LOG_ERR, _("xenstored: cannot write pid file %s: %s"),
		       config.pid_file, strerror(errno));
		return 1;
	}
	for (int i = 0; i < 4; i++) {
		sigs[i] = evsignal_new(base, signums[i], on_signal, base);
		event_add(sigs[i], NULL);
	}
	xs_log(LOG_INFO, "xenstored listening on %s", config.socket_path);

	txn_timer = evtimer_new(base, on_txn_timer, NULL);
	txn_order_set_timer(arm_txn_timer);
	housekeeping = event_new(base, -1, EV_PERSIST, on_housekeeping, NULL);
	event_add(housekeeping, &(struct timeval){ 0, PERSIST_COMMIT_MS * 1000 });

	event_base_dispatch(base);

	event_free(housekeeping);
	txn_order_set_timer(NULL);
	event_free(txn_timer);

	socket_shutdown();
	core_fini();
	ring_shutdown();
	for (int i = 0; i < 4; i++)
		event_free(sigs[i]);
	event_base_free(base);
	if (config.pid_file)
		unlink(config.pid_file);
	trace_close();
	return 0;
}
