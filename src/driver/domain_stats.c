/*
 * domain_stats.c: block, interface and memory statistics of a domain
 * (see domain_stats.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_stats.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>
#include <gio/gio.h>
#include <glib/gi18n.h>

#include "domain_xs_layout.h"
#include "xs_conn.h"

char *
xvmStatsSourceDefaultSpec(const char *hv_spec)
{
    const char *sock = NULL;

    if (hv_spec && g_str_has_prefix(hv_spec, "sim:") && hv_spec[4])
        sock = hv_spec + 4;
    else if (!hv_spec && access("/dev/xen/privcmd", F_OK) != 0)
        sock = g_getenv("XVM_SIMHV_SOCKET");
    if (sock && *sock) {
        g_autofree char *dir = g_path_get_dirname(sock);

        return g_strdup_printf("sim:%s", dir);
    }
    return g_strdup("sysfs");
}

/* ---- finding devices -------------------------------------------------- */

/* libvirt's virDomainDiskByName: a target, or a source path when name
 * starts with '/' (an ambiguous source names none). */
static const xvmDomainDiskDef *
find_disk(const xvmDomainDef *def, const char *name)
{
    const xvmDomainDiskDef *found = NULL;

    for (guint i = 0; i < def->disks->len; i++) {
        const xvmDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (name[0] != '/') {
            if (g_strcmp0(disk->dst, name) == 0)
                return disk;
        } else if (g_strcmp0(disk->src, name) == 0) {
            if (found)
                return NULL;
            found = disk;
        }
    }
    return found;
}

static gboolean
invalid_path(const char *path, GError **error)
{
    xvmConfError(error, VIR_ERR_OPERATION_INVALID, _("invalid path: %s"), path);
    return FALSE;
}

/* ---- block statistics ------------------------------------------------- */

static gint64
sum_counter(gint64 a, gint64 b)
{
    if (a < 0 || b < 0 || a > G_MAXINT64 - b)
        return -1;
    return a + b;
}

gboolean
xvmDomainBlockStats(xvmDriver *drv, xvmDomainObj *obj, const char *path,
                    xvmBlockStats *out, GError **error)
{
    g_autoptr(GArray) devids = g_array_new(FALSE, FALSE, sizeof(guint32));
    const xvmDomainDef *def;
    gboolean ok = TRUE;
    int domid;

    if (!xvmDriverCheckActive(obj, error))
        return FALSE;
    def = obj->live_def;
    domid = obj->domid;
    /* The Xen device numbers, found while the definition is ours. */
    for (guint i = 0; i < def->disks->len; i++) {
        const xvmDomainDiskDef *disk = g_ptr_array_index(def->disks, i);
        int devid;

        if (*path) {
            disk = find_disk(def, path);
            if (!disk)
                return invalid_path(path, error);
        }
        if ((devid = xvmXsDiskDevid(disk->dst)) < 0) {
            xvmConfError(error, VIR_ERR_OPERATION_INVALID, "%s",
                         _("cannot find device number"));
            return FALSE;
        }
        g_array_append_val(devids, (guint32){ (guint32)devid });
        if (*path)
            break;
    }
    if (*path && devids->len == 0)
        return invalid_path(path, error);

    xvmDomainObjUnlock(obj);
    memset(out, 0, sizeof(*out));
    for (guint i = 0; i < devids->len && ok; i++) {
        xvmBlockStats one;

        ok = xvmStatsSourceBlock(drv->stats, (guint32)domid,
                                 g_array_index(devids, guint32, i), &one, error);
        if (!ok)
            break;
        out->rd_req = sum_counter(out->rd_req, one.rd_req);
        out->rd_bytes = sum_counter(out->rd_bytes, one.rd_bytes);
        out->wr_req = sum_counter(out->wr_req, one.wr_req);
        out->wr_bytes = sum_counter(out->wr_bytes, one.wr_bytes);
        out->f_req = sum_counter(out->f_req, one.f_req);
        out->errs = sum_counter(out->errs, one.errs);
    }
    xvmDomainObjLock(obj);
    return ok;
}

/* ---- interface statistics --------------------------------------------- */

/* The Xen device number of the network backend of domain `domid` whose
 * mac is `mac`, -1 when there is none. */
static gboolean
find_vif_devid(xvmXsConn *xs, int domid, const xvmMac *mac, int *devid, GError **error)
{
    g_autofree char *dir = g_strdup_printf("/local/domain/0/backend/vif/%d", domid);
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) ids = xs_directory(xs->xs, 0, dir, &err);

    *devid = -1;
    if (!ids) {
        if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            return TRUE;
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("cannot read %s: %s"), dir,
                     err->message);
        return FALSE;
    }
    for (gsize i = 0; ids[i]; i++) {
        g_autofree char *path = NULL, *value = NULL;
        guint64 id;
        xvmMac m;

        if (!g_ascii_string_to_unsigned(ids[i], 10, 0, G_MAXINT32, &id, NULL))
            continue;
        path = g_strdup_printf("%s/%s/mac", dir, ids[i]);
        if (!(value = xvmXsRead(xs, path, &err))) {
            if (err) {
                g_propagate_error(error, g_steal_pointer(&err));
                return FALSE;
            }
            continue;     /* a device being removed */
        }
        if (xvmMacParse(value, &m) && xvmMacEqual(&m, mac)) {
            *devid = (int)id;
            return TRUE;
        }
    }
    return TRUE;
}

/* "vifDOMID.DEVID": DEVID, else -1. */
static int
parse_vifname(const char *name, int domid)
{
    g_autofree char *prefix = g_strdup_printf("vif%d.", domid);
    guint64 id;

    if (!g_str_has_prefix(name, prefix) ||
        !g_ascii_string_to_unsigned(name + strlen(prefix), 10, 0, G_MAXINT32, &id, NULL))
        return -1;
    return (int)id;
}

gboolean
xvmDomainInterfaceStats(xvmDriver *drv, xvmDomainObj *obj, const char *device,
                        xvmInterfaceStats *out, GError **error)
{
    g_autoptr(GPtrArray) macs = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) ifnames = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(xvmXsConn) xs = NULL;
    g_autofree char *ifname = NULL;
    const xvmDomainDef *def;
    gboolean by_mac;
    xvmMac mac;
    int domid, devid = -1;
    gboolean ok = FALSE;

    if (!xvmDriverCheckActive(obj, error))
        return FALSE;
    def = obj->live_def;
    domid = obj->domid;
    by_mac = xvmMacParse(device, &mac);
    /* Copies: the definition may change while the lock is dropped. */
    for (guint i = 0; i < def->nets->len; i++) {
        const xvmDomainNetDef *net = g_ptr_array_index(def->nets, i);

        g_ptr_array_add(macs, g_memdup2(&net->mac, sizeof(net->mac)));
        g_ptr_array_add(ifnames, g_strdup(net->ifname));
    }

    xvmDomainObjUnlock(obj);
    if (!(xs = xvmXsConnOpen(drv->cfg.xenstored_path, error)))
        goto out;
    /* libvirt's virDomainNetFind: by MAC, else by name. */
    for (guint i = 0; i < macs->len; i++) {
        const xvmMac *m = macs->pdata[i];
        const char *name = ifnames->pdata[i];
        int id;

        if (by_mac && !xvmMacEqual(m, &mac))
            continue;
        if (!by_mac && name && strcmp(name, device) != 0)
            continue;
        if (!by_mac && !name && parse_vifname(device, domid) < 0)
            continue;
        if (!find_vif_devid(xs, domid, m, &id, error))
            goto out;
        if (!by_mac && !name && id != parse_vifname(device, domid))
            continue;
        devid = id;
        ifname = name ? g_strdup(name) : g_strdup_printf("vif%d.%d", domid, id);
        if (id < 0) {
            xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                         _("interface '%s' is not connected"), device);
            goto out;
        }
        break;
    }
    if (!ifname) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("'%s' is not a known interface"), device);
        goto out;
    }
    ok = xvmStatsSourceInterface(drv->stats, (guint32)domid, (guint32)devid, ifname, out,
                                 error);
 out:
    g_clear_pointer(&xs, xvmXsConnClose);
    xvmDomainObjLock(obj);
    return ok;
}

/* ---- memory ----------------------------------------------------------- */

int
xvmDomainMemoryStats(xvmDriver *drv, xvmDomainObj *obj,
                     virDomainMemoryStatStruct *stats, guint nr, GError **error)
{
    g_autoptr(GError) hv_err = NULL;
    struct hv_dominfo info;
    guint64 available;
    hv_t *hv;
    int domid;
    gboolean ok;
    guint n = 0;

    if (!xvmDriverCheckActive(obj, error))
        return -1;
    domid = obj->domid;
    available = obj->live_def->memory;

    xvmDomainObjUnlock(obj);
    hv = xvmDriverHvAcquire(drv, error);
    ok = hv && hv_domain_getinfo(hv, (uint32_t)domid, &info, &hv_err);
    xvmDriverHvRelease(drv, hv);
    xvmDomainObjLock(obj);
    if (!ok) {
        if (hv_err)
            xvmDriverHvError(error, g_steal_pointer(&hv_err),
                             "get the memory of", obj->name);
        return -1;
    }
    if (n < nr) {
        stats[n].tag = VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON;
        stats[n++].val = info.tot_pages * (HV_PAGE_SIZE / 1024);
    }
    if (n < nr) {
        stats[n].tag = VIR_DOMAIN_MEMORY_STAT_AVAILABLE;
        stats[n++].val = available;
    }
    return (int)n;
}

/* ---- block info ------------------------------------------------------- */

gboolean
xvmDomainGetBlockInfo(xvmDriver *drv, xvmDomainObj *obj, const char *path,
                      virDomainBlockInfo *info, GError **error)
{
    const xvmDomainDiskDef *disk;
    g_autofree char *src = NULL;
    struct stat st;
    int fd;

    if (!*path || !(disk = find_disk(xvmDomainObjGetDef(obj), path)))
        return invalid_path(path, error);
    if (!disk->src) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("disk '%s' does not currently have a source assigned"),
                     path);
        return FALSE;
    }
    src = g_strdup(disk->src);

    xvmDomainObjUnlock(obj);
    fd = open(src, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 || fstat(fd, &st) < 0) {
        int e = errno;

        if (fd >= 0)
            close(fd);
        xvmDomainObjLock(obj);
        xvmConfError(error, VIR_ERR_OPERATION_FAILED, _("cannot open disk image %s: %s"),
                     src, g_strerror(e));
        return FALSE;
    }
    if (S_ISBLK(st.st_mode)) {
        guint64 size = 0;

        if (ioctl(fd, BLKGETSIZE64, &size) < 0) {
            int e = errno;

            close(fd);
            xvmDomainObjLock(obj);
            xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                         _("cannot get the size of %s: %s"), src, g_strerror(e));
            return FALSE;
        }
        info->capacity = info->allocation = info->physical = size;
    } else {
        info->capacity = info->physical = (unsigned long long)st.st_size;
        info->allocation = (unsigned long long)st.st_blocks * 512;
    }
    close(fd);
    xvmDomainObjLock(obj);
    (void)drv;
    return TRUE;
}
