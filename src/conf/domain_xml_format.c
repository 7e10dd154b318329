/*
 * domain_xml_format.c: xvmDomainDef -> libvirt domain XML, in libvirt's
 * canonical form: 2-space indentation, libvirt's element and attribute
 * order, single-quoted attributes, text escaped as virBufferEscapeString
 * does.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_conf.h"

#include <string.h>
#include <glib/gi18n.h>

typedef struct {
    GString *buf;
    guint indent;
    unsigned int flags;
    gboolean live;
    GError **error;
    gboolean failed;
} Fmt;

/* Escape as libvirt's virBufferEscapeString: the five XML specials become
 * entities, other control characters except TAB, LF and CR are dropped.
 * So that every value survives XML's end-of-line and attribute-value
 * normalisation on the way back in, CR is written as a character
 * reference, and so are TAB and LF inside attribute values. */
static void
append_escaped_full(GString *buf, const char *s, gboolean in_attr)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '<': g_string_append(buf, "&lt;"); break;
        case '>': g_string_append(buf, "&gt;"); break;
        case '&': g_string_append(buf, "&amp;"); break;
        case '"': g_string_append(buf, "&quot;"); break;
        case '\'': g_string_append(buf, "&apos;"); break;
        case '\r': g_string_append(buf, "&#13;"); break;
        case '\n':
        case '\t':
            if (in_attr)
                g_string_append_printf(buf, "&#%d;", *p);
            else
                g_string_append_c(buf, (char)*p);
            break;
        default:
            if (*p < 0x20)
                break;
            g_string_append_c(buf, (char)*p);
        }
    }
}

static void
append_escaped(GString *buf, const char *s)
{
    append_escaped_full(buf, s, FALSE);
}

static void
line_start(Fmt *f)
{
    for (guint i = 0; i < f->indent; i++)
        g_string_append_c(f->buf, ' ');
}

/* "<name>escaped text</name>\n" when text != NULL */
static void
text_elem(Fmt *f, const char *name, const char *text)
{
    if (!text)
        return;
    line_start(f);
    g_string_append_printf(f->buf, "<%s>", name);
    append_escaped(f->buf, text);
    g_string_append_printf(f->buf, "</%s>\n", name);
}

/* " name='escaped value'" when value != NULL */
static void
attr_str(Fmt *f, const char *name, const char *value)
{
    if (!value)
        return;
    g_string_append_printf(f->buf, " %s='", name);
    append_escaped_full(f->buf, value, TRUE);
    g_string_append_c(f->buf, '\'');
}

static void
attr_uint(Fmt *f, const char *name, guint64 value)
{
    g_string_append_printf(f->buf, " %s='%" G_GUINT64_FORMAT "'", name, value);
}

static void
attr_int(Fmt *f, const char *name, gint64 value)
{
    g_string_append_printf(f->buf, " %s='%" G_GINT64_FORMAT "'", name, value);
}

/* Name of an enum value; NULL (and an error) when out of range. */
static const char *
enum_str(Fmt *f, const char *what, const char *s, int v)
{
    if (!s && !f->failed) {
        xvmConfError(f->error, VIR_ERR_INTERNAL_ERROR,
                     _("cannot format %s: unexpected value %d"), what, v);
        f->failed = TRUE;
    }
    return s ? s : "";
}

#define ENUM(f, type, what, v) enum_str(f, what, type##TypeToString(v), (int)(v))

static void
open_elem(Fmt *f, const char *name)
{
    line_start(f);
    g_string_append_printf(f->buf, "<%s", name);
}

static void
close_open(Fmt *f)         /* ">\n", children follow */
{
    g_string_append(f->buf, ">\n");
    f->indent += 2;
}

static void
close_empty(Fmt *f)        /* "/>\n" */
{
    g_string_append(f->buf, "/>\n");
}

static void
end_elem(Fmt *f, const char *name)
{
    f->indent -= 2;
    line_start(f);
    g_string_append_printf(f->buf, "</%s>\n", name);
}

/* ------------------------------------------------------------------------ */

static void
format_vcpu(Fmt *f, const xvmDomainDef *def)
{
    guint current = def->vcpus_current ? def->vcpus_current : def->vcpus;

    open_elem(f, "vcpu");
    attr_str(f, "placement", ENUM(f, xvmDomainCpuPlacement, "vcpu placement", def->placement));
    if (def->cpumask) {
        g_autofree char *s = xvmBitmapFormat(def->cpumask);
        attr_str(f, "cpuset", s);
    }
    if (current != def->vcpus)
        attr_uint(f, "current", current);
    g_string_append_printf(f->buf, ">%u</vcpu>\n", def->vcpus);

    /* libvirt's order inside <cputune>: shares, (period, quota, ...),
     * vcpupin */
    if (def->cputune_shares_set || def->vcpupins->len) {
        open_elem(f, "cputune");
        close_open(f);
        if (def->cputune_shares_set) {
            g_autofree char *s = g_strdup_printf("%u", def->cputune_shares);
            text_elem(f, "shares", s);
        }
        for (guint i = 0; i < def->vcpupins->len; i++) {
            const xvmDomainVcpuPinDef *pin = g_ptr_array_index(def->vcpupins, i);
            g_autofree char *s = xvmBitmapFormat(pin->cpumask);
            open_elem(f, "vcpupin");
            attr_uint(f, "vcpu", pin->vcpu);
            attr_str(f, "cpuset", s);
            close_empty(f);
        }
        end_elem(f, "cputune");
    }
}

static void
format_os(Fmt *f, const xvmDomainDef *def)
{
    const xvmDomainOSDef *os = &def->os;

    text_elem(f, "bootloader", os->bootloader);
    text_elem(f, "bootloader_args", os->bootloader_args);

    open_elem(f, "os");
    close_open(f);
    open_elem(f, "type");
    attr_str(f, "arch", ENUM(f, xvmDomainArch, "architecture", os->arch));
    attr_str(f, "machine", ENUM(f, xvmDomainMachine, "machine", os->machine));
    /* as libvirt: Xen PV is written with its historical name */
    g_string_append_printf(f->buf, ">%s</type>\n",
                           os->type == XVM_DOMAIN_OS_TYPE_XEN
                           ? "linux" : ENUM(f, xvmDomainOSType, "os type", os->type));
    if (os->loader) {
        open_elem(f, "loader");
        if (os->loader_readonly)
            attr_str(f, "readonly", ENUM(f, xvmTristateBool, "loader readonly",
                                         os->loader_readonly));
        if (os->loader_type)
            attr_str(f, "type", ENUM(f, xvmDomainLoaderType, "loader type", os->loader_type));
        g_string_append_c(f->buf, '>');
        append_escaped(f->buf, os->loader);
        g_string_append(f->buf, "</loader>\n");
    }
    text_elem(f, "kernel", os->kernel);
    text_elem(f, "initrd", os->initrd);
    text_elem(f, "cmdline", os->cmdline);
    for (guint i = 0; i < os->nboot && i < XVM_DOMAIN_MAX_BOOT_DEVS; i++) {
        open_elem(f, "boot");
        attr_str(f, "dev", ENUM(f, xvmDomainBootDev, "boot device", os->boot[i]));
        close_empty(f);
    }
    end_elem(f, "os");
}

static void
format_features(Fmt *f, const xvmDomainDef *def)
{
    gboolean any = FALSE;

    for (guint i = 0; i < XVM_DOMAIN_FEATURE_LAST; i++)
        if (def->features[i] != XVM_TRISTATE_SWITCH_ABSENT)
            any = TRUE;
    if (!any)
        return;
    open_elem(f, "features");
    close_open(f);
    for (guint i = 0; i < XVM_DOMAIN_FEATURE_LAST; i++) {
        const char *name = ENUM(f, xvmDomainFeature, "feature", i);
        switch (def->features[i]) {
        case XVM_TRISTATE_SWITCH_ABSENT:
            break;
        case XVM_TRISTATE_SWITCH_ON:
            open_elem(f, name);
            close_empty(f);
            break;
        case XVM_TRISTATE_SWITCH_OFF:
            open_elem(f, name);
            /* only hap has an off state in libvirt's schema */
            if (i == XVM_DOMAIN_FEATURE_HAP)
                attr_str(f, "state", "off");
            close_empty(f);
            break;
        default:
            ENUM(f, xvmTristateSwitch, "feature state", def->features[i]);
        }
    }
    end_elem(f, "features");
}

static void
format_clock(Fmt *f, const xvmDomainDef *def)
{
    open_elem(f, "clock");
    attr_str(f, "offset", ENUM(f, xvmDomainClockOffset, "clock offset", def->clock.offset));
    if (def->clock.offset == XVM_DOMAIN_CLOCK_OFFSET_VARIABLE) {
        attr_int(f, "adjustment", def->clock.adjustment);
        attr_str(f, "basis", ENUM(f, xvmDomainClockBasis, "clock basis", def->clock.basis));
    } else if (def->clock.adjustment_reset) {
        attr_str(f, "adjustment", "reset");
    }
    {
        gboolean any = FALSE;

        for (guint i = 0; i < XVM_DOMAIN_TIMER_NAME_LAST; i++)
            any = any || def->clock.timers[i].set;
        if (!any) {
            close_empty(f);
            return;
        }
    }
    close_open(f);
    for (guint i = 0; i < XVM_DOMAIN_TIMER_NAME_LAST; i++) {
        const xvmDomainTimerDef *t = &def->clock.timers[i];

        if (!t->set)
            continue;
        /* libvirt's attribute order: name, present, tickpolicy, track, mode */
        open_elem(f, "timer");
        attr_str(f, "name", ENUM(f, xvmDomainTimerName, "timer name", i));
        if (t->present != XVM_TRISTATE_BOOL_ABSENT)
            attr_str(f, "present", ENUM(f, xvmTristateBool, "timer present", t->present));
        if (t->mode != XVM_DOMAIN_TIMER_MODE_NONE)
            attr_str(f, "mode", ENUM(f, xvmDomainTimerMode, "timer mode", t->mode));
        close_empty(f);
    }
    end_elem(f, "clock");
}

static void
format_disk(Fmt *f, const xvmDomainDiskDef *disk)
{
    open_elem(f, "disk");
    attr_str(f, "type", ENUM(f, xvmDomainDiskType, "disk type", disk->type));
    attr_str(f, "device", ENUM(f, xvmDomainDiskDevice, "disk device", disk->device));
    close_open(f);
    if (disk->driver || disk->format) {
        open_elem(f, "driver");
        if (disk->driver)
            attr_str(f, "name", ENUM(f, xvmDomainDiskDriver, "disk driver", disk->driver));
        if (disk->format)
            attr_str(f, "type", ENUM(f, xvmDomainDiskFormat, "disk format", disk->format));
        close_empty(f);
    }
    if (disk->src) {
        open_elem(f, "source");
        attr_str(f, disk->type == XVM_DOMAIN_DISK_TYPE_BLOCK ? "dev" : "file", disk->src);
        close_empty(f);
    }
    open_elem(f, "target");
    attr_str(f, "dev", disk->dst ? disk->dst : "");
    if (disk->bus)
        attr_str(f, "bus", ENUM(f, xvmDomainDiskBus, "disk bus", disk->bus));
    close_empty(f);
    if (disk->readonly) {
        open_elem(f, "readonly");
        close_empty(f);
    }
    if (disk->shareable) {
        open_elem(f, "shareable");
        close_empty(f);
    }
    if (disk->has_address) {
        open_elem(f, "address");
        attr_str(f, "type", "drive");
        attr_uint(f, "controller", disk->addr_controller);
        attr_uint(f, "bus", disk->addr_bus);
        attr_uint(f, "target", disk->addr_target);
        attr_uint(f, "unit", disk->addr_unit);
        close_empty(f);
    }
    end_elem(f, "disk");
}

static void
format_controller(Fmt *f, const xvmDomainControllerDef *c)
{
    open_elem(f, "controller");
    attr_str(f, "type", ENUM(f, xvmDomainControllerType, "controller type", c->type));
    attr_uint(f, "index", c->index);
    attr_str(f, "model", c->model);
    if (c->max_grant_frames)
        attr_uint(f, "maxGrantFrames", c->max_grant_frames);
    if (c->max_event_channels)
        attr_uint(f, "maxEventChannels", c->max_event_channels);
    close_empty(f);
}


static void
format_interface(Fmt *f, const xvmDomainNetDef *net)
{
    open_elem(f, "interface");
    attr_str(f, "type", ENUM(f, xvmDomainNetType, "interface type", net->type));
    close_open(f);
    if (net->mac_set) {
        char mac[XVM_MAC_STRING_BUFLEN];
        xvmMacFormat(&net->mac, mac);
        open_elem(f, "mac");
        attr_str(f, "address", mac);
        close_empty(f);
    }
    if (net->source && net->type != XVM_DOMAIN_NET_TYPE_ETHERNET) {
        open_elem(f, "source");
        attr_str(f, net->type == XVM_DOMAIN_NET_TYPE_BRIDGE ? "bridge" : "network",
                 net->source);
        close_empty(f);
    }
    if (net->bandwidth_out_average) {
        /* libvirt's order: after <source>, before <ip> */
        open_elem(f, "bandwidth");
        close_open(f);
        open_elem(f, "outbound");
        attr_uint(f, "average", net->bandwidth_out_average);
        close_empty(f);
        end_elem(f, "bandwidth");
    }
    for (guint i = 0; i < net->ips->len; i++) {
        const xvmDomainNetIPDef *ip = g_ptr_array_index(net->ips, i);
        open_elem(f, "ip");
        attr_str(f, "address", ip->address);
        attr_str(f, "family", strchr(ip->address, ':') ? "ipv6" : "ipv4");
        if (ip->prefix)
            attr_uint(f, "prefix", ip->prefix);
        close_empty(f);
    }
    if (net->script) {
        open_elem(f, "script");
        attr_str(f, "path", net->script);
        close_empty(f);
    }
    if (net->ifname && (f->live || !xvmDomainNetIfnameIsGenerated(net->ifname))) {
        open_elem(f, "target");
        attr_str(f, "dev", net->ifname);
        close_empty(f);
    }
    if (net->model) {
        open_elem(f, "model");
        attr_str(f, "type", net->model);
        close_empty(f);
    }
    end_elem(f, "interface");
}

static void
format_chr(Fmt *f, const xvmDomainChrDef *chr)
{
    const char *elem = ENUM(f, xvmDomainChrDevice, "character device", chr->device);
    gboolean show_tty = f->live && chr->tty;

    open_elem(f, elem);
    attr_str(f, "type", ENUM(f, xvmDomainChrType, "character device type", chr->type));
    if (show_tty && chr->device == XVM_DOMAIN_CHR_DEVICE_CONSOLE)
        attr_str(f, "tty", chr->tty);
    close_open(f);
    if (show_tty) {
        open_elem(f, "source");
        attr_str(f, "path", chr->tty);
        close_empty(f);
    }
    open_elem(f, "target");
    if (chr->device == XVM_DOMAIN_CHR_DEVICE_CONSOLE && chr->target_type)
        attr_str(f, "type", ENUM(f, xvmDomainChrConsoleTarget, "console target type",
                                 chr->target_type));
    if (chr->port >= 0)
        attr_uint(f, "port", (guint)chr->port);
    close_empty(f);
    end_elem(f, elem);
}

static void
format_input(Fmt *f, const xvmDomainInputDef *input)
{
    open_elem(f, "input");
    attr_str(f, "type", ENUM(f, xvmDomainInputType, "input type", input->type));
    if (input->bus)
        attr_str(f, "bus", ENUM(f, xvmDomainInputBus, "input bus", input->bus));
    close_empty(f);
}

static void
format_graphics(Fmt *f, const xvmDomainGraphicsDef *g)
{
    open_elem(f, "graphics");
    attr_str(f, "type", ENUM(f, xvmDomainGraphicsType, "graphics type", g->type));

    if (g->type == XVM_DOMAIN_GRAPHICS_TYPE_SDL) {
        attr_str(f, "display", g->display);
        attr_str(f, "xauth", g->xauth);
        if (g->fullscreen)
            attr_str(f, "fullscreen", ENUM(f, xvmTristateBool, "fullscreen", g->fullscreen));
        close_empty(f);
        return;
    }

    /* a live domain shows the port it got; an inactive one says "automatic" */
    if (g->type == XVM_DOMAIN_GRAPHICS_TYPE_VNC) {
        if (g->port >= 0 && (!g->autoport || f->live))
            attr_int(f, "port", g->port);
        else if (g->autoport)
            attr_int(f, "port", -1);
    } else {
        if (g->port >= 0 && (!g->autoport || f->live))
            attr_int(f, "port", g->port);
        if (g->tls_port >= 0 && (!g->autoport || f->live))
            attr_int(f, "tlsPort", g->tls_port);
    }
    attr_str(f, "autoport", g->autoport ? "yes" : "no");
    attr_str(f, "listen", g->listen);
    attr_str(f, "keymap", g->keymap);
    if (f->flags & XVM_DOMAIN_XML_SECURE)
        attr_str(f, "passwd", g->passwd);
    close_open(f);
    open_elem(f, "listen");
    attr_str(f, "type", "address");
    attr_str(f, "address", g->listen);
    close_empty(f);
    end_elem(f, "graphics");
}

static void
format_video(Fmt *f, const xvmDomainVideoDef *v)
{
    open_elem(f, "video");
    close_open(f);
    open_elem(f, "model");
    attr_str(f, "type", ENUM(f, xvmDomainVideoModel, "video model", v->model));
    if (v->vram)
        attr_uint(f, "vram", v->vram);
    if (v->heads)
        attr_uint(f, "heads", v->heads);
    if (v->primary)
        attr_str(f, "primary", "yes");
    close_empty(f);
    end_elem(f, "video");
}

static void
format_devices(Fmt *f, const xvmDomainDef *def)
{
    open_elem(f, "devices");
    close_open(f);
    text_elem(f, "emulator", def->emulator);
    for (guint i = 0; i < def->disks->len; i++)
        format_disk(f, g_ptr_array_index(def->disks, i));
    for (guint i = 0; i < def->controllers->len; i++)
        format_controller(f, g_ptr_array_index(def->controllers, i));
    for (guint i = 0; i < def->nets->len; i++)
        format_interface(f, g_ptr_array_index(def->nets, i));
    for (guint i = 0; i < def->serials->len; i++)
        format_chr(f, g_ptr_array_index(def->serials, i));
    for (guint i = 0; i < def->consoles->len; i++)
        format_chr(f, g_ptr_array_index(def->consoles, i));
    for (guint i = 0; i < def->inputs->len; i++)
        format_input(f, g_ptr_array_index(def->inputs, i));
    for (guint i = 0; i < def->graphics->len; i++)
        format_graphics(f, g_ptr_array_index(def->graphics, i));
    for (guint i = 0; i < def->videos->len; i++)
        format_video(f, g_ptr_array_index(def->videos, i));
    if (def->memballoon) {
        open_elem(f, "memballoon");
        attr_str(f, "model", "xen");
        close_empty(f);
    }
    end_elem(f, "devices");
}

char *
xvmDomainDefFormat(const xvmDomainDef *def, unsigned int xml_flags, GError **error)
{
    Fmt f = {
        .buf = g_string_sized_new(4096),
        .flags = xml_flags,
        .live = def->id >= 0 && !(xml_flags & XVM_DOMAIN_XML_INACTIVE),
        .error = error,
    };
    char uuid[XVM_UUID_STRING_BUFLEN];

    if (xml_flags & ~(guint)(XVM_DOMAIN_XML_SECURE | XVM_DOMAIN_XML_INACTIVE)) {
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("unsupported domain XML format flags 0x%x"),
                     xml_flags & ~(guint)(XVM_DOMAIN_XML_SECURE | XVM_DOMAIN_XML_INACTIVE));
        g_string_free(f.buf, TRUE);
        return NULL;
    }
    if (!def->name) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("cannot format a domain without a name"));
        g_string_free(f.buf, TRUE);
        return NULL;
    }

    g_string_append(f.buf, "<domain type='xen'");
    if (f.live)
        attr_int(&f, "id", def->id);
    close_open(&f);
    text_elem(&f, "name", def->name);
    xvmUuidFormat(&def->uuid, uuid);
    text_elem(&f, "uuid", uuid);
    text_elem(&f, "title", def->title);
    text_elem(&f, "description", def->description);
    if (def->metadata) {
        line_start(&f);
        g_string_append(f.buf, def->metadata);
        g_string_append_c(f.buf, '\n');
    }
    if (def->max_memory) {
        open_elem(&f, "maxMemory");
        attr_uint(&f, "slots", def->max_memory_slots);
        attr_str(&f, "unit", "KiB");
        g_string_append_printf(f.buf, ">%" G_GUINT64_FORMAT "</maxMemory>\n", def->max_memory);
    }
    line_start(&f);
    g_string_append_printf(f.buf, "<memory unit='KiB'>%" G_GUINT64_FORMAT "</memory>\n",
                           def->memory);
    line_start(&f);
    g_string_append_printf(f.buf,
                           "<currentMemory unit='KiB'>%" G_GUINT64_FORMAT "</currentMemory>\n",
                           def->current_memory ? def->current_memory : def->memory);
    format_vcpu(&f, def);
    format_os(&f, def);
    format_features(&f, def);
    format_clock(&f, def);
    text_elem(&f, "on_poweroff", ENUM(&f, xvmDomainLifecycleAction, "on_poweroff", def->on_poweroff));
    text_elem(&f, "on_reboot", ENUM(&f, xvmDomainLifecycleAction, "on_reboot", def->on_reboot));
    text_elem(&f, "on_crash", ENUM(&f, xvmDomainLifecycleAction, "on_crash", def->on_crash));
    format_devices(&f, def);
    end_elem(&f, "domain");

    if (f.failed) {
        g_string_free(f.buf, TRUE);
        return NULL;
    }
    return g_string_free(f.buf, FALSE);
}
