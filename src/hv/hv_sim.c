/* hv_sim: hv.h over xvm-simhv's socket (simhv_proto.h). Blocking round
 * trips, one at a time, as ioctls on /dev/xen/privcmd are. Files the
 * caller names (kernel, ramdisk) are opened here, in the caller's
 * process, as libxenguest does in dom0, and passed as descriptors. */
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hv_backend.h"
#include "simhv_conn.h"
#include "simhv_proto.h"

#define STREAM_MAX (64u << 20)

struct hv_sim {
	struct hv pub;
	int sock;
	int dom_exc_fd;          /* -1 until first asked */
};

static struct hv_sim *hs(hv_t *hv)
{
	return (struct hv_sim *)hv;
}

/* One round trip with a reply body of exactly out_len bytes. */
static bool call_fds(hv_t *hv, uint32_t op, const void *req, size_t len,
		     const int *fds, unsigned int nfds, void *out, size_t out_len,
		     int *out_fds, unsigned int want_fds, GError **err)
{
	char msg[512];
	size_t got = out_len;

	if (simhv_call(hs(hv)->sock, op, req, len, fds, nfds, out, &got, out_fds,
		       want_fds, msg, sizeof(msg))) {
		g_set_error_literal(err, HV_ERROR, errno, msg);
		return false;
	}
	if (got != out_len) {
		for (unsigned int i = 0; i < want_fds; i++)
			close(out_fds[i]);
		g_set_error(err, HV_ERROR, EIO, _("xvm-simhv: unexpected reply size"));
		return false;
	}
	return true;
}

static bool call(hv_t *hv, uint32_t op, const void *req, size_t len,
		 void *out, size_t out_len, GError **err)
{
	return call_fds(hv, op, req, len, NULL, 0, out, out_len, NULL, 0, err);
}

static bool domid_call(hv_t *hv, uint32_t op, uint32_t domid, GError **err)
{
	struct simhv_domid q = { .domid = domid };

	return call(hv, op, &q, sizeof(q), NULL, 0, err);
}

static void sim_close(hv_t *hv)
{
	struct hv_sim *s = hs(hv);

	if (s->dom_exc_fd >= 0)
		close(s->dom_exc_fd);
	close(s->sock);
	g_free(s);
}

static bool sim_physinfo(hv_t *hv, struct hv_physinfo *info, GError **err)
{
	struct simhv_physinfo w;

	if (!call(hv, SIMHV_OP_PHYSINFO, NULL, 0, &w, sizeof(w), err))
		return false;
	memset(info, 0, sizeof(*info));
	info->nr_cpus = w.nr_cpus;
	info->nr_nodes = 1;
	info->sockets_per_node = 1;
	info->cores_per_socket = w.nr_cpus;
	info->threads_per_core = 1;
	info->cpu_khz = w.cpu_khz;
	info->total_pages = w.total_pages;
	info->free_pages = w.free_pages;
	g_strlcpy(info->cpu_model, "xvm simulated CPU", sizeof(info->cpu_model));
	info->hvm_capable = true;
	return true;
}

static bool sim_version(hv_t *hv, struct hv_version *v, GError **err)
{
	struct simhv_version w;

	if (!call(hv, SIMHV_OP_VERSION, NULL, 0, &w, sizeof(w), err))
		return false;
	memset(v, 0, sizeof(*v));
	v->major = w.major;
	v->minor = w.minor;
	memcpy(v->extra, w.extra, sizeof(v->extra) - 1);
	memcpy(v->capabilities, w.capabilities, sizeof(v->capabilities) - 1);
	return true;
}

static bool sim_create(hv_t *hv, const struct hv_create_config *cfg, uint32_t *domid,
		       GError **err)
{
	struct simhv_create q = {
		.type = cfg->type, .max_vcpus = cfg->max_vcpus, .ssidref = cfg->ssidref,
		.tsc_mode = cfg->tsc_mode,
	};
	struct simhv_domid w;

	memcpy(q.uuid, cfg->uuid, sizeof(q.uuid));
	if (!call(hv, SIMHV_OP_CREATE, &q, sizeof(q), &w, sizeof(w), err))
		return false;
	*domid = w.domid;
	return true;
}

static bool sim_set_max_mem(hv_t *hv, uint32_t domid, uint64_t max_kib, GError **err)
{
	struct simhv_max_mem q = { .domid = domid, .max_kib = max_kib };

	return call(hv, SIMHV_OP_SET_MAX_MEM, &q, sizeof(q), NULL, 0, err);
}

/* Opens a kernel or ramdisk: a readable, non-empty regular file. */
static int open_image(const char *path, const char *what, GError **err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		g_set_error(err, HV_ERROR, errno == ENOENT ? ENOENT : EINVAL,
			    _("cannot open the %s %s: %s"), what, path, g_strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size == 0) {
		g_set_error(err, HV_ERROR, EINVAL,
			    _("the %s %s is not a non-empty regular file"), what, path);
		close(fd);
		return -1;
	}
	return fd;
}

static void built_from_wire(const struct simhv_built *w, struct hv_build_result *res)
{
	res->store_gfn = w->store_gfn;
	res->store_port = w->store_port;
	res->console_gfn = w->console_gfn;
	res->console_port = w->console_port;
}

static bool sim_build(hv_t *hv, uint32_t domid, const struct hv_build_config *cfg,
		      struct hv_build_result *res, GError **err)
{
	struct simhv_build q = {
		.domid = domid,
		.store_domid = cfg->store_domid,
		.console_domid = cfg->console_domid,
		.memory_kib = cfg->memory_kib,
	};
	struct simhv_built w;
	int fds[2];
	unsigned int nfds = 0;
	bool ok = false;

	if (cfg->cmdline && strlen(cfg->cmdline) >= sizeof(q.cmdline)) {
		g_set_error(err, HV_ERROR, EINVAL,
			    _("the command line is longer than 1023 bytes"));
		return false;
	}
	if (cfg->cmdline)
		strcpy(q.cmdline, cfg->cmdline);
	if (cfg->kernel) {
		fds[nfds] = open_image(cfg->kernel, _("kernel"), err);
		if (fds[nfds] < 0)
			return false;
		nfds++;
		q.flags |= SIMHV_BUILD_KERNEL;
	}
	if (cfg->ramdisk) {
		fds[nfds] = open_image(cfg->ramdisk, _("ramdisk"), err);
		if (fds[nfds] < 0)
			goto out;
		nfds++;
		q.flags |= SIMHV_BUILD_RAMDISK;
	}
	ok = call_fds(hv, SIMHV_OP_BUILD, &q, sizeof(q), fds, nfds, &w, sizeof(w),
		      NULL, 0, err);
	if (ok)
		built_from_wire(&w, res);
out:
	for (unsigned int i = 0; i < nfds; i++)
		close(fds[i]);
	return ok;
}

static bool sim_pause(hv_t *hv, uint32_t domid, GError **err)
{
	return domid_call(hv, SIMHV_OP_PAUSE, domid, err);
}

static bool sim_unpause(hv_t *hv, uint32_t domid, GError **err)
{
	return domid_call(hv, SIMHV_OP_UNPAUSE, domid, err);
}

static bool sim_shutdown(hv_t *hv, uint32_t domid, unsigned int reason, GError **err)
{
	struct simhv_shutdown q = { .domid = domid, .reason = reason };

	return call(hv, SIMHV_OP_SHUTDOWN, &q, sizeof(q), NULL, 0, err);
}

static bool sim_resume(hv_t *hv, uint32_t domid, GError **err)
{
	return domid_call(hv, SIMHV_OP_RESUME, domid, err);
}

static bool sim_destroy(hv_t *hv, uint32_t domid, GError **err)
{
	return domid_call(hv, SIMHV_OP_DESTROY, domid, err);
}

static void info_from_wire(const struct simhv_dominfo *w, struct hv_dominfo *info)
{
	memset(info, 0, sizeof(*info));
	info->domid = w->domid;
	memcpy(info->uuid, w->uuid, sizeof(info->uuid));
	info->type = (enum hv_domain_type)w->type;
	info->flags = w->flags;
	info->shutdown_reason = w->shutdown_reason;
	info->tot_pages = w->tot_pages;
	info->max_pages = w->max_pages;
	info->cpu_time_ns = w->cpu_time_ns;
	info->nr_online_vcpus = w->nr_online_vcpus;
	info->max_vcpu_id = w->max_vcpu_id;
	info->ssidref = w->ssidref;
}

static bool sim_getinfo(hv_t *hv, uint32_t domid, struct hv_dominfo *info,
			GError **err)
{
	struct simhv_domid q = { .domid = domid };
	struct simhv_dominfo w;

	if (!call(hv, SIMHV_OP_GETINFO, &q, sizeof(q), &w, sizeof(w), err))
		return false;
	info_from_wire(&w, info);
	return true;
}

static bool sim_list(hv_t *hv, struct hv_dominfo **list, size_t *n, GError **err)
{
	g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(struct hv_dominfo));
	struct simhv_list q = { .first_domid = 0, .max = SIMHV_LIST_MAX };
	g_autofree struct simhv_dominfo *w = g_new(struct simhv_dominfo, SIMHV_LIST_MAX);

	for (;;) {
		char msg[512];
		size_t got = sizeof(*w) * SIMHV_LIST_MAX, k;

		if (simhv_call(hs(hv)->sock, SIMHV_OP_LIST, &q, sizeof(q), NULL, 0, w,
			       &got, NULL, 0, msg, sizeof(msg))) {
			g_set_error_literal(err, HV_ERROR, errno, msg);
			return false;
		}
		if (got % sizeof(*w)) {
			g_set_error(err, HV_ERROR, EIO, _("xvm-simhv: unexpected reply size"));
			return false;
		}
		k = got / sizeof(*w);
		for (size_t i = 0; i < k; i++) {
			struct hv_dominfo info;

			info_from_wire(&w[i], &info);
			g_array_append_val(all, info);
		}
		if (k < SIMHV_LIST_MAX)
			break;
		q.first_domid = w[k - 1].domid + 1;
	}
	*n = all->len;
	*list = (struct hv_dominfo *)g_array_free(g_steal_pointer(&all), FALSE);
	return true;
}

static bool sim_vcpu_getinfo(hv_t *hv, uint32_t domid, uint32_t vcpu,
			     struct hv_vcpuinfo *info, GError **err)
{
	struct simhv_vcpu q = { .domid = domid, .vcpu = vcpu };
	struct simhv_vcpuinfo w;

	if (!call(hv, SIMHV_OP_VCPU_INFO, &q, sizeof(q), &w, sizeof(w), err))
		return false;
	info->online = w.online;
	info->blocked = w.blocked;
	info->running = w.running;
	info->cpu_time_ns = w.cpu_time_ns;
	info->cpu = w.cpu;
	return true;
}

static bool sim_set_affinity(hv_t *hv, uint32_t domid, uint32_t vcpu,
			     const uint8_t *map, size_t len, GError **err)
{
	struct simhv_affinity q = { .domid = domid, .vcpu = vcpu };

	/* Bits past the machine's CPUs are ignored: so are bytes past ours. */
	memcpy(q.cpumap, map, MIN(len, sizeof(q.cpumap)));
	return call(hv, SIMHV_OP_SET_AFFINITY, &q, sizeof(q), NULL, 0, err);
}

static bool sim_get_affinity(hv_t *hv, uint32_t domid, uint32_t vcpu,
			     uint8_t *map, size_t len, GError **err)
{
	struct simhv_vcpu q = { .domid = domid, .vcpu = vcpu };
	struct simhv_affinity w;

	if (!call(hv, SIMHV_OP_GET_AFFINITY, &q, sizeof(q), &w, sizeof(w), err))
		return false;
	memset(map, 0, len);
	memcpy(map, w.cpumap, MIN(len, sizeof(w.cpumap)));
	return true;
}

static bool sim_sched_get(hv_t *hv, uint32_t domid, struct hv_sched_credit *sc,
			  GError **err)
{
	struct simhv_domid q = { .domid = domid };
	struct simhv_sched w;

	if (!call(hv, SIMHV_OP_SCHED_GET, &q, sizeof(q), &w, sizeof(w), err))
		return false;
	sc->weight = w.weight;
	sc->cap = w.cap;
	return true;
}

static bool sim_sched_set(hv_t *hv, uint32_t domid, const struct hv_sched_credit *sc,
			  GError **err)
{
	struct simhv_sched q = { .domid = domid, .weight = sc->weight, .cap = sc->cap };

	return call(hv, SIMHV_OP_SCHED_SET, &q, sizeof(q), NULL, 0, err);
}

static bool sim_alloc_unbound(hv_t *hv, uint32_t domid, uint32_t remote,
			      uint32_t *port, GError **err)
{
	struct simhv_alloc_unbound q = { .domid = domid, .remote_domid = remote };
	struct simhv_port w;

	if (!call(hv, SIMHV_OP_ALLOC_UNBOUND, &q, sizeof(q), &w, sizeof(w), err))
		return false;
	*port = w.port;
	return true;
}

/* Copies from one descriptor to another, at most max bytes (0: no limit);
 * false with errno (EFBIG past max). */
static bool copy_fd(int in, int out, size_t max)
{
	char buf[65536];
	size_t total = 0;

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		if (n == 0)
			return true;
		total += (size_t)n;
		if (max && total > max) {
			errno = EFBIG;
			return false;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t k = write(out, buf + off, (size_t)(n - off));

			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				return false;
			off += k;
		}
	}
}

static bool sim_save(hv_t *hv, uint32_t domid, int fd, GError **err)
{
	struct simhv_domid q = { .domid = domid };
	int stream;
	bool ok;

	if (!call_fds(hv, SIMHV_OP_SAVE, &q, sizeof(q), NULL, 0, NULL, 0, &stream, 1, err))
		return false;
	ok = copy_fd(stream, fd, 0);
	if (!ok)
		g_set_error(err, HV_ERROR, EIO, _("cannot write the save stream: %s"),
			    g_strerror(errno));
	close(stream);
	return ok;
}

static bool sim_restore(hv_t *hv, uint32_t domid, int fd, uint32_t store_domid,
			uint32_t console_domid, struct hv_build_result *res,
			GError **err)
{
	struct simhv_restore q = {
		.domid = domid, .store_domid = store_domid, .console_domid = console_domid,
	};
	struct simhv_built w;
	int stream = memfd_create("xvm-restore", MFD_CLOEXEC);
	bool ok;

	/* simhv reads a regular file, never the caller's pipe: a copy. */
	if (stream < 0 || !copy_fd(fd, stream, STREAM_MAX) ||
	    lseek(stream, 0, SEEK_SET) != 0) {
		g_set_error(err, HV_ERROR, errno == EFBIG ? EINVAL : EIO,
			    _("cannot read the save stream: %s"), g_strerror(errno));
		if (stream >= 0)
			close(stream);
		return false;
	}
	ok = call_fds(hv, SIMHV_OP_RESTORE, &q, sizeof(q), &stream, 1, &w, sizeof(w),
		      NULL, 0, err);
	close(stream);
	if (ok)
		built_from_wire(&w, res);
	return ok;
}

static int sim_dom_exc_fd(hv_t *hv)
{
	struct hv_sim *s = hs(hv);
	struct simhv_port w;

	if (s->dom_exc_fd < 0 &&
	    !call_fds(hv, SIMHV_OP_BIND_DOM_EXC, NULL, 0, NULL, 0, &w, sizeof(w),
		      &s->dom_exc_fd, 1, NULL))
		s->dom_exc_fd = -1;
	return s->dom_exc_fd;
}

static void sim_dom_exc_ack(hv_t *hv)
{
	struct hv_sim *s = hs(hv);
	uint64_t count;

	/* The eventfd is non-blocking: EAGAIN when nothing came since. */
	if (s->dom_exc_fd >= 0 && read(s->dom_exc_fd, &count, sizeof(count)) < 0 &&
	    errno != EAGAIN)
		g_warning("xvm-simhv: VIRQ_DOM_EXC: %s", g_strerror(errno));
}

static const struct hv_ops sim_ops = {
	.name = "sim",
	.close = sim_close,
	.physinfo = sim_physinfo,
	.version = sim_version,
	.create = sim_create,
	.set_max_mem = sim_set_max_mem,
	.build = sim_build,
	.pause = sim_pause,
	.unpause = sim_unpause,
	.shutdown = sim_shutdown,
	.resume = sim_resume,
	.destroy = sim_destroy,
	.getinfo = sim_getinfo,
	.list = sim_list,
	.vcpu_getinfo = sim_vcpu_getinfo,
	.set_affinity = sim_set_affinity,
	.get_affinity = sim_get_affinity,
	.sched_get = sim_sched_get,
	.sched_set = sim_sched_set,
	.alloc_unbound = sim_alloc_unbound,
	.save = sim_save,
	.restore = sim_restore,
	.dom_exc_fd = sim_dom_exc_fd,
	.dom_exc_ack = sim_dom_exc_ack,
};

hv_t *hv_sim_open(const char *socket_path, GError **err)
{
	struct hv_sim *s;
	int sock = simhv_connect(socket_path);

	if (sock < 0) {
		g_set_error(err, HV_ERROR, EIO, _("cannot connect to xvm-simhv at %s: %s"),
			    socket_path, g_strerror(errno));
		return NULL;
	}
	s = g_new0(struct hv_sim, 1);
	s->pub.ops = &sim_ops;
	s->sock = sock;
	s->dom_exc_fd = -1;
	return &s->pub;
}
