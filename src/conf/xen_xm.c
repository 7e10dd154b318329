/*
 * xen_xm.c: xm / xend configurations <-> xvmDomainDef, after libvirt's
 * src/libxl/xen_xm.c, with Solaris xVM's differences:
 *   - vif script "vif-vnic" (xVM's VNIC plumbing) makes a bridge-type
 *     interface whose bridge= is the physical link (xen_common.c);
 *   - on_xend_start = "ignore"|"start" and on_xend_stop =
 *     "ignore"|"shutdown"|"suspend" (xend's, used by xVM's domains SMF
 *     service for start at boot and stop at host shutdown) are read into
 *     xvmXenNativeExtras: autostart and host-shutdown policy of the driver,
 *     not part of the domain XML.  libvirt's converter ignores both keys.
 *
 * Differences from xl: builder= instead of type= (no PVH), the HVM loader
 * is kernel=, the PV command line is extra= (and root=), bootargs=,
 * device_model=, one serial port, one usbdevice, vif type=netfront, and
 * the disk syntax "[prefix:]source,dev[:cdrom],mode":
 *   phy:/dev/vg/lv,xvda,w  file:/img,hda:cdrom,r  tap:aio:/img,xvdb,w!
 *
 * Canonical output order: as xl (see xen_xl.c) with builder (HVM only)
 * after uuid, HVM kernel (the loader) and boot, PV extra instead of
 * cmdline, bootargs, device_model, and on_xend_start / on_xend_stop after
 * on_crash.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "capabilities.h"
#include "xen_common.h"
#include "xen_xm.h"

static const char *const xendStartNames[] = { "absent", "ignore", "start" };
static const char *const xendStopNames[] = { "absent", "ignore", "shutdown", "suspend" };

const char *
xvmXendStartTypeToString(int v)
{
    return v >= 0 && v < (int)G_N_ELEMENTS(xendStartNames) ? xendStartNames[v] : NULL;
}

int
xvmXendStartTypeFromString(const char *s)
{
    int i;
    for (i = 1; s && i < (int)G_N_ELEMENTS(xendStartNames); i++)
        if (strcmp(s, xendStartNames[i]) == 0)
            return i;
    return -1;
}

const char *
xvmXendStopTypeToString(int v)
{
    return v >= 0 && v < (int)G_N_ELEMENTS(xendStopNames) ? xendStopNames[v] : NULL;
}

int
xvmXendStopTypeFromString(const char *s)
{
    int i;
    for (i = 1; s && i < (int)G_N_ELEMENTS(xendStopNames); i++)
        if (strcmp(s, xendStopNames[i]) == 0)
            return i;
    return -1;
}

static gboolean
badSetting(GError **error, const xvmXenConf *conf, const char *name, int code, const char *why)
{
    xvmXenConfSetError(error, conf, name, code, "%s", why);
    return FALSE;
}

static gboolean
parseOS(const xvmXenConf *conf, xvmDomainDef *def, GError **error)
{
    if (def->os.type == XVM_DOMAIN_OS_TYPE_HVM) {
        int rc = xvmXenConfGetString(conf, "kernel", &def->os.loader, error);
        if (rc < 0)
            return FALSE;
        if (rc == 0) {
            xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                         _("%s: config value kernel was missing"), conf->source);
            return FALSE;
        }
        return xvmXenParseBootOrder(conf, def, error);
    }
    if (xvmXenConfGetString(conf, "bootloader", &def->os.bootloader, error) < 0 ||
        xvmXenConfGetString(conf, "bootargs", &def->os.bootloader_args, error) < 0 ||
        xvmXenConfGetString(conf, "kernel", &def->os.kernel, error) < 0 ||
        xvmXenConfGetString(conf, "ramdisk", &def->os.initrd, error) < 0 ||
        !xvmXenParseCmdline(conf, FALSE, &def->os.cmdline, error))
        return FALSE;
    return TRUE;
}

/* "[driver:[subtype:]]source,[ioemu:]dev[:cdrom|:disk],mode" */
static xvmDomainDiskDef *
parseDisk(const xvmXenConf *conf, const xvmXenConfValue *item, GError **error)
{
    g_autoptr(xvmDomainDiskDef) disk = xvmDomainDiskDefNew();
    const char *entry = item->str;
    const char *c1, *c2, *dev, *mode;
    g_autofree char *src = NULL;
    g_autofree char *driver = NULL;
    char *colon;

#define DISK_ERR(code, ...) do { \
        g_autofree char *why_ = g_strdup_printf(__VA_ARGS__); \
        g_set_error(error, XVM_CONF_ERROR, code, "%s:%u: %s", conf->source, item->line, why_); \
        return NULL; \
    } while (0)

    if (!(c1 = strchr(entry, ',')) || !(c2 = strchr(c1 + 1, ',')))
        DISK_ERR(VIR_ERR_CONF_SYNTAX,
                 _("invalid disk specification '%s': expected SOURCE,DEVICE,MODE"), entry);
    if (c1 != entry)
        src = g_strndup(entry, c1 - entry);
    dev = c1 + 1;
    if (g_str_has_prefix(dev, "ioemu:"))
        dev += 6;
    disk->dst = g_strndup(dev, c2 - dev);
    mode = c2 + 1;

    if (src) {
        char *sub;
        /* the driver: phy:, file:, tap:, tap2:, ... */
        if ((sub = strchr(src, ':'))) {
            char *rest;
            driver = g_strndup(src, sub - src);
            rest = g_strdup(sub + 1);
            g_free(src);
            src = rest;
        }
        /* and tap:SUBTYPE: */
        if (driver && (strcmp(driver, "tap") == 0 || strcmp(driver, "tap2") == 0)) {
            char *rest;
            g_autofree char *subtype = NULL;
            if (!(sub = strchr(src, ':')))
                DISK_ERR(VIR_ERR_INTERNAL_ERROR, _("Unknown driver type %s"), src);
            subtype = g_strndup(src, sub - src);
            if (strcmp(subtype, "aio") == 0 || strcmp(subtype, "raw") == 0)
                disk->format = XVM_DOMAIN_DISK_FORMAT_RAW;
            else if (strcmp(subtype, "qcow2") == 0)
                disk->format = XVM_DOMAIN_DISK_FORMAT_QCOW2;
            else if (strcmp(subtype, "vhd") == 0)
                disk->format = XVM_DOMAIN_DISK_FORMAT_VHD;
            else if (strcmp(subtype, "qcow") == 0)
                disk->format = XVM_DOMAIN_DISK_FORMAT_QCOW;
            else if (strcmp(subtype, "qed") == 0)
                disk->format = XVM_DOMAIN_DISK_FORMAT_QED;
            else
                DISK_ERR(VIR_ERR_CONFIG_UNSUPPORTED,
                         _("disk driver type '%s' is not supported"), subtype);
            rest = g_strdup(sub + 1);
            g_free(src);
            src = rest;
        }
        if (!*src)
            g_clear_pointer(&src, g_free);
    }

    /* No driver: phy (as xend, and libvirt) */
    if (!driver || strcmp(driver, "phy") == 0) {
        disk->driver = XVM_DOMAIN_DISK_DRIVER_PHY;
    } else if (strcmp(driver, "file") == 0) {
        disk->driver = XVM_DOMAIN_DISK_DRIVER_FILE;
    } else if (strcmp(driver, "tap") == 0) {
        disk->driver = XVM_DOMAIN_DISK_DRIVER_TAP;
    } else if (strcmp(driver, "tap2") == 0) {
        /* blktap2: libvirt keeps the name */
        disk->driver = XVM_DOMAIN_DISK_DRIVER_TAP2;
    } else {
        DISK_ERR(VIR_ERR_CONFIG_UNSUPPORTED, _("disk driver '%s' is not supported"), driver);
    }
    disk->type = disk->driver == XVM_DOMAIN_DISK_DRIVER_PHY ? XVM_DOMAIN_DISK_TYPE_BLOCK
                                                            : XVM_DOMAIN_DISK_TYPE_FILE;
    disk->src = g_steal_pointer(&src);

    disk->device = XVM_DOMAIN_DISK_DEVICE_DISK;
    if ((colon = strchr(disk->dst, ':'))) {
        if (strcmp(colon, ":cdrom") == 0)
            disk->device = XVM_DOMAIN_DISK_DEVICE_CDROM;
        else if (strcmp(colon, ":disk") != 0)
            DISK_ERR(VIR_ERR_CONF_SYNTAX,
                     _("invalid disk specification '%s': unknown device type '%s'"),
                     entry, colon + 1);
        *colon = '\0';
    }
    if (!*disk->dst)
        DISK_ERR(VIR_ERR_CONF_SYNTAX, _("invalid disk specification '%s': no device"), entry);

    /* the bus follows from the device prefix (xvmDomainDefPostParse) */
    if (strcmp(mode, "r") == 0 || strcmp(mode, "ro") == 0)
        disk->readonly = TRUE;
    else if (strcmp(mode, "w!") == 0 || strcmp(mode, "!") == 0)
        disk->shareable = TRUE;
    else if (strcmp(mode, "w") != 0 && strcmp(mode, "rw") != 0)
        DISK_ERR(VIR_ERR_CONF_SYNTAX,
                 _("invalid disk specification '%s': unknown mode '%s'"), entry, mode);
#undef DISK_ERR
    return g_steal_pointer(&disk);
}

static gboolean
parseDisks(const xvmXenConf *conf, xvmDomainDef *def, GError **error)
{
    const xvmXenConfValue *list = xvmXenConfGet(conf, "disk");
    guint i;

    if (!list)
        return TRUE;
    if (list->type != XVM_XEN_CONF_LIST)
        return badSetting(error, conf, "disk", VIR_ERR_INTERNAL_ERROR,
                          _("config value disk was malformed: expected a list of strings"));
    if (list->items->len > XVM_DOMAIN_MAX_DISKS)
        return badSetting(error, conf, "disk", VIR_ERR_INTERNAL_ERROR,
                          _("config value disk was malformed: too many disks"));
    for (i = 0; i < list->items->len; i++) {
        const xvmXenConfValue *item = g_ptr_array_index(list->items, i);
        xvmDomainDiskDef *disk;

        if (item->type != XVM_XEN_CONF_STRING)
            return badSetting(error, conf, "disk", VIR_ERR_INTERNAL_ERROR,
                              _("config value disk was malformed: expected a list of strings"));
        if (!(disk = parseDisk(conf, item, error)))
            return FALSE;
        g_ptr_array_add(def->disks, disk);
    }
    return TRUE;
}

static gboolean
parsePolicy(const xvmXenConf *conf, xvmXenNativeExtras *policy, GError **error)
{
    g_autofree char *start = NULL;
    g_autofree char *stop = NULL;
    int v;

    if (xvmXenConfGetString(conf, "on_xend_start", &start, error) < 0 ||
        xvmXenConfGetString(conf, "on_xend_stop", &stop, error) < 0)
        return FALSE;
    policy->on_xend_start = XVM_XEND_START_ABSENT;
    policy->on_xend_stop = XVM_XEND_STOP_ABSENT;
    if (start) {
        if ((v = xvmXendStartTypeFromString(start)) < 0) {
            xvmXenConfSetError(error, conf, "on_xend_start", VIR_ERR_INTERNAL_ERROR,
                               _("unexpected value %s for %s"), start, "on_xend_start");
            return FALSE;
        }
        policy->on_xend_start = v;
    }
    if (stop) {
        if ((v = xvmXendStopTypeFromString(stop)) < 0) {
            xvmXenConfSetError(error, conf, "on_xend_stop", VIR_ERR_INTERNAL_ERROR,
                               _("unexpected value %s for %s"), stop, "on_xend_stop");
            return FALSE;
        }
        policy->on_xend_stop = v;
    }
    return TRUE;
}

static const char *const refusedXM[] = {
    "max_grant_frames", "max_event_channels", NULL
};

xvmDomainDef *
xvmXenParseXM(const xvmXenConf *conf, xvmXenNativeExtras *extras, GError **error)
{
    g_autoptr(xvmDomainDef) def = xvmDomainDefNew();
    xvmXenNativeExtras scratch;

    if (extras)
        memset(extras, 0, sizeof(*extras));
    if (!xvmXenRefuseSettings(conf, refusedXM, error) ||
        !xvmXenParseCommon(conf, def, XVM_XEN_DIALECT_XM, error) ||
        !xvmXenParseSchedParams(conf, def, extras, error) ||
        !parseOS(conf, def, error) ||
        !parseDisks(conf, def, error) ||
        !parsePolicy(conf, extras ? extras : &scratch, error) ||
        !xvmDomainDefPostParse(def, error) ||
        !xvmDomainDefValidate(def, error))
        return NULL;
    return g_steal_pointer(&def);
}

static gboolean
formatOS(xvmXenConf *conf, const xvmDomainDef *def, GError **error)
{
    if (def->os.type == XVM_DOMAIN_OS_TYPE_HVM) {
        if (def->os.loader_type == XVM_DOMAIN_LOADER_TYPE_PFLASH) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                         _("a pflash (UEFI) loader has no xm form"));
            return FALSE;
        }
        if (def->os.kernel || def->os.initrd || def->os.cmdline) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                         _("direct kernel boot of HVM guests has no xm form"));
            return FALSE;
        }
        xvmXenConfSetString(conf, "kernel",
                            def->os.loader ? def->os.loader : XVM_XEN_DEFAULT_HVMLOADER);
        xvmXenFormatBootOrder(conf, def);
        return TRUE;
    }
    if (def->os.loader) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                     _("a <loader> needs an HVM guest in xm"));
        return FALSE;
    }
    if (def->os.bootloader)
        xvmXenConfSetString(conf, "bootloader", def->os.bootloader);
    if (def->os.bootloader_args)
        xvmXenConfSetString(conf, "bootargs", def->os.bootloader_args);
    if (def->os.kernel)
        xvmXenConfSetString(conf, "kernel", def->os.kernel);
    if (def->os.initrd)
        xvmXenConfSetString(conf, "ramdisk", def->os.initrd);
    if (def->os.cmdline)
        xvmXenConfSetString(conf, "extra", def->os.cmdline);
    return TRUE;
}

static char *
formatDisk(const xvmDomainDiskDef *disk, GError **error)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    const char *fmt = NULL;

    if (!disk->dst || !*disk->dst || strchr(disk->dst, ',') || strchr(disk->dst, ':') ||
        (disk->src && strchr(disk->src, ','))) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("disk '%s' cannot be written in xm's disk syntax"),
                     disk->dst ? disk->dst : "");
        return NULL;
    }
    switch (disk->format) {
    case XVM_DOMAIN_DISK_FORMAT_DEFAULT:
    case XVM_DOMAIN_DISK_FORMAT_RAW:
        fmt = "aio";
        break;
    case XVM_DOMAIN_DISK_FORMAT_QCOW2:
        fmt = "qcow2";
        break;
    case XVM_DOMAIN_DISK_FORMAT_VHD:
        fmt = "vhd";
        break;
    case XVM_DOMAIN_DISK_FORMAT_QCOW:
        fmt = "qcow";
        break;
    case XVM_DOMAIN_DISK_FORMAT_QED:
        fmt = "qed";
        break;
    default:
        break;
    }

    if (disk->src) {
        switch (disk->driver) {
        case XVM_DOMAIN_DISK_DRIVER_TAP:
        case XVM_DOMAIN_DISK_DRIVER_TAP2:
            g_string_append_printf(buf, "%s:%s:", xvmDomainDiskDriverTypeToString(disk->driver),
                                   fmt ? fmt : "aio");
            break;
        case XVM_DOMAIN_DISK_DRIVER_PHY:
            g_string_append(buf, "phy:");
            break;
        case XVM_DOMAIN_DISK_DRIVER_FILE:
        case XVM_DOMAIN_DISK_DRIVER_QEMU:
            /* xend's file: is a loop-mounted image, the closest form */
            g_string_append(buf, "file:");
            break;
        case XVM_DOMAIN_DISK_DRIVER_DEFAULT:
        default:
            g_string_append(buf, disk->type == XVM_DOMAIN_DISK_TYPE_BLOCK ? "phy:" : "file:");
            break;
        }
        if (disk->driver != XVM_DOMAIN_DISK_DRIVER_TAP &&
            disk->driver != XVM_DOMAIN_DISK_DRIVER_TAP2 &&
            disk->format != XVM_DOMAIN_DISK_FORMAT_DEFAULT &&
            disk->format != XVM_DOMAIN_DISK_FORMAT_RAW) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("disk '%s': xm gives an image format only with the tap driver"),
                         disk->dst);
            return NULL;
        }
        g_string_append(buf, disk->src);
    } else if (disk->driver == XVM_DOMAIN_DISK_DRIVER_TAP ||
               disk->driver == XVM_DOMAIN_DISK_DRIVER_TAP2) {
        /* an empty drive keeps its driver: "tap:aio:,hdc:cdrom,r" */
        g_string_append_printf(buf, "%s:%s:", xvmDomainDiskDriverTypeToString(disk->driver),
                               fmt ? fmt : "aio");
    } else if (disk->driver == XVM_DOMAIN_DISK_DRIVER_FILE ||
               disk->driver == XVM_DOMAIN_DISK_DRIVER_QEMU) {
        g_string_append(buf, "file:");
    }
    g_string_append_printf(buf, ",%s%s", disk->dst,
                           disk->device == XVM_DOMAIN_DISK_DEVICE_CDROM ? ":cdrom" : "");
    if (disk->readonly)
        g_string_append(buf, ",r");
    else if (disk->shareable)
        g_string_append(buf, ",w!");
    else
        g_string_append(buf, ",w");
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

xvmXenConf *
xvmXenFormatXM(const xvmDomainDef *def, const xvmXenNativeExtras *extras, GError **error)
{
    g_autoptr(xvmXenConf) conf = xvmXenConfNew(NULL);
    guint i;

    if (def->os.type != XVM_DOMAIN_OS_TYPE_XEN && def->os.type != XVM_DOMAIN_OS_TYPE_HVM) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s", _("PVH guests have no xm form"));
        return NULL;
    }
    for (i = 0; i < def->controllers->len; i++) {
        const xvmDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        if (c->type == XVM_DOMAIN_CONTROLLER_TYPE_XENBUS &&
            (c->max_grant_frames || c->max_event_channels)) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                         _("xenbus limits have no xm form"));
            return NULL;
        }
    }

    if (extras && (!xvmXendStartTypeToString(extras->on_xend_start) ||
                   !xvmXendStopTypeToString(extras->on_xend_stop))) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, "%s", _("invalid xend host policy in the extras"));
        return NULL;
    }

    if (!xvmXenFormatIdentity(conf, def, error))
        return NULL;
    if (def->os.type == XVM_DOMAIN_OS_TYPE_HVM)
        xvmXenConfSetString(conf, "builder", "hvm");
    if (!xvmXenFormatResources(conf, def, error))
        return NULL;
    if (!xvmXenFormatSchedParams(conf, def, extras, error) ||
        !formatOS(conf, def, error) ||
        !xvmXenFormatFeatures(conf, def, error) ||
        !xvmXenFormatLifecycle(conf, def, error))
        return NULL;
    if (extras && extras->on_xend_start != XVM_XEND_START_ABSENT)
        xvmXenConfSetString(conf, "on_xend_start",
                            xvmXendStartTypeToString(extras->on_xend_start));
    if (extras && extras->on_xend_stop != XVM_XEND_STOP_ABSENT)
        xvmXenConfSetString(conf, "on_xend_stop",
                            xvmXendStopTypeToString(extras->on_xend_stop));
    xvmXenFormatEmulator(conf, def, XVM_XEN_DIALECT_XM);
    if (!xvmXenFormatDisks(conf, def, formatDisk, error) ||
        !xvmXenFormatNets(conf, def, XVM_XEN_DIALECT_XM, error) ||
        !xvmXenFormatGraphics(conf, def, XVM_XEN_DIALECT_XM, error) ||
        !xvmXenFormatCharDevs(conf, def, XVM_XEN_DIALECT_XM, error))
        return NULL;
    return g_steal_pointer(&conf);
}
