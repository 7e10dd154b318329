/*
 * xen_common.c: conversions shared by xl.cfg and xm (see xen_common.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "xen_common.h"

/* libvirt's MIN_XEN_GUEST_SIZE * 2, in MiB */
#define XEN_DEFAULT_MEMORY_MIB 128
/* Largest MiB count whose size in bytes fits a gint64, the domain XML's
 * limit for memory sizes */
#define XEN_MAX_MEMORY_MIB ((guint64)G_MAXINT64 / 1024 / 1024)
#define XEN_VNC_PORT_MIN 5900

static gboolean
badValue(GError **error, const xvmXenConf *conf, const char *name, const char *why)
{
    xvmXenConfSetError(error, conf, name, VIR_ERR_INTERNAL_ERROR,
                       _("config value %s was malformed: %s"), name, why);
    return FALSE;
}

static gboolean G_GNUC_PRINTF(4, 5)
unsupportedValue(GError **error, const xvmXenConf *conf, const char *name,
                 const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    xvmXenConfSetError(error, conf, name, VIR_ERR_CONFIG_UNSUPPORTED, "%s", msg);
    return FALSE;
}

gboolean
xvmXenRefuseSettings(const xvmXenConf *conf, const char *const *names, GError **error)
{
    for (; *names; names++) {
        const xvmXenConfValue *v = xvmXenConfGet(conf, *names);
        if (!v)
            continue;
        if (v->type == XVM_XEN_CONF_LIST && v->items->len == 0)
            continue;
        return unsupportedValue(error, conf, *names,
                                _("setting '%s' is not supported by this driver"), *names);
    }
    return TRUE;
}

/* A boolean setting whose only accepted value is @accepted (the default). */
static gboolean
onlyDefaultBool(const xvmXenConf *conf, const char *name, gboolean accepted, GError **error)
{
    gboolean val;
    int rc = xvmXenConfGetBool(conf, name, &val, error);

    if (rc < 0)
        return FALSE;
    if (rc == 1 && val != accepted)
        return unsupportedValue(error, conf, name, _("'%s = %d' is not supported by this driver"),
                                name, val ? 1 : 0);
    return TRUE;
}

static gboolean
getBool(const xvmXenConf *conf, const char *name, gboolean def, gboolean *out, GError **error)
{
    int rc = xvmXenConfGetBool(conf, name, out, error);

    if (rc < 0)
        return FALSE;
    if (rc == 0)
        *out = def;
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* identity and os type                                                */

static gboolean
parseIdentity(const xvmXenConf *conf, xvmDomainDef *def, xvmXenDialect dialect, GError **error)
{
    g_autofree char *uuid = NULL;
    g_autofree char *type = NULL;
    int rc;

    if ((rc = xvmXenConfGetString(conf, "name", &def->name, error)) < 0)
        return FALSE;
    if (rc == 0) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("%s: config value name was missing"),
                     conf->source);
        return FALSE;
    }
    if (!*def->name)
        return badValue(error, conf, "name", _("empty name"));

    if ((rc = xvmXenConfGetString(conf, "uuid", &uuid, error)) < 0)
        return FALSE;
    if (rc == 1 && !xvmUuidParse(uuid, &def->uuid)) {
        xvmXenConfSetError(error, conf, "uuid", VIR_ERR_CONF_SYNTAX,
                           _("%s not parseable"), uuid);
        return FALSE;
    }

    def->os.type = XVM_DOMAIN_OS_TYPE_XEN;
    if (dialect == XVM_XEN_DIALECT_XL &&
        (rc = xvmXenConfGetString(conf, "type", &type, error)) != 0) {
        if (rc < 0)
            return FALSE;
        if (strcmp(type, "pv") == 0)
            def->os.type = XVM_DOMAIN_OS_TYPE_XEN;
        else if (strcmp(type, "pvh") == 0)
            def->os.type = XVM_DOMAIN_OS_TYPE_XENPVH;
        else if (strcmp(type, "hvm") == 0)
            def->os.type = XVM_DOMAIN_OS_TYPE_HVM;
        else
            return unsupportedValue(error, conf, "type", _("type %s is not supported"), type);
    } else {
        if (xvmXenConfGetString(conf, "builder", &type, error) < 0)
            return FALSE;
        if (type && strcmp(type, "hvm") == 0)
            def->os.type = XVM_DOMAIN_OS_TYPE_HVM;
        else if (type && strcmp(type, "linux") != 0 && strcmp(type, "generic") != 0)
            return unsupportedValue(error, conf, "builder", _("builder %s is not supported"), type);
    }
    def->os.arch = XVM_DOMAIN_ARCH_X86_64;
    switch (def->os.type) {
    case XVM_DOMAIN_OS_TYPE_HVM:
        def->os.machine = XVM_DOMAIN_MACHINE_XENFV;
        break;
    case XVM_DOMAIN_OS_TYPE_XENPVH:
        def->os.machine = XVM_DOMAIN_MACHINE_XENPVH;
        break;
    default:
        def->os.machine = XVM_DOMAIN_MACHINE_XENPV;
        break;
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* memory and CPUs                                                     */

static gboolean
parseMemory(const xvmXenConf *conf, xvmDomainDef *def, GError **error)
{
    guint64 memory = XEN_DEFAULT_MEMORY_MIB, maxmem;
    int rc;

    if (xvmXenConfGetUInt64(conf, "memory", &memory, error) < 0)
        return FALSE;
    if (memory == 0 || memory > XEN_MAX_MEMORY_MIB)
        return badValue(error, conf, "memory", _("out of range"));
    maxmem = memory;
    if ((rc = xvmXenConfGetUInt64(conf, "maxmem", &maxmem, error)) < 0)
        return FALSE;
    if (maxmem > XEN_MAX_MEMORY_MIB)
        return badValue(error, conf, "maxmem", _("out of range"));
    if (maxmem < memory)
        return badValue(error, conf, "maxmem", _("smaller than memory"));
    def->memory = maxmem * 1024;
    def->current_memory = memory * 1024;
    return TRUE;
}

static gboolean
parseCpus(const xvmXenConf *conf, xvmDomainDef *def, GError **error)
{
    guint64 vcpus = 1, maxvcpus;
    const xvmXenConfValue *cpus;

    if (xvmXenConfGetUInt64(conf, "vcpus", &vcpus, error) < 0)
        return FALSE;
    if (vcpus == 0 || vcpus > XVM_DOMAIN_MAX_VCPUS)
        return badValue(error, conf, "vcpus", _("out of range"));
    maxvcpus = vcpus;
    if (xvmXenConfGetUInt64(conf, "maxvcpus", &maxvcpus, error) < 0)
        return FALSE;
    if (maxvcpus == 0 || maxvcpus > XVM_DOMAIN_MAX_VCPUS)
        return badValue(error, conf, "maxvcpus", _("out of range"));
    if (maxvcpus < vcpus)
        return badValue(error, conf, "maxvcpus", _("smaller than vcpus"));
    def->vcpus = maxvcpus;
    def->vcpus_current = vcpus == maxvcpus ? 0 : vcpus;

    if (!(cpus = xvmXenConfGet(conf, "cpus")))
        return TRUE;
    if (cpus->type == XVM_XEN_CONF_LIST) {
        /* one cpuset per vCPU, in order: vcpupin */
        guint i;
        if (cpus->items->len > def->vcpus)
            return badValue(error, conf, "cpus", _("more entries than vCPUs"));
        for (i = 0; i < cpus->items->len; i++) {
            const xvmXenConfValue *item = g_ptr_array_index(cpus->items, i);
            g_autoptr(xvmDomainVcpuPinDef) pin = NULL;
            if (item->type == XVM_XEN_CONF_LIST)
                return badValue(error, conf, "cpus", _("expected a list of cpusets"));
            if (strcmp(item->str, "all") == 0)
                continue;
            if (g_str_has_prefix(item->str, "nodes:"))
                return unsupportedValue(error, conf, "cpus",
                                        _("NUMA node affinity (%s) is not supported"), item->str);
            pin = xvmDomainVcpuPinDefNew();
            pin->vcpu = i;
            if (!(pin->cpumask = xvmBitmapParse(item->str, XVM_CPUSET_MAX_CPUS)))
                return badValue(error, conf, "cpus", _("invalid cpuset"));
            g_ptr_array_add(def->vcpupins, g_steal_pointer(&pin));
        }
        return TRUE;
    }
    if (strcmp(cpus->str, "all") == 0)
        return TRUE;
    if (g_str_has_prefix(cpus->str, "nodes:"))
        return unsupportedValue(error, conf, "cpus",
                                _("NUMA node affinity (%s) is not supported"), cpus->str);
    if (!(def->cpumask = xvmBitmapParse(cpus->str, XVM_CPUSET_MAX_CPUS)))
        return badValue(error, conf, "cpus", _("invalid cpuset"));
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* features, clock, lifecycle, emulator                                */

/* tsc_mode, for every guest type, as libvirt's xenParseHypervisorFeatures:
 * a <timer name='tsc' present='yes'> whose mode is auto for "default",
 * native, emulate for "always_emulate" and paravirt for "native_paravirt".
 * xl also takes the deprecated numbers 0 to 3 in that order. libvirt turns
 * any other word into auto; xl refuses it, and so does this. */
static gboolean
parseTscMode(const xvmXenConf *conf, xvmDomainDef *def, GError **error)
{
    static const struct { const char *name; xvmDomainTimerMode mode; } modes[] = {
        { "default", XVM_DOMAIN_TIMER_MODE_AUTO },
        { "always_emulate", XVM_DOMAIN_TIMER_MODE_EMULATE },
        { "native", XVM_DOMAIN_TIMER_MODE_NATIVE },
        { "native_paravirt", XVM_DOMAIN_TIMER_MODE_PARAVIRT },
    };
    const xvmXenConfValue *v = xvmXenConfGet(conf, "tsc_mode");
    xvmDomainTimerDef *tsc = &def->clock.timers[XVM_DOMAIN_TIMER_NAME_TSC];

    if (!v)
        return TRUE;
    if (v->type == XVM_XEN_CONF_NUMBER) {
        if (v->num < 0 || v->num >= (gint64)G_N_ELEMENTS(modes))
            return badValue(error, conf, "tsc_mode",
                            _("expected default, always_emulate, native or native_paravirt (or 0 to 3)"));
        tsc->mode = modes[v->num].mode;
    } else if (v->type == XVM_XEN_CONF_STRING) {
        gsize i;

        for (i = 0; i < G_N_ELEMENTS(modes); i++)
            if (strcmp(v->str, modes[i].name) == 0)
                break;
        if (i == G_N_ELEMENTS(modes))
            return badValue(error, conf, "tsc_mode",
                            _("expected default, always_emulate, native or native_paravirt (or 0 to 3)"));
        tsc->mode = modes[i].mode;
    } else {
        return badValue(error, conf, "tsc_mode", _("expected a string"));
    }
    tsc->set = TRUE;
    tsc->present = XVM_TRISTATE_BOOL_YES;
    return TRUE;
}

static gboolean
parseFeatures(const xvmXenConf *conf, xvmDomainDef *def, GError **error)
{
    static const struct { const char *name; xvmDomainFeature f; gboolean def; } onOff[] = {
        { "pae", XVM_DOMAIN_FEATURE_PAE, TRUE },
        { "acpi", XVM_DOMAIN_FEATURE_ACPI, TRUE },
        { "apic", XVM_DOMAIN_FEATURE_APIC, TRUE },
        { "viridian", XVM_DOMAIN_FEATURE_VIRIDIAN, FALSE },
    };
    g_autofree char *passthrough = NULL;
    gboolean val;
    gsize i;
    int rc;

    if (def->os.type == XVM_DOMAIN_OS_TYPE_HVM) {
        for (i = 0; i < G_N_ELEMENTS(onOff); i++) {
            if (!getBool(conf, onOff[i].name, onOff[i].def, &val, error))
                return FALSE;
            if (val)
                def->features[onOff[i].f] = XVM_TRISTATE_SWITCH_ON;
        }
        if (!getBool(conf, "hap", TRUE, &val, error))
            return FALSE;
        if (!val)
            def->features[XVM_DOMAIN_FEATURE_HAP] = XVM_TRISTATE_SWITCH_OFF;
        /* as libvirt: a <timer name='hpet'> only when the key is there */
        if ((rc = xvmXenConfGetBool(conf, "hpet", &val, error)) < 0)
            return FALSE;
        if (rc == 1) {
            def->clock.timers[XVM_DOMAIN_TIMER_NAME_HPET].set = TRUE;
            def->clock.timers[XVM_DOMAIN_TIMER_NAME_HPET].present =
                val ? XVM_TRISTATE_BOOL_YES : XVM_TRISTATE_BOOL_NO;
        }
        if (!onlyDefaultBool(conf, "nestedhvm", FALSE, error))
            return FALSE;
    } else {
        if (!onlyDefaultBool(conf, "e820_host", FALSE, error))
            return FALSE;
    }

    if (!parseTscMode(conf, def, error))
        return FALSE;
    if (xvmXenConfGetString(conf, "passthrough", &passthrough, error) < 0)
        return FALSE;
    if (passthrough && strcmp(passthrough, "disabled") != 0)
        return unsupportedValue(error, conf, "passthrough",
                                _("passthrough '%s' is not supported by this driver"), passthrough);
    return TRUE;
}

static gboolean
parseClock(const xvmXenConf *conf, xvmDomainDef *def, GError **error)
{
    gboolean localtime;

    if (!getBool(conf, "localtime", FALSE, &localtime, error))
        return FALSE;
    if (def->os.type == XVM_DOMAIN_OS_TYPE_HVM) {
        gint64 offset = 0;
        if (xvmXenConfGetInt64(conf, "rtc_timeoffset", &offset, error) < 0)
            return FALSE;
        if (offset < G_MININT32 || offset > G_MAXINT32)
            return badValue(error, conf, "rtc_timeoffset", _("out of range"));
        def->clock.offset = XVM_DOMAIN_CLOCK_OFFSET_VARIABLE;
        def->clock.adjustment = offset;
        def->clock.basis = localtime ? XVM_DOMAIN_CLOCK_BASIS_LOCALTIME
                                     : XVM_DOMAIN_CLOCK_BASIS_UTC;
    } else {
        /* PV guests have no emulated RTC: the offset is fixed */
        def->clock.offset = localtime ? XVM_DOMAIN_CLOCK_OFFSET_LOCALTIME
                                      : XVM_DOMAIN_CLOCK_OFFSET_UTC;
        def->clock.adjustment_reset = TRUE;
    }
    return TRUE;
}

static gboolean
parseLifecycle(const xvmXenConf *conf, xvmDomainDef *def, xvmXenDialect dialect, GError **error)
{
    struct {
        const char *name;
        xvmDomainLifecycleAction *slot;
        xvmDomainLifecycleAction def;
    } actions[] = {
        { "on_poweroff", &def->on_poweroff, XVM_DOMAIN_LIFECYCLE_ACTION_DESTROY },
        { "on_reboot", &def->on_reboot, XVM_DOMAIN_LIFECYCLE_ACTION_RESTART },
        /* each tool's own default: xl destroys a crashed guest, xend
         * restarted it */
        { "on_crash", &def->on_crash, dialect == XVM_XEN_DIALECT_XL
                                      ? XVM_DOMAIN_LIFECYCLE_ACTION_DESTROY
                                      : XVM_DOMAIN_LIFECYCLE_ACTION_RESTART },
    };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(actions); i++) {
        g_autofree char *str = NULL;
        int rc = xvmXenConfGetString(conf, actions[i].name, &str, error);
        int act;

        if (rc < 0)
            return FALSE;
        if (rc == 0) {
            *actions[i].slot = actions[i].def;
            continue;
        }
        if ((act = xvmDomainLifecycleActionTypeFromString(str)) < 0) {
            xvmXenConfSetError(error, conf, actions[i].name, VIR_ERR_INTERNAL_ERROR,
                               _("unexpected value %s for %s"), str, actions[i].name);
            return FALSE;
        }
        *actions[i].slot = act;
    }
    return TRUE;
}

static gboolean
parseEmulator(const xvmXenConf *conf, xvmDomainDef *def, xvmXenDialect dialect, GError **error)
{
    int rc = 0;

    if (dialect == XVM_XEN_DIALECT_XL &&
        (rc = xvmXenConfGetString(conf, "device_model_override", &def->emulator, error)) < 0)
        return FALSE;
    if (rc == 0 && xvmXenConfGetString(conf, "device_model", &def->emulator, error) < 0)
        return FALSE;
    if (def->emulator && !g_path_is_absolute(def->emulator))
        return badValue(error, conf, rc ? "device_model_override" : "device_model",
                        _("not an absolute path"));
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* graphics                                                            */

static gboolean
parseVncDisplay(const xvmXenConf *conf, const char *setting, const char *str,
                int *port, GError **error)
{
    guint64 display;

    if (!g_ascii_string_to_unsigned(str, 10, 0, 65535 - XEN_VNC_PORT_MIN, &display, NULL))
        return badValue(error, conf, setting, _("invalid vncdisplay"));
    *port = XEN_VNC_PORT_MIN + (int)display;
    return TRUE;
}

static gboolean
parseHvmGraphics(const xvmXenConf *conf, xvmDomainDef *def, xvmXenDialect dialect, GError **error)
{
    gboolean vnc, sdl, spice = FALSE;

    if (!getBool(conf, "vnc", FALSE, &vnc, error) ||
        !getBool(conf, "sdl", FALSE, &sdl, error))
        return FALSE;
    if (dialect == XVM_XEN_DIALECT_XL && !getBool(conf, "spice", FALSE, &spice, error))
        return FALSE;

    if (vnc) {
        g_autoptr(xvmDomainGraphicsDef) g = xvmDomainGraphicsDefNew(XVM_DOMAIN_GRAPHICS_TYPE_VNC);
        gboolean unused;
        guint64 display = 0;

        if (!getBool(conf, "vncunused", TRUE, &unused, error))
            return FALSE;
        g->autoport = unused;
        if (!unused) {
            if (xvmXenConfGetUInt64(conf, "vncdisplay", &display, error) < 0)
                return FALSE;
            if (display > 65535 - XEN_VNC_PORT_MIN)
                return badValue(error, conf, "vncdisplay", _("out of range"));
            g->port = XEN_VNC_PORT_MIN + (int)display;
        }
        if (xvmXenConfGetString(conf, "vnclisten", &g->listen, error) < 0 ||
            xvmXenConfGetString(conf, "vncpasswd", &g->passwd, error) < 0 ||
            xvmXenConfGetString(conf, "keymap", &g->keymap, error) < 0)
            return FALSE;
        g_ptr_array_add(def->graphics, g_steal_pointer(&g));
    } else if (sdl) {
        g_autoptr(xvmDomainGraphicsDef) g = xvmDomainGraphicsDefNew(XVM_DOMAIN_GRAPHICS_TYPE_SDL);

        if (xvmXenConfGetString(conf, "display", &g->display, error) < 0 ||
            xvmXenConfGetString(conf, "xauthority", &g->xauth, error) < 0)
            return FALSE;
        g_ptr_array_add(def->graphics, g_steal_pointer(&g));
    }

    if (spice) {
        g_autoptr(xvmDomainGraphicsDef) g = xvmDomainGraphicsDefNew(XVM_DOMAIN_GRAPHICS_TYPE_SPICE);
        guint64 port = 0, tlsport = 0;
        gboolean noticket;

        if (xvmXenConfGetString(conf, "spicehost", &g->listen, error) < 0 ||
            xvmXenConfGetUInt64(conf, "spiceport", &port, error) < 0 ||
            xvmXenConfGetUInt64(conf, "spicetls_port", &tlsport, error) < 0)
            return FALSE;
        if (port > 65535)
            return badValue(error, conf, "spiceport", _("out of range"));
        if (tlsport > 65535)
            return badValue(error, conf, "spicetls_port", _("out of range"));
        if (port)
            g->port = port;
        if (tlsport)
            g->tls_port = tlsport;
        g->autoport = !port && !tlsport;
        if (!getBool(conf, "spicedisable_ticketing", FALSE, &noticket, error))
            return FALSE;
        if (!noticket) {
            int rc = xvmXenConfGetString(conf, "spicepasswd", &g->passwd, error);
            if (rc < 0)
                return FALSE;
            if (rc == 0) {
                xvmXenConfSetError(error, conf, "spice", VIR_ERR_INTERNAL_ERROR,
                                   _("config value %s was missing"), "spicepasswd");
                return FALSE;
            }
        }
        if (!onlyDefaultBool(conf, "spiceagent_mouse", FALSE, error) ||
            !onlyDefaultBool(conf, "spice_clipboard_sharing", FALSE, error) ||
            !onlyDefaultBool(conf, "spicevdagent", FALSE, error))
            return FALSE;
        g_ptr_array_add(def->graphics, g_steal_pointer(&g));
    }
    return TRUE;
}

/* vfb = [ "type=vnc,vncunused=1,vnclisten=0.0.0.0,..." ] for PV guests */
static gboolean
parseVfb(const xvmXenConf *conf, xvmDomainDef *def, GError **error)
{
    g_auto(GStrv) vfbs = NULL;
    g_auto(GStrv) keys = NULL;
    g_autoptr(xvmDomainGraphicsDef) g = NULL;
    gboolean unused = TRUE;
    int display = -1;
    int rc;
    gsize i;

    if ((rc = xvmXenConfGetStringList(conf, "vfb", FALSE, &vfbs, error)) <= 0)
        return rc == 0;
    if (!vfbs[0])
        return TRUE;
    if (vfbs[1])
        return unsupportedValue(error, conf, "vfb", "%s", _("more than one vfb is not supported"));

    keys = g_strsplit(vfbs[0], ",", -1);
    g = xvmDomainGraphicsDefNew(strstr(vfbs[0], "type=sdl") ? XVM_DOMAIN_GRAPHICS_TYPE_SDL
                                                         : XVM_DOMAIN_GRAPHICS_TYPE_VNC);
    for (i = 0; keys[i]; i++) {
        const char *key = g_strstrip(keys[i]);
        const char *val = strchr(key, '=');

        if (!*key)
            continue;
        if (!val)
            return badValue(error, conf, "vfb", _("expected key=value items"));
        val++;
        if (g_str_has_prefix(key, "type=")) {
            if (strcmp(val, "vnc") != 0 && strcmp(val, "sdl") != 0)
                return unsupportedValue(error, conf, "vfb", _("vfb type '%s' is not supported"), val);
        } else if (g->type == XVM_DOMAIN_GRAPHICS_TYPE_VNC) {
            if (g_str_has_prefix(key, "vncunused="))
                unused = strcmp(val, "0") != 0;
            else if (g_str_has_prefix(key, "vncdisplay=")) {
                if (!parseVncDisplay(conf, "vfb", val, &display, error))
                    return FALSE;
            } else if (g_str_has_prefix(key, "vnclisten="))
                g_free(g->listen), g->listen = g_strdup(val);
            else if (g_str_has_prefix(key, "vncpasswd="))
                g_free(g->passwd), g->passwd = g_strdup(val);
            else if (g_str_has_prefix(key, "keymap="))
                g_free(g->keymap), g->keymap = g_strdup(val);
        } else {
            if (g_str_has_prefix(key, "display="))
                g_free(g->display), g->display = g_strdup(val);
            else if (g_str_has_prefix(key, "xauthority="))
                g_free(g->xauth), g->xauth = g_strdup(val);
        }
    }
    if (g->type == XVM_DOMAIN_GRAPHICS_TYPE_VNC) {
        g->autoport = unused;
        if (!unused)
            g->port = display >= 0 ? display : XEN_VNC_PORT_MIN;
    }
    g_ptr_array_add(def->graphics, g_steal_pointer(&g));
    return TRUE;
}

static gboolean
parseVideo(const xvmXenConf *conf, xvmDomainDef *def, GError **error)
{
    g_autofree char *vga = NULL;
    gboolean stdvga = FALSE;
    guint64 videoram = 0;
    int rcVga, rcStd, rcRam;
    g_autoptr(xvmDomainVideoDef) video = NULL;

    if ((rcVga = xvmXenConfGetString(conf, "vga", &vga, error)) < 0 ||
        (rcStd = xvmXenConfGetBool(conf, "stdvga", &stdvga, error)) < 0 ||
        (rcRam = xvmXenConfGetUInt64(conf, "videoram", &videoram, error)) < 0)
        return FALSE;
    if (!rcVga && !rcStd && !rcRam)
        return TRUE;
    if (vga && strcmp(vga, "none") == 0)
        return TRUE;

    video = xvmDomainVideoDefNew();
    if (vga) {
        if (strcmp(vga, "stdvga") == 0)
            video->model = XVM_DOMAIN_VIDEO_MODEL_VGA;
        else if (strcmp(vga, "cirrus") == 0)
            video->model = XVM_DOMAIN_VIDEO_MODEL_CIRRUS;
        else
            return unsupportedValue(error, conf, "vga", _("vga '%s' is not supported"), vga);
    } else {
        video->model = stdvga ? XVM_DOMAIN_VIDEO_MODEL_VGA : XVM_DOMAIN_VIDEO_MODEL_CIRRUS;
    }
    if (rcRam) {
        if (videoram == 0 || videoram > G_MAXUINT / 1024)
            return badValue(error, conf, "videoram", _("out of range"));
        video->vram = videoram * 1024;
    }
    video->primary = TRUE;
    g_ptr_array_add(def->videos, g_steal_pointer(&video));
    return TRUE;
}

/* usbdevice = "tablet" (xm, xl) or [ "tablet", "keyboard" ] (xl) */
static gboolean
parseInputs(const xvmXenConf *conf, xvmDomainDef *def, xvmXenDialect dialect, GError **error)
{
    g_auto(GStrv) devs = NULL;
    int rc;
    gsize i;

    rc = xvmXenConfGetStringList(conf, "usbdevice", TRUE, &devs, error);
    if (rc <= 0)
        return rc == 0;
    if (dialect == XVM_XEN_DIALECT_XM && xvmXenConfGet(conf, "usbdevice")->type == XVM_XEN_CONF_LIST)
        return badValue(error, conf, "usbdevice", _("expected a string"));
    for (i = 0; devs[i]; i++) {
        g_autoptr(xvmDomainInputDef) input = xvmDomainInputDefNew();

        input->bus = XVM_DOMAIN_INPUT_BUS_USB;
        if (strcmp(devs[i], "tablet") == 0)
            input->type = XVM_DOMAIN_INPUT_TYPE_TABLET;
        else if (strcmp(devs[i], "mouse") == 0)
            input->type = XVM_DOMAIN_INPUT_TYPE_MOUSE;
        else if (strcmp(devs[i], "keyboard") == 0)
            input->type = XVM_DOMAIN_INPUT_TYPE_KEYBOARD;
        else
            return unsupportedValue(error, conf, "usbdevice",
                                    _("usbdevice '%s' is not supported"), devs[i]);
        if (def->inputs->len >= XVM_DOMAIN_MAX_INPUTS)
            return badValue(error, conf, "usbdevice", _("too many devices"));
        g_ptr_array_add(def->inputs, g_steal_pointer(&input));
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* network interfaces                                                  */

/* An IPv4 or IPv6 address, with a prefix that fits its family (0: none). */
static gboolean
validIP(const char *addr, guint64 prefix)
{
    unsigned char buf[sizeof(struct in6_addr)];

    if (inet_pton(AF_INET, addr, buf) == 1)
        return prefix <= 32;
    return inet_pton(AF_INET6, addr, buf) == 1;
}

/* A vif rate= in KB/s, as libvirt's xenParseSxprVifRate reads it:
 * RATE[@INTERVAL], RATE = digits, an optional G, M or K, then B (bytes)
 * or b (bits), then "/s". G multiplies by 1024*1024 and M by 1024 (K and
 * no prefix leave the number as it is: libvirt reads both as kilo-), bits
 * divide by 8. The interval has no place in <bandwidth>: libvirt's libxl
 * driver always uses xl's default, 50 ms; it is checked here (digits, then
 * us, ms or s, or nothing: microseconds) and not kept. A rate that comes
 * to 0 KB/s or above XVM_DOMAIN_NET_BANDWIDTH_MAX has no <bandwidth>
 * form: refused. */
static gboolean
parseVifRate(const xvmXenConf *conf, const char *rate, guint64 *kbytes_per_sec,
             GError **error)
{
    const char *at = strchr(rate, '@');
    g_autofree char *amount = g_strndup(rate, at ? (gsize)(at - rate) : strlen(rate));
    const char *p = amount;
    guint64 v = 0;
    gboolean bits;

    while (g_ascii_isdigit(*p)) {
        if (v > (G_MAXUINT64 - 9) / 10)
            goto range;
        v = v * 10 + (guint64)(*p - '0');
        p++;
    }
    if (p == amount)
        goto invalid;
    if (*p == 'G') {
        if (v > G_MAXUINT64 / (1024 * 1024))
            goto range;
        v *= 1024 * 1024;
        p++;
    } else if (*p == 'M') {
        if (v > G_MAXUINT64 / 1024)
            goto range;
        v *= 1024;
        p++;
    } else if (*p == 'K') {
        p++;
    }
    if (*p != 'B' && *p != 'b')
        goto invalid;
    bits = *p == 'b';
    if (strcmp(p + 1, "/s") != 0)
        goto invalid;
    if (bits)
        v /= 8;
    if (at) {
        const char *q = at + 1;

        if (!g_ascii_isdigit(*q))
            goto invalid;
        while (g_ascii_isdigit(*q))
            q++;
        if (*q && strcmp(q, "us") != 0 && strcmp(q, "ms") != 0 && strcmp(q, "s") != 0)
            goto invalid;
    }
    if (v == 0 || v > XVM_DOMAIN_NET_BANDWIDTH_MAX)
        goto range;
    *kbytes_per_sec = v;
    return TRUE;

 invalid:
    xvmXenConfSetError(error, conf, "vif", VIR_ERR_INTERNAL_ERROR,
                       _("Invalid rate '%s' specified"), rate);
    return FALSE;
 range:
    return unsupportedValue(error, conf, "vif",
                            _("vif rate '%s' is out of range: <bandwidth> takes 1 to %u KB/s"),
                            rate, (guint)XVM_DOMAIN_NET_BANDWIDTH_MAX);
}

static gboolean
parseVif(const xvmXenConf *conf, const char *entry, const char *netfront,
         xvmDomainDef *def, GError **error)
{
    g_auto(GStrv) keys = g_strsplit(entry, ",", -1);
    g_autoptr(xvmDomainNetDef) net = xvmDomainNetDefNew();
    g_autofree char *mac = NULL, *bridge = NULL, *script = NULL, *model = NULL;
    g_autofree char *type = NULL, *vifname = NULL, *ip = NULL, *rate = NULL;
    gsize i;

    for (i = 0; keys[i]; i++) {
        const char *key = keys[i];
        const char *val;
        char **slot = NULL;

        while (*key == ' ' || *key == '\t')
            key++;
        if (!*key)
            continue;
        if (!(val = strchr(key, '='))) {
            xvmXenConfSetError(error, conf, "vif", VIR_ERR_INTERNAL_ERROR,
                               _("malformed vif entry '%s': expected key=value items"), entry);
            return FALSE;
        }
        val++;
        if (g_str_has_prefix(key, "mac="))
            slot = &mac;
        else if (g_str_has_prefix(key, "bridge="))
            slot = &bridge;
        else if (g_str_has_prefix(key, "script="))
            slot = &script;
        else if (g_str_has_prefix(key, "model="))
            slot = &model;
        else if (g_str_has_prefix(key, "type="))
            slot = &type;
        else if (g_str_has_prefix(key, "vifname="))
            slot = &vifname;
        else if (g_str_has_prefix(key, "ip="))
            slot = &ip;
        else if (g_str_has_prefix(key, "rate="))
            slot = &rate;
        /* other keys (backend, gatewaydev, mtu, accel, ...) are ignored,
         * as libvirt does */
        if (slot) {
            g_free(*slot);
            *slot = g_strdup(val);
        }
    }

    if (rate && !parseVifRate(conf, rate, &net->bandwidth_out_average, error))
        return FALSE;

    if (mac && *mac) {
        if (!xvmMacParse(mac, &net->mac)) {
            xvmXenConfSetError(error, conf, "vif", VIR_ERR_INTERNAL_ERROR,
                               _("malformed mac address '%s'"), mac);
            return FALSE;
        }
        net->mac_set = TRUE;
    }

    /* vif-vnic is Solaris xVM's script: its "bridge" is a physical link */
    if ((bridge && *bridge) || g_strcmp0(script, "vif-bridge") == 0 ||
        g_strcmp0(script, "vif-vnic") == 0) {
        net->type = XVM_DOMAIN_NET_TYPE_BRIDGE;
        if (bridge && *bridge)
            net->source = g_strdup(bridge);
    } else {
        net->type = XVM_DOMAIN_NET_TYPE_ETHERNET;
    }

    if (ip && *ip) {
        g_auto(GStrv) ips = g_strsplit(ip, " ", -1);
        gsize j;
        for (j = 0; ips[j]; j++) {
            const char *slash;
            g_autofree char *addr = NULL;
            guint64 prefix = 0;

            if (!*ips[j])
                continue;
            if (net->ips->len >= XVM_DOMAIN_MAX_IPS)
                return badValue(error, conf, "vif", _("too many IP addresses"));
            if ((slash = strchr(ips[j], '/'))) {
                addr = g_strndup(ips[j], slash - ips[j]);
                if (!g_ascii_string_to_unsigned(slash + 1, 10, 1, 128, &prefix, NULL))
                    return badValue(error, conf, "vif", _("invalid IP prefix"));
            } else {
                addr = g_strdup(ips[j]);
            }
            if (!validIP(addr, prefix)) {
                xvmXenConfSetError(error, conf, "vif", VIR_ERR_INTERNAL_ERROR,
                                   _("invalid IP address '%s' in vif"), ips[j]);
                return FALSE;
            }
            g_ptr_array_add(net->ips, xvmDomainNetIPDefNew(addr, prefix));
        }
    }

    if (script && *script)
        net->script = g_strdup(script);
    if (model && *model)
        net->model = g_strdup(model);
    else if (type && strcmp(type, netfront) == 0)
        net->model = g_strdup("netfront");
    if (vifname && *vifname)
        net->ifname = g_strdup(vifname);

    if (def->nets->len >= XVM_DOMAIN_MAX_NETS)
        return badValue(error, conf, "vif", _("too many interfaces"));
    g_ptr_array_add(def->nets, g_steal_pointer(&net));
    return TRUE;
}

static gboolean
parseNets(const xvmXenConf *conf, xvmDomainDef *def, xvmXenDialect dialect, GError **error)
{
    const xvmXenConfValue *list = xvmXenConfGet(conf, "vif");
    guint i;

    if (!list)
        return TRUE;
    if (list->type != XVM_XEN_CONF_LIST)
        return badValue(error, conf, "vif", _("expected a list of strings"));
    for (i = 0; i < list->items->len; i++) {
        const xvmXenConfValue *item = g_ptr_array_index(list->items, i);
        if (item->type != XVM_XEN_CONF_STRING)
            return badValue(error, conf, "vif", _("expected a list of strings"));
        if (!parseVif(conf, item->str, dialect == XVM_XEN_DIALECT_XL ? "vif" : "netfront",
                      def, error))
            return FALSE;
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* serial, parallel, console                                           */

static gboolean
parseChrSource(const xvmXenConf *conf, const char *name, const char *value, GError **error)
{
    if (strcmp(value, "pty") != 0)
        return unsupportedValue(error, conf, name,
                                _("character device '%s' is not supported (only 'pty')"), value);
    return TRUE;
}

static gboolean
parseCharDevs(const xvmXenConf *conf, xvmDomainDef *def, xvmXenDialect dialect, GError **error)
{
    const xvmXenConfValue *serial;
    g_autofree char *parallel = NULL;

    if (def->os.type != XVM_DOMAIN_OS_TYPE_HVM) {
        /* the PV console */
        xvmDomainChrDef *console = xvmDomainChrDefNew(XVM_DOMAIN_CHR_DEVICE_CONSOLE);
        console->target_type = XVM_DOMAIN_CHR_CONSOLE_TARGET_XEN;
        console->port = 0;
        g_ptr_array_add(def->consoles, console);
        return TRUE;
    }

    if (xvmXenConfGetString(conf, "parallel", &parallel, error) < 0)
        return FALSE;
    if (parallel && strcmp(parallel, "none") != 0)
        return unsupportedValue(error, conf, "parallel", "%s",
                                _("parallel ports are not supported by this driver"));

    if (!(serial = xvmXenConfGet(conf, "serial")))
        return TRUE;
    if (serial->type == XVM_XEN_CONF_LIST) {
        guint i;
        if (dialect == XVM_XEN_DIALECT_XM)
            return unsupportedValue(error, conf, "serial", "%s",
                                    _("Multiple serial devices are not supported by xen-xm"));
        if (serial->items->len > XVM_DOMAIN_MAX_CHARDEVS)
            return badValue(error, conf, "serial", _("too many serial ports"));
        for (i = 0; i < serial->items->len; i++) {
            const xvmXenConfValue *item = g_ptr_array_index(serial->items, i);
            xvmDomainChrDef *chr;
            if (item->type != XVM_XEN_CONF_STRING)
                return badValue(error, conf, "serial", _("expected a list of strings"));
            if (strcmp(item->str, "none") == 0)
                continue;
            if (!parseChrSource(conf, "serial", item->str, error))
                return FALSE;
            chr = xvmDomainChrDefNew(XVM_DOMAIN_CHR_DEVICE_SERIAL);
            chr->port = i;
            g_ptr_array_add(def->serials, chr);
        }
    } else {
        xvmDomainChrDef *chr;
        if (strcmp(serial->str, "none") == 0)
            return TRUE;
        if (!parseChrSource(conf, "serial", serial->str, error))
            return FALSE;
        chr = xvmDomainChrDefNew(XVM_DOMAIN_CHR_DEVICE_SERIAL);
        chr->port = 0;
        g_ptr_array_add(def->serials, chr);
    }
    return TRUE;
}

static gboolean
parseXenbus(const xvmXenConf *conf, xvmDomainDef *def, GError **error)
{
    guint64 frames = 0, channels = 0;
    int rcF, rcC;
    xvmDomainControllerDef *c;

    if ((rcF = xvmXenConfGetUInt64(conf, "max_grant_frames", &frames, error)) < 0 ||
        (rcC = xvmXenConfGetUInt64(conf, "max_event_channels", &channels, error)) < 0)
        return FALSE;
    if (frames > G_MAXUINT32)
        return badValue(error, conf, "max_grant_frames", _("out of range"));
    if (channels > G_MAXUINT32)
        return badValue(error, conf, "max_event_channels", _("out of range"));
    if (!frames && !channels)
        return TRUE;
    c = xvmDomainControllerDefNew(XVM_DOMAIN_CONTROLLER_TYPE_XENBUS);
    c->index = 0;
    c->max_grant_frames = frames;
    c->max_event_channels = channels;
    g_ptr_array_add(def->controllers, c);
    return TRUE;
}

static const char *const refusedCommon[] = {
    "pci", "usbctrl", "usbdev", "channel", "vnuma", "cpuid", "soundhw",
    "device_model_args", "device_model_args_pv", "device_model_args_hvm",
    "vtpm", "p9", "pvcalls", "vdispl", "vsnd", "vkb", "dtdev", "iomem",
    "ioports", "irqs", "rdm",
    NULL
};

gboolean
xvmXenParseCommon(const xvmXenConf *conf, xvmDomainDef *def,
                  xvmXenDialect dialect, GError **error)
{
    if (!xvmXenRefuseSettings(conf, refusedCommon, error))
        return FALSE;
    if (!parseIdentity(conf, def, dialect, error) ||
        !parseMemory(conf, def, error) ||
        !parseCpus(conf, def, error) ||
        !parseFeatures(conf, def, error) ||
        !parseClock(conf, def, error) ||
        !parseLifecycle(conf, def, dialect, error) ||
        !parseEmulator(conf, def, dialect, error) ||
        !parseNets(conf, def, dialect, error))
        return FALSE;
    if (def->os.type == XVM_DOMAIN_OS_TYPE_HVM) {
        if (!parseHvmGraphics(conf, def, dialect, error) ||
            !parseVideo(conf, def, error) ||
            !parseInputs(conf, def, dialect, error))
            return FALSE;
    } else {
        if (!parseVfb(conf, def, error))
            return FALSE;
    }
    if (!parseCharDevs(conf, def, dialect, error) ||
        !parseXenbus(conf, def, error))
        return FALSE;
    def->memballoon = TRUE;
    return TRUE;
}

/* cpu_weight is <cputune><shares>, as libvirt's libxl driver has it
 * (libxl_conf.c: sched_params.weight = cputune.shares).  cpu_cap has no
 * domain XML form in libvirt (its libxl driver offers the cap only as the
 * live scheduler parameter "cap"), so it travels in the extras. */
gboolean
xvmXenParseSchedParams(const xvmXenConf *conf, xvmDomainDef *def, xvmXenNativeExtras *extras,
                       GError **error)
{
    guint64 weight = 0, cap = 0;
    int rcW, rcC;

    if ((rcW = xvmXenConfGetUInt64(conf, "cpu_weight", &weight, error)) < 0 ||
        (rcC = xvmXenConfGetUInt64(conf, "cpu_cap", &cap, error)) < 0)
        return FALSE;
    if (rcW && (weight < XVM_DOMAIN_CPU_WEIGHT_MIN || weight > XVM_DOMAIN_CPU_WEIGHT_MAX))
        return badValue(error, conf, "cpu_weight", _("out of range (1 to 65535)"));
    /* a cap is a percentage of one CPU: at most 100 per vCPU possible */
    if (rcC && cap > 100ULL * XVM_DOMAIN_MAX_VCPUS)
        return badValue(error, conf, "cpu_cap", _("out of range"));
    if (rcC && !extras)
        return unsupportedValue(error, conf, "cpu_cap", "%s",
                                _("setting 'cpu_cap' is not supported here"));
    if (rcW) {
        def->cputune_shares_set = TRUE;
        def->cputune_shares = (guint)weight;
    }
    if (extras) {
        extras->has_cpu_cap = rcC == 1;
        extras->cpu_cap = cap;
    }
    return TRUE;
}

gboolean
xvmXenFormatSchedParams(xvmXenConf *conf, const xvmDomainDef *def,
                        const xvmXenNativeExtras *extras, GError **error)
{
    if (def->cputune_shares_set) {
        /* xl and xm would pass anything else on to Xen, which refuses it */
        if (def->cputune_shares < XVM_DOMAIN_CPU_WEIGHT_MIN ||
            def->cputune_shares > XVM_DOMAIN_CPU_WEIGHT_MAX) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("<cputune><shares> %u is out of range: Xen's credit scheduler takes a weight from %d to %d"),
                         def->cputune_shares, XVM_DOMAIN_CPU_WEIGHT_MIN, XVM_DOMAIN_CPU_WEIGHT_MAX);
            return FALSE;
        }
        xvmXenConfSetNumber(conf, "cpu_weight", def->cputune_shares);
    }
    if (extras && extras->has_cpu_cap)
        xvmXenConfSetNumber(conf, "cpu_cap", extras->cpu_cap);
    return TRUE;
}

gboolean
xvmXenParseBootOrder(const xvmXenConf *conf, xvmDomainDef *def, GError **error)
{
    g_autofree char *boot = NULL;
    gsize i;

    if (xvmXenConfGetString(conf, "boot", &boot, error) < 0)
        return FALSE;
    if (!boot)
        boot = g_strdup("c");
    if (strlen(boot) > XVM_DOMAIN_MAX_BOOT_DEVS)
        return badValue(error, conf, "boot", _("too many boot devices"));
    def->os.nboot = 0;
    for (i = 0; boot[i]; i++) {
        switch (boot[i]) {
        case 'a': def->os.boot[i] = XVM_DOMAIN_BOOT_FLOPPY; break;
        case 'c': def->os.boot[i] = XVM_DOMAIN_BOOT_DISK; break;
        case 'd': def->os.boot[i] = XVM_DOMAIN_BOOT_CDROM; break;
        case 'n': def->os.boot[i] = XVM_DOMAIN_BOOT_NET; break;
        default:
            return badValue(error, conf, "boot", _("boot devices are letters among a, c, d and n"));
        }
        def->os.nboot++;
    }
    return TRUE;
}

void
xvmXenFormatBootOrder(xvmXenConf *conf, const xvmDomainDef *def)
{
    char boot[XVM_DOMAIN_MAX_BOOT_DEVS + 1];
    guint i;

    for (i = 0; i < def->os.nboot && i < XVM_DOMAIN_MAX_BOOT_DEVS; i++) {
        switch (def->os.boot[i]) {
        case XVM_DOMAIN_BOOT_FLOPPY: boot[i] = 'a'; break;
        case XVM_DOMAIN_BOOT_CDROM: boot[i] = 'd'; break;
        case XVM_DOMAIN_BOOT_NET: boot[i] = 'n'; break;
        case XVM_DOMAIN_BOOT_DISK:
        default: boot[i] = 'c'; break;
        }
    }
    if (i == 0)
        boot[i++] = 'c';
    boot[i] = '\0';
    xvmXenConfSetString(conf, "boot", boot);
}

gboolean
xvmXenParseCmdline(const xvmXenConf *conf, gboolean allow_cmdline, char **cmdline, GError **error)
{
    g_autofree char *root = NULL;
    g_autofree char *extra = NULL;
    int rc = 0;

    *cmdline = NULL;
    if (allow_cmdline && (rc = xvmXenConfGetString(conf, "cmdline", cmdline, error)) < 0)
        return FALSE;
    if (rc == 1)
        return TRUE; /* cmdline wins over root= and extra= (as xl) */
    if (xvmXenConfGetString(conf, "root", &root, error) < 0 ||
        xvmXenConfGetString(conf, "extra", &extra, error) < 0)
        return FALSE;
    if (root && extra)
        *cmdline = g_strdup_printf("root=%s %s", root, extra);
    else if (root)
        *cmdline = g_strdup_printf("root=%s", root);
    else if (extra)
        *cmdline = g_strdup(extra);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* formatting                                                          */

static gboolean G_GNUC_PRINTF(2, 3)
cannotFormat(GError **error, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s", msg);
    return FALSE;
}

gboolean
xvmXenFormatIdentity(xvmXenConf *conf, const xvmDomainDef *def, GError **error)
{
    char uuid[XVM_UUID_STRING_BUFLEN];

    if (!def->name || !*def->name) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, "%s", _("the domain has no name"));
        return FALSE;
    }
    xvmXenConfSetString(conf, "name", def->name);
    xvmUuidFormat(&def->uuid, uuid);
    xvmXenConfSetString(conf, "uuid", uuid);
    return TRUE;
}

static gint64
kibToMib(guint64 kib)
{
    return (gint64)((kib + 1023) / 1024);
}

gboolean
xvmXenFormatResources(xvmXenConf *conf, const xvmDomainDef *def, GError **error)
{
    guint64 cur = def->current_memory ? def->current_memory : def->memory;
    guint vcpus = def->vcpus_current ? def->vcpus_current : def->vcpus;

    if (def->memory == 0 || def->vcpus == 0) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, "%s",
                     _("the domain has no memory or no vCPU"));
        return FALSE;
    }
    if (def->max_memory)
        return cannotFormat(error, "%s", _("memory hotplug (<maxMemory>) has no xl/xm form"));
    xvmXenConfSetNumber(conf, "memory", kibToMib(cur));
    xvmXenConfSetNumber(conf, "maxmem", kibToMib(def->memory));
    xvmXenConfSetNumber(conf, "vcpus", vcpus);
    if (vcpus < def->vcpus)
        xvmXenConfSetNumber(conf, "maxvcpus", def->vcpus);

    if (def->vcpupins->len) {
        /* cpus = [ "set of vcpu 0", "set of vcpu 1", ... ] */
        xvmXenConfValue *list;
        guint last = 0, i, v;

        if (def->cpumask)
            return cannotFormat(error, "%s",
                                _("xl cannot express both <vcpu cpuset> and <vcpupin>"));
        for (i = 0; i < def->vcpupins->len; i++) {
            const xvmDomainVcpuPinDef *pin = g_ptr_array_index(def->vcpupins, i);
            last = MAX(last, pin->vcpu);
        }
        list = xvmXenConfValueNewList();
        for (v = 0; v <= last; v++) {
            g_autofree char *set = NULL;
            for (i = 0; i < def->vcpupins->len; i++) {
                const xvmDomainVcpuPinDef *pin = g_ptr_array_index(def->vcpupins, i);
                if (pin->vcpu == v)
                    set = xvmBitmapFormat(pin->cpumask);
            }
            xvmXenConfListAppendString(list, set ? set : "all");
        }
        xvmXenConfSet(conf, "cpus", list);
    } else if (def->cpumask) {
        g_autofree char *set = xvmBitmapFormat(def->cpumask);
        xvmXenConfSetString(conf, "cpus", set);
    }
    return TRUE;
}

/* tsc_mode and hpet from the <clock> timers, as libvirt's xen_common.c
 * writes them (after viridian, before rtc_timeoffset): a tsc timer without
 * a mode other than auto is "default"; hpet is 0 only for present='no'. */
static gboolean
formatTimers(xvmXenConf *conf, const xvmDomainDef *def, GError **error)
{
    const xvmDomainTimerDef *tsc = &def->clock.timers[XVM_DOMAIN_TIMER_NAME_TSC];
    const xvmDomainTimerDef *hpet = &def->clock.timers[XVM_DOMAIN_TIMER_NAME_HPET];

    if (tsc->set) {
        const char *mode = NULL;

        switch (tsc->mode) {
        case XVM_DOMAIN_TIMER_MODE_NATIVE:
            mode = "native";
            break;
        case XVM_DOMAIN_TIMER_MODE_PARAVIRT:
            mode = "native_paravirt";
            break;
        case XVM_DOMAIN_TIMER_MODE_EMULATE:
            mode = "always_emulate";
            break;
        case XVM_DOMAIN_TIMER_MODE_NONE:
        case XVM_DOMAIN_TIMER_MODE_AUTO:
            mode = "default";
            break;
        default:
            return cannotFormat(error, _("unsupported <timer name='tsc' mode='%d'>"), tsc->mode);
        }
        xvmXenConfSetString(conf, "tsc_mode", mode);
    }
    if (hpet->set) {
        if (def->os.type != XVM_DOMAIN_OS_TYPE_HVM)
            return cannotFormat(error, "%s", _("unsupported timer type (name) 'hpet'"));
        xvmXenConfSetNumber(conf, "hpet", hpet->present != XVM_TRISTATE_BOOL_NO);
    }
    return TRUE;
}

gboolean
xvmXenFormatFeatures(xvmXenConf *conf, const xvmDomainDef *def, GError **error)
{
    gboolean localtime = FALSE;

    if (def->os.type == XVM_DOMAIN_OS_TYPE_HVM) {
        gint64 offset = 0;

        xvmXenConfSetNumber(conf, "pae", def->features[XVM_DOMAIN_FEATURE_PAE] == XVM_TRISTATE_SWITCH_ON);
        xvmXenConfSetNumber(conf, "acpi", def->features[XVM_DOMAIN_FEATURE_ACPI] == XVM_TRISTATE_SWITCH_ON);
        xvmXenConfSetNumber(conf, "apic", def->features[XVM_DOMAIN_FEATURE_APIC] == XVM_TRISTATE_SWITCH_ON);
        if (def->features[XVM_DOMAIN_FEATURE_HAP] == XVM_TRISTATE_SWITCH_OFF)
            xvmXenConfSetNumber(conf, "hap", 0);
        xvmXenConfSetNumber(conf, "viridian",
                            def->features[XVM_DOMAIN_FEATURE_VIRIDIAN] == XVM_TRISTATE_SWITCH_ON);
        if (!formatTimers(conf, def, error))
            return FALSE;

        switch (def->clock.offset) {
        case XVM_DOMAIN_CLOCK_OFFSET_VARIABLE:
            localtime = def->clock.basis == XVM_DOMAIN_CLOCK_BASIS_LOCALTIME;
            offset = def->clock.adjustment;
            break;
        case XVM_DOMAIN_CLOCK_OFFSET_UTC:
        case XVM_DOMAIN_CLOCK_OFFSET_LOCALTIME:
            if (def->clock.adjustment_reset)
                return cannotFormat(error, "%s", _("unsupported clock adjustment='reset'"));
            localtime = def->clock.offset == XVM_DOMAIN_CLOCK_OFFSET_LOCALTIME;
            break;
        default:
            return cannotFormat(error, _("unsupported clock offset='%s'"),
                                xvmDomainClockOffsetTypeToString(def->clock.offset));
        }
        if (offset < G_MININT32 || offset > G_MAXINT32)
            return cannotFormat(error, "%s", _("clock adjustment out of range"));
        xvmXenConfSetNumber(conf, "rtc_timeoffset", offset);
    } else {
        if (!formatTimers(conf, def, error))
            return FALSE;
        switch (def->clock.offset) {
        case XVM_DOMAIN_CLOCK_OFFSET_UTC:
            break;
        case XVM_DOMAIN_CLOCK_OFFSET_LOCALTIME:
            localtime = TRUE;
            break;
        default:
            return cannotFormat(error, _("unsupported clock offset='%s'"),
                                xvmDomainClockOffsetTypeToString(def->clock.offset));
        }
    }
    xvmXenConfSetNumber(conf, "localtime", localtime);
    return TRUE;
}

gboolean
xvmXenFormatLifecycle(xvmXenConf *conf, const xvmDomainDef *def, GError **error)
{
    const struct { const char *name; xvmDomainLifecycleAction act; } actions[] = {
        { "on_poweroff", def->on_poweroff },
        { "on_reboot", def->on_reboot },
        { "on_crash", def->on_crash },
    };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(actions); i++) {
        const char *str = xvmDomainLifecycleActionTypeToString(actions[i].act);
        if (!str) {
            xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("unexpected lifecycle action %d"),
                         actions[i].act);
            return FALSE;
        }
        xvmXenConfSetString(conf, actions[i].name, str);
    }
    return TRUE;
}

void
xvmXenFormatEmulator(xvmXenConf *conf, const xvmDomainDef *def, xvmXenDialect dialect)
{
    if (def->emulator)
        xvmXenConfSetString(conf, dialect == XVM_XEN_DIALECT_XL ? "device_model_override"
                                                                : "device_model",
                            def->emulator);
}

/* Values inside "key=value,key=value" device strings cannot hold a comma
 * (xl and xend split on it; '=' after the key is fine). */
static gboolean
noComma(const char *what, const char *value, GError **error)
{
    if (value && strchr(value, ','))
        return cannotFormat(error, _("%s '%s' cannot be written in an xl/xm device string"),
                            what, value);
    return TRUE;
}

static char *
formatVif(const xvmDomainNetDef *net, gboolean hvm, const char *netfront, GError **error)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    char mac[XVM_MAC_STRING_BUFLEN];
    g_autoptr(GString) ips = g_string_new(NULL);
    guint i;

    for (i = 0; i < net->ips->len; i++) {
        const xvmDomainNetIPDef *ip = g_ptr_array_index(net->ips, i);
        if (ips->len)
            g_string_append_c(ips, ' ');
        g_string_append(ips, ip->address);
        if (ip->prefix)
            g_string_append_printf(ips, "/%u", ip->prefix);
    }
    if (!noComma(_("interface bridge"), net->source, error) ||
        !noComma(_("interface script"), net->script, error) ||
        !noComma(_("interface model"), net->model, error) ||
        !noComma(_("interface name"), net->ifname, error))
        return NULL;

    xvmMacFormat(&net->mac, mac);
    g_string_append_printf(buf, "mac=%s", mac);
    switch (net->type) {
    case XVM_DOMAIN_NET_TYPE_BRIDGE:
        if (net->source)
            g_string_append_printf(buf, ",bridge=%s", net->source);
        if (ips->len)
            g_string_append_printf(buf, ",ip=%s", ips->str);
        /* no script: xl and xend default to vif-bridge for a bridge */
        if (net->script)
            g_string_append_printf(buf, ",script=%s", net->script);
        break;
    case XVM_DOMAIN_NET_TYPE_ETHERNET:
        if (net->script)
            g_string_append_printf(buf, ",script=%s", net->script);
        if (ips->len)
            g_string_append_printf(buf, ",ip=%s", ips->str);
        break;
    case XVM_DOMAIN_NET_TYPE_NETWORK:
    default:
        cannotFormat(error, _("interface type '%s' has no xl/xm form (use a bridge)"),
                     xvmDomainNetTypeTypeToString(net->type));
        return NULL;
    }
    if (net->model) {
        if (hvm && strcmp(net->model, "netfront") == 0)
            g_string_append_printf(buf, ",type=%s", netfront);
        else
            g_string_append_printf(buf, ",model=%s", net->model);
    }
    if (net->ifname)
        g_string_append_printf(buf, ",vifname=%s", net->ifname);
    if (net->bandwidth_out_average)
        g_string_append_printf(buf, ",rate=%" G_GUINT64_FORMAT "KB/s", net->bandwidth_out_average);
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

gboolean
xvmXenFormatDisks(xvmXenConf *conf, const xvmDomainDef *def,
                  xvmXenDiskFormatter format_disk, GError **error)
{
    g_autoptr(xvmXenConfValue) list = NULL;
    guint i;

    if (def->disks->len == 0)
        return TRUE;
    list = xvmXenConfValueNewList();
    for (i = 0; i < def->disks->len; i++) {
        char *spec = format_disk(g_ptr_array_index(def->disks, i), error);
        if (!spec)
            return FALSE;
        g_ptr_array_add(list->items, xvmXenConfValueNewString(spec));
        g_free(spec);
    }
    xvmXenConfSet(conf, "disk", g_steal_pointer(&list));
    return TRUE;
}

gboolean
xvmXenFormatNets(xvmXenConf *conf, const xvmDomainDef *def, xvmXenDialect dialect, GError **error)
{
    g_autoptr(xvmXenConfValue) list = NULL;
    guint i;

    if (def->nets->len == 0)
        return TRUE;
    list = xvmXenConfValueNewList();
    for (i = 0; i < def->nets->len; i++) {
        char *vif = formatVif(g_ptr_array_index(def->nets, i),
                              def->os.type == XVM_DOMAIN_OS_TYPE_HVM,
                              dialect == XVM_XEN_DIALECT_XL ? "vif" : "netfront", error);
        if (!vif)
            return FALSE;
        g_ptr_array_add(list->items, xvmXenConfValueNewString(vif));
        g_free(vif);
    }
    xvmXenConfSet(conf, "vif", g_steal_pointer(&list));
    return TRUE;
}

static gboolean
formatHvmGraphics(xvmXenConf *conf, const xvmDomainGraphicsDef *g,
                  xvmXenDialect dialect, GError **error)
{
    switch (g->type) {
    case XVM_DOMAIN_GRAPHICS_TYPE_SDL:
        xvmXenConfSetNumber(conf, "sdl", 1);
        xvmXenConfSetNumber(conf, "vnc", 0);
        if (g->display)
            xvmXenConfSetString(conf, "display", g->display);
        if (g->xauth)
            xvmXenConfSetString(conf, "xauthority", g->xauth);
        return TRUE;
    case XVM_DOMAIN_GRAPHICS_TYPE_VNC:
        xvmXenConfSetNumber(conf, "sdl", 0);
        xvmXenConfSetNumber(conf, "vnc", 1);
        xvmXenConfSetNumber(conf, "vncunused", g->autoport ? 1 : 0);
        if (!g->autoport) {
            if (g->port < XEN_VNC_PORT_MIN)
                return cannotFormat(error, _("VNC port %d is below %d"), g->port, XEN_VNC_PORT_MIN);
            xvmXenConfSetNumber(conf, "vncdisplay", g->port - XEN_VNC_PORT_MIN);
        }
        if (g->listen)
            xvmXenConfSetString(conf, "vnclisten", g->listen);
        if (g->passwd)
            xvmXenConfSetString(conf, "vncpasswd", g->passwd);
        if (g->keymap)
            xvmXenConfSetString(conf, "keymap", g->keymap);
        return TRUE;
    case XVM_DOMAIN_GRAPHICS_TYPE_SPICE:
        if (dialect != XVM_XEN_DIALECT_XL)
            return cannotFormat(error, "%s", _("SPICE graphics have no xm form"));
        xvmXenConfSetNumber(conf, "spice", 1);
        if (g->listen)
            xvmXenConfSetString(conf, "spicehost", g->listen);
        if (!g->autoport && g->port > 0)
            xvmXenConfSetNumber(conf, "spiceport", g->port);
        if (!g->autoport && g->tls_port > 0)
            xvmXenConfSetNumber(conf, "spicetls_port", g->tls_port);
        if (g->passwd) {
            xvmXenConfSetNumber(conf, "spicedisable_ticketing", 0);
            xvmXenConfSetString(conf, "spicepasswd", g->passwd);
        } else {
            xvmXenConfSetNumber(conf, "spicedisable_ticketing", 1);
        }
        return TRUE;
    default:
        return cannotFormat(error, "%s", _("unknown graphics type"));
    }
}

static gboolean
formatVfb(xvmXenConf *conf, const xvmDomainGraphicsDef *g, GError **error)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    const char *one[2] = { NULL, NULL };

    switch (g->type) {
    case XVM_DOMAIN_GRAPHICS_TYPE_SDL:
        if (!noComma(_("display"), g->display, error) || !noComma(_("xauthority"), g->xauth, error))
            return FALSE;
        g_string_append(buf, "type=sdl");
        if (g->display)
            g_string_append_printf(buf, ",display=%s", g->display);
        if (g->xauth)
            g_string_append_printf(buf, ",xauthority=%s", g->xauth);
        break;
    case XVM_DOMAIN_GRAPHICS_TYPE_VNC:
        if (!noComma(_("VNC listen address"), g->listen, error) ||
            !noComma(_("VNC password"), g->passwd, error) ||
            !noComma(_("keymap"), g->keymap, error))
            return FALSE;
        g_string_append(buf, "type=vnc");
        g_string_append_printf(buf, ",vncunused=%d", g->autoport ? 1 : 0);
        if (!g->autoport) {
            if (g->port < XEN_VNC_PORT_MIN)
                return cannotFormat(error, _("VNC port %d is below %d"), g->port, XEN_VNC_PORT_MIN);
            g_string_append_printf(buf, ",vncdisplay=%d", g->port - XEN_VNC_PORT_MIN);
        }
        if (g->listen)
            g_string_append_printf(buf, ",vnclisten=%s", g->listen);
        if (g->passwd)
            g_string_append_printf(buf, ",vncpasswd=%s", g->passwd);
        if (g->keymap)
            g_string_append_printf(buf, ",keymap=%s", g->keymap);
        break;
    default:
        return cannotFormat(error, _("%s graphics have no form for PV guests in xl/xm"),
                            xvmDomainGraphicsTypeTypeToString(g->type));
    }
    one[0] = buf->str;
    xvmXenConfSetStringList(conf, "vfb", one);
    return TRUE;
}

gboolean
xvmXenFormatGraphics(xvmXenConf *conf, const xvmDomainDef *def,
                     xvmXenDialect dialect, GError **error)
{
    gboolean hvm = def->os.type == XVM_DOMAIN_OS_TYPE_HVM;
    gboolean haveFb = FALSE, haveSpice = FALSE;
    guint i, nusb = 0;

    for (i = 0; i < def->graphics->len; i++) {
        const xvmDomainGraphicsDef *g = g_ptr_array_index(def->graphics, i);
        gboolean spice = g->type == XVM_DOMAIN_GRAPHICS_TYPE_SPICE;

        if ((spice && haveSpice) || (!spice && haveFb))
            return cannotFormat(error, "%s", _("xl/xm allow one VNC or SDL display and one SPICE display"));
        if (spice && !hvm)
            return cannotFormat(error, "%s", _("SPICE graphics need an HVM guest"));
        if (!(hvm ? formatHvmGraphics(conf, g, dialect, error) : formatVfb(conf, g, error)))
            return FALSE;
        haveSpice |= spice;
        haveFb |= !spice;
    }

    if (def->videos->len > 1)
        return cannotFormat(error, "%s", _("xl/xm allow one video device"));
    if (def->videos->len == 1) {
        const xvmDomainVideoDef *video = g_ptr_array_index(def->videos, 0);
        if (hvm) {
            if (video->model == XVM_DOMAIN_VIDEO_MODEL_VGA)
                xvmXenConfSetString(conf, "vga", "stdvga");
            else if (video->model == XVM_DOMAIN_VIDEO_MODEL_CIRRUS)
                xvmXenConfSetString(conf, "vga", "cirrus");
            else
                return cannotFormat(error, _("video model '%s' has no form for HVM guests"),
                                    xvmDomainVideoModelTypeToString(video->model));
            if (video->vram)
                xvmXenConfSetNumber(conf, "videoram", (video->vram + 1023) / 1024);
        } else if (video->model != XVM_DOMAIN_VIDEO_MODEL_XEN) {
            return cannotFormat(error, _("video model '%s' has no form for PV guests"),
                                xvmDomainVideoModelTypeToString(video->model));
        }
    }

    for (i = 0; i < def->inputs->len; i++) {
        const xvmDomainInputDef *input = g_ptr_array_index(def->inputs, i);
        if (input->bus == XVM_DOMAIN_INPUT_BUS_USB)
            nusb++;
    }
    if (nusb) {
        xvmXenConfValue *list = xvmXenConfValueNewList();

        if (!hvm) {
            xvmXenConfValueFree(list);
            return cannotFormat(error, "%s", _("USB input devices need an HVM guest"));
        }
        if (nusb > 1 && dialect == XVM_XEN_DIALECT_XM) {
            xvmXenConfValueFree(list);
            return cannotFormat(error, "%s", _("xm allows one USB input device"));
        }
        for (i = 0; i < def->inputs->len; i++) {
            const xvmDomainInputDef *input = g_ptr_array_index(def->inputs, i);
            if (input->bus == XVM_DOMAIN_INPUT_BUS_USB)
                xvmXenConfListAppendString(list, xvmDomainInputTypeTypeToString(input->type));
        }
        xvmXenConfSetNumber(conf, "usb", 1);
        if (nusb == 1) {
            const xvmXenConfValue *only = g_ptr_array_index(list->items, 0);
            xvmXenConfSetString(conf, "usbdevice", only->str);
            xvmXenConfValueFree(list);
        } else {
            xvmXenConfSet(conf, "usbdevice", list);
        }
    }
    return TRUE;
}

gboolean
xvmXenFormatCharDevs(xvmXenConf *conf, const xvmDomainDef *def,
                     xvmXenDialect dialect, GError **error)
{
    int maxport = -1, port;
    guint i;

    if (def->os.type != XVM_DOMAIN_OS_TYPE_HVM) {
        if (def->serials->len)
            return cannotFormat(error, "%s",
                                _("serial ports of PV guests have no xl/xm form (the console is implicit)"));
        return TRUE;
    }

    xvmXenConfSetString(conf, "parallel", "none");
    for (i = 0; i < def->serials->len; i++) {
        const xvmDomainChrDef *chr = g_ptr_array_index(def->serials, i);
        int p = chr->port < 0 ? (int)i : chr->port;
        if (chr->type != XVM_DOMAIN_CHR_TYPE_PTY)
            return cannotFormat(error, "%s", _("only pty serial ports are supported"));
        maxport = MAX(maxport, p);
    }
    if (maxport < 0) {
        xvmXenConfSetString(conf, "serial", "none");
        return TRUE;
    }
    if (maxport == 0) {
        xvmXenConfSetString(conf, "serial", "pty");
        return TRUE;
    }
    if (dialect == XVM_XEN_DIALECT_XM)
        return cannotFormat(error, "%s", _("Multiple serial devices are not supported by xen-xm"));
    {
        xvmXenConfValue *list = xvmXenConfValueNewList();
        for (port = 0; port <= maxport; port++) {
            gboolean found = FALSE;
            for (i = 0; i < def->serials->len; i++) {
                const xvmDomainChrDef *chr = g_ptr_array_index(def->serials, i);
                if ((chr->port < 0 ? (int)i : chr->port) == port)
                    found = TRUE;
            }
            xvmXenConfListAppendString(list, found ? "pty" : "none");
        }
        xvmXenConfSet(conf, "serial", list);
    }
    return TRUE;
}

void
xvmXenFormatXenbus(xvmXenConf *conf, const xvmDomainDef *def)
{
    guint i;

    for (i = 0; i < def->controllers->len; i++) {
        const xvmDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        if (c->type != XVM_DOMAIN_CONTROLLER_TYPE_XENBUS)
            continue;
        if (c->max_grant_frames)
            xvmXenConfSetNumber(conf, "max_grant_frames", c->max_grant_frames);
        if (c->max_event_channels)
            xvmXenConfSetNumber(conf, "max_event_channels", c->max_event_channels);
    }
}
