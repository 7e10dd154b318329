/* hv_xen: hv.h on a real Xen host, through libxenctrl (domctl/sysctl),
 * libxenguest (the PV domain builder xc_dom_*, save/restore streams) and
 * libxenevtchn (VIRQ_DOM_EXC), the calls libxl makes, without libxl.
 *
 * Invariants:
 *   - one xc_interface per hv_t (hv.h: one hv_t per thread); its logger
 *     keeps the last error libxenctrl/libxenguest reported, so a failed
 *     call's GError carries Xen's own words as well as errno;
 *   - Xen's ESRCH (no such domain) is hv.h's ENOENT;
 *   - a guest in an HVM container (PVH) has HVM_MAXMEM_SLACK_KIB above
 *     the maximum asked for, for the builder's special pages; its
 *     hv_dominfo.max_pages is the maximum asked for;
 *   - the VIRQ_DOM_EXC descriptor is the event channel when this process
 *     could bind the VIRQ; a global VIRQ has one binding per domain and
 *     dom0's xenstored holds it, so otherwise it is a watch on
 *     @releaseDomain, which xenstored fires for the same events (a
 *     domain shut down, crashed or died). */
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenguest.h>
#include <xenstore.h>
#include <xentoollog.h>
#include <xen/hvm/params.h>
#include <xen/sched.h>

#include "hv_backend.h"
#include "hv_xen_acpi.h"

#define PRIVCMD "/dev/xen/privcmd"
/* libxl's default event channel limit (b_info->event_channels). */
#define MAX_EVTCHN_PORT 1023
#define LIST_BATCH 256
/* Slack above an HVM container's RAM for the pages the builder adds
 * outside of it (the special pages at X86_HVM_END_SPECIAL_REGION):
 * libxl's LIBXL_MAXMEM_CONSTANT. */
#define HVM_MAXMEM_SLACK_KIB 1024
/* PVH without a device model: the MMIO hole below 4 GiB holds the
 * special pages, the local APIC (0xfee00000) and where libxl puts ACPI
 * tables (libacpi's ACPI_INFO_PHYSICAL_ADDRESS, the lowest of the three). */
#define PVH_MMIO_START 0xfc000000ull
#define GIB4 (1ull << 32)

struct hv_xen;

struct xen_logger {
	xentoollog_logger vtable;
	struct hv_xen *owner;
};

struct hv_xen {
	struct hv pub;
	xc_interface *xch;
	struct xen_logger logger;
	char last_error[512];           /* the last XTL_ERROR or worse, "" */
	/* VIRQ_DOM_EXC: one of the two, opened on first use. */
	xenevtchn_handle *xce;
	int virq_port;
	struct xs_handle *xsh;
	bool dom_exc_tried;
};

static struct hv_xen *hx(hv_t *hv)
{
	return (struct hv_xen *)hv;
}

/* ---- logging and errors ---------------------------------------------- */

static void logger_vmessage(xentoollog_logger *l, xentoollog_level level, int errnoval,
			    const char *context, const char *format, va_list al)
{
	struct hv_xen *x = ((struct xen_logger *)l)->owner;
	char msg[sizeof(x->last_error)];

	vsnprintf(msg, sizeof(msg), format, al);
	if (level >= XTL_ERROR) {
		g_autofree char *full = errnoval >= 0
			? g_strdup_printf("%s: %s", msg, g_strerror(errnoval))
			: g_strdup(msg);

		g_strlcpy(x->last_error, full, sizeof(x->last_error));
	}
	if (level >= XTL_WARN)
		g_message("%s: %s", context ? context : "xc", msg);
	else if (level >= XTL_DETAIL)
		g_debug("%s: %s", context ? context : "xc", msg);
}

static void logger_progress(xentoollog_logger *l, const char *context,
			    const char *doing_what, int percent, unsigned long done,
			    unsigned long total)
{
	(void)l; (void)context; (void)doing_what; (void)percent; (void)done; (void)total;
}

static void logger_destroy(xentoollog_logger *l)
{
	(void)l;
}

static int hv_errno(int e)
{
	return e == ESRCH ? ENOENT : e ? e : EIO;
}

/* Sets *err for a failed libxc call: "WHAT of domain D: strerror (Xen's
 * last message)". Reads errno first. */
static void G_GNUC_PRINTF(3, 4)
xc_fail(struct hv_xen *x, GError **err, const char *fmt, ...)
{
	int e = errno;
	g_autofree char *what = NULL;
	va_list ap;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (e == ESRCH)
		g_set_error(err, HV_ERROR, ENOENT, _("%s: no such domain"), what);
	else if (x->last_error[0])
		g_set_error(err, HV_ERROR, hv_errno(e), "%s: %s (%s)", what,
			    g_strerror(e ? e : EIO), x->last_error);
	else
		g_set_error(err, HV_ERROR, hv_errno(e), "%s: %s", what, g_strerror(e ? e : EIO));
	x->last_error[0] = '\0';
}

/* ---- the host --------------------------------------------------------- */

static void xen_close(hv_t *hv)
{
	struct hv_xen *x = hx(hv);

	if (x->xce)
		xenevtchn_close(x->xce);
	if (x->xsh)
		xs_close(x->xsh);
	if (x->xch)
		xc_interface_close(x->xch);
	g_free(x);
}

/* "model name" of /proc/cpuinfo (dom0 sees the host's CPUs), or "". */
static void cpu_model(char *out, size_t len)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;

	out[0] = '\0';
	if (!g_file_get_contents("/proc/cpuinfo", &text, NULL, NULL))
		return;
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		const char *colon;

		if (!g_str_has_prefix(*l, "model name") || !(colon = strchr(*l, ':')))
			continue;
		g_strlcpy(out, colon + 1 + (colon[1] == ' '), len);
		return;
	}
}

static bool xen_physinfo(hv_t *hv, struct hv_physinfo *info, GError **err)
{
	struct hv_xen *x = hx(hv);
	xc_physinfo_t pi = { 0 };
	uint32_t per_node;

	if (xc_physinfo(x->xch, &pi)) {
		xc_fail(x, err, _("cannot read the host's physical information"));
		return false;
	}
	memset(info, 0, sizeof(*info));
	info->nr_cpus = pi.nr_cpus;
	info->nr_nodes = pi.nr_nodes ? pi.nr_nodes : 1;
	info->threads_per_core = pi.threads_per_core ? pi.threads_per_core : 1;
	info->cores_per_socket = pi.cores_per_socket ? pi.cores_per_socket : 1;
	per_node = info->nr_nodes * info->cores_per_socket * info->threads_per_core;
	info->sockets_per_node = MAX(1u, pi.nr_cpus / per_node);
	info->cpu_khz = pi.cpu_khz;
	info->total_pages = pi.total_pages;
	info->free_pages = pi.free_pages;
	info->hvm_capable = (pi.capabilities & XEN_SYSCTL_PHYSCAP_hvm) != 0;
	cpu_model(info->cpu_model, sizeof(info->cpu_model));
	return true;
}

static bool xen_version(hv_t *hv, struct hv_version *v, GError **err)
{
	struct hv_xen *x = hx(hv);
	xen_extraversion_t extra = { 0 };
	xen_capabilities_info_t caps = { 0 };
	int ver = xc_version(x->xch, XENVER_version, NULL);

	if (ver < 0 || xc_version(x->xch, XENVER_extraversion, &extra) < 0 ||
	    xc_version(x->xch, XENVER_capabilities, &caps) < 0) {
		xc_fail(x, err, _("cannot read Xen's version"));
		return false;
	}
	memset(v, 0, sizeof(*v));
	v->major = (uint32_t)ver >> 16;
	v->minor = (uint32_t)ver & 0xffff;
	g_strlcpy(v->extra, extra, sizeof(v->extra));
	/* Capabilities are space-separated words: never cut one in half. */
	g_strlcpy(v->capabilities, caps, sizeof(v->capabilities));
	if (strlen(caps) >= sizeof(v->capabilities)) {
		char *sp = strrchr(v->capabilities, ' ');

		if (sp)
			*sp = '\0';
	}
	return true;
}

/* ---- domains ---------------------------------------------------------- */

static bool raw_getinfo(struct hv_xen *x, uint32_t domid, xc_domaininfo_t *d,
			GError **err);

static bool xen_create(hv_t *hv, const struct hv_create_config *cfg, uint32_t *domid,
		       GError **err)
{
	struct hv_xen *x = hx(hv);
	xc_physinfo_t pi = { 0 };
	struct xen_domctl_createdomain dc = {
		.ssidref = cfg->ssidref,
		.max_vcpus = cfg->max_vcpus,
		.max_evtchn_port = MAX_EVTCHN_PORT,
		.max_grant_frames = -1,         /* Xen's default (gnttab_max_frames) */
		.max_maptrack_frames = -1,
	};
	uint32_t id = 0;                        /* 0: Xen picks the domid */

	if (cfg->max_vcpus < 1) {
		g_set_error(err, HV_ERROR, EINVAL, _("a domain needs at least one vCPU"));
		return false;
	}
	if ((unsigned int)cfg->tsc_mode > HV_TSC_NATIVE) {
		g_set_error(err, HV_ERROR, EINVAL, _("unknown TSC mode %u"),
			    (unsigned int)cfg->tsc_mode);
		return false;
	}
	if (xc_physinfo(x->xch, &pi)) {
		xc_fail(x, err, _("cannot read the host's physical information"));
		return false;
	}
	/* The highest grant table version the host offers, as libxl. */
	dc.grant_opts = XEN_DOMCTL_GRANT_version(
		(pi.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v2) ? 2 : 1);
	memcpy(dc.handle, cfg->uuid, sizeof(dc.handle));
	switch (cfg->type) {
	case HV_DOMAIN_PV:
		if (!(pi.capabilities & XEN_SYSCTL_PHYSCAP_pv)) {
			g_set_error(err, HV_ERROR, EINVAL,
				    _("this Xen was built without PV guest support"));
			return false;
		}
		break;
	case HV_DOMAIN_PVH:
	case HV_DOMAIN_HVM:
		if (!(pi.capabilities & XEN_SYSCTL_PHYSCAP_hvm)) {
			g_set_error(err, HV_ERROR, EINVAL,
				    _("this host cannot run HVM or PVH guests "
				      "(no hardware virtualisation)"));
			return false;
		}
		dc.flags = XEN_DOMCTL_CDF_hvm;
		if (pi.capabilities & XEN_SYSCTL_PHYSCAP_hap)
			dc.flags |= XEN_DOMCTL_CDF_hap;
		/* libxl: PVH emulates the local APIC only; HVM all but vPCI. */
		dc.arch.emulation_flags = cfg->type == HV_DOMAIN_PVH
			? XEN_X86_EMU_LAPIC : (XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI);
		break;
	default:
		g_set_error(err, HV_ERROR, EINVAL, _("unknown domain type %d"), cfg->type);
		return false;
	}
	if (xc_domain_create(x->xch, &id, &dc)) {
		xc_fail(x, err, _("cannot create the domain"));
		return false;
	}
	/* Xen 4.17 sizes d->vcpu[] at creation but allocates the vCPUs here
	 * (libxl__build_pre): without them the build cannot set vCPU 0. */
	if (xc_domain_max_vcpus(x->xch, id, cfg->max_vcpus)) {
		xc_fail(x, err, _("cannot give domain %u its %u vCPUs"), id, cfg->max_vcpus);
		xc_domain_destroy(x->xch, id);
		return false;
	}
	/* libxl__arch_domain_create: before the build, hv.h's modes are
	 * Xen's tsc_mode values. */
	if (xc_domain_set_tsc_info(x->xch, id, cfg->tsc_mode, 0, 0, 0)) {
		xc_fail(x, err, _("cannot set the TSC mode of domain %u"), id);
		xc_domain_destroy(x->xch, id);
		return false;
	}
	*domid = id;
	return true;
}

static bool xen_set_max_mem(hv_t *hv, uint32_t domid, uint64_t max_kib, GError **err)
{
	struct hv_xen *x = hx(hv);
	xc_domaininfo_t d;

	/* PV: exactly the ceiling asked for (libxl adds 1 MiB of slack,
	 * LIBXL_MAXMEM_CONSTANT): a PV build populates exactly its memory.
	 * An HVM container also holds the special pages outside its RAM:
	 * libxl's slack. */
	if (!raw_getinfo(x, domid, &d, err))
		return false;
	if ((d.flags & XEN_DOMINF_hvm_guest) && max_kib <= UINT64_MAX - HVM_MAXMEM_SLACK_KIB)
		max_kib += HVM_MAXMEM_SLACK_KIB;
	if (xc_domain_setmaxmem(x->xch, domid, max_kib)) {
		xc_fail(x, err, _("cannot set the maximum memory of domain %u"), domid);
		return false;
	}
	return true;
}

static void info_from_xen(const xc_domaininfo_t *d, struct hv_dominfo *info)
{
	memset(info, 0, sizeof(*info));
	info->domid = d->domain;
	memcpy(info->uuid, d->handle, sizeof(info->uuid));
	if (!(d->flags & XEN_DOMINF_hvm_guest))
		info->type = HV_DOMAIN_PV;
	else if (d->arch_config.emulation_flags == XEN_X86_EMU_LAPIC)
		info->type = HV_DOMAIN_PVH;
	else
		info->type = HV_DOMAIN_HVM;
	/* HV_DOMINF_* are XEN_DOMINF_*'s bits 0..5. */
	info->flags = d->flags & (XEN_DOMINF_dying | XEN_DOMINF_hvm_guest |
				  XEN_DOMINF_shutdown | XEN_DOMINF_paused |
				  XEN_DOMINF_blocked | XEN_DOMINF_running);
	info->shutdown_reason = (d->flags >> XEN_DOMINF_shutdownshift) &
				XEN_DOMINF_shutdownmask;
	info->tot_pages = d->tot_pages;
	/* The ceiling xen_set_max_mem() was asked for: a guest HVM
	 * container's slack is the builder's, not the guest's. */
	info->max_pages = d->max_pages;
	if (d->domain != 0 && (d->flags & XEN_DOMINF_hvm_guest) &&
	    info->max_pages >= HVM_MAXMEM_SLACK_KIB / (HV_PAGE_SIZE / 1024))
		info->max_pages -= HVM_MAXMEM_SLACK_KIB / (HV_PAGE_SIZE / 1024);
	info->cpu_time_ns = d->cpu_time;
	info->nr_online_vcpus = d->nr_online_vcpus;
	info->max_vcpu_id = d->max_vcpu_id;
	info->ssidref = d->ssidref;
}

/* Xen's record of domid: false with ENOENT when there is none. */
static bool raw_getinfo(struct hv_xen *x, uint32_t domid, xc_domaininfo_t *d,
			GError **err)
{
	int n = xc_domain_getinfolist(x->xch, domid, 1, d);

	if (n < 0) {
		xc_fail(x, err, _("cannot read the state of domain %u"), domid);
		return false;
	}
	/* getinfolist gives the next domain from domid on. */
	if (n == 0 || d->domain != domid) {
		g_set_error(err, HV_ERROR, ENOENT, _("domain %u does not exist"), domid);
		return false;
	}
	return true;
}

static bool xen_getinfo(hv_t *hv, uint32_t domid, struct hv_dominfo *info, GError **err)
{
	xc_domaininfo_t d;

	if (!raw_getinfo(hx(hv), domid, &d, err))
		return false;
	info_from_xen(&d, info);
	return true;
}

static bool xen_list(hv_t *hv, struct hv_dominfo **list, size_t *n, GError **err)
{
	struct hv_xen *x = hx(hv);
	g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(struct hv_dominfo));
	g_autofree xc_domaininfo_t *batch = g_new(xc_domaininfo_t, LIST_BATCH);
	uint32_t first = 0;

	for (;;) {
		int k = xc_domain_getinfolist(x->xch, first, LIST_BATCH, batch);

		if (k < 0) {
			xc_fail(x, err, _("cannot list the domains"));
			return false;
		}
		for (int i = 0; i < k; i++) {
			struct hv_dominfo info;

			info_from_xen(&batch[i], &info);
			g_array_append_val(all, info);
		}
		if (k < LIST_BATCH)
			break;
		first = batch[k - 1].domain + 1;
	}
	*n = all->len;
	*list = (struct hv_dominfo *)g_array_free(g_steal_pointer(&all), FALSE);
	return true;
}

/* Opens a kernel or ramdisk as the builder will: a readable, non-empty
 * regular file (libxenguest's own errors on a directory are obscure). */
static bool check_image(const char *path, const char *what, GError **err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	bool ok;

	if (fd < 0) {
		g_set_error(err, HV_ERROR, errno == ENOENT ? ENOENT : EINVAL,
			    _("cannot open the %s %s: %s"), what, path, g_strerror(errno));
		return false;
	}
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
	close(fd);
	if (!ok)
		g_set_error(err, HV_ERROR, EINVAL,
			    _("the %s %s is not a non-empty regular file"), what, path);
	return ok;
}

/* The two unbound ports the guest's xenstore and console rings use. */
static bool alloc_ring_ports(struct hv_xen *x, uint32_t domid, uint32_t store_domid,
			     uint32_t console_domid, struct hv_build_result *res,
			     GError **err)
{
	int p = xc_evtchn_alloc_unbound(x->xch, domid, store_domid);

	if (p < 0) {
		xc_fail(x, err, _("cannot allocate the xenstore event channel of domain %u"),
			domid);
		return false;
	}
	res->store_port = (uint32_t)p;
	p = xc_evtchn_alloc_unbound(x->xch, domid, console_domid);
	if (p < 0) {
		xc_fail(x, err, _("cannot allocate the console event channel of domain %u"),
			domid);
		return false;
	}
	res->console_port = (uint32_t)p;
	return true;
}

/* The CPUID policy libxl gives a new domain (libxl__cpuid_legacy): the
 * invariant TSC is advertised when the TSC is always emulated. */
static bool apply_cpuid(struct hv_xen *x, uint32_t domid, bool pae, GError **err)
{
	uint32_t mode = 0, khz = 0, inc = 0;
	uint64_t ns = 0;

	if (xc_domain_get_tsc_info(x->xch, domid, &mode, &ns, &khz, &inc)) {
		xc_fail(x, err, _("cannot read the TSC mode of domain %u"), domid);
		return false;
	}
	if (xc_cpuid_apply_policy(x->xch, domid, false, NULL, 0, pae,
				  mode == HV_TSC_ALWAYS_EMULATE, false, NULL, NULL)) {
		xc_fail(x, err, _("cannot set the CPUID policy of domain %u"), domid);
		return false;
	}
	return true;
}

/* A builder's step: a libxenguest call that fails with errno, reported
 * as `what`; the builder releases its image at `out`. */
#define STEP(call, what) \
	do { if ((call) != 0) { xc_fail(x, err, "%s", what); goto out; } } while (0)

/* What both builders do first: the ring ports, then a builder image in
 * `container` for domid with the command line, the ports and their
 * domains, the vCPUs, no claim, its kernel and ramdisk loaded and bound
 * to the domain. NULL with *err on failure. */
static struct xc_dom_image *dom_begin(struct hv_xen *x, uint32_t domid,
				      const xc_domaininfo_t *d,
				      const struct hv_build_config *cfg,
				      struct hv_build_result *res,
				      int container, GError **err)
{
	struct xc_dom_image *dom;

	if (!alloc_ring_ports(x, domid, cfg->store_domid, cfg->console_domid, res, err))
		return NULL;
	dom = xc_dom_allocate(x->xch, cfg->cmdline ? cfg->cmdline : "", NULL);
	if (!dom) {
		xc_fail(x, err, _("cannot start building domain %u"), domid);
		return NULL;
	}
	dom->container_type = container;
	dom->console_evtchn = res->console_port;
	dom->console_domid = cfg->console_domid;
	dom->xenstore_evtchn = res->store_port;
	dom->xenstore_domid = cfg->store_domid;
	dom->claim_enabled = 0;
	dom->max_vcpus = d->max_vcpu_id + 1;
	STEP(xc_dom_kernel_file(dom, cfg->kernel), _("cannot load the kernel"));
	if (cfg->ramdisk)
		STEP(xc_dom_module_file(dom, cfg->ramdisk, NULL), _("cannot load the ramdisk"));
	STEP(xc_dom_boot_xen_init(dom, x->xch, domid), _("cannot start the domain builder"));
	return dom;
out:
	xc_dom_release(dom);
	return NULL;
}

/* libxl__build_pv's sequence of xc_dom_* calls. */
static bool build_pv(struct hv_xen *x, uint32_t domid, const xc_domaininfo_t *d,
		     const struct hv_build_config *cfg, struct hv_build_result *res,
		     GError **err)
{
	struct xc_dom_image *dom;
	uint64_t mem_mb = cfg->memory_kib / 1024;
	bool ok = false;

	/* Default CPUID policy for a 64-bit PV guest; e820 limit at the max. */
	if (!apply_cpuid(x, domid, true, err))
		return false;
	if (xc_domain_set_memmap_limit(x->xch, domid, d->max_pages * (HV_PAGE_SIZE / 1024))) {
		xc_fail(x, err, _("cannot set the memory map limit of domain %u"), domid);
		return false;
	}
	dom = dom_begin(x, domid, d, cfg, res, XC_DOM_PV_CONTAINER, err);
	if (!dom)
		return false;
	STEP(xc_dom_parse_image(dom), _("the kernel is not a PV kernel Xen can boot"));
	STEP(xc_dom_mem_init(dom, (unsigned int)mem_mb), _("cannot lay out the guest's memory"));
	STEP(xc_dom_boot_mem_init(dom), _("cannot populate the guest's memory"));
	STEP(xc_dom_build_image(dom), _("cannot load the kernel into the guest"));
	STEP(xc_dom_boot_image(dom), _("cannot set up the guest's boot state"));
	STEP(xc_dom_gnttab_init(dom), _("cannot seed the guest's grant table"));
	/* INTRODUCE and xenconsoled want machine frames of a PV guest. */
	res->store_gfn = xc_dom_p2m(dom, dom->xenstore_pfn);
	res->console_gfn = xc_dom_p2m(dom, dom->console_pfn);
	ok = true;
out:
	xc_dom_release(dom);
	return ok;
}

/* libxl's domain_construct_memmap for PVH without a device model: RAM
 * from 0 to lowmem_end, the ACPI modules as ACPI NVS, the special pages
 * reserved, RAM above 4 GiB. Xen answers the guest's XENMEM_memory_map
 * with it and the builder copies it into the PVH start info. */
#define PVH_E820_MAX (3 + MAX_ACPI_MODULES)
static unsigned int pvh_memmap(const struct xc_dom_image *dom,
			       struct e820entry e820[PVH_E820_MAX])
{
	unsigned int n = 0;

	e820[n++] = (struct e820entry){ .addr = 0, .size = dom->lowmem_end, .type = E820_RAM };
	for (unsigned int i = 0; i < MAX_ACPI_MODULES; i++) {
		const struct xc_hvm_firmware_module *m = &dom->acpi_modules[i];
		uint64_t in_page = m->guest_addr_out & (XC_PAGE_SIZE - 1);

		if (m->length)
			e820[n++] = (struct e820entry){
				.addr = m->guest_addr_out - in_page,
				.size = m->length + in_page, .type = E820_NVS,
			};
	}
	e820[n++] = (struct e820entry){
		.addr = (uint64_t)(X86_HVM_END_SPECIAL_REGION - X86_HVM_NR_SPECIAL_PAGES)
			<< XC_PAGE_SHIFT,
		.size = (uint64_t)X86_HVM_NR_SPECIAL_PAGES << XC_PAGE_SHIFT,
		.type = E820_RESERVED,
	};
	if (dom->highmem_end > GIB4)
		e820[n++] = (struct e820entry){
			.addr = GIB4, .size = dom->highmem_end - GIB4, .type = E820_RAM,
		};
	return n;
}

/* What libxl__build_pre does for an HVM container before its memory is
 * populated, by a build or a restore: the paging pool for HAP
 * (libxl_get_required_shadow_memory: 256 KiB per vCPU and 2 KiB per MiB
 * of RAM, times 4, in KiB) and libxl's default timer_mode,
 * no_delay_for_missed_ticks (not part of a save stream). */
static bool pvh_pre(struct hv_xen *x, uint32_t domid, const xc_domaininfo_t *d,
		    uint64_t mem_mb, GError **err)
{
	uint64_t pool_kib = 4 * (256ull * (d->max_vcpu_id + 1) + 2 * mem_mb);

	if (xc_set_paging_mempool_size(x->xch, domid, pool_kib * 1024)) {
		xc_fail(x, err, _("cannot size the paging pool of domain %u"), domid);
		return false;
	}
	if (xc_hvm_param_set(x->xch, domid, HVM_PARAM_TIMER_MODE, HVMPTM_no_delay_for_missed_ticks)) {
		xc_fail(x, err, _("cannot set the timer mode of domain %u"), domid);
		return false;
	}
	return true;
}

/* A PVH domain: an HVM container with the local APIC alone emulated
 * (HVM proper has the whole platform and needs QEMU). */
static bool is_pvh(const xc_domaininfo_t *d)
{
	return (d->flags & XEN_DOMINF_hvm_guest) &&
	       d->arch_config.emulation_flags == XEN_X86_EMU_LAPIC;
}

/* libxl__build_hvm for a PVH guest (no device model, no firmware; ACPI
 * tables as libxl's libacpi makes them for PVH, so that the guest finds
 * its vCPUs). All memory is populated now. The
 * xenstore and console pages are guest frames given through HVM
 * params; the guest's PV console and xenstore work as a PV guest's. */
static bool build_pvh(struct hv_xen *x, uint32_t domid, const xc_domaininfo_t *d,
		      const struct hv_build_config *cfg, struct hv_build_result *res,
		      GError **err)
{
	struct xc_dom_image *dom;
	struct e820entry e820[PVH_E820_MAX];
	g_autoptr(GByteArray) rsdp = NULL;
	g_autoptr(GByteArray) acpi = NULL;
	uint64_t mem_mb = cfg->memory_kib / 1024, mem = mem_mb << 20, store = 0, console = 0;
	bool ok = false;

	/* The tables and RSDP must stay below the special pages and the
	 * local APIC (the MMIO hole's start is where they begin). */
	if (d->max_vcpu_id + 1 > PVH_ACPI_MAX_VCPUS) {
		g_set_error(err, HV_ERROR, EINVAL,
			    _("a PVH domain has at most %u vCPUs, not %u"),
			    PVH_ACPI_MAX_VCPUS, d->max_vcpu_id + 1);
		return false;
	}
	G_STATIC_ASSERT(PVH_ACPI_RSDP >= PVH_MMIO_START);
	hv_pvh_acpi_build(d->max_vcpu_id + 1, &rsdp, &acpi);
	if (!apply_cpuid(x, domid, true, err) || !pvh_pre(x, domid, d, mem_mb, err))
		return false;
	dom = dom_begin(x, domid, d, cfg, res, XC_DOM_HVM_CONTAINER, err);
	if (!dom)
		return false;
	dom->target_pages = mem >> XC_PAGE_SHIFT;
	dom->mmio_start = PVH_MMIO_START;
	dom->mmio_size = GIB4 - PVH_MMIO_START;
	dom->lowmem_end = mem;
	dom->highmem_end = 0;
	if (mem > PVH_MMIO_START) {
		dom->lowmem_end = PVH_MMIO_START;
		dom->highmem_end = GIB4 + (mem - PVH_MMIO_START);
	}
	dom->vga_hole_size = 0;
	dom->device_model = false;

	STEP(xc_dom_parse_image(dom),
	     _("the kernel is not one Xen can boot as PVH (no XEN_ELFNOTE_PHYS32_ENTRY)"));
	STEP(xc_dom_mem_init(dom, (unsigned int)mem_mb), _("cannot lay out the guest's memory"));
	STEP(xc_dom_boot_mem_init(dom), _("cannot populate the guest's memory"));
	/* libxl__dom_load_acpi: module 0 is the RSDP (the start info's
	 * rsdp_paddr); the builder populates their pages and copies them. */
	dom->acpi_modules[0] = (struct xc_hvm_firmware_module){
		.data = rsdp->data, .length = rsdp->len, .guest_addr_out = PVH_ACPI_RSDP,
	};
	dom->acpi_modules[1] = (struct xc_hvm_firmware_module){
		.data = acpi->data, .length = acpi->len, .guest_addr_out = PVH_ACPI_TABLES,
	};
	dom->e820_entries = pvh_memmap(dom, e820);
	dom->e820 = e820;
	STEP(xc_domain_set_memory_map(x->xch, domid, e820, dom->e820_entries),
	     _("cannot set the guest's memory map"));
	STEP(xc_dom_build_image(dom), _("cannot load the kernel into the guest"));
	STEP(xc_dom_boot_image(dom), _("cannot set up the guest's boot state"));
	STEP(xc_dom_gnttab_init(dom), _("cannot seed the guest's grant table"));
	/* hvm_build_set_params: the builder put the pages' frames in the
	 * params; the guest finds its ports there too. */
	STEP(xc_hvm_param_get(x->xch, domid, HVM_PARAM_STORE_PFN, &store),
	     _("cannot read the guest's xenstore page"));
	STEP(xc_hvm_param_get(x->xch, domid, HVM_PARAM_CONSOLE_PFN, &console),
	     _("cannot read the guest's console page"));
	STEP(xc_hvm_param_set(x->xch, domid, HVM_PARAM_STORE_EVTCHN, res->store_port),
	     _("cannot give the guest its xenstore event channel"));
	STEP(xc_hvm_param_set(x->xch, domid, HVM_PARAM_CONSOLE_EVTCHN, res->console_port),
	     _("cannot give the guest its console event channel"));
	res->store_gfn = store;
	res->console_gfn = console;
	ok = true;
out:
	dom->e820 = NULL;               /* ours, on the stack */
	memset(dom->acpi_modules, 0, sizeof(dom->acpi_modules));   /* ours too */
	xc_dom_release(dom);
	return ok;
}
#undef STEP

static bool xen_build(hv_t *hv, uint32_t domid, const struct hv_build_config *cfg,
		      struct hv_build_result *res, GError **err)
{
	struct hv_xen *x = hx(hv);
	xc_domaininfo_t d;

	if (cfg->cmdline && strlen(cfg->cmdline) > 1023) {
		g_set_error(err, HV_ERROR, EINVAL,
			    _("the command line is longer than 1023 bytes"));
		return false;
	}
	if (!raw_getinfo(x, domid, &d, err))
		return false;
	if ((d.flags & XEN_DOMINF_hvm_guest) && !is_pvh(&d)) {
		/* HVM needs hvmloader and QEMU as its device model. */
		g_set_error(err, HV_ERROR, ENOSYS,
			    _("building HVM domains on Xen is not supported by xvm yet; "
			      "use a PV or PVH guest"));
		return false;
	}
	if (!cfg->kernel) {
		g_set_error(err, HV_ERROR, EINVAL, _("a PV or PVH domain needs a kernel"));
		return false;
	}
	if (!check_image(cfg->kernel, _("kernel"), err) ||
	    (cfg->ramdisk && !check_image(cfg->ramdisk, _("ramdisk"), err)))
		return false;
	/* The builders take the size in MiB as an unsigned int. */
	if (cfg->memory_kib / 1024 == 0 || cfg->memory_kib / 1024 > UINT32_MAX) {
		g_set_error(err, HV_ERROR, EINVAL,
			    _("cannot build domain %u with %" G_GUINT64_FORMAT " KiB of memory"),
			    domid, cfg->memory_kib);
		return false;
	}
	if (d.flags & XEN_DOMINF_hvm_guest)
		return build_pvh(x, domid, &d, cfg, res, err);
	return build_pv(x, domid, &d, cfg, res, err);
}

#define DOMID_CALL(name, call, msg)                                           \
	static bool name(hv_t *hv, uint32_t domid, GError **err)              \
	{                                                                     \
		struct hv_xen *x = hx(hv);                                    \
		if ((call) != 0) {                                            \
			xc_fail(x, err, msg, domid);                          \
			return false;                                         \
		}                                                             \
		return true;                                                  \
	}
DOMID_CALL(xen_pause, xc_domain_pause(x->xch, domid), _("cannot pause domain %u"))
DOMID_CALL(xen_unpause, xc_domain_unpause(x->xch, domid), _("cannot unpause domain %u"))
DOMID_CALL(xen_destroy, xc_domain_destroy(x->xch, domid), _("cannot destroy domain %u"))
#undef DOMID_CALL

static bool xen_shutdown(hv_t *hv, uint32_t domid, unsigned int reason, GError **err)
{
	struct hv_xen *x = hx(hv);

	if (reason > SHUTDOWN_MAX) {
		g_set_error(err, HV_ERROR, EINVAL, _("unknown shutdown reason %u"), reason);
		return false;
	}
	if (xc_domain_shutdown(x->xch, domid, (int)reason)) {
		xc_fail(x, err, _("cannot shut domain %u down"), domid);
		return false;
	}
	return true;
}

static bool xen_resume(hv_t *hv, uint32_t domid, GError **err)
{
	struct hv_xen *x = hx(hv);
	xc_domaininfo_t d;

	if (!raw_getinfo(x, domid, &d, err))
		return false;
	if (!(d.flags & XEN_DOMINF_shutdown) ||
	    ((d.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask) !=
	    SHUTDOWN_suspend) {
		g_set_error(err, HV_ERROR, EBUSY, _("domain %u is not suspended"), domid);
		return false;
	}
	/* fast = 1: the guest's suspend hypercall returns "cancelled". */
	if (xc_domain_resume(x->xch, domid, 1)) {
		xc_fail(x, err, _("cannot resume domain %u"), domid);
		return false;
	}
	return true;
}

/* ---- vCPUs ------------------------------------------------------------ */

static bool xen_vcpu_getinfo(hv_t *hv, uint32_t domid, uint32_t vcpu,
			     struct hv_vcpuinfo *info, GError **err)
{
	struct hv_xen *x = hx(hv);
	xc_vcpuinfo_t vi = { 0 };

	if (xc_vcpu_getinfo(x->xch, domid, vcpu, &vi)) {
		xc_fail(x, err, _("cannot read vCPU %u of domain %u"), vcpu, domid);
		return false;
	}
	info->online = vi.online;
	info->blocked = vi.blocked;
	info->running = vi.running;
	info->cpu_time_ns = vi.cpu_time;
	info->cpu = vi.cpu;
	return true;
}

static bool xen_set_affinity(hv_t *hv, uint32_t domid, uint32_t vcpu,
			     const uint8_t *map, size_t len, GError **err)
{
	struct hv_xen *x = hx(hv);
	int size = xc_get_cpumap_size(x->xch);
	int max_cpus = xc_get_max_cpus(x->xch);
	xc_cpumap_t hard;
	bool any = false, ok;

	if (size <= 0 || max_cpus <= 0 || !(hard = xc_cpumap_alloc(x->xch))) {
		xc_fail(x, err, _("cannot read the host's CPU count"));
		return false;
	}
	/* Bits past the host's CPUs are ignored. */
	for (int cpu = 0; cpu < max_cpus && (size_t)cpu / 8 < len; cpu++)
		if (map[cpu / 8] & (1u << (cpu % 8))) {
			hard[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
			any = true;
		}
	if (!any) {
		free(hard);
		g_set_error(err, HV_ERROR, EINVAL,
			    _("the affinity of vCPU %u of domain %u names no CPU of this host"),
			    vcpu, domid);
		return false;
	}
	ok = xc_vcpu_setaffinity(x->xch, domid, (int)vcpu, hard, NULL,
				 XEN_VCPUAFFINITY_HARD) == 0;
	if (!ok)
		xc_fail(x, err, _("cannot set the affinity of vCPU %u of domain %u"), vcpu, domid);
	free(hard);
	return ok;
}

static bool xen_get_affinity(hv_t *hv, uint32_t domid, uint32_t vcpu,
			     uint8_t *map, size_t len, GError **err)
{
	struct hv_xen *x = hx(hv);
	int size = xc_get_cpumap_size(x->xch);
	xc_cpumap_t hard;

	if (size <= 0 || !(hard = xc_cpumap_alloc(x->xch))) {
		xc_fail(x, err, _("cannot read the host's CPU count"));
		return false;
	}
	if (xc_vcpu_getaffinity(x->xch, domid, (int)vcpu, hard, NULL, XEN_VCPUAFFINITY_HARD)) {
		xc_fail(x, err, _("cannot read the affinity of vCPU %u of domain %u"), vcpu,
			domid);
		free(hard);
		return false;
	}
	memset(map, 0, len);
	memcpy(map, hard, MIN(len, (size_t)size));
	free(hard);
	return true;
}

/* ---- the scheduler ---------------------------------------------------- */

/* Credit and credit2 take the same weight and cap; Xen 4.17 defaults to
 * credit2, sched=credit selects credit. Others have neither. */
static bool sched_kind(struct hv_xen *x, int *id, GError **err)
{
	if (xc_sched_id(x->xch, id)) {
		xc_fail(x, err, _("cannot read Xen's scheduler"));
		return false;
	}
	if (*id != XEN_SCHEDULER_CREDIT && *id != XEN_SCHEDULER_CREDIT2) {
		g_set_error(err, HV_ERROR, ENOSYS,
			    _("Xen's scheduler (id %d) has no credit weight or cap"), *id);
		return false;
	}
	return true;
}

static bool xen_sched_get(hv_t *hv, uint32_t domid, struct hv_sched_credit *sc,
			  GError **err)
{
	struct hv_xen *x = hx(hv);
	int id, rc;

	if (!sched_kind(x, &id, err))
		return false;
	if (id == XEN_SCHEDULER_CREDIT) {
		struct xen_domctl_sched_credit c = { 0 };

		rc = xc_sched_credit_domain_get(x->xch, domid, &c);
		sc->weight = c.weight;
		sc->cap = c.cap;
	} else {
		struct xen_domctl_sched_credit2 c = { 0 };

		rc = xc_sched_credit2_domain_get(x->xch, domid, &c);
		sc->weight = c.weight;
		sc->cap = c.cap;
	}
	if (rc) {
		xc_fail(x, err, _("cannot read the scheduler parameters of domain %u"), domid);
		return false;
	}
	return true;
}

static bool xen_sched_set(hv_t *hv, uint32_t domid, const struct hv_sched_credit *sc,
			  GError **err)
{
	struct hv_xen *x = hx(hv);
	int id, rc;

	if (sc->weight == 0) {
		g_set_error(err, HV_ERROR, EINVAL, _("a scheduler weight is 1 to 65535"));
		return false;
	}
	if (!sched_kind(x, &id, err))
		return false;
	if (id == XEN_SCHEDULER_CREDIT) {
		struct xen_domctl_sched_credit c = { .weight = sc->weight, .cap = sc->cap };

		rc = xc_sched_credit_domain_set(x->xch, domid, &c);
	} else {
		struct xen_domctl_sched_credit2 c = { .weight = sc->weight, .cap = sc->cap };

		rc = xc_sched_credit2_domain_set(x->xch, domid, &c);
	}
	if (rc) {
		xc_fail(x, err, _("cannot set the scheduler parameters of domain %u"), domid);
		return false;
	}
	return true;
}

/* ---- event channels --------------------------------------------------- */

static bool xen_alloc_unbound(hv_t *hv, uint32_t domid, uint32_t remote, uint32_t *port,
			      GError **err)
{
	struct hv_xen *x = hx(hv);
	int p = xc_evtchn_alloc_unbound(x->xch, domid, remote);

	if (p < 0) {
		xc_fail(x, err, _("cannot allocate an event channel of domain %u for domain %u"),
			domid, remote);
		return false;
	}
	*port = (uint32_t)p;
	return true;
}

/* ---- save / restore --------------------------------------------------- */

struct save_ctx {
	struct hv_xen *x;
	uint32_t domid;
};

/* xc_domain_save's "suspend the guest now": hv.h's caller already did
 * (control/shutdown = suspend); 1 = suspended, as libxl's callback says. */
static int save_suspend(void *data)
{
	struct save_ctx *c = data;
	xc_domaininfo_t d;

	if (!raw_getinfo(c->x, c->domid, &d, NULL))
		return 0;
	return (d.flags & XEN_DOMINF_shutdown) &&
	       ((d.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask) ==
	       SHUTDOWN_suspend;
}

/* An HVM stream asks the device model to log the pages it dirties; a PVH
 * domain has none (libxl answers at once for it too). */
static int save_switch_logdirty(uint32_t domid G_GNUC_UNUSED, unsigned enable G_GNUC_UNUSED,
				void *data G_GNUC_UNUSED)
{
	return 0;
}

static bool xen_save(hv_t *hv, uint32_t domid, int fd, GError **err)
{
	struct hv_xen *x = hx(hv);
	struct save_ctx c = { x, domid };
	struct save_callbacks cb = {
		.suspend = save_suspend,
		.switch_qemu_logdirty = save_switch_logdirty,
		.data = &c,
	};
	xc_domaininfo_t d;

	if (!raw_getinfo(x, domid, &d, err))
		return false;
	if (!save_suspend(&c)) {
		g_set_error(err, HV_ERROR, EBUSY,
			    _("domain %u is not suspended: it cannot be saved"), domid);
		return false;
	}
	if ((d.flags & XEN_DOMINF_hvm_guest) && !is_pvh(&d)) {
		g_set_error(err, HV_ERROR, ENOSYS,
			    _("saving HVM domains on Xen is not supported by xvm yet"));
		return false;
	}
	/* flags 0: not live, the domain is suspended already. */
	if (xc_domain_save(x->xch, fd, domid, 0, &cb, XC_STREAM_PLAIN, -1)) {
		xc_fail(x, err, _("cannot save domain %u"), domid);
		return false;
	}
	return true;
}

struct restore_ctx {
	struct hv_xen *x;
	uint32_t domid;
	xen_pfn_t store_gfn, console_gfn;
	bool have_results;
	int failed_errno;
};

static void restore_results(xen_pfn_t store_gfn, xen_pfn_t console_gfn, void *data)
{
	struct restore_ctx *c = data;

	c->store_gfn = store_gfn;
	c->console_gfn = console_gfn;
	c->have_results = true;
}

/* A stream of an older Xen without CPUID data: the default policy, as
 * libxl does for it. */
static int restore_static_data_done(unsigned int missing, void *data)
{
	struct restore_ctx *c = data;

	if ((missing & XGR_SDD_MISSING_CPUID) &&
	    xc_cpuid_apply_policy(c->x->xch, c->domid, true, NULL, 0, true, false, false,
				  NULL, NULL)) {
		c->failed_errno = errno;
		return -1;
	}
	return 0;
}

static bool xen_restore(hv_t *hv, uint32_t domid, int fd, uint32_t store_domid,
			uint32_t console_domid, struct hv_build_result *res, GError **err)
{
	struct hv_xen *x = hx(hv);
	struct restore_ctx c = { .x = x, .domid = domid };
	struct restore_callbacks cb = {
		.static_data_done = restore_static_data_done,
		.restore_results = restore_results,
		.data = &c,
	};
	unsigned long store_mfn = 0, console_mfn = 0;
	xc_domaininfo_t d;

	if (!raw_getinfo(x, domid, &d, err))
		return false;
	if ((d.flags & XEN_DOMINF_hvm_guest) && !is_pvh(&d)) {
		g_set_error(err, HV_ERROR, ENOSYS,
			    _("restoring HVM domains on Xen is not supported by xvm yet"));
		return false;
	}
	/* PVH: the stream brings the CPUID policy, the HVM context, the
	 * params with the special pages and the ACPI tables in memory; the
	 * memory map was read by the guest at boot. */
	if (is_pvh(&d)) {
		uint64_t kib = d.max_pages * (HV_PAGE_SIZE / 1024);

		kib = kib > HVM_MAXMEM_SLACK_KIB ? kib - HVM_MAXMEM_SLACK_KIB : 0;
		if (!pvh_pre(x, domid, &d, kib / 1024, err))
			return false;
	} else if (xc_domain_set_memmap_limit(x->xch, domid,
					      d.max_pages * (HV_PAGE_SIZE / 1024))) {
		xc_fail(x, err, _("cannot set the memory map limit of domain %u"), domid);
		return false;
	}
	if (!alloc_ring_ports(x, domid, store_domid, console_domid, res, err))
		return false;
	if (xc_domain_restore(x->xch, fd, domid, res->store_port, &store_mfn, store_domid,
			      res->console_port, &console_mfn, console_domid,
			      XC_STREAM_PLAIN, &cb, -1)) {
		if (c.failed_errno)
			errno = c.failed_errno;
		xc_fail(x, err, _("cannot restore domain %u"), domid);
		return false;
	}
	res->store_gfn = c.have_results ? c.store_gfn : store_mfn;
	res->console_gfn = c.have_results ? c.console_gfn : console_mfn;
	return true;
}

/* ---- VIRQ_DOM_EXC ----------------------------------------------------- */

#define RELEASE_TOKEN "xvm-hv-dom-exc"

/* The event channel when the VIRQ is free, else xenstored's
 * @releaseDomain (see the top of this file). */
static int xen_dom_exc_fd(hv_t *hv)
{
	struct hv_xen *x = hx(hv);
	int port;

	if (x->xce)
		return xenevtchn_fd(x->xce);
	if (x->xsh)
		return xs_fileno(x->xsh);
	if (x->dom_exc_tried)
		return -1;
	x->dom_exc_tried = true;
	x->xce = xenevtchn_open(&x->logger.vtable, 0);
	if (x->xce) {
		port = xenevtchn_bind_virq(x->xce, VIRQ_DOM_EXC);
		if (port >= 0) {
			x->virq_port = port;
			return xenevtchn_fd(x->xce);
		}
		g_debug("hv_xen: VIRQ_DOM_EXC is bound elsewhere (%s): watching "
			"@releaseDomain", g_strerror(errno));
		xenevtchn_close(x->xce);
		x->xce = NULL;
	}
	x->last_error[0] = '\0';
	/* libxenstore: $XENSTORED_PATH, else dom0's xenstored socket. */
	x->xsh = xs_open(0);
	if (!x->xsh || !xs_watch(x->xsh, "@releaseDomain", RELEASE_TOKEN)) {
		g_warning(_("hv_xen: cannot watch @releaseDomain for domain state changes: %s"),
			  g_strerror(errno));
		if (x->xsh)
			xs_close(x->xsh);
		x->xsh = NULL;
		return -1;
	}
	return xs_fileno(x->xsh);
}

static void xen_dom_exc_ack(hv_t *hv)
{
	struct hv_xen *x = hx(hv);

	if (x->xce) {
		int port = xenevtchn_pending(x->xce);

		if (port >= 0)
			xenevtchn_unmask(x->xce, (evtchn_port_t)port);
	} else if (x->xsh) {
		char **ev;

		/* Drains what came (xs_check_watch does not block). */
		while ((ev = xs_check_watch(x->xsh)))
			free(ev);
	}
}

static const struct hv_ops xen_ops = {
	.name = "xen",
	.close = xen_close,
	.physinfo = xen_physinfo,
	.version = xen_version,
	.create = xen_create,
	.set_max_mem = xen_set_max_mem,
	.build = xen_build,
	.pause = xen_pause,
	.unpause = xen_unpause,
	.shutdown = xen_shutdown,
	.resume = xen_resume,
	.destroy = xen_destroy,
	.getinfo = xen_getinfo,
	.list = xen_list,
	.vcpu_getinfo = xen_vcpu_getinfo,
	.set_affinity = xen_set_affinity,
	.get_affinity = xen_get_affinity,
	.sched_get = xen_sched_get,
	.sched_set = xen_sched_set,
	.alloc_unbound = xen_alloc_unbound,
	.save = xen_save,
	.restore = xen_restore,
	.dom_exc_fd = xen_dom_exc_fd,
	.dom_exc_ack = xen_dom_exc_ack,
};

hv_t *hv_xen_open(GError **err)
{
	struct hv_xen *x;

	if (access(PRIVCMD, F_OK) != 0) {
		g_set_error(err, HV_ERROR, ENOENT,
			    _("cannot open Xen: %s is absent (not a Xen dom0, or xenfs/"
			      "xen-privcmd not loaded)"), PRIVCMD);
		return NULL;
	}
	x = g_new0(struct hv_xen, 1);
	x->pub.ops = &xen_ops;
	x->logger.vtable.vmessage = logger_vmessage;
	x->logger.vtable.progress = logger_progress;
	x->logger.vtable.destroy = logger_destroy;
	x->logger.owner = x;
	x->virq_port = -1;
	x->xch = xc_interface_open(&x->logger.vtable, &x->logger.vtable, 0);
	if (!x->xch) {
		int e = errno;

		g_set_error(err, HV_ERROR, e == EACCES || e == EPERM ? EPERM : EIO,
			    _("cannot open Xen through %s: %s%s%s"), PRIVCMD, g_strerror(e),
			    x->last_error[0] ? "; " : "", x->last_error);
		g_free(x);
		return NULL;
	}
	return &x->pub;
}
