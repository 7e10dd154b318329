/* The save stream of a suspended domain, and its restore.
 *
 *   struct stream_header
 *   struct stream_vcpu[max_vcpus]
 *   cmdline  (cmdline_len bytes, no NUL)
 *   blob     (blob_len bytes: the kernel's ops->save())
 *
 * and nothing after. A stream is untrusted input: restore checks every
 * field and the exact length before it changes anything. */
#include "machine_internal.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>
#include <xen/sched.h>

#define STREAM_MAGIC   "XVMSIMSV"
#define STREAM_VERSION 1u
#define STREAM_BLOB_MAX (16u << 20)

struct stream_header {
	char magic[8];
	uint32_t version;
	uint32_t type;
	uint32_t max_vcpus;
	uint16_t weight;
	uint16_t cap;
	uint64_t tot_pages;          /* the memory it held */
	uint32_t cmdline_len;
	uint32_t blob_len;
};

struct stream_vcpu {
	uint8_t online;
	uint8_t pad[7];
	uint8_t affinity[SIM_CPUMAP_BYTES];
};

static bool write_all(int fd, const void *buf, size_t len, GError **err)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			sim_set_error(err, EIO, _("cannot write the save stream: %s"),
				      g_strerror(n < 0 ? errno : ENOSPC));
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

bool machine_save(struct machine *m, uint32_t domid, int fd, GError **err)
{
	struct sim_domain *d = machine_domain(m, domid, err);
	struct stream_header h = { .version = STREAM_VERSION };
	g_autofree struct stream_vcpu *vcpus = NULL;
	g_autofree void *blob = NULL;
	size_t blob_len = 0;

	if (!d)
		return false;
	if (domid == 0 || d->state != DOM_SHUTDOWN ||
	    d->shutdown_reason != SHUTDOWN_suspend) {
		sim_set_error(err, EINVAL, _("domain %u is not suspended"), domid);
		return false;
	}
	if (d->kernel) {
		blob = m->cfg.ops->save(d->kernel, &blob_len);
	} else if (d->blob) {
		/* Saved before: the same state again. */
		blob = g_memdup2(d->blob, d->blob_len);
		blob_len = d->blob_len;
	}
	if (!blob || blob_len > STREAM_BLOB_MAX) {
		sim_set_error(err, EIO, _("domain %u: its kernel gave no state to save"),
			      domid);
		return false;
	}
	memcpy(h.magic, STREAM_MAGIC, sizeof(h.magic));
	h.type = d->type;
	h.max_vcpus = d->max_vcpus;
	h.weight = d->weight;
	h.cap = d->cap;
	h.tot_pages = d->tot_pages;
	h.cmdline_len = (uint32_t)strlen(d->cmdline);
	h.blob_len = (uint32_t)blob_len;
	vcpus = g_new0(struct stream_vcpu, d->max_vcpus);
	for (uint32_t v = 0; v < d->max_vcpus; v++) {
		vcpus[v].online = d->vcpus[v].online;
		memcpy(vcpus[v].affinity, d->vcpus[v].affinity, SIM_CPUMAP_BYTES);
	}
	if (!write_all(fd, &h, sizeof(h), err) ||
	    !write_all(fd, vcpus, sizeof(*vcpus) * d->max_vcpus, err) ||
	    !write_all(fd, d->cmdline, h.cmdline_len, err) ||
	    !write_all(fd, blob, blob_len, err))
		return false;
	/* The kernel's state is in the stream: it stops (guest.h), and runs
	 * again from it if the suspend is cancelled. */
	machine_stop_kernel(d);
	if (blob != d->blob) {
		g_free(d->blob);
		d->blob = g_steal_pointer(&blob);
		d->blob_len = blob_len;
	}
	return true;
}

/* Reads exactly len bytes: false (EINVAL, "truncated") when the stream
 * ends first. */
static bool read_exact(int fd, void *buf, size_t len, GError **err)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sim_set_error(err, EIO, _("cannot read the save stream: %s"),
				      g_strerror(errno));
			return false;
		}
		if (n == 0) {
			sim_set_error(err, EINVAL, _("the save stream is truncated"));
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static bool check_header(struct sim_domain *d, const struct stream_header *h,
			 GError **err)
{
	if (memcmp(h->magic, STREAM_MAGIC, sizeof(h->magic))) {
		sim_set_error(err, EINVAL, _("not a save stream of xvm-simhv"));
		return false;
	}
	if (h->version != STREAM_VERSION) {
		sim_set_error(err, EINVAL, _("save stream version %u is not supported"),
			      h->version);
		return false;
	}
	if (h->type != (uint32_t)d->type || h->max_vcpus != d->max_vcpus) {
		sim_set_error(err, EINVAL, _("the save stream is of a domain of another "
				     "type or vCPU count than domain %u"), d->domid);
		return false;
	}
	if (h->weight < 1 || h->cap > 100u * h->max_vcpus) {
		sim_set_error(err, EINVAL, _("the save stream has a bad weight or cap"));
		return false;
	}
	if (h->tot_pages == 0) {
		sim_set_error(err, EINVAL, _("the save stream has a bad memory size"));
		return false;
	}
	if (h->tot_pages > d->max_pages) {
		sim_set_error(err, ENOMEM, _("the save stream's %" G_GUINT64_FORMAT " KiB "
				     "exceed the maximum of domain %u"),
			      h->tot_pages * SIM_PAGE_KIB, d->domid);
		return false;
	}
	if (h->cmdline_len >= 1024 || h->blob_len == 0 || h->blob_len > STREAM_BLOB_MAX) {
		sim_set_error(err, EINVAL, _("the save stream has a bad length"));
		return false;
	}
	return true;
}

static bool check_vcpus(const struct stream_vcpu *v, uint32_t n, uint32_t nr_cpus,
			GError **err)
{
	for (uint32_t i = 0; i < n; i++) {
		bool any = false;

		if (v[i].online > 1 || (i == 0 && !v[i].online)) {
			sim_set_error(err, EINVAL, _("the save stream has a bad vCPU %u"), i);
			return false;
		}
		for (uint32_t c = 0; c < nr_cpus; c++)
			any = any || (v[i].affinity[c / 8] & (1u << (c % 8)));
		if (!any) {
			sim_set_error(err, EINVAL,
				      _("the save stream's vCPU %u has no CPU to run on"), i);
			return false;
		}
	}
	return true;
}

bool machine_restore(struct machine *m, uint32_t domid, int fd,
		     uint32_t store_domid, uint32_t console_domid,
		     struct hv_build_result *res, GError **err)
{
	struct sim_domain *d = machine_domain(m, domid, err);
	struct stream_header h;
	g_autofree struct stream_vcpu *vcpus = NULL;
	g_autofree char *cmdline = NULL;
	g_autofree void *blob = NULL;
	char extra;
	ssize_t n;

	if (!d)
		return false;
	if (domid == 0 || d->state != DOM_CREATED) {
		sim_set_error(err, EBUSY, _("domain %u is not a freshly created domain"),
			      domid);
		return false;
	}
	if (!read_exact(fd, &h, sizeof(h), err) || !check_header(d, &h, err))
		return false;
	vcpus = g_new(struct stream_vcpu, h.max_vcpus);
	cmdline = g_malloc0(h.cmdline_len + 1);
	blob = g_malloc(h.blob_len);
	if (!read_exact(fd, vcpus, sizeof(*vcpus) * h.max_vcpus, err) ||
	    !check_vcpus(vcpus, h.max_vcpus, m->cfg.nr_cpus, err) ||
	    !read_exact(fd, cmdline, h.cmdline_len, err) ||
	    !read_exact(fd, blob, h.blob_len, err))
		return false;
	if (strlen(cmdline) != h.cmdline_len) {
		sim_set_error(err, EINVAL, _("the save stream has a bad command line"));
		return false;
	}
	do
		n = read(fd, &extra, 1);
	while (n < 0 && errno == EINTR);
	if (n != 0) {
		sim_set_error(err, EINVAL, _("the save stream has trailing bytes"));
		return false;
	}
	if (!machine_setup(d, h.tot_pages, store_domid, console_domid, res, err))
		return false;
	/* Nothing can fail past here. */
	sched_accrue(m);
	d->weight = h.weight;
	d->cap = h.cap;
	for (uint32_t v = 0; v < d->max_vcpus; v++) {
		d->vcpus[v].online = vcpus[v].online;
		memset(d->vcpus[v].affinity, 0, SIM_CPUMAP_BYTES);
		for (uint32_t c = 0; c < m->cfg.nr_cpus; c++)
			d->vcpus[v].affinity[c / 8] |= vcpus[v].affinity[c / 8] & (1u << (c % 8));
	}
	g_free(d->cmdline);
	d->cmdline = g_steal_pointer(&cmdline);
	d->blob = g_steal_pointer(&blob);
	d->blob_len = h.blob_len;
	sched_update(m);
	return true;
}
