/* xvmd: the xvm libvirt daemon. Serves libvirt's RPC protocol on
 * RUN_DIR/virtxend-sock (read-write) and RUN_DIR/virtxend-sock-ro
 * (read-only), the sockets libvirt's clients use for xen:///system.
 * See docs/xvmd.8. */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <libxml/parser.h>

#include "driver.h"
#include "error.h"
#include "host.h"
#include "options.h"
#include "remote.h"
#include "server.h"

/* libvirt's defaults (unix_sock_rw_perms, unix_sock_ro_perms). */
#define SOCK_RW_NAME "virtxend-sock"
#define SOCK_RO_NAME "virtxend-sock-ro"
#define SOCK_RW_MODE 0700
#define SOCK_RO_MODE 0777
/* Status files of running domains, under the run directory (libvirt's
 * libxl driver: /run/libvirt/libxl). */
#define STATUS_DIR_NAME "xen"

static gboolean on_quit(gpointer loop)
{
	g_message(_("xvmd: exiting on a signal"));
	g_main_loop_quit(loop);
	return G_SOURCE_CONTINUE;
}

static GLogWriterOutput log_to_syslog(GLogLevelFlags level, const GLogField *fields,
				      gsize n, gpointer verbose)
{
	int prio = LOG_INFO;

	if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
		prio = LOG_ERR;
	else if (level & G_LOG_LEVEL_WARNING)
		prio = LOG_WARNING;
	else if (level & G_LOG_LEVEL_DEBUG)
		prio = LOG_DEBUG;
	if (prio == LOG_DEBUG && !GPOINTER_TO_INT(verbose))
		return G_LOG_WRITER_HANDLED;
	for (gsize i = 0; i < n; i++) {
		if (g_str_equal(fields[i].key, "MESSAGE")) {
			syslog(prio, "%s", (const char *)fields[i].value);
			break;
		}
	}
	return G_LOG_WRITER_HANDLED;
}

static bool write_pid_file(const char *path, GError **err)
{
	g_autofree char *pid = g_strdup_printf("%ld\n", (long)getpid());

	return g_file_set_contents(path, pid, -1, err);
}

/* Forks; the parent waits until the child says it serves (or failed)
 * and exits with that status. Returns the fd on which the child reports. */
static int daemonize(void)
{
	int pipefd[2];
	pid_t pid;
	char status = 1;

	if (pipe2(pipefd, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		perror("xvmd");
		exit(1);
	}
	if (pid > 0) {
		close(pipefd[1]);
		if (read(pipefd[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(pipefd[0]);
	setsid();
	return pipefd[1];
}

static void report_ready(int fd, char status)
{
	int null;

	if (fd < 0)
		return;
	if (write(fd, &status, 1) != 1)
		g_warning(_("xvmd: cannot report start-up: %s"), g_strerror(errno));
	close(fd);
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
}

static bool make_dir(const char *dir, int mode, GError **err)
{
	if (g_mkdir_with_parents(dir, mode) < 0) {
		int e = errno;

		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
			    _("cannot create %s: %s"), dir, g_strerror(e));
		return false;
	}
	return true;
}

/* The driver on the hypervisor: --hv, else hv_open()'s default (Xen's
 * privcmd, or $XVM_SIMHV_SOCKET). Without --hv and without either, xvmd
 * serves without one: what needs it answers VIR_ERR_NO_SUPPORT. */
static bool open_driver(const xvmd_options *opts, rpc_server *srv, xvmDriver **drv,
			GError **err)
{
	g_autofree char *status_dir = g_build_filename(opts->run_dir, STATUS_DIR_NAME, NULL);
	xvmDriverConfig cfg = {
		.hv_spec = opts->hv_spec,
		.xenstored_path = opts->xenstored_path,
		.state_dir = opts->state_dir,
		.run_dir = status_dir,
		.stats_source = opts->stats_source,
		.autostart = TRUE,
		.event_func = xvmd_remote_event_sink,
		.event_opaque = srv,
	};
	g_autoptr(GError) drv_err = NULL;

	*drv = NULL;
	/* hv_xen follows domain state changes through libxenstore when
	 * xenstored holds VIRQ_DOM_EXC: the same xenstored as ours (set
	 * before any thread starts). */
	g_setenv("XENSTORED_PATH", opts->xenstored_path, FALSE);
	if (!opts->hv_spec) {
		g_autoptr(hv_t) probe = hv_open(NULL, &drv_err);

		if (!probe) {
			g_warning(_("xvmd: serving without a hypervisor: %s"), drv_err->message);
			return true;
		}
	}
	*drv = xvmDriverOpen(&cfg, &drv_err);
	if (!*drv) {
		g_propagate_prefixed_error(err, g_steal_pointer(&drv_err),
					   _("cannot open the hypervisor %s: "),
					   opts->hv_spec ? opts->hv_spec : "");
		return false;
	}
	return true;
}

static void serve_driver(rpc_server *srv, xvmDriver *drv)
{
	rpc_server_set_host(srv, &xvmd_host_ops, drv);
	xvmd_remote_node_register(srv, drv);
	xvmd_remote_domain_register(srv, drv);
	xvmd_remote_lifecycle_register(srv, drv);
	xvmd_remote_save_register(srv, drv);
	xvmd_remote_resources_register(srv, drv);
	xvmd_remote_stats_register(srv, drv);
	xvmd_remote_console_register(srv, drv);
	xvmd_remote_hotplug_register(srv, drv);
}

static int serve(const xvmd_options *opts, int ready_fd)
{
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	xvmDriver *drv = NULL;
	rpc_server *srv = rpc_server_new(NULL);
	g_autoptr(GError) err = NULL;
	g_autofree char *rw = g_build_filename(opts->run_dir, SOCK_RW_NAME, NULL);
	g_autofree char *ro = g_build_filename(opts->run_dir, SOCK_RO_NAME, NULL);
	int rc = 0;

	if (!make_dir(opts->run_dir, 0755, &err) ||
	    !make_dir(opts->state_dir, 0700, &err) ||
	    !open_driver(opts, srv, &drv, &err) ||
	    !rpc_server_listen_unix(srv, rw, SOCK_RW_MODE, false, &err) ||
	    !rpc_server_listen_unix(srv, ro, SOCK_RO_MODE, true, &err) ||
	    !write_pid_file(opts->pid_file, &err)) {
		g_printerr("xvmd: %s\n", err->message);
		report_ready(ready_fd, 1);
		rc = 1;
		goto out;
	}
	if (drv)
		serve_driver(srv, drv);
	rpc_server_set_relay(srv, opts->libvirtd_socket, opts->libvirtd_session);
	g_unix_signal_add(SIGTERM, on_quit, loop);
	g_unix_signal_add(SIGINT, on_quit, loop);
	g_message(_("xvmd: serving %s and %s"), rw, ro);
	report_ready(ready_fd, 0);

	g_main_loop_run(loop);

	unlink(opts->pid_file);
 out:
	/* The clients and their calls go first: handlers use the driver. */
	if (drv)
		xvmDriverSetEventSink(drv, NULL, NULL);
	rpc_server_free(srv);
	xvmDriverClose(drv);
	return rc;
}

int main(int argc, char **argv)
{
	xvmd_options opts;
	int ready_fd = -1;
	int rc;

	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
	textdomain(GETTEXT_PACKAGE);

	rc = xvmd_options_parse(&opts, argc, argv);
	if (rc >= 0) {
		xvmd_options_clear(&opts);
		return rc;
	}
	if (opts.verbose)
		g_setenv("G_MESSAGES_DEBUG", "all", TRUE);
	signal(SIGPIPE, SIG_IGN);
	/* Once, from the main thread, before workers parse XML. */
	xmlInitParser();
	/* The driver's and src/conf's errors are libvirt's details. */
	xvm_error_register_detail_domain(XVM_CONF_ERROR, VIR_FROM_DOMAIN);
	if (!opts.foreground) {
		ready_fd = daemonize();
		openlog("xvmd", LOG_PID, LOG_DAEMON);
		g_log_set_writer_func(log_to_syslog, GINT_TO_POINTER(opts.verbose), NULL);
	}
	rc = serve(&opts, ready_fd);
	xvmd_options_clear(&opts);
	return rc;
}
