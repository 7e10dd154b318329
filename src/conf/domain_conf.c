/*
 * domain_conf.c: lifetime of xvmDomainDef and its devices, enum tables,
 * the XVM_CONF_ERROR domain.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_conf.h"

#include <string.h>

G_DEFINE_QUARK(xvm-conf-error-quark, xvm_conf_error)

void
xvmConfError(GError **error, virErrorNumber code, const char *fmt, ...)
{
    va_list ap;

    if (!error)
        return;
    va_start(ap, fmt);
    if (*error == NULL)
        *error = g_error_new_valist(XVM_CONF_ERROR, (gint)code, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------------ */
/* Enum tables                                                              */
/* ------------------------------------------------------------------------ */

#define XVM_ENUM_IMPL(name, last, ...) \
    static const char *const name##TypeList[] = { __VA_ARGS__ }; \
    G_STATIC_ASSERT(G_N_ELEMENTS(name##TypeList) == (last)); \
    const char * \
    name##TypeToString(int type) \
    { \
        if (type < 0 || (gsize)type >= G_N_ELEMENTS(name##TypeList)) \
            return NULL; \
        return name##TypeList[type]; \
    } \
    int \
    name##TypeFromString(const char *str) \
    { \
        if (!str) \
            return -1; \
        for (gsize i = 0; i < G_N_ELEMENTS(name##TypeList); i++) \
            if (strcmp(name##TypeList[i], str) == 0) \
                return (int)i; \
        return -1; \
    }

XVM_ENUM_IMPL(xvmTristateBool, XVM_TRISTATE_BOOL_LAST, "absent", "yes", "no")
XVM_ENUM_IMPL(xvmTristateSwitch, XVM_TRISTATE_SWITCH_LAST, "absent", "on", "off")
XVM_ENUM_IMPL(xvmDomainOSType, XVM_DOMAIN_OS_TYPE_LAST, "xen", "xenpvh", "hvm")
XVM_ENUM_IMPL(xvmDomainArch, XVM_DOMAIN_ARCH_LAST, "x86_64", "i686")
XVM_ENUM_IMPL(xvmDomainMachine, XVM_DOMAIN_MACHINE_LAST, "xenpv", "xenpvh", "xenfv")
XVM_ENUM_IMPL(xvmDomainBootDev, XVM_DOMAIN_BOOT_LAST, "fd", "cdrom", "hd", "network")
XVM_ENUM_IMPL(xvmDomainLoaderType, XVM_DOMAIN_LOADER_TYPE_LAST, "none", "rom", "pflash")
XVM_ENUM_IMPL(xvmDomainFeature, XVM_DOMAIN_FEATURE_LAST,
              "acpi", "apic", "pae", "hap", "viridian")
XVM_ENUM_IMPL(xvmDomainClockOffset, XVM_DOMAIN_CLOCK_OFFSET_LAST,
              "utc", "localtime", "variable")
XVM_ENUM_IMPL(xvmDomainClockBasis, XVM_DOMAIN_CLOCK_BASIS_LAST, "utc", "localtime")
XVM_ENUM_IMPL(xvmDomainTimerName, XVM_DOMAIN_TIMER_NAME_LAST, "tsc", "hpet")
XVM_ENUM_IMPL(xvmDomainTimerMode, XVM_DOMAIN_TIMER_MODE_LAST,
              "none", "auto", "native", "emulate", "paravirt")
XVM_ENUM_IMPL(xvmDomainLifecycleAction, XVM_DOMAIN_LIFECYCLE_ACTION_LAST,
              "destroy", "restart", "rename-restart", "preserve",
              "coredump-destroy", "coredump-restart")
XVM_ENUM_IMPL(xvmDomainCpuPlacement, XVM_DOMAIN_CPU_PLACEMENT_LAST, "static", "auto")
XVM_ENUM_IMPL(xvmDomainDiskType, XVM_DOMAIN_DISK_TYPE_LAST, "file", "block")
XVM_ENUM_IMPL(xvmDomainDiskDevice, XVM_DOMAIN_DISK_DEVICE_LAST, "disk", "cdrom")
XVM_ENUM_IMPL(xvmDomainDiskBus, XVM_DOMAIN_DISK_BUS_LAST, "default", "xen", "ide", "scsi")
XVM_ENUM_IMPL(xvmDomainDiskDriver, XVM_DOMAIN_DISK_DRIVER_LAST,
              "default", "file", "phy", "qemu", "tap", "tap2")
XVM_ENUM_IMPL(xvmDomainDiskFormat, XVM_DOMAIN_DISK_FORMAT_LAST,
              "default", "raw", "qcow2", "vhd", "qcow", "qed")
XVM_ENUM_IMPL(xvmDomainControllerType, XVM_DOMAIN_CONTROLLER_TYPE_LAST,
              "ide", "scsi", "usb", "xenbus")
XVM_ENUM_IMPL(xvmDomainNetType, XVM_DOMAIN_NET_TYPE_LAST, "bridge", "ethernet", "network")
XVM_ENUM_IMPL(xvmDomainChrType, XVM_DOMAIN_CHR_TYPE_LAST, "pty")
XVM_ENUM_IMPL(xvmDomainChrDevice, XVM_DOMAIN_CHR_DEVICE_LAST, "serial", "console")
XVM_ENUM_IMPL(xvmDomainChrConsoleTarget, XVM_DOMAIN_CHR_CONSOLE_TARGET_LAST,
              "none", "xen", "serial")
XVM_ENUM_IMPL(xvmDomainGraphicsType, XVM_DOMAIN_GRAPHICS_TYPE_LAST, "sdl", "vnc", "spice")
XVM_ENUM_IMPL(xvmDomainInputType, XVM_DOMAIN_INPUT_TYPE_LAST, "mouse", "tablet", "keyboard")
XVM_ENUM_IMPL(xvmDomainInputBus, XVM_DOMAIN_INPUT_BUS_LAST, "default", "ps2", "usb", "xen")
XVM_ENUM_IMPL(xvmDomainVideoModel, XVM_DOMAIN_VIDEO_MODEL_LAST, "vga", "cirrus", "xen")

/* ------------------------------------------------------------------------ */
/* Devices                                                                  */
/* ------------------------------------------------------------------------ */

xvmDomainDiskDef *
xvmDomainDiskDefNew(void)
{
    return g_new0(xvmDomainDiskDef, 1);
}

void
xvmDomainDiskDefFree(xvmDomainDiskDef *disk)
{
    if (!disk)
        return;
    g_free(disk->src);
    g_free(disk->dst);
    g_free(disk);
}

xvmDomainControllerDef *
xvmDomainControllerDefNew(xvmDomainControllerType type)
{
    xvmDomainControllerDef *c = g_new0(xvmDomainControllerDef, 1);
    c->type = type;
    return c;
}

void
xvmDomainControllerDefFree(xvmDomainControllerDef *controller)
{
    if (!controller)
        return;
    g_free(controller->model);
    g_free(controller);
}

xvmDomainNetIPDef *
xvmDomainNetIPDefNew(const char *address, guint prefix)
{
    xvmDomainNetIPDef *ip = g_new0(xvmDomainNetIPDef, 1);
    ip->address = g_strdup(address);
    ip->prefix = prefix;
    return ip;
}

void
xvmDomainNetIPDefFree(xvmDomainNetIPDef *ip)
{
    if (!ip)
        return;
    g_free(ip->address);
    g_free(ip);
}

xvmDomainNetDef *
xvmDomainNetDefNew(void)
{
    xvmDomainNetDef *net = g_new0(xvmDomainNetDef, 1);
    net->ips = g_ptr_array_new_with_free_func((GDestroyNotify)xvmDomainNetIPDefFree);
    return net;
}

void
xvmDomainNetDefFree(xvmDomainNetDef *net)
{
    if (!net)
        return;
    g_free(net->source);
    g_free(net->script);
    g_free(net->model);
    g_free(net->ifname);
    g_ptr_array_unref(net->ips);
    g_free(net);
}

xvmDomainChrDef *
xvmDomainChrDefNew(xvmDomainChrDevice device)
{
    xvmDomainChrDef *chr = g_new0(xvmDomainChrDef, 1);
    chr->device = device;
    chr->type = XVM_DOMAIN_CHR_TYPE_PTY;
    chr->port = -1;
    return chr;
}

void
xvmDomainChrDefFree(xvmDomainChrDef *chr)
{
    if (!chr)
        return;
    g_free(chr->tty);
    g_free(chr);
}

xvmDomainGraphicsDef *
xvmDomainGraphicsDefNew(xvmDomainGraphicsType type)
{
    xvmDomainGraphicsDef *g = g_new0(xvmDomainGraphicsDef, 1);
    g->type = type;
    g->port = -1;
    g->tls_port = -1;
    return g;
}

void
xvmDomainGraphicsDefFree(xvmDomainGraphicsDef *graphics)
{
    if (!graphics)
        return;
    g_free(graphics->listen);
    if (graphics->passwd) {
        /* do not leave a password behind in freed memory */
        memset(graphics->passwd, 0, strlen(graphics->passwd));
        g_free(graphics->passwd);
    }
    g_free(graphics->keymap);
    g_free(graphics->display);
    g_free(graphics->xauth);
    g_free(graphics);
}

xvmDomainInputDef *
xvmDomainInputDefNew(void)
{
    return g_new0(xvmDomainInputDef, 1);
}

void
xvmDomainInputDefFree(xvmDomainInputDef *input)
{
    g_free(input);
}

xvmDomainVideoDef *
xvmDomainVideoDefNew(void)
{
    return g_new0(xvmDomainVideoDef, 1);
}

void
xvmDomainVideoDefFree(xvmDomainVideoDef *video)
{
    g_free(video);
}

xvmDomainVcpuPinDef *
xvmDomainVcpuPinDefNew(void)
{
    return g_new0(xvmDomainVcpuPinDef, 1);
}

void
xvmDomainVcpuPinDefFree(xvmDomainVcpuPinDef *pin)
{
    if (!pin)
        return;
    xvmBitmapFree(pin->cpumask);
    g_free(pin);
}

/* ------------------------------------------------------------------------ */
/* Domain                                                                   */
/* ------------------------------------------------------------------------ */

xvmDomainDef *
xvmDomainDefNew(void)
{
    xvmDomainDef *def = g_new0(xvmDomainDef, 1);

    def->id = -1;
    def->os.type = XVM_DOMAIN_OS_TYPE_XEN;
    def->os.arch = XVM_DOMAIN_ARCH_X86_64;
    def->os.machine = XVM_DOMAIN_MACHINE_XENPV;
    def->on_poweroff = XVM_DOMAIN_LIFECYCLE_ACTION_DESTROY;
    def->on_reboot = XVM_DOMAIN_LIFECYCLE_ACTION_RESTART;
    def->on_crash = XVM_DOMAIN_LIFECYCLE_ACTION_DESTROY;
    def->vcpupins = g_ptr_array_new_with_free_func((GDestroyNotify)xvmDomainVcpuPinDefFree);
    def->disks = g_ptr_array_new_with_free_func((GDestroyNotify)xvmDomainDiskDefFree);
    def->controllers = g_ptr_array_new_with_free_func((GDestroyNotify)xvmDomainControllerDefFree);
    def->nets = g_ptr_array_new_with_free_func((GDestroyNotify)xvmDomainNetDefFree);
    def->serials = g_ptr_array_new_with_free_func((GDestroyNotify)xvmDomainChrDefFree);
    def->consoles = g_ptr_array_new_with_free_func((GDestroyNotify)xvmDomainChrDefFree);
    def->inputs = g_ptr_array_new_with_free_func((GDestroyNotify)xvmDomainInputDefFree);
    def->graphics = g_ptr_array_new_with_free_func((GDestroyNotify)xvmDomainGraphicsDefFree);
    def->videos = g_ptr_array_new_with_free_func((GDestroyNotify)xvmDomainVideoDefFree);
    return def;
}

void
xvmDomainDefFree(xvmDomainDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    g_free(def->metadata);
    xvmBitmapFree(def->cpumask);
    g_ptr_array_unref(def->vcpupins);
    g_free(def->os.loader);
    g_free(def->os.kernel);
    g_free(def->os.initrd);
    g_free(def->os.cmdline);
    g_free(def->os.bootloader);
    g_free(def->os.bootloader_args);
    g_free(def->emulator);
    g_ptr_array_unref(def->disks);
    g_ptr_array_unref(def->controllers);
    g_ptr_array_unref(def->nets);
    g_ptr_array_unref(def->serials);
    g_ptr_array_unref(def->consoles);
    g_ptr_array_unref(def->inputs);
    g_ptr_array_unref(def->graphics);
    g_ptr_array_unref(def->videos);
    g_free(def);
}

xvmDomainDiskDef *
xvmDomainDefFindDisk(const xvmDomainDef *def, const char *dst)
{
    for (guint i = 0; i < def->disks->len; i++) {
        xvmDomainDiskDef *disk = g_ptr_array_index(def->disks, i);
        if (disk->dst && dst && strcmp(disk->dst, dst) == 0)
            return disk;
    }
    return NULL;
}

gboolean
xvmDomainNetIfnameIsGenerated(const char *name)
{
    const char *p = name;

    if (!p || !g_str_has_prefix(p, "vif"))
        return FALSE;
    p += 3;
    if (!g_ascii_isdigit(*p))
        return FALSE;
    while (g_ascii_isdigit(*p))
        p++;
    if (*p++ != '.' || !g_ascii_isdigit(*p))
        return FALSE;
    while (g_ascii_isdigit(*p))
        p++;
    return *p == '\0' || strcmp(p, "-emu") == 0;
}

xvmDomainNetDef *
xvmDomainDefFindNetByMac(const xvmDomainDef *def, const xvmMac *mac)
{
    for (guint i = 0; i < def->nets->len; i++) {
        xvmDomainNetDef *net = g_ptr_array_index(def->nets, i);
        if (net->mac_set && xvmMacEqual(&net->mac, mac))
            return net;
    }
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Copy                                                                     */
/* ------------------------------------------------------------------------ */

xvmDomainDiskDef *
xvmDomainDiskDefCopy(const xvmDomainDiskDef *src)
{
    xvmDomainDiskDef *d = g_memdup2(src, sizeof(*src));
    d->src = g_strdup(src->src);
    d->dst = g_strdup(src->dst);
    return d;
}

static xvmDomainControllerDef *
controller_copy(const xvmDomainControllerDef *src)
{
    xvmDomainControllerDef *c = g_memdup2(src, sizeof(*src));
    c->model = g_strdup(src->model);
    return c;
}

xvmDomainNetDef *
xvmDomainNetDefCopy(const xvmDomainNetDef *src)
{
    xvmDomainNetDef *n = g_memdup2(src, sizeof(*src));
    n->source = g_strdup(src->source);
    n->script = g_strdup(src->script);
    n->model = g_strdup(src->model);
    n->ifname = g_strdup(src->ifname);
    n->ips = g_ptr_array_new_with_free_func((GDestroyNotify)xvmDomainNetIPDefFree);
    for (guint i = 0; i < src->ips->len; i++) {
        const xvmDomainNetIPDef *ip = g_ptr_array_index(src->ips, i);
        g_ptr_array_add(n->ips, xvmDomainNetIPDefNew(ip->address, ip->prefix));
    }
    return n;
}

static xvmDomainChrDef *
chr_copy(const xvmDomainChrDef *src)
{
    xvmDomainChrDef *c = g_memdup2(src, sizeof(*src));
    c->tty = g_strdup(src->tty);
    return c;
}

static xvmDomainGraphicsDef *
graphics_copy(const xvmDomainGraphicsDef *src)
{
    xvmDomainGraphicsDef *g = g_memdup2(src, sizeof(*src));
    g->listen = g_strdup(src->listen);
    g->passwd = g_strdup(src->passwd);
    g->keymap = g_strdup(src->keymap);
    g->display = g_strdup(src->display);
    g->xauth = g_strdup(src->xauth);
    return g;
}

static xvmDomainVcpuPinDef *
vcpupin_copy(const xvmDomainVcpuPinDef *src)
{
    xvmDomainVcpuPinDef *p = g_memdup2(src, sizeof(*src));
    p->cpumask = xvmBitmapCopy(src->cpumask);
    return p;
}

static gpointer
plain_copy_input(gconstpointer src, gpointer data)
{
    return g_memdup2(src, sizeof(xvmDomainInputDef));
}

static gpointer
plain_copy_video(gconstpointer src, gpointer data)
{
    return g_memdup2(src, sizeof(xvmDomainVideoDef));
}

static void
copy_array(GPtrArray *dst, const GPtrArray *src, GCopyFunc fn)
{
    for (guint i = 0; i < src->len; i++)
        g_ptr_array_add(dst, fn(g_ptr_array_index(src, i), NULL));
}

#define disk_copy xvmDomainDiskDefCopy
#define net_copy xvmDomainNetDefCopy
#define COPY_FN(fn) \
    static gpointer fn##_g(gconstpointer s, gpointer data) { return fn(s); }
COPY_FN(disk_copy)
COPY_FN(controller_copy)
COPY_FN(net_copy)
COPY_FN(chr_copy)
COPY_FN(graphics_copy)
COPY_FN(vcpupin_copy)

xvmDomainDef *
xvmDomainDefCopy(const xvmDomainDef *src)
{
    xvmDomainDef *def = xvmDomainDefNew();
    GPtrArray *arrays[] = {
        def->vcpupins, def->disks, def->controllers, def->nets, def->serials,
        def->consoles, def->inputs, def->graphics, def->videos,
    };

    /* scalars first, then replace every pointer with a deep copy */
    memcpy(def, src, sizeof(*def));
    def->vcpupins = arrays[0];
    def->disks = arrays[1];
    def->controllers = arrays[2];
    def->nets = arrays[3];
    def->serials = arrays[4];
    def->consoles = arrays[5];
    def->inputs = arrays[6];
    def->graphics = arrays[7];
    def->videos = arrays[8];

    def->name = g_strdup(src->name);
    def->title = g_strdup(src->title);
    def->description = g_strdup(src->description);
    def->metadata = g_strdup(src->metadata);
    def->cpumask = xvmBitmapCopy(src->cpumask);
    def->os.loader = g_strdup(src->os.loader);
    def->os.kernel = g_strdup(src->os.kernel);
    def->os.initrd = g_strdup(src->os.initrd);
    def->os.cmdline = g_strdup(src->os.cmdline);
    def->os.bootloader = g_strdup(src->os.bootloader);
    def->os.bootloader_args = g_strdup(src->os.bootloader_args);
    def->emulator = g_strdup(src->emulator);

    copy_array(def->vcpupins, src->vcpupins, vcpupin_copy_g);
    copy_array(def->disks, src->disks, disk_copy_g);
    copy_array(def->controllers, src->controllers, controller_copy_g);
    copy_array(def->nets, src->nets, net_copy_g);
    copy_array(def->serials, src->serials, chr_copy_g);
    copy_array(def->consoles, src->consoles, chr_copy_g);
    copy_array(def->inputs, src->inputs, plain_copy_input);
    copy_array(def->graphics, src->graphics, graphics_copy_g);
    copy_array(def->videos, src->videos, plain_copy_video);
    return def;
}

/* ------------------------------------------------------------------------ */
/* Disk names                                                               */
/* ------------------------------------------------------------------------ */

int
xvmDiskNameToIndex(const char *name)
{
    static const char *const prefixes[] = { "xvd", "hd", "sd" };
    const char *p = NULL;
    gint64 idx = 0;

    if (!name)
        return -1;
    for (gsize i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        if (g_str_has_prefix(name, prefixes[i])) {
            p = name + strlen(prefixes[i]);
            break;
        }
    }
    if (!p || *p == '\0')
        return -1;
    /* bijective base 26, as libvirt's virDiskNameToIndex: a=0 .. z=25, aa=26 */
    for (guint i = 0; *p; p++, i++) {
        if (*p < 'a' || *p > 'z')
            return -1;
        idx = (idx + (i == 0 ? 0 : 1)) * 26 + (*p - 'a');
        if (idx > G_MAXINT / 27)
            return -1;
    }
    return (int)idx;
}
