/*
 * xen_xl.c: xl.cfg(5) <-> xvmDomainDef, after libvirt's src/libxl/xen_xl.c.
 *
 * Canonical output order (stable, so golden files compare byte for byte):
 *   name, uuid, type,
 *   memory, maxmem, vcpus, maxvcpus, cpus, cpu_weight, cpu_cap,
 *   PV/PVH: bootloader, bootloader_args, kernel, ramdisk, cmdline
 *   HVM:    bios, kernel, ramdisk, cmdline, boot,
 *           pae, acpi, apic, hap, viridian, rtc_timeoffset,
 *   localtime, on_poweroff, on_reboot, on_crash, device_model_override,
 *   disk, vif,
 *   vfb (PV) | sdl, vnc, vncunused, vncdisplay, vnclisten, vncpasswd,
 *   keymap, display, xauthority, spice... (HVM), vga, videoram, usb,
 *   usbdevice,
 *   HVM: parallel, serial,
 *   max_grant_frames, max_event_channels
 *
 * Reading accepts what xl accepts for these: type= or the older builder=,
 * cmdline= or root= + extra=, bootloader_args as a string or a list (and
 * xm's bootargs), device_model_override or device_model, disk specs in
 * positional, keyword and deprecated-prefix forms (xen_disk_spec.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "capabilities.h"
#include "xen_common.h"
#include "xen_disk_spec.h"
#include "xen_xl.h"

static gboolean
badSetting(GError **error, const xvmXenConf *conf, const char *name, int code, const char *why)
{
    xvmXenConfSetError(error, conf, name, code, "%s", why);
    return FALSE;
}

/* bootloader_args: a list of words, or one string (split by xl) */
static gboolean
parseBootloaderArgs(const xvmXenConf *conf, xvmDomainDef *def, GError **error)
{
    const xvmXenConfValue *v = xvmXenConfGet(conf, "bootloader_args");
    g_auto(GStrv) words = NULL;

    if (!v)
        return xvmXenConfGetString(conf, "bootargs", &def->os.bootloader_args, error) >= 0;
    if (xvmXenConfGetStringList(conf, "bootloader_args", TRUE, &words, error) < 0)
        return FALSE;
    def->os.bootloader_args = g_strjoinv(" ", words);
    return TRUE;
}

static gboolean
parseOS(const xvmXenConf *conf, xvmDomainDef *def, GError **error)
{
    if (def->os.type == XVM_DOMAIN_OS_TYPE_HVM) {
        g_autofree char *bios = NULL;

        if (xvmXenConfGetString(conf, "bios", &bios, error) < 0)
            return FALSE;
        if (bios && strcmp(bios, "ovmf") == 0) {
            def->os.loader = g_strdup(XVM_XEN_DEFAULT_OVMF);
            def->os.loader_type = XVM_DOMAIN_LOADER_TYPE_PFLASH;
            def->os.loader_readonly = XVM_TRISTATE_BOOL_YES;
        } else if (!bios || strcmp(bios, "seabios") == 0) {
            /* hvmloader with SeaBIOS: libvirt's default loader for xenfv */
            def->os.loader = g_strdup(XVM_XEN_DEFAULT_HVMLOADER);
        } else {
            return badSetting(error, conf, "bios", VIR_ERR_CONFIG_UNSUPPORTED,
                              _("only bios 'seabios' and 'ovmf' are supported"));
        }
        if (xvmXenConfGetString(conf, "kernel", &def->os.kernel, error) < 0 ||
            xvmXenConfGetString(conf, "ramdisk", &def->os.initrd, error) < 0 ||
            !xvmXenParseCmdline(conf, TRUE, &def->os.cmdline, error) ||
            !xvmXenParseBootOrder(conf, def, error))
            return FALSE;
        return TRUE;
    }

    if (xvmXenConfGetString(conf, "bootloader", &def->os.bootloader, error) < 0 ||
        !parseBootloaderArgs(conf, def, error) ||
        xvmXenConfGetString(conf, "kernel", &def->os.kernel, error) < 0 ||
        xvmXenConfGetString(conf, "ramdisk", &def->os.initrd, error) < 0 ||
        !xvmXenParseCmdline(conf, TRUE, &def->os.cmdline, error))
        return FALSE;
    return TRUE;
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
        xvmXenDiskSpec spec;
        g_autoptr(GError) err = NULL;
        xvmDomainDiskDef *disk;

        if (item->type != XVM_XEN_CONF_STRING)
            return badSetting(error, conf, "disk", VIR_ERR_INTERNAL_ERROR,
                              _("config value disk was malformed: expected a list of strings"));
        if (!xvmXenDiskSpecParse(item->str, &spec, &err)) {
            /* name the file and line of the item */
            g_set_error(error, XVM_CONF_ERROR, err->code, "%s:%u: %s",
                        conf->source, item->line, err->message);
            return FALSE;
        }
        disk = xvmXenDiskSpecToDef(&spec, &err);
        xvmXenDiskSpecClear(&spec);
        if (!disk) {
            g_set_error(error, XVM_CONF_ERROR, err->code, "%s:%u: %s",
                        conf->source, item->line, err->message);
            return FALSE;
        }
        g_ptr_array_add(def->disks, disk);
    }
    return TRUE;
}

static const char *const refusedXL[] = {
    "acpi_firmware", "smbios_firmware", "pvh", NULL
};

xvmDomainDef *
xvmXenParseXL(const xvmXenConf *conf, xvmXenNativeExtras *extras, GError **error)
{
    g_autoptr(xvmDomainDef) def = xvmDomainDefNew();

    if (extras)
        memset(extras, 0, sizeof(*extras));
    if (!xvmXenRefuseSettings(conf, refusedXL, error) ||
        !xvmXenParseCommon(conf, def, XVM_XEN_DIALECT_XL, error) ||
        !xvmXenParseSchedParams(conf, def, extras, error) ||
        !parseOS(conf, def, error) ||
        !parseDisks(conf, def, error) ||
        !xvmDomainDefPostParse(def, error) ||
        !xvmDomainDefValidate(def, error))
        return NULL;
    return g_steal_pointer(&def);
}

/* kernel, ramdisk, cmdline: direct kernel boot, for every guest type. */
static void
formatDirectBoot(xvmXenConf *conf, const xvmDomainDef *def)
{
    if (def->os.kernel)
        xvmXenConfSetString(conf, "kernel", def->os.kernel);
    if (def->os.initrd)
        xvmXenConfSetString(conf, "ramdisk", def->os.initrd);
    if (def->os.cmdline)
        xvmXenConfSetString(conf, "cmdline", def->os.cmdline);
}

static gboolean
formatOS(xvmXenConf *conf, const xvmDomainDef *def, GError **error)
{
    if (def->os.type == XVM_DOMAIN_OS_TYPE_HVM) {
        if (def->os.loader_type == XVM_DOMAIN_LOADER_TYPE_PFLASH) {
            xvmXenConfSetString(conf, "bios", "ovmf");
        } else if (def->os.loader && strcmp(def->os.loader, XVM_XEN_DEFAULT_HVMLOADER) != 0) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("loader '%s' has no xl form (hvmloader or a pflash OVMF only)"),
                         def->os.loader);
            return FALSE;
        }
        formatDirectBoot(conf, def);
        xvmXenFormatBootOrder(conf, def);
        return TRUE;
    }
    if (def->os.loader) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                     _("a <loader> needs an HVM guest in xl"));
        return FALSE;
    }
    if (def->os.bootloader)
        xvmXenConfSetString(conf, "bootloader", def->os.bootloader);
    if (def->os.bootloader_args)
        xvmXenConfSetString(conf, "bootloader_args", def->os.bootloader_args);
    formatDirectBoot(conf, def);
    return TRUE;
}

xvmXenConf *
xvmXenFormatXL(const xvmDomainDef *def, const xvmXenNativeExtras *extras, GError **error)
{
    g_autoptr(xvmXenConf) conf = xvmXenConfNew(NULL);
    const char *type;

    switch (def->os.type) {
    case XVM_DOMAIN_OS_TYPE_HVM: type = "hvm"; break;
    case XVM_DOMAIN_OS_TYPE_XENPVH: type = "pvh"; break;
    case XVM_DOMAIN_OS_TYPE_XEN: type = "pv"; break;
    default:
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED, _("os type %d has no xl form"),
                     def->os.type);
        return NULL;
    }

    if (!xvmXenFormatIdentity(conf, def, error))
        return NULL;
    xvmXenConfSetString(conf, "type", type);
    if (!xvmXenFormatResources(conf, def, error))
        return NULL;
    if (!xvmXenFormatSchedParams(conf, def, extras, error) ||
        !formatOS(conf, def, error) ||
        !xvmXenFormatFeatures(conf, def, error) ||
        !xvmXenFormatLifecycle(conf, def, error))
        return NULL;
    xvmXenFormatEmulator(conf, def, XVM_XEN_DIALECT_XL);
    if (!xvmXenFormatDisks(conf, def, xvmXenDiskSpecFormat, error) ||
        !xvmXenFormatNets(conf, def, XVM_XEN_DIALECT_XL, error) ||
        !xvmXenFormatGraphics(conf, def, XVM_XEN_DIALECT_XL, error) ||
        !xvmXenFormatCharDevs(conf, def, XVM_XEN_DIALECT_XL, error))
        return NULL;
    xvmXenFormatXenbus(conf, def);
    return g_steal_pointer(&conf);
}
