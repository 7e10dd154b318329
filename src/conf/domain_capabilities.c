/*
 * domain_capabilities.c: see domain_capabilities.h.  Element order and
 * content follow libvirt's virDomainCapsFormat for the libxl driver
 * (tests/domaincapsdata/libxl-xenfv.xml, libxl-xenpv.xml).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "capabilities.h"
#include "caps_writer.h"
#include "domain_capabilities.h"
#include "domain_conf.h"

static void
formatEnum(xvmCapsWriter *cw, const char *name, const char *const *values)
{
    xvmCapsWriterStart(cw, "enum");
    xvmCapsWriterAttr(cw, "name", "%s", name);
    for (; values && *values; values++)
        xvmCapsWriterElement(cw, "value", "%s", *values);
    xvmCapsWriterEnd(cw);
}

static void
startSupported(xvmCapsWriter *cw, const char *element, gboolean supported)
{
    xvmCapsWriterStart(cw, element);
    xvmCapsWriterAttr(cw, "supported", "%s", supported ? "yes" : "no");
}

static void
formatOS(xvmCapsWriter *cw, gboolean hvm, const char *const *firmwares)
{
    static const char *const loaderTypes[] = { "rom", "pflash", NULL };
    static const char *const readonly[] = { "yes", NULL };
    const char *const defaults[] = { XVM_XEN_DEFAULT_HVMLOADER, XVM_XEN_DEFAULT_OVMF, NULL };

    startSupported(cw, "os", TRUE);
    startSupported(cw, "loader", hvm);
    if (hvm) {
        const char *const *fw;
        for (fw = firmwares ? firmwares : defaults; *fw; fw++)
            xvmCapsWriterElement(cw, "value", "%s", *fw);
        formatEnum(cw, "type", loaderTypes);
        formatEnum(cw, "readonly", readonly);
    }
    xvmCapsWriterEnd(cw);
    xvmCapsWriterEnd(cw);
}

static void
formatCpu(xvmCapsWriter *cw)
{
    static const char *const modes[] = { "host-passthrough", "maximum", "host-model", "custom" };
    gsize i;

    xvmCapsWriterStart(cw, "cpu");
    for (i = 0; i < G_N_ELEMENTS(modes); i++) {
        xvmCapsWriterStart(cw, "mode");
        xvmCapsWriterAttr(cw, "name", "%s", modes[i]);
        xvmCapsWriterAttr(cw, "supported", "no");
        xvmCapsWriterEnd(cw);
    }
    xvmCapsWriterEnd(cw);
}

static void
formatDevices(xvmCapsWriter *cw, const xvmDomainCapsOptions *opts)
{
    static const char *const diskDevice[] = { "disk", "cdrom", NULL };
    static const char *const diskBus[] = { "ide", "scsi", "xen", NULL };
    static const char *const graphics[] = { "sdl", "vnc", "spice", NULL };
    static const char *const video[] = { "vga", "cirrus", "xen", NULL };
    static const char *const hostdevMode[] = { "subsystem", NULL };
    static const char *const startup[] = { "default", "mandatory", "requisite", "optional", NULL };
    static const char *const pciBackend[] = { "xen", NULL };
    const char *subsys[3] = { NULL, NULL, NULL };
    gsize n = 0;
    gboolean hostdev = opts->hostdev_pci || opts->hostdev_usb;

    xvmCapsWriterStart(cw, "devices");

    startSupported(cw, "disk", TRUE);
    formatEnum(cw, "diskDevice", diskDevice);
    formatEnum(cw, "bus", diskBus);
    formatEnum(cw, "model", NULL);
    xvmCapsWriterEnd(cw);

    startSupported(cw, "graphics", TRUE);
    formatEnum(cw, "type", graphics);
    xvmCapsWriterEnd(cw);

    startSupported(cw, "video", TRUE);
    formatEnum(cw, "modelType", video);
    xvmCapsWriterEnd(cw);

    startSupported(cw, "hostdev", hostdev);
    if (hostdev) {
        if (opts->hostdev_usb)
            subsys[n++] = "usb";
        if (opts->hostdev_pci)
            subsys[n++] = "pci";
        formatEnum(cw, "mode", hostdevMode);
        formatEnum(cw, "startupPolicy", startup);
        formatEnum(cw, "subsysType", subsys);
        formatEnum(cw, "capsType", NULL);
        formatEnum(cw, "pciBackend", opts->hostdev_pci ? pciBackend : NULL);
    }
    xvmCapsWriterEnd(cw);

    xvmCapsWriterEnd(cw);
}

static void
formatFeatures(xvmCapsWriter *cw)
{
    static const char *const absent[] = { "gic", "vmcoreinfo", "genid", "sev", "sgx" };
    gsize i;

    xvmCapsWriterStart(cw, "features");
    for (i = 0; i < G_N_ELEMENTS(absent); i++) {
        startSupported(cw, absent[i], FALSE);
        xvmCapsWriterEnd(cw);
    }
    xvmCapsWriterEnd(cw);
}

char *
xvmDomainCapabilitiesFormat(const char *emulatorbin, const char *arch,
                            const char *machine, const char *virttype,
                            const xvmDomainCapsOptions *options, GError **error)
{
    const xvmDomainCapsOptions defaults = { 0 };
    const xvmDomainCapsOptions *opts = options ? options : &defaults;
    const char *emulator = emulatorbin ? emulatorbin
                         : opts->default_emulator ? opts->default_emulator
                         : XVM_XEN_DEFAULT_EMULATOR;
    gboolean hvm;
    unsigned int maxvcpus;
    xvmCapsWriter cw;

    if (virttype && strcmp(virttype, "xen") != 0) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("unknown virttype: %s"), virttype);
        return NULL;
    }
    if (!arch)
        arch = "x86_64";
    if (strcmp(arch, "x86_64") != 0 && strcmp(arch, "i686") != 0) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("architecture %s is not supported"), arch);
        return NULL;
    }
    if (!machine)
        machine = "xenpv";
    if (strcmp(machine, "xenpv") != 0 && strcmp(machine, "xenpvh") != 0 &&
        strcmp(machine, "xenfv") != 0) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, "%s",
                     _("Xen only supports 'xenpv', 'xenpvh' and 'xenfv' machines"));
        return NULL;
    }
    if (strcmp(machine, "xenpvh") == 0 && strcmp(arch, "x86_64") != 0) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, "%s", _("PVH guests are x86_64 only"));
        return NULL;
    }
    if (!g_path_is_absolute(emulator) || strpbrk(emulator, "\n\r")) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("emulator '%s' is not an absolute path"),
                     emulator);
        return NULL;
    }
    if (opts->firmwares) {
        const char *const *fw;
        for (fw = opts->firmwares; *fw; fw++) {
            if (!g_path_is_absolute(*fw)) {
                xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                             _("firmware '%s' is not an absolute path"), *fw);
                return NULL;
            }
        }
    }

    hvm = strcmp(machine, "xenfv") == 0;
    maxvcpus = hvm ? XVM_DOMCAPS_HVM_MAX_VCPUS : XVM_DOMCAPS_PV_MAX_VCPUS;

    xvmCapsWriterInit(&cw);
    xvmCapsWriterStart(&cw, "domainCapabilities");
    xvmCapsWriterElement(&cw, "path", "%s", emulator);
    xvmCapsWriterElement(&cw, "domain", "xen");
    xvmCapsWriterElement(&cw, "machine", "%s", machine);
    xvmCapsWriterElement(&cw, "arch", "%s", arch);
    xvmCapsWriterStart(&cw, "vcpu");
    xvmCapsWriterAttr(&cw, "max", "%u", maxvcpus);
    xvmCapsWriterEnd(&cw);
    startSupported(&cw, "iothreads", FALSE);
    xvmCapsWriterEnd(&cw);
    formatOS(&cw, hvm, opts->firmwares);
    formatCpu(&cw);
    formatDevices(&cw, opts);
    formatFeatures(&cw);
    xvmCapsWriterEnd(&cw);
    return xvmCapsWriterFinish(&cw, error);
}
