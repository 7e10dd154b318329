/* The xenstore tree of a domain, as Xen's toolstack (libxl 4.17) lays it
 * out: what xvmd writes, in one transaction, when it starts a domain or
 * hot-plugs a device.
 *
 *   /local/domain/N             the domain's own directory [n0 rN]
 *     name, domid, vm            who it is
 *     control/ shutdown ...      the toolstack <-> guest channel; the keys
 *                                the guest writes are owned by it [nN]
 *     memory/ static-max target videoram   in KiB
 *     cpu/I/availability         online | offline
 *     store/ port ring-ref       its xenstore ring (also INTRODUCE's)
 *     console/ ...               the PV console frontend [nN r0]
 *     device/vbd/DEVID ...       block frontends [nN r0]
 *     device/vif/DEVID ...       network frontends [nN r0]
 *   /local/domain/B/backend/vbd/N/DEVID     block backend in domain B [nB rN]
 *   /local/domain/B/backend/vif/N/DEVID     network backend [nB rN]
 *   /local/domain/B/backend/console/N/0     console backend [nB rN]
 *   /vm/UUID                     uuid, name, start_time, image/ [n0 rN]
 *
 * Pure: data in, entries out; the caller writes them (parents come before
 * their children) and sets the permissions of the entries that have them.
 */
#pragma once

#include <stdint.h>
#include <glib.h>

#include "domain_conf.h"

G_BEGIN_DECLS

typedef struct {
    char *path;      /* absolute */
    char *value;     /* "" for a directory */
    char *perms;     /* NULL: inherited from the parent (xenstored's rule);
                        else space-separated entries, owner first: "n0 r5" */
} xvmXsEntry;

void xvmXsEntryFree(xvmXsEntry *e);

/* What the domain build gave, and where the backends run. */
typedef struct {
    uint32_t domid;
    uint32_t backend_domid;          /* the driver domain: 0 */
    uint64_t store_gfn;
    uint32_t store_port;
    uint64_t console_gfn;
    uint32_t console_port;
    gint64 start_time;               /* seconds since the epoch */
} xvmXsBuildInfo;

/* The whole tree of a domain about to start, devices included: a
 * GPtrArray of xvmXsEntry* (freeing the array frees them). Fails with
 * VIR_ERR_CONFIG_UNSUPPORTED for what the backends cannot serve (a disk
 * target without a Xen device number, a qcow/qcow2/qed/vhd image without the qemu
 * backend). A qemu-backed disk's params are "FORMAT:PATH" as libxl writes
 * them (aio for raw), so that QEMU opens the image in its format. */
GPtrArray *xvmXsDomainLayout(const xvmDomainDef *def, const xvmXsBuildInfo *bi,
                             GError **error);

/* The credit interval of a vif rate limit (backend key "rate"): xl's
 * default, which libvirt's libxl driver always uses. */
#define XVM_XS_VIF_RATE_INTERVAL_USECS 50000

/* One block or network device (hotplug: the same entries the start
 * writes). devid: the network device number (its index when started). */
GPtrArray *xvmXsDiskLayout(const xvmDomainDiskDef *disk, uint32_t domid,
                           uint32_t backend_domid, GError **error);
GPtrArray *xvmXsNetLayout(const xvmDomainNetDef *net, guint devid, uint32_t domid,
                          uint32_t backend_domid);

/* Xen's virtual device number of a disk target (xvda -> 51712, hda ->
 * 768, hdc -> 5632, sda -> 2048, xvdq -> extended 268439552), as
 * docs/misc/vbd-interface.txt gives it; -1 when the name has none. */
int xvmXsDiskDevid(const char *dst);

/* Paths. */
char *xvmXsDomainPath(uint32_t domid);
char *xvmXsVmPath(const xvmUuid *uuid);
char *xvmXsFrontendPath(uint32_t domid, const char *kind, guint devid);
char *xvmXsBackendPath(uint32_t backend_domid, const char *kind, uint32_t domid,
                       guint devid);

/* "PATH = "VALUE" [PERMS]" per line: golden files, logs. */
char *xvmXsLayoutFormat(const GPtrArray *entries);

G_END_DECLS
