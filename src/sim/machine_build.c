/* Building a domain, as libxenguest's xc_dom_* do: check the kernel
 * (PV/PVH) or nothing (HVM, the firmware is built in), populate its boot
 * memory, set up its xenstore and console pages and their event
 * channels. */
#include "machine_internal.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>
#include <sys/stat.h>

/* A kernel or ramdisk the client opened: a non-empty regular file. */
static bool image_ok(int fd, const char *what, GError **err)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) != 0) {
		sim_set_error(err, EINVAL, _("no %s"), what);
		return false;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		sim_set_error(err, EINVAL, _("the %s is not a non-empty regular file"), what);
		return false;
	}
	return true;
}

bool machine_setup(struct sim_domain *d, uint64_t pages, uint32_t store_domid,
		   uint32_t console_domid, struct hv_build_result *res, GError **err)
{
	struct machine *m = d->m;
	uint64_t old = d->tot_pages;
	uint32_t sp = 0, cp;

	if (!machine_domain(m, store_domid, err) || !machine_domain(m, console_domid, err))
		return false;
	if (pages == 0) {
		sim_set_error(err, EINVAL, _("a domain needs memory to be built"));
		return false;
	}
	if (!machine_set_pages(m, d, pages, err))
		return false;
	if (!pages_create(d, err))
		goto fail;
	sp = evtchn_alloc(d, store_domid, err);
	if (!sp)
		goto fail;
	cp = evtchn_alloc(d, console_domid, err);
	if (!cp)
		goto fail;
	d->env.store_port = sp;
	d->env.console_port = cp;
	d->state = DOM_BUILT;
	res->store_gfn = d->page_gfn[MACHINE_PAGE_STORE];
	res->console_gfn = d->page_gfn[MACHINE_PAGE_CONSOLE];
	res->store_port = sp;
	res->console_port = cp;
	return true;
fail:
	if (sp)
		evtchn_free_port(d, sp);
	pages_destroy(d);
	machine_set_pages(m, d, old, NULL);
	return false;
}

bool machine_build(struct machine *m, uint32_t domid, const struct machine_build *b,
		   struct hv_build_result *res, GError **err)
{
	struct sim_domain *d = machine_domain(m, domid, err);

	if (!d)
		return false;
	if (domid == 0 || d->state != DOM_CREATED) {
		sim_set_error(err, EBUSY, _("domain %u is not a freshly created domain"),
			      domid);
		return false;
	}
	if (d->type != HV_DOMAIN_HVM && !image_ok(b->kernel_fd, _("kernel"), err))
		return false;
	if (b->ramdisk_fd >= 0 && !image_ok(b->ramdisk_fd, _("ramdisk"), err))
		return false;
	if (strlen(b->cmdline) >= 1024) {
		sim_set_error(err, EINVAL, _("the command line is longer than 1023 bytes"));
		return false;
	}
	if (!machine_setup(d, b->memory_kib / SIM_PAGE_KIB, b->store_domid,
			   b->console_domid, res, err))
		return false;
	g_free(d->cmdline);
	d->cmdline = g_strdup(b->cmdline);
	return true;
}
