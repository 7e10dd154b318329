/* See stack.h. */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stack.h"

/* type: xenstored's socket is a stream, simhv's a seqpacket one. */
static bool socket_answers(const char *path, int type)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	bool ok;

	g_assert_cmpint(fd, >=, 0);
	g_strlcpy(a.sun_path, path, sizeof(a.sun_path));
	ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

/* $SIM_STACK_VALGRIND: simhv and consoled run under memcheck. */
static const char *const *under_valgrind(GPtrArray *keep, const char *const *argv)
{
	const char *vg = g_getenv("SIM_STACK_VALGRIND");

	if (!vg)
		return argv;
	g_ptr_array_add(keep, (char *)vg);
	g_ptr_array_add(keep, "-q");
	g_ptr_array_add(keep, "--error-exitcode=99");
	g_ptr_array_add(keep, "--leak-check=full");
	g_ptr_array_add(keep, "--errors-for-leak-kinds=definite");
	for (size_t i = 0; argv[i]; i++)
		g_ptr_array_add(keep, (char *)argv[i]);
	g_ptr_array_add(keep, NULL);
	return (const char *const *)keep->pdata;
}

/* Runs argv with its output in DIR/NAME.log; waits until socket (of
 * type) answers, or with type 0 until the file socket exists. */
static pid_t spawn(struct stack *s, const char *name, const char *const *argv,
		   const char *socket, int type)
{
	g_autofree char *log = g_strdup_printf("%s/%s.log", s->dir, name);
	pid_t parent = getpid();
	pid_t pid = fork();

	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		/* A test that fails aborts: its daemons go with it (they were
		 * left running for hours otherwise). */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
			_exit(127);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	for (int i = 0; i < 1200; i++) {
		int status;

		if (waitpid(pid, &status, WNOHANG) == pid) {
			g_autofree char *text = NULL;

			g_file_get_contents(log, &text, NULL, NULL);
			g_error("%s exited at start-up (status %d): %s", name, status,
				text ? text : "");
		}
		if (type ? socket_answers(socket, type) : g_file_test(socket, G_FILE_TEST_EXISTS))
			return pid;
		g_usleep(25000);
	}
	g_error("%s did not answer on %s", name, socket);
}

static const char *exe(const char *var)
{
	const char *p = g_getenv(var);

	if (!p)
		g_error("$%s is not set", var);
	return p;
}

void stack_start(struct stack *s, unsigned int host_mib)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *mib = g_strdup_printf("%u", host_mib);
	g_autofree char *spec = NULL;

	memset(s, 0, sizeof(*s));
	s->dir = g_dir_make_tmp("sim-stack-XXXXXX", &err);
	g_assert_no_error(err);
	s->simhv_sock = g_build_filename(s->dir, "simhv.sock", NULL);
	s->xs_sock = g_build_filename(s->dir, "xenstored.sock", NULL);
	s->run_dir = g_build_filename(s->dir, "run", NULL);
	s->log_dir = g_build_filename(s->dir, "consoles", NULL);
	s->kernel = g_build_filename(s->dir, "vmlinuz", NULL);
	g_assert_true(g_file_set_contents(s->kernel, "a simulated kernel\n", -1, NULL));

	{
		const char *argv[] = { exe("SIMHV"), "-N", "--run-dir", s->run_dir,
				       "--socket", s->simhv_sock, "--xenstored", s->xs_sock,
				       "--memory", mib, NULL };
		g_autoptr(GPtrArray) keep = g_ptr_array_new();

		s->simhv = spawn(s, "simhv", under_valgrind(keep, argv), s->simhv_sock,
				 SOCK_SEQPACKET);
	}
	{
		const char *argv[] = { exe("XENSTORED"), "-N", "--socket", s->xs_sock,
				       "--simhv", s->simhv_sock, NULL };
		s->xenstored = spawn(s, "xenstored", argv, s->xs_sock, SOCK_STREAM);
	}
	{
		g_autofree char *pid_file = g_build_filename(s->dir, "consoled.pid", NULL);
		const char *argv[] = { exe("CONSOLED"), "-N", "--xenstored", s->xs_sock,
				       "--simhv", s->simhv_sock, "--log-dir", s->log_dir,
				       "--pid-file", pid_file, NULL };

		/* It has no socket: its pid file says it is up. */
		g_autoptr(GPtrArray) keep = g_ptr_array_new();

		s->consoled = spawn(s, "consoled", under_valgrind(keep, argv), pid_file, 0);
	}
	spec = g_strdup_printf("sim:%s", s->simhv_sock);
	s->hv = hv_open(spec, &err);
	g_assert_no_error(err);
	s->xs = xs_client_open_socket(s->xs_sock, NULL, &err);
	g_assert_no_error(err);
}

/* SIGTERM; the daemon must exit 0 within 10 s. */
static void stop(struct stack *s, pid_t *pid, const char *name)
{
	int status = 0;

	if (*pid <= 0)
		return;
	g_assert_cmpint(kill(*pid, SIGTERM), ==, 0);
	for (int i = 0; i < 400; i++) {
		if (waitpid(*pid, &status, WNOHANG) == *pid)
			break;
		if (i == 399) {
			kill(*pid, SIGKILL);
			waitpid(*pid, &status, 0);
			g_error("%s did not exit on SIGTERM", name);
		}
		g_usleep(25000);
	}
	*pid = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		g_autofree char *log = g_strdup_printf("%s/%s.log", s->dir, name);
		g_autofree char *text = NULL;

		g_file_get_contents(log, &text, NULL, NULL);
		g_error("%s ended with status %d:\n%s", name, status, text ? text : "");
	}
}

static void rm_rf(const char *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *name;

	while (dir && (name = g_dir_read_name(dir))) {
		g_autofree char *p = g_build_filename(path, name, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
			rm_rf(p);
		else
			g_unlink(p);
	}
	g_rmdir(path);
}

void stack_stop(struct stack *s)
{
	g_clear_pointer(&s->xs, xs_client_free);
	g_clear_pointer(&s->hv, hv_close);
	stop(s, &s->consoled, "consoled");
	stop(s, &s->xenstored, "xenstored");
	stop(s, &s->simhv, "simhv");
	rm_rf(s->dir);
	g_free(s->dir);
	g_free(s->simhv_sock);
	g_free(s->xs_sock);
	g_free(s->run_dir);
	g_free(s->log_dir);
	g_free(s->kernel);
}

/* ---- xenstore --------------------------------------------------------- */

char *stack_read(struct stack *s, const char *fmt, ...)
{
	g_autofree char *path = NULL;
	va_list ap;

	va_start(ap, fmt);
	path = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return xs_read(s->xs, 0, path, NULL, NULL);
}

void stack_write(struct stack *s, const char *path, const char *value)
{
	g_autoptr(GError) err = NULL;

	g_assert_true(xs_write(s->xs, 0, path, value, &err));
	g_assert_no_error(err);
}

static void put(struct stack *s, uint32_t tx, const char *dir, const char *key,
		const char *value)
{
	g_autofree char *path = key ? g_strdup_printf("%s/%s", dir, key) : g_strdup(dir);
	g_autoptr(GError) err = NULL;

	if (!xs_write(s->xs, tx, path, value, &err))
		g_error("writing %s: %s", path, err->message);
}

static void perms(struct stack *s, uint32_t tx, const char *path, uint32_t owner,
		  uint32_t reader)
{
	g_autofree char *o = g_strdup_printf("n%u", owner);
	g_autofree char *r = g_strdup_printf("r%u", reader);
	const char *const p[] = { o, r };
	g_autoptr(GError) err = NULL;

	if (!xs_mkdir(s->xs, tx, path, &err) ||
	    !xs_set_perms(s->xs, tx, path, p, owner == reader ? 1 : 2, &err))
		g_error("%s: %s", path, err->message);
}

/* The domain's tree, as libxl lays it out (the parts a guest and its
 * backends read): the guest owns its home; dom0 owns the backends, the
 * guest may read them. */
static void write_tree(struct stack *s, const struct guest_cfg *cfg, struct guest *g,
		       const struct hv_build_result *res)
{
	static const char *const platform_features[] = {
		"platform-feature-multiprocessor-suspend",
		"platform-feature-xs_reset_watches",
	};
	g_autofree char *vm = g_strdup_printf("/vm/%s", g->uuid_str);
	g_autofree char *id = g_strdup_printf("%u", g->domid);
	g_autofree char *target = g_strdup_printf("%" G_GUINT64_FORMAT, cfg->memory_kib);
	g_autofree char *ring = g_strdup_printf("%" G_GUINT64_FORMAT, res->console_gfn);
	g_autofree char *port = g_strdup_printf("%u", res->console_port);

	for (;;) {
		g_autoptr(GError) err = NULL;
		uint32_t tx;

		g_assert_true(xs_transaction_start(s->xs, &tx, &err));
		perms(s, tx, g->home, g->domid, g->domid);
		put(s, tx, g->home, "name", g->name);
		put(s, tx, g->home, "domid", id);
		put(s, tx, g->home, "vm", vm);
		put(s, tx, g->home, "memory/target", target);
		put(s, tx, g->home, "memory/static-max", target);
		put(s, tx, g->home, "control/shutdown", "");
		/* The toolstack's, as libxl writes them (the guest reads). */
		for (size_t i = 0; i < G_N_ELEMENTS(platform_features); i++) {
			g_autofree char *path = g_strdup_printf("%s/control/%s", g->home,
								platform_features[i]);

			put(s, tx, path, NULL, "1");
			perms(s, tx, path, 0, g->domid);
		}
		for (uint32_t i = 0; i < cfg->vcpus; i++) {
			g_autofree char *k = g_strdup_printf("cpu/%u/availability", i);

			put(s, tx, g->home, k, "online");
		}
		put(s, tx, g->home, "console/ring-ref",
		    cfg->bad_console_keys ? "0x1f" : ring);
		put(s, tx, g->home, "console/port", cfg->bad_console_keys ? "junk" : port);
		put(s, tx, g->home, "console/type", "xenconsoled");
		put(s, tx, g->home, "console/limit", "1048576");
		if (cfg->disk) {
			g_autofree char *fe = g_strdup_printf("%s/device/vbd/51712", g->home);
			g_autofree char *bed = g_strdup_printf("/local/domain/0/backend/vbd/%u",
							       g->domid);
			g_autofree char *be = g_strdup_printf("%s/51712", bed);

			perms(s, tx, bed, 0, g->domid);
			put(s, tx, fe, "backend", be);
			put(s, tx, fe, "backend-id", "0");
			put(s, tx, fe, "virtual-device", "51712");
			put(s, tx, fe, "device-type", "disk");
			put(s, tx, fe, "state", "1");
			put(s, tx, be, "frontend", fe);
			put(s, tx, be, "frontend-id", id);
			put(s, tx, be, "params", cfg->disk);
			put(s, tx, be, "mode", "w");
			put(s, tx, be, "type", "file");
			put(s, tx, be, "device-type", "disk");
			put(s, tx, be, "dev", "xvda");
			put(s, tx, be, "online", "1");
			put(s, tx, be, "state", "1");
		}
		if (cfg->vif) {
			g_autofree char *fe = g_strdup_printf("%s/device/vif/0", g->home);
			g_autofree char *bed = g_strdup_printf("/local/domain/0/backend/vif/%u",
							       g->domid);
			g_autofree char *be = g_strdup_printf("%s/0", bed);

			perms(s, tx, bed, 0, g->domid);
			put(s, tx, fe, "backend", be);
			put(s, tx, fe, "backend-id", "0");
			put(s, tx, fe, "handle", "0");
			put(s, tx, fe, "mac", "00:16:3e:00:00:01");
			put(s, tx, fe, "state", "1");
			put(s, tx, be, "frontend", fe);
			put(s, tx, be, "frontend-id", id);
			put(s, tx, be, "handle", "0");
			put(s, tx, be, "mac", "00:16:3e:00:00:01");
			put(s, tx, be, "bridge", "xenbr0");
			put(s, tx, be, "online", "1");
			put(s, tx, be, "state", "1");
		}
		put(s, tx, vm, "name", g->name);
		put(s, tx, vm, "uuid", g->uuid_str);
		if (xs_transaction_end(s->xs, tx, true, &err))
			return;
		g_assert_error(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
	}
}

static void guest_init(struct stack *s, const struct guest_cfg *cfg, struct guest *g)
{
	static uint32_t serial;

	memset(g, 0, sizeof(*g));
	serial++;
	for (int i = 0; i < 16; i++)
		g->uuid[i] = (uint8_t)(serial * 7 + (uint32_t)i);
	g->uuid_str = g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
				      "%02x%02x%02x%02x%02x%02x",
				      g->uuid[0], g->uuid[1], g->uuid[2], g->uuid[3], g->uuid[4],
				      g->uuid[5], g->uuid[6], g->uuid[7], g->uuid[8], g->uuid[9],
				      g->uuid[10], g->uuid[11], g->uuid[12], g->uuid[13],
				      g->uuid[14], g->uuid[15]);
	g->name = g_strdup(cfg->name);
}

static void create(struct stack *s, const struct guest_cfg *cfg, struct guest *g)
{
	struct hv_create_config cc = { .type = HV_DOMAIN_PV, .max_vcpus = cfg->vcpus };
	g_autoptr(GError) err = NULL;

	memcpy(cc.uuid, g->uuid, 16);
	g_assert_true(hv_domain_create(s->hv, &cc, &g->domid, &err));
	g_assert_no_error(err);
	g_assert_true(hv_domain_set_max_mem(s->hv, g->domid, cfg->memory_kib, &err));
	g->home = g_strdup_printf("/local/domain/%u", g->domid);
}

static void introduce_and_run(struct stack *s, const struct guest_cfg *cfg,
			      struct guest *g, const struct hv_build_result *res)
{
	g_autoptr(GError) err = NULL;

	g->console_gfn = res->console_gfn;
	g->console_port = res->console_port;
	write_tree(s, cfg, g, res);
	g_assert_true(xs_introduce(s->xs, g->domid, res->store_gfn, res->store_port, &err));
	g_assert_no_error(err);
	g_assert_true(hv_domain_unpause(s->hv, g->domid, &err));
	g_assert_no_error(err);
}

void guest_start(struct stack *s, const struct guest_cfg *cfg, struct guest *g)
{
	struct hv_build_config bc = {
		.kernel = s->kernel,
		.cmdline = cfg->cmdline,
		.memory_kib = cfg->memory_kib,
	};
	struct hv_build_result res;
	g_autoptr(GError) err = NULL;

	guest_init(s, cfg, g);
	create(s, cfg, g);
	if (!hv_domain_build(s->hv, g->domid, &bc, &res, &err))
		g_error("build: %s", err->message);
	introduce_and_run(s, cfg, g, &res);
}

void guest_restore(struct stack *s, const struct guest_cfg *cfg, int fd, struct guest *g)
{
	struct hv_build_result res;
	g_autoptr(GError) err = NULL;

	guest_init(s, cfg, g);
	create(s, cfg, g);
	if (!hv_domain_restore(s->hv, g->domid, fd, 0, 0, &res, &err))
		g_error("restore: %s", err->message);
	introduce_and_run(s, cfg, g, &res);
}

void guest_destroy(struct stack *s, struct guest *g)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *vm = g_strdup_printf("/vm/%s", g->uuid_str);
	g_autofree char *vbd = g_strdup_printf("/local/domain/0/backend/vbd/%u", g->domid);
	g_autofree char *vif = g_strdup_printf("/local/domain/0/backend/vif/%u", g->domid);

	g_assert_true(hv_domain_destroy(s->hv, g->domid, &err));
	g_assert_no_error(err);
	/* xenstored may have released it already, when it saw it dying. */
	if (!xs_release(s->xs, g->domid, &err)) {
		if (!g_error_matches(err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
			g_error("release of %u: %s", g->domid, err->message);
		g_clear_error(&err);
	}
	g_assert_true(xs_rm(s->xs, 0, g->home, &err));
	g_assert_true(xs_rm(s->xs, 0, vm, &err));
	/* The backend directories may not exist (no such device). */
	xs_rm(s->xs, 0, vbd, NULL);
	xs_rm(s->xs, 0, vif, NULL);
}

void guest_clear(struct guest *g)
{
	g_free(g->name);
	g_free(g->uuid_str);
	g_free(g->home);
	memset(g, 0, sizeof(*g));
}

/* ---- waiting ---------------------------------------------------------- */

static void iterate(void)
{
	while (g_main_context_iteration(NULL, FALSE))
		;
	g_usleep(10000);
}

bool stack_wait_node(struct stack *s, const char *path, const char *value)
{
	for (int i = 0; i < 2000; i++) {
		g_autofree char *v = xs_read(s->xs, 0, path, NULL, NULL);

		if (value ? g_strcmp0(v, value) == 0 : v == NULL)
			return true;
		iterate();
	}
	return false;
}

bool stack_wait_exists(struct stack *s, const char *path)
{
	for (int i = 0; i < 2000; i++) {
		g_autofree char *v = xs_read(s->xs, 0, path, NULL, NULL);

		if (v)
			return true;
		iterate();
	}
	return false;
}

int stack_wait_shutdown(struct stack *s, uint32_t domid)
{
	for (int i = 0; i < 2000; i++) {
		struct hv_dominfo info;

		if (hv_domain_getinfo(s->hv, domid, &info, NULL) &&
		    (info.flags & HV_DOMINF_SHUTDOWN))
			return (int)info.shutdown_reason;
		iterate();
	}
	return -1;
}

bool stack_wait_gone(struct stack *s, uint32_t domid)
{
	for (int i = 0; i < 2000; i++) {
		g_autoptr(GError) err = NULL;
		struct hv_dominfo info;

		if (!hv_domain_getinfo(s->hv, domid, &info, &err) &&
		    g_error_matches(err, HV_ERROR, ENOENT))
			return true;
		iterate();
	}
	return false;
}

bool stack_wait_file(const char *path, const char *text)
{
	for (int i = 0; i < 2000; i++) {
		g_autofree char *content = NULL;

		if (g_file_get_contents(path, &content, NULL, NULL) && strstr(content, text))
			return true;
		iterate();
	}
	return false;
}

bool stack_wait_file_without(const char *path, const char *text)
{
	for (int i = 0; i < 2000; i++) {
		g_autofree char *content = NULL;

		if (g_file_get_contents(path, &content, NULL, NULL) && !strstr(content, text))
			return true;
		iterate();
	}
	return false;
}

bool stack_wait_no_file(const char *path)
{
	for (int i = 0; i < 2000; i++) {
		if (!g_file_test(path, G_FILE_TEST_EXISTS))
			return true;
		iterate();
	}
	return false;
}

bool stack_wait_connected(struct stack *s, const struct guest *g, const struct guest_cfg *cfg)
{
	g_autofree char *vbd_fe = g_strdup_printf("%s/device/vbd/51712/state", g->home);
	g_autofree char *vbd_be = g_strdup_printf("/local/domain/0/backend/vbd/%u/51712/state",
						  g->domid);
	g_autofree char *vif_fe = g_strdup_printf("%s/device/vif/0/state", g->home);
	g_autofree char *vif_be = g_strdup_printf("/local/domain/0/backend/vif/%u/0/state",
						  g->domid);

	return (!cfg->disk || (stack_wait_node(s, vbd_fe, "4") &&
			       stack_wait_node(s, vbd_be, "4"))) &&
	       (!cfg->vif || (stack_wait_node(s, vif_fe, "4") &&
			      stack_wait_node(s, vif_be, "4")));
}

uint64_t proc_rss_kib(pid_t pid)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)pid);
	g_autofree char *text = NULL;
	const char *line;
	uint64_t kib = 0;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	line = strstr(text, "VmRSS:");
	g_assert_nonnull(line);
	g_assert_cmpint(sscanf(line, "VmRSS: %" G_GUINT64_FORMAT " kB", &kib), ==, 1);
	return kib;
}
