/* See dispatch.h. Every request is checked before it reaches the machine:
 * its body has exactly the size of its op, its descriptors are those the
 * op takes, strings are terminated; the machine checks the values. */
#include "dispatch.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine.h"

G_STATIC_ASSERT((unsigned)HV_DOMINF_DYING == (unsigned)SIMHV_DOMINF_DYING);
G_STATIC_ASSERT((unsigned)HV_DOMINF_HVM == (unsigned)SIMHV_DOMINF_HVM);
G_STATIC_ASSERT((unsigned)HV_DOMINF_SHUTDOWN == (unsigned)SIMHV_DOMINF_SHUTDOWN);
G_STATIC_ASSERT((unsigned)HV_DOMINF_PAUSED == (unsigned)SIMHV_DOMINF_PAUSED);
G_STATIC_ASSERT((unsigned)HV_DOMINF_BLOCKED == (unsigned)SIMHV_DOMINF_BLOCKED);
G_STATIC_ASSERT((unsigned)HV_DOMINF_RUNNING == (unsigned)SIMHV_DOMINF_RUNNING);

static void reply_error(struct dispatch_reply *rep, int code, const char *msg)
{
	struct simhv_reply h = { .err = code ? code : EIO };
	size_t len = strlen(msg);

	if (len > sizeof(rep->buf) - sizeof(h))
		len = sizeof(rep->buf) - sizeof(h);
	h.len = (uint32_t)len;
	memcpy(rep->buf, &h, sizeof(h));
	memcpy(rep->buf + sizeof(h), msg, len);
	rep->len = sizeof(h) + len;
	for (unsigned int i = 0; i < rep->nfds; i++)
		close(rep->fds[i]);
	rep->nfds = 0;
}

static void reply_gerror(struct dispatch_reply *rep, GError *err)
{
	reply_error(rep, err->code, err->message);
	g_error_free(err);
}

static void reply_ok(struct dispatch_reply *rep, const void *body, size_t len)
{
	struct simhv_reply h = { .err = 0, .len = (uint32_t)len };

	memcpy(rep->buf, &h, sizeof(h));
	if (len)
		memcpy(rep->buf + sizeof(h), body, len);
	rep->len = sizeof(h) + len;
}

static void add_fd(struct dispatch_reply *rep, int fd)
{
	rep->fds[rep->nfds++] = fd;
}

static void to_wire(const struct hv_dominfo *in, struct simhv_dominfo *out)
{
	memset(out, 0, sizeof(*out));
	out->domid = in->domid;
	out->type = in->type;
	out->flags = in->flags;
	out->shutdown_reason = in->shutdown_reason;
	out->tot_pages = in->tot_pages;
	out->max_pages = in->max_pages;
	out->cpu_time_ns = in->cpu_time_ns;
	out->nr_online_vcpus = in->nr_online_vcpus;
	out->max_vcpu_id = in->max_vcpu_id;
	out->ssidref = in->ssidref;
	memcpy(out->uuid, in->uuid, sizeof(out->uuid));
}

static void built_to_wire(const struct hv_build_result *r, struct simhv_built *w)
{
	memset(w, 0, sizeof(*w));
	w->store_gfn = r->store_gfn;
	w->console_gfn = r->console_gfn;
	w->store_port = r->store_port;
	w->console_port = r->console_port;
}

static bool is_regular(int fd)
{
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

struct request {
	struct machine *m;
	const void *owner;
	const unsigned char *body;
	int *fds;
	unsigned int nfds;
	struct dispatch_reply *rep;
};

/* The body of a request of the op's size, copied out. */
#define BODY(r, var) memcpy(&(var), (r)->body, sizeof(var))

static void op_build(struct request *r)
{
	struct simhv_build b;
	struct machine_build mb = { .kernel_fd = -1, .ramdisk_fd = -1 };
	struct hv_build_result res;
	struct simhv_built w;
	GError *err = NULL;
	unsigned int want;

	BODY(r, b);
	want = !!(b.flags & SIMHV_BUILD_KERNEL) + !!(b.flags & SIMHV_BUILD_RAMDISK);
	if ((b.flags & ~(uint32_t)(SIMHV_BUILD_KERNEL | SIMHV_BUILD_RAMDISK)) ||
	    want != r->nfds) {
		reply_error(r->rep, EINVAL, _("bad build request: flags and descriptors "
					      "do not match"));
		return;
	}
	if (!memchr(b.cmdline, '\0', sizeof(b.cmdline))) {
		reply_error(r->rep, EINVAL, _("the command line is longer than 1023 bytes"));
		return;
	}
	if (b.flags & SIMHV_BUILD_KERNEL)
		mb.kernel_fd = r->fds[0];
	if (b.flags & SIMHV_BUILD_RAMDISK)
		mb.ramdisk_fd = r->fds[want - 1];
	mb.cmdline = b.cmdline;
	mb.memory_kib = b.memory_kib;
	mb.store_domid = b.store_domid;
	mb.console_domid = b.console_domid;
	if (!machine_build(r->m, b.domid, &mb, &res, &err))
		{ reply_gerror(r->rep, err); return; }
	built_to_wire(&res, &w);
	reply_ok(r->rep, &w, sizeof(w));
}

static void op_list(struct request *r)
{
	struct simhv_list q;
	struct hv_dominfo info[SIMHV_LIST_MAX];
	struct simhv_dominfo w[SIMHV_LIST_MAX];
	size_t n;

	BODY(r, q);
	if (q.max < 1 || q.max > SIMHV_LIST_MAX) {
		reply_error(r->rep, EINVAL, _("a list request asks for 1 to 256 domains"));
		return;
	}
	n = machine_list(r->m, q.first_domid, q.max, info);
	for (size_t i = 0; i < n; i++)
		to_wire(&info[i], &w[i]);
	reply_ok(r->rep, w, n * sizeof(w[0]));
}

static void op_save(struct request *r)
{
	struct simhv_domid q;
	GError *err = NULL;
	int fd;

	BODY(r, q);
	fd = memfd_create("xvm-simhv-save", MFD_CLOEXEC);
	if (fd < 0) {
		reply_error(r->rep, errno, g_strerror(errno));
		return;
	}
	if (!machine_save(r->m, q.domid, fd, &err)) {
		close(fd);
		{ reply_gerror(r->rep, err); return; }
	}
	lseek(fd, 0, SEEK_SET);
	reply_ok(r->rep, NULL, 0);
	add_fd(r->rep, fd);
}

static void op_restore(struct request *r)
{
	struct simhv_restore q;
	struct hv_build_result res;
	struct simhv_built w;
	GError *err = NULL;

	BODY(r, q);
	/* A regular file (the client's memfd): reading it never blocks. */
	if (r->nfds != 1 || !is_regular(r->fds[0])) {
		reply_error(r->rep, EINVAL, _("a restore request carries the stream "
					      "as a regular file"));
		return;
	}
	if (!machine_restore(r->m, q.domid, r->fds[0], q.store_domid, q.console_domid,
			     &res, &err))
		{ reply_gerror(r->rep, err); return; }
	built_to_wire(&res, &w);
	reply_ok(r->rep, &w, sizeof(w));
}

static void op_simple(struct request *r, uint32_t op)
{
	struct machine *m = r->m;
	GError *err = NULL;
	bool ok = false;

	switch (op) {
	case SIMHV_OP_PHYSINFO: {
		struct hv_physinfo pi;
		struct simhv_physinfo w = { 0 };

		machine_physinfo(m, &pi);
		w.nr_cpus = pi.nr_cpus;
		w.cpu_khz = pi.cpu_khz;
		w.total_pages = pi.total_pages;
		w.free_pages = pi.free_pages;
		{ reply_ok(r->rep, &w, sizeof(w)); return; }
	}
	case SIMHV_OP_VERSION: {
		struct simhv_version w = { .major = 4, .minor = 17 };

		g_strlcpy(w.extra, "-sim", sizeof(w.extra));
		g_strlcpy(w.capabilities, "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p "
			  "hvm-3.0-x86_64", sizeof(w.capabilities));
		{ reply_ok(r->rep, &w, sizeof(w)); return; }
	}
	case SIMHV_OP_CREATE: {
		struct simhv_create q;
		struct hv_create_config c = { 0 };
		struct simhv_domid w = { 0 };

		BODY(r, q);
		memcpy(c.uuid, q.uuid, sizeof(c.uuid));
		c.type = (enum hv_domain_type)q.type;
		c.max_vcpus = q.max_vcpus;
		c.ssidref = q.ssidref;
		c.tsc_mode = (enum hv_tsc_mode)q.tsc_mode;
		if (!machine_create(m, &c, &w.domid, &err))
			break;
		{ reply_ok(r->rep, &w, sizeof(w)); return; }
	}
	case SIMHV_OP_SET_MAX_MEM: {
		struct simhv_max_mem q;

		BODY(r, q);
		ok = machine_set_max_mem(m, q.domid, q.max_kib, &err);
		break;
	}
	case SIMHV_OP_PAUSE:
	case SIMHV_OP_UNPAUSE:
	case SIMHV_OP_RESUME:
	case SIMHV_OP_DESTROY: {
		struct simhv_domid q;

		BODY(r, q);
		ok = op == SIMHV_OP_PAUSE ? machine_pause(m, q.domid, &err) :
		     op == SIMHV_OP_UNPAUSE ? machine_unpause(m, q.domid, &err) :
		     op == SIMHV_OP_RESUME ? machine_resume(m, q.domid, &err) :
		     machine_destroy(m, q.domid, &err);
		break;
	}
	case SIMHV_OP_SHUTDOWN: {
		struct simhv_shutdown q;

		BODY(r, q);
		ok = machine_shutdown(m, q.domid, q.reason, &err);
		break;
	}
	case SIMHV_OP_GETINFO: {
		struct simhv_domid q;
		struct hv_dominfo info;
		struct simhv_dominfo w;

		BODY(r, q);
		if (!machine_getinfo(m, q.domid, &info, &err))
			break;
		to_wire(&info, &w);
		{ reply_ok(r->rep, &w, sizeof(w)); return; }
	}
	case SIMHV_OP_VCPU_INFO: {
		struct simhv_vcpu q;
		struct hv_vcpuinfo vi;
		struct simhv_vcpuinfo w = { 0 };

		BODY(r, q);
		if (!machine_vcpu_info(m, q.domid, q.vcpu, &vi, &err))
			break;
		w.online = vi.online;
		w.blocked = vi.blocked;
		w.running = vi.running;
		w.cpu = vi.cpu;
		w.cpu_time_ns = vi.cpu_time_ns;
		{ reply_ok(r->rep, &w, sizeof(w)); return; }
	}
	case SIMHV_OP_SET_AFFINITY: {
		struct simhv_affinity q;

		BODY(r, q);
		ok = machine_set_affinity(m, q.domid, q.vcpu, q.cpumap, sizeof(q.cpumap),
					  &err);
		break;
	}
	case SIMHV_OP_GET_AFFINITY: {
		struct simhv_vcpu q;
		struct simhv_affinity w = { 0 };

		BODY(r, q);
		w.domid = q.domid;
		w.vcpu = q.vcpu;
		if (!machine_get_affinity(m, q.domid, q.vcpu, w.cpumap, sizeof(w.cpumap),
					  &err))
			break;
		{ reply_ok(r->rep, &w, sizeof(w)); return; }
	}
	case SIMHV_OP_SCHED_GET: {
		struct simhv_domid q;
		struct hv_sched_credit sc;
		struct simhv_sched w = { 0 };

		BODY(r, q);
		if (!machine_sched_get(m, q.domid, &sc, &err))
			break;
		w.domid = q.domid;
		w.weight = sc.weight;
		w.cap = sc.cap;
		{ reply_ok(r->rep, &w, sizeof(w)); return; }
	}
	case SIMHV_OP_SCHED_SET: {
		struct simhv_sched q;
		struct hv_sched_credit sc;

		BODY(r, q);
		sc.weight = q.weight;
		sc.cap = q.cap;
		ok = machine_sched_set(m, q.domid, &sc, &err);
		break;
	}
	case SIMHV_OP_ALLOC_UNBOUND: {
		struct simhv_alloc_unbound q;
		struct simhv_port w = { 0 };

		BODY(r, q);
		if (!machine_alloc_unbound(m, r->owner, q.domid, q.remote_domid, &w.port,
					   &err))
			break;
		{ reply_ok(r->rep, &w, sizeof(w)); return; }
	}
	case SIMHV_OP_BIND: {
		struct simhv_bind q;
		struct simhv_port w = { 0 };
		int wait_fd, notify_fd;

		BODY(r, q);
		if (!machine_bind(m, r->owner, q.domid, q.remote_port, &w.port, &wait_fd,
				  &notify_fd, &err))
			break;
		reply_ok(r->rep, &w, sizeof(w));
		add_fd(r->rep, wait_fd);
		add_fd(r->rep, notify_fd);
		return;
	}
	case SIMHV_OP_BIND_DOM_EXC: {
		struct simhv_port w = { 0 };
		int wait_fd;

		if (!machine_bind_dom_exc(m, r->owner, &w.port, &wait_fd, &err))
			break;
		reply_ok(r->rep, &w, sizeof(w));
		add_fd(r->rep, wait_fd);
		return;
	}
	case SIMHV_OP_UNBIND: {
		struct simhv_port q;

		BODY(r, q);
		ok = machine_unbind(m, r->owner, q.port, &err);
		break;
	}
	case SIMHV_OP_MAP: {
		struct simhv_map q;
		int fd;

		BODY(r, q);
		if (q.which > SIMHV_PAGE_CONSOLE) {
			reply_error(r->rep, EINVAL, _("no such page kind"));
			return;
		}
		if (!machine_map(m, r->owner, q.domid, (enum machine_page)q.which, q.gfn,
				 &fd, &err))
			break;
		reply_ok(r->rep, NULL, 0);
		add_fd(r->rep, fd);
		return;
	}
	case SIMHV_OP_UNMAP: {
		struct simhv_map q;

		BODY(r, q);
		if (q.which > SIMHV_PAGE_CONSOLE) {
			reply_error(r->rep, EINVAL, _("no such page kind"));
			return;
		}
		ok = machine_unmap(m, r->owner, q.domid, (enum machine_page)q.which, &err);
		break;
	}
	default:
		g_assert_not_reached();
	}
	if (err)
		{ reply_gerror(r->rep, err); return; }
	if (ok)
		reply_ok(r->rep, NULL, 0);
}

/* What each op takes: its body's size and how many descriptors at most
 * (BUILD checks its own). */
static const struct {
	size_t body;
	unsigned int max_fds;
} ops[SIMHV_OP_MAX] = {
	[SIMHV_OP_PHYSINFO] = { 0, 0 },
	[SIMHV_OP_VERSION] = { 0, 0 },
	[SIMHV_OP_CREATE] = { sizeof(struct simhv_create), 0 },
	[SIMHV_OP_SET_MAX_MEM] = { sizeof(struct simhv_max_mem), 0 },
	[SIMHV_OP_BUILD] = { sizeof(struct simhv_build), 2 },
	[SIMHV_OP_PAUSE] = { sizeof(struct simhv_domid), 0 },
	[SIMHV_OP_UNPAUSE] = { sizeof(struct simhv_domid), 0 },
	[SIMHV_OP_SHUTDOWN] = { sizeof(struct simhv_shutdown), 0 },
	[SIMHV_OP_RESUME] = { sizeof(struct simhv_domid), 0 },
	[SIMHV_OP_DESTROY] = { sizeof(struct simhv_domid), 0 },
	[SIMHV_OP_GETINFO] = { sizeof(struct simhv_domid), 0 },
	[SIMHV_OP_LIST] = { sizeof(struct simhv_list), 0 },
	[SIMHV_OP_VCPU_INFO] = { sizeof(struct simhv_vcpu), 0 },
	[SIMHV_OP_SET_AFFINITY] = { sizeof(struct simhv_affinity), 0 },
	[SIMHV_OP_GET_AFFINITY] = { sizeof(struct simhv_vcpu), 0 },
	[SIMHV_OP_SCHED_GET] = { sizeof(struct simhv_domid), 0 },
	[SIMHV_OP_SCHED_SET] = { sizeof(struct simhv_sched), 0 },
	[SIMHV_OP_ALLOC_UNBOUND] = { sizeof(struct simhv_alloc_unbound), 0 },
	[SIMHV_OP_SAVE] = { sizeof(struct simhv_domid), 0 },
	[SIMHV_OP_RESTORE] = { sizeof(struct simhv_restore), 1 },
	[SIMHV_OP_BIND] = { sizeof(struct simhv_bind), 0 },
	[SIMHV_OP_BIND_DOM_EXC] = { 0, 0 },
	[SIMHV_OP_UNBIND] = { sizeof(struct simhv_port), 0 },
	[SIMHV_OP_MAP] = { sizeof(struct simhv_map), 0 },
	[SIMHV_OP_UNMAP] = { sizeof(struct simhv_map), 0 },
};

void dispatch_request(struct machine *m, const void *owner,
		      const unsigned char *msg, size_t len,
		      int *fds, unsigned int nfds, struct dispatch_reply *rep)
{
	struct simhv_hdr h;
	struct request r = {
		.m = m, .owner = owner, .fds = fds, .nfds = nfds, .rep = rep,
	};

	rep->len = 0;
	rep->nfds = 0;
	if (len < sizeof(h)) {
		reply_error(rep, EINVAL, _("request shorter than its header"));
		goto out;
	}
	memcpy(&h, msg, sizeof(h));
	if (h.op == 0 || h.op >= SIMHV_OP_MAX) {
		reply_error(rep, EINVAL, _("unknown request"));
		goto out;
	}
	if (h.len != len - sizeof(h) || h.len != ops[h.op].body) {
		reply_error(rep, EINVAL, _("request of the wrong size"));
		goto out;
	}
	if (nfds > ops[h.op].max_fds) {
		reply_error(rep, EINVAL, _("request with unexpected descriptors"));
		goto out;
	}
	r.body = msg + sizeof(h);
	switch (h.op) {
	case SIMHV_OP_BUILD: op_build(&r); break;
	case SIMHV_OP_LIST: op_list(&r); break;
	case SIMHV_OP_SAVE: op_save(&r); break;
	case SIMHV_OP_RESTORE: op_restore(&r); break;
	default: op_simple(&r, h.op); break;
	}
out:
	for (unsigned int i = 0; i < nfds; i++)
		close(fds[i]);
}
