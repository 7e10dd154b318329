/*
 * domain_hotplug.c: virDomainAttachDeviceFlags, virDomainDetachDeviceFlags
 * and virDomainUpdateDeviceFlags (see domain_hotplug.h), in libvirt's
 * order: the config change is prepared on a copy, the live change made,
 * then the config written and swapped in.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_hotplug.h"

#include <glib/gi18n.h>

#include "domain_device_xs.h"
#include "domain_resources.h"
#include "domain_xs_layout.h"
#include "driver_internal.h"

#define AFFECT_BOTH (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)

static gboolean
check_flags(unsigned int flags, const char *api, GError **error)
{
    if (!(flags & ~AFFECT_BOTH))
        return TRUE;
    xvmConfError(error, VIR_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                 flags & ~AFFECT_BOTH, api);
    return FALSE;
}

static const char *
mac_string(const xvmMac *mac, char buf[XVM_MAC_STRING_BUFLEN])
{
    xvmMacFormat(mac, buf);
    return buf;
}

/* A disk target already used: the same name, or another name for the
 * same disk (the validator's rule: xvdb and sdb are one index). */
static gboolean
disk_target_used(const xvmDomainDef *def, const char *dst)
{
    int index = xvmDiskNameToIndex(dst);

    for (guint i = 0; i < def->disks->len; i++) {
        const xvmDomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (g_strcmp0(d->dst, dst) == 0 || (index >= 0 && xvmDiskNameToIndex(d->dst) == index))
            return TRUE;
    }
    return FALSE;
}

/* libvirt's virDomainNetFindIdx: by MAC when the device has one, else
 * the only interface there is. -1 with *error when none or several. */
static int
find_net(const xvmDomainDef *def, const xvmDomainDeviceDef *dev, GError **error)
{
    char mac[XVM_MAC_STRING_BUFLEN];
    int found = -1;

    for (guint i = 0; i < def->nets->len; i++) {
        const xvmDomainNetDef *net = g_ptr_array_index(def->nets, i);

        if (dev->mac_specified && !xvmMacEqual(&net->mac, &dev->net->mac))
            continue;
        if (found >= 0) {
            xvmConfError(error, VIR_ERR_OPERATION_FAILED, "%s",
                         _("multiple matching devices found"));
            return -1;
        }
        found = (int)i;
    }
    if (found < 0) {
        if (dev->mac_specified)
            xvmConfError(error, VIR_ERR_DEVICE_MISSING,
                         _("no device matching MAC address %s found"),
                         mac_string(&dev->net->mac, mac));
        else
            xvmConfError(error, VIR_ERR_DEVICE_MISSING, "%s", _("no matching device found"));
    }
    return found;
}

/* The definition with the device in it must still be one the driver
 * accepts as a whole. */
static gboolean
validate_with(const xvmDomainDef *def, GError **error)
{
    return xvmDomainDefValidate(def, error);
}

/* ---- config ------------------------------------------------------------- */

static gboolean
attach_config(xvmDomainDef *def, const xvmDomainDeviceDef *dev, GError **error)
{
    char mac[XVM_MAC_STRING_BUFLEN];

    switch (dev->type) {
    case XVM_DOMAIN_DEVICE_DISK:
        if (disk_target_used(def, dev->disk->dst)) {
            xvmConfError(error, VIR_ERR_INVALID_ARG, _("target %s already exists."),
                         dev->disk->dst);
            return FALSE;
        }
        if (def->disks->len >= XVM_DOMAIN_MAX_DISKS) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED, _("too many disks (limit %d)"),
                         XVM_DOMAIN_MAX_DISKS);
            return FALSE;
        }
        g_ptr_array_add(def->disks, xvmDomainDiskDefCopy(dev->disk));
        break;
    case XVM_DOMAIN_DEVICE_NET:
        if (xvmDomainDefFindNetByMac(def, &dev->net->mac)) {
            xvmConfError(error, VIR_ERR_INVALID_ARG,
                         _("network device with mac %s already exists"),
                         mac_string(&dev->net->mac, mac));
            return FALSE;
        }
        if (def->nets->len >= XVM_DOMAIN_MAX_NETS) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("too many interfaces (limit %d)"), XVM_DOMAIN_MAX_NETS);
            return FALSE;
        }
        g_ptr_array_add(def->nets, xvmDomainNetDefCopy(dev->net));
        break;
    default:
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                     _("persistent attach of device is not supported"));
        return FALSE;
    }
    return validate_with(def, error);
}

static gboolean
detach_config(xvmDomainDef *def, const xvmDomainDeviceDef *dev, GError **error)
{
    xvmDomainDiskDef *disk;
    int idx;

    switch (dev->type) {
    case XVM_DOMAIN_DEVICE_DISK:
        if (!(disk = xvmDomainDefFindDisk(def, dev->disk->dst))) {
            xvmConfError(error, VIR_ERR_INVALID_ARG, _("no target device %s"), dev->disk->dst);
            return FALSE;
        }
        g_ptr_array_remove(def->disks, disk);
        return TRUE;
    case XVM_DOMAIN_DEVICE_NET:
        if ((idx = find_net(def, dev, error)) < 0)
            return FALSE;
        g_ptr_array_remove_index(def->nets, (guint)idx);
        return TRUE;
    default:
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                     _("persistent detach of device is not supported"));
        return FALSE;
    }
}

static gboolean
update_config(xvmDomainDef *def, const xvmDomainDeviceDef *dev, GError **error)
{
    xvmDomainDiskDef *orig;

    if (dev->type != XVM_DOMAIN_DEVICE_DISK) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                     _("persistent update of device is not supported"));
        return FALSE;
    }
    if (!(orig = xvmDomainDefFindDisk(def, dev->disk->dst))) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("target %s doesn't exist."),
                     dev->disk->dst);
        return FALSE;
    }
    if (orig->device != XVM_DOMAIN_DISK_DEVICE_CDROM) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, "%s", _("this disk doesn't support update"));
        return FALSE;
    }
    /* The media: what is in the drive, and how it is read. */
    g_free(orig->src);
    orig->src = g_strdup(dev->disk->src);
    orig->type = dev->disk->type;
    if (dev->disk->driver)
        orig->driver = dev->disk->driver;
    if (dev->disk->format)
        orig->format = dev->disk->format;
    return validate_with(def, error);
}

/* ---- live --------------------------------------------------------------- */

/* The xenstore side of a live change, without the object lock. */
typedef struct {
    xvmDeviceXs xs;
    char *what;
    GPtrArray *layout;              /* attach: the entries to write */
    gboolean wait_frontend;         /* the guest runs: it answers */
} LiveChange;

static void
live_change_clear(LiveChange *c)
{
    g_free(c->what);
    if (c->layout)
        g_ptr_array_unref(c->layout);
}

/* Checks a live attach and prepares its entries (lock held). For an
 * interface, xs.devid is picked later (it needs xenstore). */
static gboolean
attach_live_prepare(xvmDomainObj *obj, const xvmDomainDeviceDef *dev, LiveChange *c,
                    GError **error)
{
    const xvmDomainDef *live = obj->live_def;
    g_autoptr(xvmDomainDef) check = NULL;
    char mac[XVM_MAC_STRING_BUFLEN];

    switch (dev->type) {
    case XVM_DOMAIN_DEVICE_DISK: {
        const xvmDomainDiskDef *disk = dev->disk;

        if (disk->device != XVM_DOMAIN_DISK_DEVICE_DISK) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("disk device type '%s' cannot be hotplugged"),
                         xvmDomainDiskDeviceTypeToString(disk->device));
            return FALSE;
        }
        if (disk->bus != XVM_DOMAIN_DISK_BUS_XEN) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("disk bus '%s' cannot be hotplugged."),
                         xvmDomainDiskBusTypeToString(disk->bus));
            return FALSE;
        }
        if (disk_target_used(live, disk->dst)) {
            xvmConfError(error, VIR_ERR_OPERATION_FAILED, _("target %s already exists"),
                         disk->dst);
            return FALSE;
        }
        if (!disk->src) {
            xvmConfError(error, VIR_ERR_INTERNAL_ERROR, "%s", _("disk source path is missing"));
            return FALSE;
        }
        check = xvmDomainDefCopy(live);
        g_ptr_array_add(check->disks, xvmDomainDiskDefCopy(disk));
        if (!validate_with(check, error) ||
            !(c->layout = xvmXsDiskLayout(disk, (guint32)obj->domid, 0, error)))
            return FALSE;
        c->xs.kind = "vbd";
        c->xs.devid = (guint)xvmXsDiskDevid(disk->dst);
        c->what = g_strdup_printf(_("disk '%s'"), disk->dst);
        break;
    }
    case XVM_DOMAIN_DEVICE_NET:
        if (dev->net->type != XVM_DOMAIN_NET_TYPE_BRIDGE &&
            dev->net->type != XVM_DOMAIN_NET_TYPE_ETHERNET) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("interface type '%s' cannot be hotplugged"),
                         xvmDomainNetTypeTypeToString(dev->net->type));
            return FALSE;
        }
        if (xvmDomainDefFindNetByMac(live, &dev->net->mac)) {
            xvmConfError(error, VIR_ERR_INVALID_ARG,
                         _("network device with mac %s already exists"),
                         mac_string(&dev->net->mac, mac));
            return FALSE;
        }
        check = xvmDomainDefCopy(live);
        g_ptr_array_add(check->nets, xvmDomainNetDefCopy(dev->net));
        if (!validate_with(check, error))
            return FALSE;
        c->xs.kind = "vif";
        c->what = g_strdup_printf(_("interface %s"), mac_string(&dev->net->mac, mac));
        break;
    default:
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("device type '%s' cannot be attached"), dev->name);
        return FALSE;
    }
    c->xs.domid = (guint32)obj->domid;
    c->xs.what = c->what;
    c->wait_frontend = xvmDomainObjGetState(obj, NULL) == VIR_DOMAIN_RUNNING;
    return TRUE;
}

/* The slow part of a live attach, unlocked. */
static gboolean
attach_live_xs(xvmDriver *drv, const xvmDomainDeviceDef *dev, LiveChange *c,
               GError **error)
{
    g_autoptr(xvmXsConn) conn = NULL;
    gboolean exists = FALSE;

    c->xs.dom0_hotplug = xvmDriverOnXen(drv);
    if (!(conn = xvmXsConnOpen(drv->cfg.xenstored_path, error)))
        return FALSE;
    if (dev->type == XVM_DOMAIN_DEVICE_NET) {
        if (!xvmDeviceXsNextVifDevid(conn, c->xs.domid, &c->xs.devid, error))
            return FALSE;
        c->layout = xvmXsNetLayout(dev->net, c->xs.devid, c->xs.domid, 0);
    }
    if (!xvmDeviceXsExists(conn, &c->xs, &exists, error))
        return FALSE;
    if (exists) {
        /* Not ours to overwrite: a leftover the driver did not write. */
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("%s: xenstore already holds a %s device %u of domain %u"),
                     c->what, c->xs.kind, c->xs.devid, c->xs.domid);
        return FALSE;
    }
    return xvmDeviceXsPlug(conn, &c->xs, c->layout, c->wait_frontend,
                           drv->cfg.backend_timeout_ms, error);
}

static gboolean
attach_live(xvmDriver *drv, xvmDomainObj *obj, const xvmDomainDeviceDef *dev,
            GError **error)
{
    LiveChange c = { 0 };
    gboolean ok;

    if (!attach_live_prepare(obj, dev, &c, error)) {
        live_change_clear(&c);
        return FALSE;
    }
    xvmDomainObjUnlock(obj);
    ok = attach_live_xs(drv, dev, &c, error);
    xvmDomainObjLock(obj);
    if (ok) {
        /* live_def is the job's: nothing else changed it meanwhile. */
        if (dev->type == XVM_DOMAIN_DEVICE_DISK)
            g_ptr_array_add(obj->live_def->disks, xvmDomainDiskDefCopy(dev->disk));
        else {
            xvmDomainNetDef *net = xvmDomainNetDefCopy(dev->net);

            /* Xen's name, as at a start (domain_start.c). */
            if (!net->ifname)
                net->ifname = g_strdup_printf("vif%d.%u", obj->domid, c.xs.devid);
            g_ptr_array_add(obj->live_def->nets, net);
        }
        xvmDriverSaveStatus(drv, obj);
        g_info("domain '%s': %s attached (%s %u)", obj->name, c.what, c.xs.kind, c.xs.devid);
    }
    live_change_clear(&c);
    return ok;
}

static gboolean
detach_live(xvmDriver *drv, xvmDomainObj *obj, const xvmDomainDeviceDef *dev,
            GError **error)
{
    xvmDomainDef *live = obj->live_def;
    g_autoptr(xvmXsConn) conn = NULL;
    LiveChange c = { 0 };
    gpointer gone = NULL;
    g_autofree char *alias = NULL;
    char mac[XVM_MAC_STRING_BUFLEN];
    int devid = -1;
    gboolean ok = FALSE;

    switch (dev->type) {
    case XVM_DOMAIN_DEVICE_DISK: {
        xvmDomainDiskDef *disk;

        if (dev->disk->device != XVM_DOMAIN_DISK_DEVICE_DISK) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("disk device type '%s' cannot be hot unplugged"),
                         xvmDomainDiskDeviceTypeToString(dev->disk->device));
            return FALSE;
        }
        if (dev->disk->bus != XVM_DOMAIN_DISK_BUS_XEN) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("disk bus '%s' cannot be hot unplugged."),
                         xvmDomainDiskBusTypeToString(dev->disk->bus));
            return FALSE;
        }
        if (!(disk = xvmDomainDefFindDisk(live, dev->disk->dst))) {
            xvmConfError(error, VIR_ERR_OPERATION_FAILED, _("disk %s not found"),
                         dev->disk->dst);
            return FALSE;
        }
        gone = disk;
        devid = xvmXsDiskDevid(disk->dst);
        alias = g_strdup(disk->dst);
        c.xs.kind = "vbd";
        c.what = g_strdup_printf(_("disk '%s'"), disk->dst);
        break;
    }
    case XVM_DOMAIN_DEVICE_NET: {
        int idx = find_net(live, dev, error);

        if (idx < 0)
            return FALSE;
        gone = g_ptr_array_index(live->nets, (guint)idx);
        alias = g_strdup(mac_string(&((xvmDomainNetDef *)gone)->mac, mac));
        c.xs.kind = "vif";
        c.what = g_strdup_printf(_("interface %s"), alias);
        break;
    }
    default:
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("device type '%s' cannot be detached"), dev->name);
        return FALSE;
    }
    c.xs.domid = (guint32)obj->domid;
    c.xs.what = c.what;
    c.wait_frontend = xvmDomainObjGetState(obj, NULL) == VIR_DOMAIN_RUNNING;

    xvmDomainObjUnlock(obj);
    c.xs.dom0_hotplug = xvmDriverOnXen(drv);
    if ((conn = xvmXsConnOpen(drv->cfg.xenstored_path, error)) &&
        (c.xs.kind[1] == 'b' || xvmDeviceXsFindVif(conn, c.xs.domid, alias, &devid, error))) {
        if (devid < 0) {
            /* Not in xenstore (any more): only the definition has it. */
            g_warning("domain %u: %s has no backend in xenstore", c.xs.domid, c.what);
            ok = TRUE;
        } else {
            c.xs.devid = (guint)devid;
            ok = xvmDeviceXsUnplug(conn, &c.xs, c.wait_frontend, drv->cfg.backend_timeout_ms,
                                   error);
        }
    }
    xvmDomainObjLock(obj);
    if (ok) {
        if (dev->type == XVM_DOMAIN_DEVICE_DISK)
            g_ptr_array_remove(obj->live_def->disks, gone);
        else
            g_ptr_array_remove(obj->live_def->nets, gone);
        xvmDriverSaveStatus(drv, obj);
        xvmDriverEmitDeviceRemoved(drv, obj, alias);
        g_info("domain '%s': %s detached", obj->name, c.what);
    }
    live_change_clear(&c);
    return ok;
}

/* ---- the APIs ------------------------------------------------------------ */

typedef gboolean (*ConfigOp)(xvmDomainDef *def, const xvmDomainDeviceDef *dev,
                             GError **error);
typedef gboolean (*LiveOp)(xvmDriver *drv, xvmDomainObj *obj, const xvmDomainDeviceDef *dev,
                           GError **error);

static gboolean
live_update(xvmDriver *drv, xvmDomainObj *obj, const xvmDomainDeviceDef *dev,
            GError **error)
{
    xvmConfError(error, VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                 _("changing a device of a running domain is not supported: "
                   "use --config, or detach and attach it"));
    return FALSE;
}

static gboolean
modify_job(xvmDriver *drv, xvmDomainObj *obj, const char *xml, unsigned int flags,
           ConfigOp config_op, LiveOp live_op, GError **error)
{
    g_autoptr(xvmDomainDeviceDef) dev = NULL;
    g_autoptr(xvmDomainDef) newdef = NULL;

    if (!xvmDomainModificationImpact(obj, &flags, error))
        return FALSE;
    /* Parsed once (a generated MAC is the same live and in the config),
     * with the defaults of the definition it goes into first. */
    if (!(dev = xvmDomainDeviceDefParseString(xml, (flags & VIR_DOMAIN_AFFECT_LIVE)
                                                  ? obj->live_def : obj->persistent_def,
                                              XVM_DOMAIN_PARSE_INACTIVE, error)))
        return FALSE;
    if (flags & VIR_DOMAIN_AFFECT_CONFIG) {
        newdef = xvmDomainDefCopy(obj->persistent_def);
        if (!config_op(newdef, dev, error))
            return FALSE;
    }
    if ((flags & VIR_DOMAIN_AFFECT_LIVE) && !live_op(drv, obj, dev, error))
        return FALSE;
    if ((flags & VIR_DOMAIN_AFFECT_CONFIG) &&
        !xvmDomainCommitPersistentDef(drv, obj, &newdef, error))
        return FALSE;
    return TRUE;
}

static gboolean
modify(xvmDriver *drv, xvmDomainObj *obj, const char *xml, unsigned int flags,
       const char *api, const char *what, ConfigOp config_op, LiveOp live_op,
       GError **error)
{
    gboolean ok;

    if (!check_flags(flags, api, error) || !xvmDriverCheckNotHost(obj, what, error))
        return FALSE;
    if (!xvmDriverBeginJob(obj, "modify devices", error))
        return FALSE;
    ok = modify_job(drv, obj, xml, flags, config_op, live_op, error);
    xvmDomainObjEndJob(obj);
    return ok;
}

gboolean
xvmDomainAttachDevice(xvmDriver *drv, xvmDomainObj *obj, const char *xml,
                      unsigned int flags, GError **error)
{
    return modify(drv, obj, xml, flags, "xvmDomainAttachDevice",
                  _("attach devices to"), attach_config, attach_live, error);
}

gboolean
xvmDomainDetachDevice(xvmDriver *drv, xvmDomainObj *obj, const char *xml,
                      unsigned int flags, GError **error)
{
    return modify(drv, obj, xml, flags, "xvmDomainDetachDevice",
                  _("detach devices from"), detach_config, detach_live, error);
}

gboolean
xvmDomainUpdateDevice(xvmDriver *drv, xvmDomainObj *obj, const char *xml,
                      unsigned int flags, GError **error)
{
    return modify(drv, obj, xml, flags, "xvmDomainUpdateDevice",
                  _("update devices of"), update_config, live_update, error);
}
