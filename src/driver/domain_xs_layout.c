/* The xenstore tree of a domain (see domain_xs_layout.h). */
#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "domain_xs_layout.h"

/* The console ring's output limit libxl gives xenconsoled. */
#define CONSOLE_LIMIT "1048576"

void
xvmXsEntryFree(xvmXsEntry *e)
{
    if (!e)
        return;
    g_free(e->path);
    g_free(e->value);
    g_free(e->perms);
    g_free(e);
}

static GPtrArray *
layout_new(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify)xvmXsEntryFree);
}

/* Appends DIR/KEY (DIR itself when key is "") = the formatted value;
 * perms NULL: inherited from the parent. */
static void G_GNUC_PRINTF(5, 6)
add(GPtrArray *out, const char *dir, const char *perms, const char *key,
    const char *fmt, ...)
{
    xvmXsEntry *e = g_new0(xvmXsEntry, 1);
    va_list ap;

    va_start(ap, fmt);
    e->value = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    e->path = *key ? g_strdup_printf("%s/%s", dir, key) : g_strdup(dir);
    e->perms = g_strdup(perms);
    g_ptr_array_add(out, e);
}

/* A directory with its own permissions. */
#define ADD_DIR(out, path, perms)        add(out, path, perms, "", "%s", "")
/* DIR/KEY = VALUE, inheriting the permissions of its parent. */
#define ADD(out, dir, key, ...)          add(out, dir, NULL, key, __VA_ARGS__)
/* DIR/KEY = VALUE with its own permissions. */
#define ADD_P(out, dir, perms, key, ...) add(out, dir, perms, key, __VA_ARGS__)

char *
xvmXsDomainPath(uint32_t domid)
{
    return g_strdup_printf("/local/domain/%" PRIu32, domid);
}

char *
xvmXsVmPath(const xvmUuid *uuid)
{
    char buf[XVM_UUID_STRING_BUFLEN];

    xvmUuidFormat(uuid, buf);
    return g_strdup_printf("/vm/%s", buf);
}

char *
xvmXsFrontendPath(uint32_t domid, const char *kind, guint devid)
{
    return g_strdup_printf("/local/domain/%" PRIu32 "/device/%s/%u", domid, kind, devid);
}

char *
xvmXsBackendPath(uint32_t backend_domid, const char *kind, uint32_t domid, guint devid)
{
    return g_strdup_printf("/local/domain/%" PRIu32 "/backend/%s/%" PRIu32 "/%u",
                           backend_domid, kind, domid, devid);
}

/* Xen's virtual device numbers (docs/misc/vbd-interface.txt):
 *   202 << 8 | disk << 4        xvd, disks 0..15
 *   1 << 28 | disk << 8         xvd (and sd), disks 16 onwards
 *   8 << 8 | disk << 4          sd, disks 0..15
 *   3 << 8 | disk << 6          hd, disks 0..1
 *   22 << 8 | (disk - 2) << 6   hd, disks 2..3 */
int
xvmXsDiskDevid(const char *dst)
{
    int disk = xvmDiskNameToIndex(dst);

    if (disk < 0)
        return -1;
    if (g_str_has_prefix(dst, "hd")) {
        if (disk < 2)
            return (3 << 8) | (disk << 6);
        if (disk < 4)
            return (22 << 8) | ((disk - 2) << 6);
        return -1;
    }
    if (disk < 16)
        return (g_str_has_prefix(dst, "sd") ? 8 << 8 : 202 << 8) | (disk << 4);
    if (disk >= (1 << 20))
        return -1;
    return (1 << 28) | (disk << 8);
}

/* Frontend directories are the guest's, readable by the backend domain;
 * backend directories the backend domain's, readable by the guest. */
static char *
frontend_perms(uint32_t domid, uint32_t backend_domid)
{
    return g_strdup_printf("n%" PRIu32 " r%" PRIu32, domid, backend_domid);
}

static char *
backend_perms(uint32_t domid, uint32_t backend_domid)
{
    return g_strdup_printf("n%" PRIu32 " r%" PRIu32, backend_domid, domid);
}

static const char *
disk_backend_type(const xvmDomainDiskDef *disk)
{
    return disk->driver == XVM_DOMAIN_DISK_DRIVER_QEMU ? "qdisk" : "phy";
}

/* libxl__device_disk_string_of_format: raw is "aio". */
static const char *
qdisk_format(xvmDomainDiskFormat format)
{
    switch (format) {
    case XVM_DOMAIN_DISK_FORMAT_QCOW:
        return "qcow";
    case XVM_DOMAIN_DISK_FORMAT_QCOW2:
        return "qcow2";
    case XVM_DOMAIN_DISK_FORMAT_QED:
        return "qed";
    case XVM_DOMAIN_DISK_FORMAT_VHD:
        return "vhd";
    case XVM_DOMAIN_DISK_FORMAT_DEFAULT:
    case XVM_DOMAIN_DISK_FORMAT_RAW:
    default:
        return "aio";
    }
}

GPtrArray *
xvmXsDiskLayout(const xvmDomainDiskDef *disk, uint32_t domid, uint32_t backend_domid,
                GError **error)
{
    g_autoptr(GPtrArray) out = layout_new();
    g_autofree char *fe = NULL;
    g_autofree char *be = NULL;
    g_autofree char *fe_perms = frontend_perms(domid, backend_domid);
    g_autofree char *be_perms = backend_perms(domid, backend_domid);
    const char *device_type = disk->device == XVM_DOMAIN_DISK_DEVICE_CDROM ? "cdrom" : "disk";
    int devid = xvmXsDiskDevid(disk->dst);

    if (devid < 0) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("disk target '%s' has no Xen virtual device number"),
                     disk->dst ? disk->dst : "");
        return NULL;
    }
    /* blkback serves raw data only: an image format needs QEMU */
    if (disk->format != XVM_DOMAIN_DISK_FORMAT_DEFAULT &&
        disk->format != XVM_DOMAIN_DISK_FORMAT_RAW &&
        disk->driver != XVM_DOMAIN_DISK_DRIVER_QEMU) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("disk '%s': a %s image needs the qemu backend (<driver name='qemu'/>)"),
                     disk->dst, xvmDomainDiskFormatTypeToString(disk->format));
        return NULL;
    }
    fe = xvmXsFrontendPath(domid, "vbd", devid);
    be = xvmXsBackendPath(backend_domid, "vbd", domid, devid);

    ADD_DIR(out, be, be_perms);
    ADD(out, be, "frontend", "%s", fe);
    ADD(out, be, "frontend-id", "%" PRIu32, domid);
    if (disk->driver == XVM_DOMAIN_DISK_DRIVER_QEMU && disk->src) {
        /* As libxl for qdisk: "FORMAT:PATH", so that QEMU opens the image
         * in its format (without one it reads it as raw data) */
        ADD(out, be, "params", "%s:%s", qdisk_format(disk->format), disk->src);
    } else {
        ADD(out, be, "params", "%s", disk->src ? disk->src : "");
    }
    ADD(out, be, "script", "%s", "/etc/xen/scripts/block");
    ADD(out, be, "type", "%s", disk_backend_type(disk));
    ADD(out, be, "dev", "%s", disk->dst);
    ADD(out, be, "mode", "%s", disk->readonly ? "r" : (disk->shareable ? "w!" : "w"));
    ADD(out, be, "device-type", "%s", device_type);
    ADD(out, be, "removable", "%d", disk->device == XVM_DOMAIN_DISK_DEVICE_CDROM);
    ADD(out, be, "bootable", "%s", "1");
    ADD(out, be, "online", "%s", "1");
    ADD(out, be, "state", "%s", "1");

    ADD_DIR(out, fe, fe_perms);
    ADD(out, fe, "backend", "%s", be);
    ADD(out, fe, "backend-id", "%" PRIu32, backend_domid);
    ADD(out, fe, "virtual-device", "%d", devid);
    ADD(out, fe, "device-type", "%s", device_type);
    ADD(out, fe, "state", "%s", "1");
    return g_steal_pointer(&out);
}

GPtrArray *
xvmXsNetLayout(const xvmDomainNetDef *net, guint devid, uint32_t domid,
               uint32_t backend_domid)
{
    GPtrArray *out = layout_new();
    g_autofree char *fe = xvmXsFrontendPath(domid, "vif", devid);
    g_autofree char *be = xvmXsBackendPath(backend_domid, "vif", domid, devid);
    g_autofree char *fe_perms = frontend_perms(domid, backend_domid);
    g_autofree char *be_perms = backend_perms(domid, backend_domid);
    char mac[XVM_MAC_STRING_BUFLEN];

    xvmMacFormat(&net->mac, mac);

    ADD_DIR(out, be, be_perms);
    ADD(out, be, "frontend", "%s", fe);
    ADD(out, be, "frontend-id", "%" PRIu32, domid);
    ADD(out, be, "script", "%s", net->script ? net->script : "/etc/xen/scripts/vif-bridge");
    if (net->source)
        ADD(out, be, "bridge", "%s", net->source);
    ADD(out, be, "mac", "%s", mac);
    ADD(out, be, "handle", "%u", devid);
    ADD(out, be, "type", "%s", "vif");
    if (net->ifname)
        ADD(out, be, "vifname", "%s", net->ifname);
    if (net->ips->len) {
        /* libxl joins the addresses with spaces in one "ip" key. */
        g_autoptr(GString) all = g_string_new(NULL);

        for (guint i = 0; i < net->ips->len; i++) {
            const xvmDomainNetIPDef *ip = g_ptr_array_index(net->ips, i);

            g_string_append_printf(all, "%s%s", i ? " " : "", ip->address);
        }
        ADD(out, be, "ip", "%s", all->str);
    }
    if (net->bandwidth_out_average) {
        /* As libvirt's libxl driver: <outbound average> KB/s as a credit of
         * bytes per 50 ms interval (xl's default; libvirt has no interval),
         * which libxl writes as "BYTES,USECS" for netback. The average is
         * at most G_MAXUINT32 (validated): no overflow. */
        guint64 bytes_per_sec = net->bandwidth_out_average * 1024;

        ADD(out, be, "rate", "%" G_GUINT64_FORMAT ",%u",
            bytes_per_sec * XVM_XS_VIF_RATE_INTERVAL_USECS / G_USEC_PER_SEC,
            (guint)XVM_XS_VIF_RATE_INTERVAL_USECS);
    }
    ADD(out, be, "online", "%s", "1");
    ADD(out, be, "state", "%s", "1");

    ADD_DIR(out, fe, fe_perms);
    ADD(out, fe, "backend", "%s", be);
    ADD(out, fe, "backend-id", "%" PRIu32, backend_domid);
    ADD(out, fe, "handle", "%u", devid);
    ADD(out, fe, "mac", "%s", mac);
    ADD(out, fe, "state", "%s", "1");
    return out;
}

static void
append_all(GPtrArray *out, GPtrArray *more)
{
    for (guint i = 0; i < more->len; i++)
        g_ptr_array_add(out, g_steal_pointer(&more->pdata[i]));
    g_ptr_array_set_free_func(more, NULL);
    g_ptr_array_unref(more);
}

static const char *
ostype(const xvmDomainDef *def)
{
    switch (def->os.type) {
    case XVM_DOMAIN_OS_TYPE_HVM:
        return "hvm";
    case XVM_DOMAIN_OS_TYPE_XENPVH:
        return "pvh";
    default:
        return "linux";
    }
}

/* The PV console: frontend keys in the domain's console/ directory, the
 * backend for xenconsoled in the backend domain. */
static void
console_layout(GPtrArray *out, const xvmXsBuildInfo *bi)
{
    g_autofree char *fe = g_strdup_printf("/local/domain/%" PRIu32 "/console", bi->domid);
    g_autofree char *be = xvmXsBackendPath(bi->backend_domid, "console", bi->domid, 0);
    g_autofree char *fe_perms = frontend_perms(bi->domid, bi->backend_domid);
    g_autofree char *be_perms = backend_perms(bi->domid, bi->backend_domid);

    ADD_DIR(out, fe, fe_perms);
    ADD(out, fe, "backend", "%s", be);
    ADD(out, fe, "backend-id", "%" PRIu32, bi->backend_domid);
    ADD(out, fe, "limit", "%s", CONSOLE_LIMIT);
    ADD(out, fe, "type", "%s", "xenconsoled");
    ADD(out, fe, "output", "%s", "pty");
    ADD(out, fe, "tty", "%s", "");
    ADD(out, fe, "port", "%" PRIu32, bi->console_port);
    ADD(out, fe, "ring-ref", "%" PRIu64, bi->console_gfn);

    ADD_DIR(out, be, be_perms);
    ADD(out, be, "frontend", "%s", fe);
    ADD(out, be, "frontend-id", "%" PRIu32, bi->domid);
    ADD(out, be, "online", "%s", "1");
    ADD(out, be, "state", "%s", "1");
    ADD(out, be, "protocol", "%s", "vt100");
}

GPtrArray *
xvmXsDomainLayout(const xvmDomainDef *def, const xvmXsBuildInfo *bi, GError **error)
{
    g_autoptr(GPtrArray) out = layout_new();
    g_autofree char *dom = xvmXsDomainPath(bi->domid);
    g_autofree char *vm = xvmXsVmPath(&def->uuid);
    g_autofree char *ro = g_strdup_printf("n0 r%" PRIu32, bi->domid);   /* toolstack's, guest reads */
    g_autofree char *rw = g_strdup_printf("n%" PRIu32, bi->domid);      /* the guest's */
    g_autofree char *control = g_strdup_printf("%s/control", dom);
    char uuidbuf[XVM_UUID_STRING_BUFLEN];
    guint64 current = def->current_memory ? def->current_memory : def->memory;
    guint64 videoram = 0;
    guint online = def->vcpus_current ? def->vcpus_current : def->vcpus;
    static const char *const guest_dirs[] = { "data", "drivers", "feature", "attr", "error" };
    static const char *const guest_controls[] = {
        "shutdown", "feature-poweroff", "feature-reboot", "feature-suspend", "sysrq",
    };

    if (def->os.type == XVM_DOMAIN_OS_TYPE_HVM) {
        for (guint i = 0; i < def->videos->len; i++) {
            const xvmDomainVideoDef *v = g_ptr_array_index(def->videos, i);

            if (v->primary || i == 0)
                videoram = v->vram;
        }
        if (videoram >= current)
            videoram = 0;
    }
    xvmUuidFormat(&def->uuid, uuidbuf);

    /* /vm/UUID: the domain's identity, kept by the toolstack. */
    ADD_DIR(out, vm, ro);
    ADD(out, vm, "uuid", "%s", uuidbuf);
    ADD(out, vm, "name", "%s", def->name);
    ADD(out, vm, "start_time", "%" G_GINT64_FORMAT, bi->start_time);
    ADD(out, vm, "image/ostype", "%s", ostype(def));
    if (def->os.kernel)
        ADD(out, vm, "image/kernel", "%s", def->os.kernel);
    if (def->os.initrd)
        ADD(out, vm, "image/ramdisk", "%s", def->os.initrd);
    if (def->os.cmdline)
        ADD(out, vm, "image/cmdline", "%s", def->os.cmdline);

    /* /local/domain/N */
    ADD_DIR(out, dom, ro);
    ADD(out, dom, "vm", "%s", vm);
    ADD(out, dom, "name", "%s", def->name);
    ADD(out, dom, "domid", "%" PRIu32, bi->domid);
    ADD_P(out, dom, ro, "device", "%s", "");
    ADD_P(out, dom, ro, "control", "%s", "");
    for (gsize i = 0; i < G_N_ELEMENTS(guest_controls); i++)
        ADD_P(out, control, rw, guest_controls[i], "%s", "");
    ADD(out, control, "platform-feature-multiprocessor-suspend", "%s", "1");
    ADD(out, control, "platform-feature-xs_reset_watches", "%s", "1");
    for (gsize i = 0; i < G_N_ELEMENTS(guest_dirs); i++)
        ADD_P(out, dom, rw, guest_dirs[i], "%s", "");
    if (def->os.type == XVM_DOMAIN_OS_TYPE_HVM)
        ADD_P(out, dom, ro, "hvmloader", "%s", "");

    ADD(out, dom, "memory/static-max", "%" G_GUINT64_FORMAT, def->memory);
    ADD(out, dom, "memory/target", "%" G_GUINT64_FORMAT, current - videoram);
    ADD(out, dom, "memory/videoram", "%" G_GUINT64_FORMAT, videoram);
    for (guint i = 0; i < def->vcpus; i++) {
        g_autofree char *key = g_strdup_printf("cpu/%u/availability", i);

        ADD(out, dom, key, "%s", i < online ? "online" : "offline");
    }
    ADD(out, dom, "store/port", "%" PRIu32, bi->store_port);
    ADD(out, dom, "store/ring-ref", "%" PRIu64, bi->store_gfn);

    console_layout(out, bi);

    for (guint i = 0; i < def->disks->len; i++) {
        GPtrArray *disk = xvmXsDiskLayout(g_ptr_array_index(def->disks, i), bi->domid,
                                          bi->backend_domid, error);
        if (!disk)
            return NULL;
        append_all(out, disk);
    }
    for (guint i = 0; i < def->nets->len; i++)
        append_all(out, xvmXsNetLayout(g_ptr_array_index(def->nets, i), i, bi->domid,
                                       bi->backend_domid));
    return g_steal_pointer(&out);
}

char *
xvmXsLayoutFormat(const GPtrArray *entries)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < entries->len; i++) {
        const xvmXsEntry *e = g_ptr_array_index((GPtrArray *)entries, i);
        g_autofree char *value = g_strescape(e->value, NULL);

        g_string_append_printf(s, "%s = \"%s\"", e->path, value);
        if (e->perms)
            g_string_append_printf(s, " [%s]", e->perms);
        g_string_append_c(s, '\n');
    }
    return g_string_free(s, FALSE);
}
