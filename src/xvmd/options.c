/* xvmd's command line; see docs/xvmd.8. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib.h>
#include <glib/gi18n.h>

#include "options.h"

#define DEFAULT_RUN_DIR   "/run/libvirt"
#define DEFAULT_STATE_DIR "/var/lib/xvm"
#define DEFAULT_PID_FILE  "/run/xvmd.pid"
#define DEFAULT_LIBVIRTD_SOCKET "/run/libvirt/libvirt-sock"

static void usage(FILE *f)
{
	fprintf(f, _(
"Usage: xvmd [OPTION]...\n"
"The xvm libvirt daemon: serves xen:///system to libvirt's clients.\n"
"\n"
"  -r, --run-dir DIR      sockets in DIR (default " DEFAULT_RUN_DIR ")\n"
"  -s, --state-dir DIR    domain configurations in DIR (default " DEFAULT_STATE_DIR ")\n"
"  -p, --pid-file FILE    write the daemon's pid to FILE\n"
"                         (default " DEFAULT_PID_FILE ", or DIR/xvmd.pid with --run-dir)\n"
"  -f, --foreground       stay in the foreground, log to stderr\n"
"  -N, --no-fork          the same\n"
"  -x, --xenstored PATH   xenstored's socket (default: $XENSTORED_PATH, else\n"
"                         /run/xenstored/socket)\n"
"      --hv SPEC          the hypervisor: xen, or sim:PATH for xvm-simhv\n"
"                         (default: xen when /dev/xen/privcmd exists)\n"
"      --stats SOURCE     the devices' I/O statistics: sysfs[:ROOT] (blkback,\n"
"                         netback), or sim:DIR for xvm-simhv --run-dir DIR\n"
"                         (default: sim:the --hv socket's directory, else sysfs)\n"
"      --libvirtd-socket PATH  libvirt's daemon, to which storage, network,\n"
"                         node device, secret and nwfilter calls are relayed\n"
"                         (default " DEFAULT_LIBVIRTD_SOCKET ")\n"
"      --libvirtd-session that daemon is a per-user (session) one\n"
"  -v, --verbose          log debugging messages\n"
"  -h, --help             this help\n"
"      --version          print the version\n"));
}

enum { OPT_HV = 256, OPT_VERSION, OPT_LIBVIRTD_SOCKET, OPT_LIBVIRTD_SESSION, OPT_STATS };

static const struct option options[] = {
	{ "run-dir", required_argument, NULL, 'r' },
	{ "state-dir", required_argument, NULL, 's' },
	{ "pid-file", required_argument, NULL, 'p' },
	{ "foreground", no_argument, NULL, 'f' },
	{ "no-fork", no_argument, NULL, 'N' },
	{ "xenstored", required_argument, NULL, 'x' },
	{ "hv", required_argument, NULL, OPT_HV },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "libvirtd-socket", required_argument, NULL, OPT_LIBVIRTD_SOCKET },
	{ "libvirtd-session", no_argument, NULL, OPT_LIBVIRTD_SESSION },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static bool valid_hv_spec(const char *spec)
{
	return g_str_equal(spec, "xen") ||
	       (g_str_has_prefix(spec, "sim:") && spec[4] != '\0');
}

static bool valid_stats_spec(const char *spec)
{
	return g_str_equal(spec, "sysfs") ||
	       (g_str_has_prefix(spec, "sysfs:") && spec[6] != '\0') ||
	       (g_str_has_prefix(spec, "sim:") && spec[4] != '\0');
}

static void set(char **field, const char *value)
{
	g_free(*field);
	*field = g_strdup(value);
}

int xvmd_options_parse(xvmd_options *opts, int argc, char **argv)
{
	int opt;

	*opts = (xvmd_options){ 0 };
	while ((opt = getopt_long(argc, argv, "r:s:p:fNx:vh", options, NULL)) != -1) {
		switch (opt) {
		case 'r': set(&opts->run_dir, optarg); break;
		case 's': set(&opts->state_dir, optarg); break;
		case 'p': set(&opts->pid_file, optarg); break;
		case 'f':
		case 'N': opts->foreground = true; break;
		case 'x': set(&opts->xenstored_path, optarg); break;
		case OPT_HV:
			if (!valid_hv_spec(optarg)) {
				fprintf(stderr, _("xvmd: bad hypervisor \"%s\": xen or sim:PATH\n"),
					optarg);
				return 2;
			}
			set(&opts->hv_spec, optarg);
			break;
		case OPT_STATS:
			if (!valid_stats_spec(optarg)) {
				fprintf(stderr, _("xvmd: bad statistics source \"%s\": "
						  "sysfs, sysfs:ROOT or sim:DIR\n"), optarg);
				return 2;
			}
			set(&opts->stats_source, optarg);
			break;
		case OPT_LIBVIRTD_SOCKET: set(&opts->libvirtd_socket, optarg); break;
		case OPT_LIBVIRTD_SESSION: opts->libvirtd_session = true; break;
		case 'v': opts->verbose = true; break;
		case 'h': usage(stdout); return 0;
		case OPT_VERSION: printf("xvmd (xvm) %s\n", XVM_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, _("xvmd: unexpected argument \"%s\"\n"), argv[optind]);
		return 2;
	}
	if (!opts->pid_file)
		opts->pid_file = opts->run_dir ? g_build_filename(opts->run_dir, "xvmd.pid", NULL)
					       : g_strdup(DEFAULT_PID_FILE);
	if (!opts->run_dir)
		opts->run_dir = g_strdup(DEFAULT_RUN_DIR);
	if (!opts->state_dir)
		opts->state_dir = g_strdup(DEFAULT_STATE_DIR);
	if (!opts->libvirtd_socket)
		opts->libvirtd_socket = g_strdup(DEFAULT_LIBVIRTD_SOCKET);
	if (!opts->xenstored_path)
		opts->xenstored_path = g_strdup(g_getenv("XENSTORED_PATH") ?
						g_getenv("XENSTORED_PATH") :
						"/run/xenstored/socket");
	return -1;
}

void xvmd_options_clear(xvmd_options *opts)
{
	g_free(opts->run_dir);
	g_free(opts->state_dir);
	g_free(opts->pid_file);
	g_free(opts->xenstored_path);
	g_free(opts->hv_spec);
	g_free(opts->stats_source);
	g_free(opts->libvirtd_socket);
}
