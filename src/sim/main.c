/* xvm-simhv: the simulated Xen machine. See docs/xvm-simhv.8. */
#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "guest.h"
#include "machine.h"
#include "server.h"

#ifndef XVM_VERSION
#define XVM_VERSION "unknown"
#endif

static char *opt_socket;
static char *opt_run_dir;
static char *opt_pid_file;
static char *opt_xenstored;
static gboolean opt_no_fork;
static gboolean opt_version;
static gint opt_cpus = 4;
static gint64 opt_memory = 8192;
static gint64 opt_dom0_memory = 1024;

static const GOptionEntry entries[] = {
	{ "socket", 's', 0, G_OPTION_ARG_FILENAME, &opt_socket,
	  N_("listen on PATH (default RUN-DIR/socket)"), N_("PATH") },
	{ "run-dir", 'r', 0, G_OPTION_ARG_FILENAME, &opt_run_dir,
	  N_("keep the domains' pages in DIR (default /run/xvm-simhv)"), N_("DIR") },
	{ "pid-file", 'F', 0, G_OPTION_ARG_FILENAME, &opt_pid_file,
	  N_("write the daemon's pid to FILE"), N_("FILE") },
	{ "no-fork", 'N', 0, G_OPTION_ARG_NONE, &opt_no_fork,
	  N_("stay in the foreground, log to stderr"), NULL },
	{ "foreground", 0, 0, G_OPTION_ARG_NONE, &opt_no_fork,
	  N_("the same as --no-fork"), NULL },
	{ "cpus", 'c', 0, G_OPTION_ARG_INT, &opt_cpus,
	  N_("physical CPUs of the machine (default 4)"), N_("N") },
	{ "memory", 'm', 0, G_OPTION_ARG_INT64, &opt_memory,
	  N_("host memory in MiB (default 8192)"), N_("MIB") },
	{ "dom0-memory", 0, 0, G_OPTION_ARG_INT64, &opt_dom0_memory,
	  N_("what dom0 holds of it, MiB (default 1024)"), N_("MIB") },
	{ "xenstored", 'x', 0, G_OPTION_ARG_FILENAME, &opt_xenstored,
	  N_("run dom0's simulated backends, clients of the xenstored "
	     "listening on PATH"), N_("PATH") },
	{ "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version,
	  N_("print the version"), NULL },
	{ NULL },
};

static gboolean on_signal(gpointer loop)
{
	g_main_loop_quit(loop);
	return G_SOURCE_CONTINUE;
}

static bool write_pid_file(const char *path, GError **err)
{
	g_autofree char *pid = g_strdup_printf("%ld\n", (long)getpid());

	return g_file_set_contents(path, pid, -1, err);
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

int main(int argc, char **argv)
{
	g_autoptr(GOptionContext) ctx = NULL;
	g_autoptr(GError) err = NULL;
	g_autoptr(GMainLoop) loop = NULL;
	g_autofree char *run_dir = NULL, *socket_path = NULL;
	struct machine_config cfg = { 0 };
	struct machine *m;
	struct server *srv;
	sigset_t stop_signals;

	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);

	ctx = g_option_context_new(NULL);
	g_option_context_set_summary(ctx, _("The simulated Xen machine of xvm."));
	g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "xvm-simhv: %s\n", err->message);
		return 2;
	}
	if (opt_version) {
		printf("xvm-simhv (xvm) %s\n", XVM_VERSION);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, _("xvm-simhv: unexpected argument \"%s\"\n"), argv[1]);
		return 2;
	}
	if (opt_cpus < 1 || opt_cpus > 512 || opt_memory < 1 || opt_dom0_memory < 1 ||
	    opt_memory > (G_MAXINT64 >> 20) || opt_dom0_memory >= opt_memory) {
		fprintf(stderr, _("xvm-simhv: --cpus is 1 to 512, --memory a positive "
				  "number of MiB, more than --dom0-memory\n"));
		return 2;
	}
	run_dir = g_strdup(opt_run_dir ? opt_run_dir : "/run/xvm-simhv");
	socket_path = opt_socket ? g_strdup(opt_socket)
				 : g_build_filename(run_dir, "socket", NULL);
	if (g_mkdir_with_parents(run_dir, 0700)) {
		fprintf(stderr, _("xvm-simhv: cannot create %s: %s\n"), run_dir,
			g_strerror(errno));
		return 1;
	}
	/* Absolute: the daemon changes to / when it forks. */
	if (!g_path_is_absolute(run_dir)) {
		g_autofree char *cwd = g_get_current_dir();
		char *abs = g_build_filename(cwd, run_dir, NULL);
		g_free(run_dir);
		run_dir = abs;
	}
	signal(SIGPIPE, SIG_IGN);

	cfg.nr_cpus = (uint32_t)opt_cpus;
	cfg.memory_kib = (uint64_t)opt_memory << 10;
	cfg.dom0_kib = (uint64_t)opt_dom0_memory << 10;
	cfg.run_dir = run_dir;
	cfg.ops = &sim_guest_kernel_ops;
	m = machine_new(&cfg, &err);
	if (!m) {
		fprintf(stderr, "xvm-simhv: %s\n", err->message);
		return 2;
	}
	/* A client may stop us as soon as it connects: SIGTERM waits until
	 * its handler is there (GLib's, installed after the fork). */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	sigprocmask(SIG_BLOCK, &stop_signals, NULL);
	srv = server_new(m, socket_path, &err);
	if (!srv) {
		fprintf(stderr, "xvm-simhv: %s\n", err->message);
		machine_free(m);
		return 1;
	}
	if (!opt_no_fork && daemonize()) {
		fprintf(stderr, _("xvm-simhv: cannot daemonize: %s\n"), g_strerror(errno));
		return 1;
	}
	if (opt_pid_file && !write_pid_file(opt_pid_file, &err)) {
		g_printerr("xvm-simhv: %s\n", err->message);
		return 1;
	}
	loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, on_signal, loop);
	g_unix_signal_add(SIGINT, on_signal, loop);
	sigprocmask(SIG_UNBLOCK, &stop_signals, NULL);
	/* dom0's backends: clients of xenstored's socket. */
	if (opt_xenstored)
		backends_start(opt_xenstored, run_dir);
	g_message(_("xvm-simhv: %u CPUs, %" G_GINT64_FORMAT " MiB, listening on %s"),
		  cfg.nr_cpus, opt_memory, socket_path);
	g_main_loop_run(loop);

	if (opt_xenstored)
		backends_stop();
	server_free(srv);
	machine_free(m);
	if (opt_pid_file)
		g_unlink(opt_pid_file);
	return 0;
}
