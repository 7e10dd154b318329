/* xvm-consoled: the console daemon of xvm, xenconsoled's counterpart.
 * For every domain it gives the guest's console a pty (published as
 * /local/domain/DOMID/console/tty) and, with --log-dir, a log file. On
 * the simulated machine (--simhv PATH) or on real Xen. See
 * docs/xvm-consoled.8. */
#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "domains.h"
#include "xvm/platform.h"

static char *opt_xenstored;
static char *opt_simhv;
static char *opt_pid_file;
static char *opt_log_dir;
static gboolean opt_no_fork;

static const GOptionEntry entries[] = {
	{ "xenstored", 'x', 0, G_OPTION_ARG_FILENAME, &opt_xenstored,
	  N_("xenstored's socket (default: $XENSTORED_PATH, else /run/xenstored/socket)"),
	  N_("PATH") },
	{ "simhv", 's', 0, G_OPTION_ARG_FILENAME, &opt_simhv,
	  N_("serve the consoles of the simulated machine xvm-simhv listening on PATH "
	     "(default: real Xen)"), N_("PATH") },
	{ "log-dir", 'l', 0, G_OPTION_ARG_FILENAME, &opt_log_dir,
	  N_("write each guest's console output to DIR/guest-NAME.log"), N_("DIR") },
	{ "pid-file", 'F', 0, G_OPTION_ARG_FILENAME, &opt_pid_file,
	  N_("write the daemon's pid to PATH"), N_("PATH") },
	{ "no-fork", 'N', 0, G_OPTION_ARG_NONE, &opt_no_fork,
	  N_("stay in the foreground, log to stderr"), NULL },
	{ NULL }
};

static void to_syslog(const gchar *domain, GLogLevelFlags level, const gchar *msg,
		      gpointer data)
{
	int prio = level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL) ? LOG_ERR :
		   level & G_LOG_LEVEL_WARNING ? LOG_WARNING :
		   level & G_LOG_LEVEL_DEBUG ? LOG_DEBUG : LOG_INFO;

	syslog(prio, "%s", msg);
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
	if (chdir("/") < 0)
		return -1;
	umask(022);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

/* Written aside and renamed: a reader never sees half a pid. */
static bool write_pid_file(const char *path, GError **err)
{
	g_autofree char *pid = g_strdup_printf("%ld\n", (long)getpid());

	return g_file_set_contents(path, pid, -1, err);
}

/* Two file descriptors per domain (pty, log) and the event channels':
 * as many as the process may have. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static gboolean on_signal(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_CONTINUE;
}

static gboolean on_hup(gpointer data)
{
	domains_reopen_logs();
	return G_SOURCE_CONTINUE;
}

static char *absolute(const char *path)
{
	g_autofree char *cwd = NULL;

	if (!path || g_path_is_absolute(path))
		return g_strdup(path);
	cwd = g_get_current_dir();
	return g_build_filename(cwd, path, NULL);
}

int main(int argc, char **argv)
{
	g_autoptr(GOptionContext) ctx = NULL;
	g_autoptr(GError) err = NULL;
	g_autoptr(GMainLoop) loop = NULL;
	g_autofree char *xenstored = NULL;
	g_autofree char *log_dir = NULL;
	g_autofree char *pid_file = NULL;
	struct xs_platform *p;
	sigset_t handled_signals;

	/* SIGTERM (or SIGHUP) before the handler is there must not kill the
	 * daemon half-way: blocked until then. */
	sigemptyset(&handled_signals);
	sigaddset(&handled_signals, SIGTERM);
	sigaddset(&handled_signals, SIGINT);
	sigaddset(&handled_signals, SIGHUP);
	sigprocmask(SIG_BLOCK, &handled_signals, NULL);
	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);

	ctx = g_option_context_new(NULL);
	g_option_context_set_summary(ctx, _("The console daemon of xvm: a pty and a log "
					    "for every guest's console."));
	g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "xvm-consoled: %s\n", err->message);
		return 2;
	}
	if (argc > 1) {
		fprintf(stderr, _("xvm-consoled: unexpected argument \"%s\"\n"), argv[1]);
		return 2;
	}
	xenstored = absolute(opt_xenstored ? opt_xenstored :
			     g_getenv("XENSTORED_PATH") ? g_getenv("XENSTORED_PATH") :
			     "/run/xenstored/socket");
	log_dir = absolute(opt_log_dir);
	pid_file = absolute(opt_pid_file);
	if (log_dir && g_mkdir_with_parents(log_dir, 0750) < 0) {
		fprintf(stderr, _("xvm-consoled: cannot create %s: %s\n"), log_dir,
			g_strerror(errno));
		return 1;
	}

	if (opt_simhv) {
		p = platform_sim_open(opt_simhv);
		if (!p) {
			fprintf(stderr, _("xvm-consoled: cannot use xvm-simhv at %s: %s\n"),
				opt_simhv, g_strerror(errno));
			return 1;
		}
	} else {
#ifdef HAVE_PLATFORM_XEN
		p = platform_xen_open();
		if (!p) {
			fprintf(stderr, _("xvm-consoled: cannot open Xen: %s\n"),
				g_strerror(errno));
			return 1;
		}
#else
		fprintf(stderr, _("xvm-consoled: built without Xen's libraries: "
				  "only --simhv is available\n"));
		return 1;
#endif
	}

	if (!opt_no_fork) {
		if (daemonize() < 0) {
			fprintf(stderr, _("xvm-consoled: cannot daemonize: %s\n"),
				g_strerror(errno));
			return 1;
		}
		openlog("xvm-consoled", LOG_PID, LOG_DAEMON);
		g_log_set_default_handler(to_syslog, NULL);
	}
	raise_fd_limit();

	loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, on_signal, loop);
	g_unix_signal_add(SIGINT, on_signal, loop);
	g_unix_signal_add(SIGHUP, on_hup, NULL);
	/* A stop request that came early waits no more. */
	sigprocmask(SIG_UNBLOCK, &handled_signals, NULL);
	domains_start(p, xenstored, log_dir);
	/* The pid file says the daemon is up and stoppable. */
	if (pid_file && !write_pid_file(pid_file, &err)) {
		g_critical(_("cannot write the pid file: %s"), err->message);
		return 1;
	}
	g_main_loop_run(loop);
	domains_stop();
	p->close(p);
	if (pid_file)
		unlink(pid_file);
	return 0;
}
