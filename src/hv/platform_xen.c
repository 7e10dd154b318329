/* The real Xen platform: libxengnttab maps guests' xenstore pages (the
 * reserved grant GNTTAB_RESERVED_XENSTORE, as Xen's xenstored), libxenevtchn
 * gives the event channels, libxenctrl the domain table, and dom0's own
 * ring comes from /proc/xen/xsd_kva and /proc/xen/xsd_port. See
 * platform.h. */
#include <xvm/platform.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xen/grant_table.h>
#include <xen/xen.h>

#define XSD_KVA  "/proc/xen/xsd_kva"
#define XSD_PORT "/proc/xen/xsd_port"

struct xen_platform {
	struct xs_platform pub;
	xenevtchn_handle *xce;
	xengnttab_handle *xgt;
	xc_interface *xch;
	void *local_page;       /* dom0's ring, mapped once */
	size_t page_size;
};

static struct xen_platform *xp(struct xs_platform *p)
{
	return (struct xen_platform *)((char *)p - offsetof(struct xen_platform, pub));
}

static void *xen_local_ring(struct xs_platform *p)
{
	struct xen_platform *x = xp(p);
	int fd, saved;
	void *addr;

	if (x->local_page)
		return x->local_page;
	fd = open(XSD_KVA, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	addr = mmap(NULL, x->page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	saved = errno;
	close(fd);
	if (addr == MAP_FAILED) {
		errno = saved;
		return NULL;
	}
	x->local_page = addr;
	return addr;
}

static int xen_local_port(struct xs_platform *p, uint32_t *remote_port)
{
	char buf[32];
	ssize_t n;
	unsigned long v;
	char *end;
	int fd = open(XSD_PORT, O_RDONLY | O_CLOEXEC);

	(void)p;
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		errno = n ? errno : EINVAL;
		return -1;
	}
	buf[n] = '\0';
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n') || v == 0 || v > UINT32_MAX) {
		errno = EINVAL;
		return -1;
	}
	*remote_port = (uint32_t)v;
	return 0;
}

static void *xen_map_ring(struct xs_platform *p, uint32_t domid, uint64_t gfn)
{
	struct xen_platform *x = xp(p);

	(void)gfn;  /* the reserved grant, as Xen's xenstored */
	if (domid == p->master_domid)
		return xen_local_ring(p);
	return xengnttab_map_grant_ref(x->xgt, domid, GNTTAB_RESERVED_XENSTORE,
				       PROT_READ | PROT_WRITE);
}

static int xen_unmap_ring(struct xs_platform *p, uint32_t domid, void *page)
{
	struct xen_platform *x = xp(p);

	(void)domid;
	if (!page || page == x->local_page)
		return 0;  /* dom0's page stays mapped for the daemon's life */
	return xengnttab_unmap(x->xgt, page, 1);
}

static void *xen_map_console(struct xs_platform *p, uint32_t domid, uint64_t gfn)
{
	(void)gfn;  /* the reserved grant, as Xen's xenconsoled */
	if (domid == p->master_domid) {
		errno = EINVAL;  /* dom0's console is Xen's own */
		return NULL;
	}
	return xengnttab_map_grant_ref(xp(p)->xgt, domid, GNTTAB_RESERVED_CONSOLE,
				       PROT_READ | PROT_WRITE);
}

static int xen_unmap_console(struct xs_platform *p, uint32_t domid, void *page)
{
	(void)domid;
	if (!page)
		return 0;
	return xengnttab_unmap(xp(p)->xgt, page, 1);
}

static int xen_evtchn_fd(struct xs_platform *p)
{
	return xenevtchn_fd(xp(p)->xce);
}

static int xen_bind_interdomain(struct xs_platform *p, uint32_t domid,
				uint32_t remote_port)
{
	xenevtchn_port_or_error_t port =
		xenevtchn_bind_interdomain(xp(p)->xce, domid, remote_port);

	return port < 0 ? -1 : (int)port;
}

static int xen_bind_dom_exc(struct xs_platform *p)
{
	xenevtchn_port_or_error_t port = xenevtchn_bind_virq(xp(p)->xce, VIRQ_DOM_EXC);

	return port < 0 ? -1 : (int)port;
}

static int xen_unbind(struct xs_platform *p, uint32_t port)
{
	return xenevtchn_unbind(xp(p)->xce, port);
}

static int xen_notify(struct xs_platform *p, uint32_t port)
{
	return xenevtchn_notify(xp(p)->xce, port);
}

static int xen_pending(struct xs_platform *p)
{
	xenevtchn_port_or_error_t port = xenevtchn_pending(xp(p)->xce);

	return port < 0 ? -1 : (int)port;
}

static int xen_unmask(struct xs_platform *p, uint32_t port)
{
	return xenevtchn_unmask(xp(p)->xce, port);
}

static int xen_domain_info(struct xs_platform *p, uint32_t domid,
			   struct xs_dominfo *info)
{
	xc_domaininfo_t di;
	int n;

	memset(info, 0, sizeof(*info));
	n = xc_domain_getinfolist(xp(p)->xch, domid, 1, &di);
	if (n < 0)
		return -1;
	if (n == 0 || di.domain != domid)
		return 0;
	info->dying = di.flags & XEN_DOMINF_dying;
	info->shutdown = di.flags & XEN_DOMINF_shutdown;
	info->shutdown_reason = (di.flags >> XEN_DOMINF_shutdownshift) &
				XEN_DOMINF_shutdownmask;
	return 1;
}

static void xen_close(struct xs_platform *p)
{
	struct xen_platform *x = xp(p);

	if (x->local_page)
		munmap(x->local_page, x->page_size);
	if (x->xch)
		xc_interface_close(x->xch);
	if (x->xgt)
		xengnttab_close(x->xgt);
	if (x->xce)
		xenevtchn_close(x->xce);
	free(x);
}

struct xs_platform *platform_xen_open(void)
{
	struct xen_platform *x = calloc(1, sizeof(*x));
	int saved;

	if (!x)
		return NULL;
	x->page_size = (size_t)sysconf(_SC_PAGESIZE);
	x->pub = (struct xs_platform){
		.name = "xen",
		.master_domid = 0,
		.map_ring = xen_map_ring,
		.unmap_ring = xen_unmap_ring,
		.map_console = xen_map_console,
		.unmap_console = xen_unmap_console,
		.local_ring = xen_local_ring,
		.local_port = xen_local_port,
		.evtchn_fd = xen_evtchn_fd,
		.evtchn_bind_interdomain = xen_bind_interdomain,
		.evtchn_bind_dom_exc = xen_bind_dom_exc,
		.evtchn_unbind = xen_unbind,
		.evtchn_notify = xen_notify,
		.evtchn_pending = xen_pending,
		.evtchn_unmask = xen_unmask,
		.domain_info = xen_domain_info,
		.close = xen_close,
	};
	x->xce = xenevtchn_open(NULL, 0);
	if (!x->xce)
		goto fail;
	x->xgt = xengnttab_open(NULL, 0);
	if (!x->xgt)
		goto fail;
	x->xch = xc_interface_open(NULL, NULL, 0);
	if (!x->xch)
		goto fail;
	return &x->pub;
fail:
	saved = errno;
	xen_close(&x->pub);
	errno = saved ? saved : ENODEV;
	return NULL;
}
