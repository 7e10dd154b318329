/*
 * domain_xml_parse.c: libvirt domain XML -> xvmDomainDef.
 *
 * The document is untrusted: it is size-checked before libxml2 sees it,
 * parsed without network access, DTDs or entity expansion, and every count
 * is bounded. Unknown elements outside <devices> are ignored, as libvirt
 * does; elements libvirt knows but a Xen driver cannot honour are refused
 * with VIR_ERR_CONFIG_UNSUPPORTED rather than silently dropped.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_conf.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <glib/gi18n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

typedef struct {
    unsigned int flags;
    xmlDocPtr doc;
} ParseCtx;

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */
/* ------------------------------------------------------------------------ */

static gboolean
is_elem(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0;
}

/* First element child named `name`, or NULL. */
static xmlNodePtr
child_elem(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr c = parent->children; c; c = c->next)
        if (is_elem(c, name))
            return c;
    return NULL;
}

/* Attribute value (no namespace), g_free'd by the caller; NULL if absent. */
static char *
attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    char *r;
    if (!v)
        return NULL;
    r = g_strdup((const char *)v);
    xmlFree(v);
    return r;
}

/* Text content of an element (all descendant text), never NULL. */
static char *
text(xmlNodePtr n)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *r = g_strdup(v ? (const char *)v : "");
    xmlFree(v);
    return r;
}

/* Text of the first child element `name`, NULL if there is none. */
static char *
child_text(xmlNodePtr parent, const char *name)
{
    xmlNodePtr c = child_elem(parent, name);
    return c ? text(c) : NULL;
}

static gboolean
in_list(const char *s, const char *const *list)
{
    for (gsize i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return TRUE;
    return FALSE;
}

/* Unsigned decimal, digits only (surrounding blanks allowed), <= max. */
static gboolean
parse_uint(const char *what, const char *s, guint64 max, guint64 *out,
           GError **error)
{
    const char *p = s;
    char *end = NULL;
    guint64 v;

    while (p && g_ascii_isspace(*p))
        p++;
    if (!p || !g_ascii_isdigit(*p))
        goto bad;
    errno = 0;
    v = g_ascii_strtoull(p, &end, 10);
    while (end && g_ascii_isspace(*end))
        end++;
    if (errno || !end || *end || v > max)
        goto bad;
    *out = v;
    return TRUE;

 bad:
    xvmConfError(error, VIR_ERR_XML_ERROR,
                 _("invalid value '%s' for %s: expected an integer between 0 and %" G_GUINT64_FORMAT),
                 s ? s : "", what, max);
    return FALSE;
}

static gboolean
parse_uint32(const char *what, const char *s, guint max, guint *out, GError **error)
{
    guint64 v;
    if (!parse_uint(what, s, max, &v, error))
        return FALSE;
    *out = (guint)v;
    return TRUE;
}

/* Signed decimal. */
static gboolean
parse_int64(const char *what, const char *s, gint64 min, gint64 max, gint64 *out,
            GError **error)
{
    const char *p = s;
    char *end = NULL;
    gint64 v;

    while (p && g_ascii_isspace(*p))
        p++;
    if (!p || !(g_ascii_isdigit(*p) || ((*p == '-' || *p == '+') && g_ascii_isdigit(p[1]))))
        goto bad;
    errno = 0;
    v = g_ascii_strtoll(p, &end, 10);
    while (end && g_ascii_isspace(*end))
        end++;
    if (errno || !end || *end || v < min || v > max)
        goto bad;
    *out = v;
    return TRUE;

 bad:
    xvmConfError(error, VIR_ERR_XML_ERROR,
                 _("invalid value '%s' for %s: expected an integer between %" G_GINT64_FORMAT
                   " and %" G_GINT64_FORMAT),
                 s ? s : "", what, min, max);
    return FALSE;
}

/* yes/no attribute; absent leaves *out unchanged. */
static gboolean
parse_yesno(const char *what, const char *s, gboolean *out, GError **error)
{
    if (!s)
        return TRUE;
    if (strcmp(s, "yes") == 0) {
        *out = TRUE;
        return TRUE;
    }
    if (strcmp(s, "no") == 0) {
        *out = FALSE;
        return TRUE;
    }
    xvmConfError(error, VIR_ERR_XML_ERROR,
                 _("invalid value '%s' for %s: expected 'yes' or 'no'"), s, what);
    return FALSE;
}

/*
 * Look `value` up in an enum. Unknown to us but in `libvirt_known` (valid
 * libvirt, not for Xen): VIR_ERR_CONFIG_UNSUPPORTED; otherwise
 * VIR_ERR_XML_ERROR. `first` skips a leading "default" entry.
 */
static int
parse_enum(const char *what, const char *value, int (*from_string)(const char *),
           int first, const char *const *libvirt_known, GError **error)
{
    int v = value ? from_string(value) : -1;

    if (v >= first)
        return v;
    if (value && libvirt_known && in_list(value, libvirt_known))
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("%s '%s' is not supported by the Xen driver"), what, value);
    else
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("unknown %s '%s'"), what, value ? value : "");
    return -1;
}

/* ------------------------------------------------------------------------ */
/* Tables of what libvirt knows (for CONFIG_UNSUPPORTED vs XML_ERROR)        */
/* ------------------------------------------------------------------------ */

static const char *const libvirt_virt_types[] = {
    "none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz", "test",
    "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve", "vz", NULL
};
static const char *const libvirt_os_types[] = { "exe", "uml", NULL };
static const char *const libvirt_arches[] = {
    "aarch64", "alpha", "armv6l", "armv7l", "armv7b", "cris", "i686", "ia64",
    "lm32", "loongarch64", "m68k", "microblaze", "microblazeel", "mips",
    "mipsel", "mips64", "mips64el", "openrisc", "parisc", "parisc64", "ppc",
    "ppcle", "ppc64", "ppc64le", "ppcemb", "riscv32", "riscv64", "s390",
    "s390x", "sh4", "sh4eb", "sparc", "sparc64", "unicore32", "x86_64",
    "xtensa", "xtensaeb", NULL
};
static const char *const libvirt_features[] = {
    "privnet", "hyperv", "kvm", "pvspinlock", "capabilities", "pmu", "vmport",
    "gic", "smm", "ioapic", "hpt", "vmcoreinfo", "htm", "nested-hv", "msrs",
    "ccf-assist", "xen", "cfpc", "sbbc", "ibs", "tcg", "async-teardown", NULL
};
static const char *const libvirt_clock_offsets[] = { "timezone", "absolute", NULL };
static const char *const libvirt_timer_names[] = {
    "platform", "pit", "rtc", "kvmclock", "hypervclock", "armvtimer", NULL
};
static const char *const libvirt_timer_modes[] = { "smpsafe", NULL };
static const char *const libvirt_disk_types[] = {
    "dir", "network", "volume", "nvme", "vhostuser", "vhostvdpa", NULL
};
static const char *const libvirt_disk_devices[] = { "floppy", "lun", NULL };
static const char *const libvirt_disk_buses[] = {
    "fdc", "virtio", "usb", "uml", "sata", "sd", "none", NULL
};
static const char *const libvirt_disk_formats[] = {
    "none", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat",
    "ploop", "cow", "vmdk", "luks", "aio", NULL
};
static const char *const libvirt_controller_types[] = {
    "fdc", "sata", "virtio-serial", "ccid", "pci", "isa", NULL
};
static const char *const libvirt_net_types[] = {
    "user", "vhostuser", "server", "client", "mcast", "udp", "internal",
    "direct", "hostdev", "vdpa", "null", "vds", NULL
};
static const char *const libvirt_chr_types[] = {
    "null", "vc", "dev", "file", "pipe", "stdio", "udp", "tcp", "unix",
    "spicevmc", "spiceport", "nmdm", "qemu-vdagent", "dbus", NULL
};
static const char *const libvirt_console_targets[] = {
    "none", "uml", "virtio", "lxc", "openvz", "sclp", "sclplm", NULL
};
static const char *const libvirt_graphics_types[] = {
    "rdp", "desktop", "egl-headless", "dbus", NULL
};
static const char *const libvirt_input_types[] = { "passthrough", "evdev", NULL };
static const char *const libvirt_input_buses[] = { "virtio", "none", NULL };
static const char *const libvirt_video_models[] = {
    "vmvga", "vbox", "qxl", "parallels", "virtio", "gop", "none", "bochs",
    "ramfb", NULL
};
/* Top-level elements a Xen guest cannot honour. */
static const char *const unsupported_top[] = {
    "numatune", "memtune", "blkiotune", "memoryBacking", "iothreads",
    "iothreadids", "defaultiothread", "vcpus", "cpu", "sysinfo", "resource",
    "idmap", "launchSecurity", "keywrap", "pm", "perf", "seclabel", "genid",
    "on_lockfailure", "throttlegroups", NULL
};

/* ------------------------------------------------------------------------ */
/* Sections                                                                 */
/* ------------------------------------------------------------------------ */

static gboolean
parse_memory_elem(xmlNodePtr n, const char *what, guint64 *kib, GError **error)
{
    g_autofree char *unit = attr(n, "unit");
    g_autofree char *val = text(n);
    return xvmParseScaledKiB(what, val, unit, kib, error);
}

static gboolean
parse_metadata(xmlNodePtr n, xvmDomainDef *def, GError **error)
{
    /* Serialise the element alone in a document of its own, so namespaces
     * declared on ancestors are re-declared on it. Whitespace is kept:
     * the element is re-emitted verbatim. */
    xmlDocPtr tmp = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr copy = xmlDocCopyNode(n, tmp, 1);
    xmlBufferPtr buf = xmlBufferCreate();
    gboolean ok = FALSE;

    if (!tmp || !copy || !buf) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("cannot copy <metadata>"));
        if (copy)
            xmlFreeNode(copy);
        goto out;
    }
    xmlDocSetRootElement(tmp, copy);
    if (xmlNodeDump(buf, tmp, copy, 0, 0) < 0) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("cannot serialise <metadata>"));
        goto out;
    }
    if (xmlBufferLength(buf) > XVM_DOMAIN_MAX_METADATA_BYTES) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("<metadata> is too large (%d bytes, limit %d)"),
                     xmlBufferLength(buf), XVM_DOMAIN_MAX_METADATA_BYTES);
        goto out;
    }
    def->metadata = g_strdup((const char *)xmlBufferContent(buf));
    ok = TRUE;
 out:
    if (buf)
        xmlBufferFree(buf);
    if (tmp)
        xmlFreeDoc(tmp);
    return ok;
}

static gboolean
parse_vcpu(xmlNodePtr n, xvmDomainDef *def, GError **error)
{
    g_autofree char *val = text(n);
    g_autofree char *placement = attr(n, "placement");
    g_autofree char *cpuset = attr(n, "cpuset");
    g_autofree char *current = attr(n, "current");
    int p;

    /* one more than the limit, so validation reports it with its own message */
    if (!parse_uint32("<vcpu>", val, G_MAXINT32, &def->vcpus, error))
        return FALSE;
    if (current && !parse_uint32("<vcpu current=...>", current, G_MAXINT32,
                                 &def->vcpus_current, error))
        return FALSE;
    if (current && def->vcpus_current == 0) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("invalid value '%s' for <vcpu current=...>: at least one vCPU must be online"),
                     current);
        return FALSE;
    }
    if (placement) {
        if ((p = parse_enum(_("vcpu placement"), placement,
                            xvmDomainCpuPlacementTypeFromString, 0, NULL, error)) < 0)
            return FALSE;
        def->placement = p;
    }
    if (cpuset) {
        if (!(def->cpumask = xvmBitmapParse(cpuset, XVM_CPUSET_MAX_CPUS))) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("invalid value '%s' for <vcpu cpuset=...>: expected a CPU list such as '0-3,^2' with CPU ids below %d"),
                         cpuset, XVM_CPUSET_MAX_CPUS);
            return FALSE;
        }
    }
    return TRUE;
}

static gint
vcpupin_cmp(gconstpointer a, gconstpointer b)
{
    const xvmDomainVcpuPinDef *pa = *(xvmDomainVcpuPinDef *const *)a;
    const xvmDomainVcpuPinDef *pb = *(xvmDomainVcpuPinDef *const *)b;
    return (pa->vcpu > pb->vcpu) - (pa->vcpu < pb->vcpu);
}

static gboolean
parse_cputune(xmlNodePtr n, xvmDomainDef *def, GError **error)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        g_autoptr(xvmDomainVcpuPinDef) pin = NULL;
        g_autofree char *vcpu = NULL;
        g_autofree char *cpuset = NULL;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_elem(c, "shares")) {
            g_autofree char *v = text(c);

            /* libvirt's schema allows one; a second would be lost */
            if (def->cputune_shares_set) {
                xvmConfError(error, VIR_ERR_XML_ERROR, "%s",
                             _("more than one <shares> in <cputune>"));
                return FALSE;
            }
            /* the schema's unsignedInt; the Xen range is validation's */
            if (!parse_uint32("<cputune><shares>", v, G_MAXUINT32, &def->cputune_shares, error))
                return FALSE;
            def->cputune_shares_set = TRUE;
            continue;
        }
        if (!is_elem(c, "vcpupin")) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("<cputune> element <%s> is not supported by the Xen driver"),
                         (const char *)c->name);
            return FALSE;
        }
        if (def->vcpupins->len >= XVM_DOMAIN_MAX_VCPUS) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("too many <vcpupin> elements (limit %d)"), XVM_DOMAIN_MAX_VCPUS);
            return FALSE;
        }
        pin = xvmDomainVcpuPinDefNew();
        vcpu = attr(c, "vcpu");
        cpuset = attr(c, "cpuset");
        if (!vcpu) {
            xvmConfError(error, VIR_ERR_XML_ERROR, _("missing vcpu attribute in <vcpupin>"));
            return FALSE;
        }
        if (!parse_uint32("<vcpupin vcpu=...>", vcpu, G_MAXINT32, &pin->vcpu, error))
            return FALSE;
        if (!cpuset) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("missing cpuset attribute in <vcpupin vcpu='%s'>"), vcpu);
            return FALSE;
        }
        if (!(pin->cpumask = xvmBitmapParse(cpuset, XVM_CPUSET_MAX_CPUS))) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("invalid value '%s' for <vcpupin cpuset=...>: expected a CPU list such as '0-3,^2' with CPU ids below %d"),
                         cpuset, XVM_CPUSET_MAX_CPUS);
            return FALSE;
        }
        for (guint i = 0; i < def->vcpupins->len; i++) {
            xvmDomainVcpuPinDef *other = g_ptr_array_index(def->vcpupins, i);
            if (other->vcpu == pin->vcpu) {
                xvmConfError(error, VIR_ERR_XML_ERROR,
                             _("duplicate <vcpupin> for vcpu %u"), pin->vcpu);
                return FALSE;
            }
        }
        g_ptr_array_add(def->vcpupins, g_steal_pointer(&pin));
    }
    g_ptr_array_sort(def->vcpupins, vcpupin_cmp);
    return TRUE;
}

static gboolean
parse_os(xmlNodePtr n, xvmDomainDef *def, gboolean *machine_set, GError **error)
{
    xmlNodePtr type = child_elem(n, "type");
    xmlNodePtr loader;
    g_autofree char *tval = NULL;
    g_autofree char *arch = NULL;
    g_autofree char *machine = NULL;
    g_autofree char *firmware = attr(n, "firmware");
    int v;

    if (firmware) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("<os firmware='%s'> is not supported by the Xen driver: use <loader>"),
                     firmware);
        return FALSE;
    }
    if (!type) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("an os <type> must be specified"));
        return FALSE;
    }
    tval = text(type);
    g_strstrip(tval);
    if (strcmp(tval, "linux") == 0) {
        /* libvirt's historical name for Xen PV */
        def->os.type = XVM_DOMAIN_OS_TYPE_XEN;
    } else {
        if ((v = parse_enum(_("os type"), tval, xvmDomainOSTypeTypeFromString, 0,
                            libvirt_os_types, error)) < 0)
            return FALSE;
        def->os.type = v;
    }

    if ((arch = attr(type, "arch"))) {
        if ((v = parse_enum(_("architecture"), arch, xvmDomainArchTypeFromString, 0,
                            libvirt_arches, error)) < 0)
            return FALSE;
        def->os.arch = v;
    }
    if ((machine = attr(type, "machine"))) {
        if ((v = xvmDomainMachineTypeFromString(machine)) < 0) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("machine type '%s' is not supported by the Xen driver (use xenpv, xenpvh or xenfv)"),
                         machine);
            return FALSE;
        }
        def->os.machine = v;
        *machine_set = TRUE;
    }

    if ((loader = child_elem(n, "loader"))) {
        g_autofree char *ro = attr(loader, "readonly");
        g_autofree char *lt = attr(loader, "type");
        def->os.loader = text(loader);
        g_strstrip(def->os.loader);
        if (ro) {
            if ((v = parse_enum(_("loader readonly value"), ro,
                                xvmTristateBoolTypeFromString, 1, NULL, error)) < 0)
                return FALSE;
            def->os.loader_readonly = v;
        }
        if (lt) {
            if ((v = parse_enum(_("loader type"), lt, xvmDomainLoaderTypeTypeFromString,
                                1, NULL, error)) < 0)
                return FALSE;
            def->os.loader_type = v;
        }
    }
    def->os.kernel = child_text(n, "kernel");
    def->os.initrd = child_text(n, "initrd");
    def->os.cmdline = child_text(n, "cmdline");

    for (xmlNodePtr c = n->children; c; c = c->next) {
        g_autofree char *dev = NULL;
        if (!is_elem(c, "boot"))
            continue;
        if (def->os.nboot >= XVM_DOMAIN_MAX_BOOT_DEVS) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("too many <boot> devices (limit %d)"), XVM_DOMAIN_MAX_BOOT_DEVS);
            return FALSE;
        }
        if (!(dev = attr(c, "dev"))) {
            xvmConfError(error, VIR_ERR_XML_ERROR, _("missing boot device (<boot dev=...>)"));
            return FALSE;
        }
        if ((v = parse_enum(_("boot device"), dev, xvmDomainBootDevTypeFromString, 0,
                            NULL, error)) < 0)
            return FALSE;
        def->os.boot[def->os.nboot++] = v;
    }
    return TRUE;
}

static gboolean
parse_features(xmlNodePtr n, xvmDomainDef *def, GError **error)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        int f;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if ((f = parse_enum(_("feature"), (const char *)c->name,
                            xvmDomainFeatureTypeFromString, 0, libvirt_features, error)) < 0)
            return FALSE;
        def->features[f] = XVM_TRISTATE_SWITCH_ON;
        if (f == XVM_DOMAIN_FEATURE_HAP) {
            g_autofree char *state = attr(c, "state");
            int s;
            if (state) {
                if ((s = parse_enum(_("hap state"), state, xvmTristateSwitchTypeFromString,
                                    1, NULL, error)) < 0)
                    return FALSE;
                def->features[f] = s;
            }
        }
    }
    return TRUE;
}

/* <timer name='tsc|hpet' present=... mode=.../>: what xl's tsc_mode and
 * hpet carry. Other timers, and the attributes and children Xen has no
 * setting for (tickpolicy, track, frequency, <catchup>), are refused. */
static gboolean
parse_timer(xmlNodePtr n, xvmDomainDef *def, GError **error)
{
    static const char *const unsupported_attrs[] = { "tickpolicy", "track", "frequency" };
    g_autofree char *name = attr(n, "name");
    g_autofree char *present = attr(n, "present");
    g_autofree char *mode = attr(n, "mode");
    xvmDomainTimerDef *timer;
    int v;

    if (!name) {
        xvmConfError(error, VIR_ERR_XML_ERROR, "%s", _("missing timer name"));
        return FALSE;
    }
    if ((v = parse_enum(_("timer name"), name, xvmDomainTimerNameTypeFromString, 0,
                        libvirt_timer_names, error)) < 0)
        return FALSE;
    timer = &def->clock.timers[v];
    if (timer->set) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("duplicate <timer name='%s'>"), name);
        return FALSE;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(unsupported_attrs); i++) {
        if (xmlHasProp(n, (const xmlChar *)unsupported_attrs[i])) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("<timer name='%s' %s=...> is not supported by the Xen driver"),
                         name, unsupported_attrs[i]);
            return FALSE;
        }
    }
    if (child_elem(n, "catchup")) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("<timer name='%s'><catchup> is not supported by the Xen driver"), name);
        return FALSE;
    }
    timer->set = TRUE;
    if (present) {
        gboolean yes;

        if (!parse_yesno(_("<timer present=...>"), present, &yes, error))
            return FALSE;
        timer->present = yes ? XVM_TRISTATE_BOOL_YES : XVM_TRISTATE_BOOL_NO;
    }
    if (mode) {
        if (v != XVM_DOMAIN_TIMER_NAME_TSC) {
            /* libvirt's schema has mode on the tsc timer only */
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("<timer name='%s'> has no mode attribute (only tsc has one)"), name);
            return FALSE;
        }
        if ((v = parse_enum(_("timer mode"), mode, xvmDomainTimerModeTypeFromString, 1,
                            libvirt_timer_modes, error)) < 0)
            return FALSE;
        timer->mode = v;
    }
    return TRUE;
}

static gboolean
parse_clock(xmlNodePtr n, xvmDomainDef *def, GError **error)
{
    g_autofree char *offset = attr(n, "offset");
    g_autofree char *adj = attr(n, "adjustment");
    g_autofree char *basis = attr(n, "basis");
    int v;

    if (offset) {
        if ((v = parse_enum(_("clock offset"), offset, xvmDomainClockOffsetTypeFromString,
                            0, libvirt_clock_offsets, error)) < 0)
            return FALSE;
        def->clock.offset = v;
    }
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (is_elem(c, "timer") && !parse_timer(c, def, error))
            return FALSE;
    switch (def->clock.offset) {
    case XVM_DOMAIN_CLOCK_OFFSET_UTC:
    case XVM_DOMAIN_CLOCK_OFFSET_LOCALTIME:
        if (basis) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("<clock basis=...> is only valid with offset='variable'"));
            return FALSE;
        }
        if (!adj)
            break;
        if (strcmp(adj, "reset") == 0) {
            def->clock.adjustment_reset = TRUE;
        } else {
            /* as libvirt: a fixed adjustment turns the offset into a
             * variable one based on the given time base */
            gint64 a;
            if (!parse_int64("<clock adjustment=...>", adj, G_MININT64 + 1, G_MAXINT64,
                             &a, error))
                return FALSE;
            def->clock.basis = def->clock.offset == XVM_DOMAIN_CLOCK_OFFSET_UTC
                ? XVM_DOMAIN_CLOCK_BASIS_UTC : XVM_DOMAIN_CLOCK_BASIS_LOCALTIME;
            def->clock.offset = XVM_DOMAIN_CLOCK_OFFSET_VARIABLE;
            def->clock.adjustment = a;
        }
        break;
    case XVM_DOMAIN_CLOCK_OFFSET_VARIABLE:
        if (adj) {
            gint64 a;
            if (!parse_int64("<clock adjustment=...>", adj, G_MININT64 + 1, G_MAXINT64,
                             &a, error))
                return FALSE;
            def->clock.adjustment = a;
        }
        if (basis) {
            if ((v = parse_enum(_("clock basis"), basis, xvmDomainClockBasisTypeFromString,
                                0, NULL, error)) < 0)
                return FALSE;
            def->clock.basis = v;
        }
        break;
    case XVM_DOMAIN_CLOCK_OFFSET_LAST:
        break;
    }
    return TRUE;
}

static gboolean
parse_lifecycle(xmlNodePtr root, const char *name, xvmDomainLifecycleAction *out,
                GError **error)
{
    xmlNodePtr n = child_elem(root, name);
    g_autofree char *v = NULL;
    int a;

    if (!n)
        return TRUE;
    v = text(n);
    g_strstrip(v);
    if ((a = xvmDomainLifecycleActionTypeFromString(v)) < 0) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("invalid value '%s' for <%s>"), v, name);
        return FALSE;
    }
    *out = a;
    return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Devices                                                                  */
/* ------------------------------------------------------------------------ */

static gboolean
parse_disk(xmlNodePtr n, xvmDomainDef *def, GError **error)
{
    g_autoptr(xvmDomainDiskDef) disk = xvmDomainDiskDefNew();
    g_autofree char *type = attr(n, "type");
    g_autofree char *device = attr(n, "device");
    xmlNodePtr c;
    int v;

    if (type) {
        if ((v = parse_enum(_("disk type"), type, xvmDomainDiskTypeTypeFromString, 0,
                            libvirt_disk_types, error)) < 0)
            return FALSE;
        disk->type = v;
    }
    if (device) {
        if ((v = parse_enum(_("disk device"), device, xvmDomainDiskDeviceTypeFromString, 0,
                            libvirt_disk_devices, error)) < 0)
            return FALSE;
        disk->device = v;
    }
    if ((c = child_elem(n, "driver"))) {
        g_autofree char *name = attr(c, "name");
        g_autofree char *fmt = attr(c, "type");
        if (name) {
            if ((v = xvmDomainDiskDriverTypeFromString(name)) < 1) {
                xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                             _("disk driver name '%s' is not supported by the Xen driver (use file, phy, qemu, tap or tap2)"),
                             name);
                return FALSE;
            }
            disk->driver = v;
        }
        if (fmt) {
            if ((v = parse_enum(_("disk format"), fmt, xvmDomainDiskFormatTypeFromString, 1,
                                libvirt_disk_formats, error)) < 0)
                return FALSE;
            disk->format = v;
        }
    }
    if ((c = child_elem(n, "source"))) {
        disk->src = attr(c, disk->type == XVM_DOMAIN_DISK_TYPE_BLOCK ? "dev" : "file");
        if (!disk->src) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("<disk type='%s'> <source> needs a '%s' attribute"),
                         xvmDomainDiskTypeTypeToString(disk->type),
                         disk->type == XVM_DOMAIN_DISK_TYPE_BLOCK ? "dev" : "file");
            return FALSE;
        }
    }
    if (!(c = child_elem(n, "target"))) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("missing <target> in <disk>"));
        return FALSE;
    } else {
        g_autofree char *bus = attr(c, "bus");
        if (!(disk->dst = attr(c, "dev"))) {
            xvmConfError(error, VIR_ERR_XML_ERROR, _("missing dev attribute in disk <target>"));
            return FALSE;
        }
        if (bus) {
            if ((v = parse_enum(_("disk bus"), bus, xvmDomainDiskBusTypeFromString, 1,
                                libvirt_disk_buses, error)) < 0)
                return FALSE;
            disk->bus = v;
        }
    }
    disk->readonly = child_elem(n, "readonly") != NULL;
    disk->shareable = child_elem(n, "shareable") != NULL;
    if ((c = child_elem(n, "address"))) {
        g_autofree char *atype = attr(c, "type");
        struct {
            const char *name;
            guint *field;
        } fields[] = {
            { "controller", &disk->addr_controller }, { "bus", &disk->addr_bus },
            { "target", &disk->addr_target }, { "unit", &disk->addr_unit },
        };
        if (!atype || strcmp(atype, "drive") != 0) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("disk <address type='%s'> is not supported by the Xen driver (only 'drive')"),
                         atype ? atype : "");
            return FALSE;
        }
        for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
            g_autofree char *val = attr(c, fields[i].name);
            g_autofree char *what = g_strdup_printf("<address %s=...>", fields[i].name);
            if (val && !parse_uint32(what, val, 65535, fields[i].field, error))
                return FALSE;
        }
        disk->has_address = TRUE;
    }
    if (def->disks->len >= XVM_DOMAIN_MAX_DISKS) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("too many disks (limit %d)"), XVM_DOMAIN_MAX_DISKS);
        return FALSE;
    }
    g_ptr_array_add(def->disks, g_steal_pointer(&disk));
    return TRUE;
}

static gboolean
parse_controller(xmlNodePtr n, xvmDomainDef *def, GError **error)
{
    g_autofree char *type = attr(n, "type");
    g_autofree char *index = attr(n, "index");
    g_autofree char *gnt = attr(n, "maxGrantFrames");
    g_autofree char *evt = attr(n, "maxEventChannels");
    g_autoptr(xvmDomainControllerDef) ctrl = NULL;
    int v;

    if (!type) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("missing type attribute in <controller>"));
        return FALSE;
    }
    if ((v = parse_enum(_("controller type"), type, xvmDomainControllerTypeTypeFromString,
                        0, libvirt_controller_types, error)) < 0)
        return FALSE;
    ctrl = xvmDomainControllerDefNew(v);
    if (index && !parse_uint32("<controller index=...>", index, 65535, &ctrl->index, error))
        return FALSE;
    ctrl->model = attr(n, "model");
    if ((gnt || evt) && ctrl->type != XVM_DOMAIN_CONTROLLER_TYPE_XENBUS) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("maxGrantFrames and maxEventChannels are only valid on a xenbus <controller>"));
        return FALSE;
    }
    if (gnt && !parse_uint32("<controller maxGrantFrames=...>", gnt, G_MAXINT32,
                             &ctrl->max_grant_frames, error))
        return FALSE;
    if (evt && !parse_uint32("<controller maxEventChannels=...>", evt, G_MAXINT32,
                             &ctrl->max_event_channels, error))
        return FALSE;
    if (def->controllers->len >= XVM_DOMAIN_MAX_CONTROLLERS) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("too many controllers (limit %d)"), XVM_DOMAIN_MAX_CONTROLLERS);
        return FALSE;
    }
    g_ptr_array_add(def->controllers, g_steal_pointer(&ctrl));
    return TRUE;
}

static gboolean
parse_net_ip(xmlNodePtr c, xvmDomainNetDef *net, GError **error)
{
    g_autofree char *address = attr(c, "address");
    g_autofree char *family = attr(c, "family");
    g_autofree char *prefix = attr(c, "prefix");
    guint8 buf[16];
    gboolean v6;
    guint pfx = 0;

    if (!address) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("missing address attribute in interface <ip>"));
        return FALSE;
    }
    if (inet_pton(AF_INET, address, buf) == 1) {
        v6 = FALSE;
    } else if (inet_pton(AF_INET6, address, buf) == 1) {
        v6 = TRUE;
    } else {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("invalid IP address '%s' in interface <ip>"), address);
        return FALSE;
    }
    if (family && strcmp(family, v6 ? "ipv6" : "ipv4") != 0) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("interface <ip> address '%s' does not match family '%s'"),
                     address, family);
        return FALSE;
    }
    if (prefix && !parse_uint32("interface <ip prefix=...>", prefix, v6 ? 128 : 32, &pfx, error))
        return FALSE;
    if (net->ips->len >= XVM_DOMAIN_MAX_IPS) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("too many <ip> elements in an interface (limit %d)"), XVM_DOMAIN_MAX_IPS);
        return FALSE;
    }
    g_ptr_array_add(net->ips, xvmDomainNetIPDefNew(address, pfx));
    return TRUE;
}

/* <bandwidth><outbound average=.../></bandwidth>: what xl's vif rate=
 * carries (the guest's outgoing traffic, in KB/s). The rest of libvirt's
 * <bandwidth> (inbound, peak, burst, floor) has no Xen form: refused. */
static gboolean
parse_net_bandwidth(xmlNodePtr bw, xvmDomainNetDef *net, GError **error)
{
    xmlNodePtr out = NULL;

    for (xmlNodePtr c = bw->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_elem(c, "outbound")) {
            if (out) {
                xvmConfError(error, VIR_ERR_XML_ERROR, "%s",
                             _("Only one child <outbound> element allowed in interface <bandwidth>"));
                return FALSE;
            }
            out = c;
        } else if (is_elem(c, "inbound")) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                         _("interface <bandwidth><inbound> is not supported by the Xen driver (Xen limits only the guest's outgoing traffic)"));
            return FALSE;
        } else {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("unknown element <%s> in interface <bandwidth>"), (const char *)c->name);
            return FALSE;
        }
    }
    if (!out)
        return TRUE;
    {
        static const char *const others[] = { "peak", "burst", "floor" };
        g_autofree char *average = attr(out, "average");

        for (gsize i = 0; i < G_N_ELEMENTS(others); i++) {
            if (xmlHasProp(out, (const xmlChar *)others[i])) {
                xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                             _("interface <bandwidth><outbound %s=...> is not supported by the Xen driver (only average)"),
                             others[i]);
                return FALSE;
            }
        }
        if (!average) {
            xvmConfError(error, VIR_ERR_XML_ERROR, "%s",
                         _("missing average attribute in interface <bandwidth><outbound>"));
            return FALSE;
        }
        if (!parse_uint("interface <bandwidth><outbound average=...>", average,
                        XVM_DOMAIN_NET_BANDWIDTH_MAX, &net->bandwidth_out_average, error))
            return FALSE;
        if (net->bandwidth_out_average == 0) {
            xvmConfError(error, VIR_ERR_XML_ERROR, "%s",
                         _("interface <bandwidth><outbound average=...> must be at least 1 (KB/s)"));
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
parse_interface(xmlNodePtr n, xvmDomainDef *def, GError **error)
{
    g_autoptr(xvmDomainNetDef) net = xvmDomainNetDefNew();
    g_autofree char *type = attr(n, "type");
    xmlNodePtr c;
    int v;

    if (!type) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("missing type attribute in <interface>"));
        return FALSE;
    }
    if ((v = parse_enum(_("interface type"), type, xvmDomainNetTypeTypeFromString, 0,
                        libvirt_net_types, error)) < 0)
        return FALSE;
    net->type = v;

    if ((c = child_elem(n, "mac"))) {
        g_autofree char *addr = attr(c, "address");
        if (!addr) {
            xvmConfError(error, VIR_ERR_XML_ERROR, _("missing address attribute in interface <mac>"));
            return FALSE;
        }
        if (!xvmMacParse(addr, &net->mac)) {
            xvmConfError(error, VIR_ERR_XML_ERROR, _("unable to parse mac address '%s'"), addr);
            return FALSE;
        }
        if (xvmMacIsMulticast(&net->mac)) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("expected unicast mac address, found multicast '%s'"), addr);
            return FALSE;
        }
        net->mac_set = TRUE;
    }
    if ((c = child_elem(n, "source"))) {
        if (net->type == XVM_DOMAIN_NET_TYPE_BRIDGE)
            net->source = attr(c, "bridge");
        else if (net->type == XVM_DOMAIN_NET_TYPE_NETWORK)
            net->source = attr(c, "network");
    }
    if ((c = child_elem(n, "bandwidth")) && !parse_net_bandwidth(c, net, error))
        return FALSE;
    for (c = n->children; c; c = c->next)
        if (is_elem(c, "ip") && !parse_net_ip(c, net, error))
            return FALSE;
    if ((c = child_elem(n, "script"))) {
        if (!(net->script = attr(c, "path"))) {
            xvmConfError(error, VIR_ERR_XML_ERROR, _("missing path attribute in interface <script>"));
            return FALSE;
        }
    }
    if ((c = child_elem(n, "target")))
        net->ifname = attr(c, "dev");
    if ((c = child_elem(n, "model"))) {
        if (!(net->model = attr(c, "type"))) {
            xvmConfError(error, VIR_ERR_XML_ERROR, _("missing type attribute in interface <model>"));
            return FALSE;
        }
    }
    if (def->nets->len >= XVM_DOMAIN_MAX_NETS) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("too many interfaces (limit %d)"), XVM_DOMAIN_MAX_NETS);
        return FALSE;
    }
    g_ptr_array_add(def->nets, g_steal_pointer(&net));
    return TRUE;
}

static gboolean
parse_chr(ParseCtx *ctx, xmlNodePtr n, xvmDomainChrDevice device, xvmDomainDef *def,
          GError **error)
{
    g_autoptr(xvmDomainChrDef) chr = xvmDomainChrDefNew(device);
    g_autofree char *type = attr(n, "type");
    const char *elem = xvmDomainChrDeviceTypeToString(device);
    GPtrArray *list = device == XVM_DOMAIN_CHR_DEVICE_SERIAL ? def->serials : def->consoles;
    xmlNodePtr c;
    int v;

    if (!type) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("missing type attribute in <%s>"), elem);
        return FALSE;
    }
    if ((v = parse_enum(_("character device type"), type, xvmDomainChrTypeTypeFromString, 0,
                        libvirt_chr_types, error)) < 0)
        return FALSE;
    chr->type = v;

    if (!(ctx->flags & XVM_DOMAIN_PARSE_INACTIVE)) {
        if ((c = child_elem(n, "source")))
            chr->tty = attr(c, "path");
        if (!chr->tty)
            chr->tty = attr(n, "tty");
    }
    if ((c = child_elem(n, "target"))) {
        g_autofree char *ttype = attr(c, "type");
        g_autofree char *port = attr(c, "port");
        if (ttype) {
            if (device == XVM_DOMAIN_CHR_DEVICE_SERIAL) {
                xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                             _("serial target type '%s' is not supported by the Xen driver"),
                             ttype);
                return FALSE;
            }
            if ((v = parse_enum(_("console target type"), ttype,
                                xvmDomainChrConsoleTargetTypeFromString, 1,
                                libvirt_console_targets, error)) < 0)
                return FALSE;
            chr->target_type = v;
        }
        if (port) {
            guint p;
            g_autofree char *what = g_strdup_printf("<%s> <target port=...>", elem);
            if (!parse_uint32(what, port, XVM_DOMAIN_MAX_CHARDEVS - 1, &p, error))
                return FALSE;
            chr->port = (int)p;
        }
    }
    if (list->len >= XVM_DOMAIN_MAX_CHARDEVS) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("too many <%s> devices (limit %d)"), elem, XVM_DOMAIN_MAX_CHARDEVS);
        return FALSE;
    }
    g_ptr_array_add(list, g_steal_pointer(&chr));
    return TRUE;
}

static gboolean
parse_input(xmlNodePtr n, xvmDomainDef *def, GError **error)
{
    g_autoptr(xvmDomainInputDef) input = xvmDomainInputDefNew();
    g_autofree char *type = attr(n, "type");
    g_autofree char *bus = attr(n, "bus");
    int v;

    if (!type) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("missing type attribute in <input>"));
        return FALSE;
    }
    if ((v = parse_enum(_("input type"), type, xvmDomainInputTypeTypeFromString, 0,
                        libvirt_input_types, error)) < 0)
        return FALSE;
    input->type = v;
    if (bus) {
        if ((v = parse_enum(_("input bus"), bus, xvmDomainInputBusTypeFromString, 1,
                            libvirt_input_buses, error)) < 0)
            return FALSE;
        input->bus = v;
    }
    if (def->inputs->len >= XVM_DOMAIN_MAX_INPUTS) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("too many <input> devices (limit %d)"), XVM_DOMAIN_MAX_INPUTS);
        return FALSE;
    }
    g_ptr_array_add(def->inputs, g_steal_pointer(&input));
    return TRUE;
}

static gboolean
parse_port(const char *what, const char *s, int *out, GError **error)
{
    gint64 p;
    if (!s)
        return TRUE;
    if (!parse_int64(what, s, -1, 65535, &p, error))
        return FALSE;
    *out = (int)p;
    return TRUE;
}

static gboolean
parse_graphics(ParseCtx *ctx, xmlNodePtr n, xvmDomainDef *def, GError **error)
{
    g_autoptr(xvmDomainGraphicsDef) g = NULL;
    g_autofree char *type = attr(n, "type");
    int v;

    if (!type) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("missing type attribute in <graphics>"));
        return FALSE;
    }
    if ((v = parse_enum(_("graphics type"), type, xvmDomainGraphicsTypeTypeFromString, 0,
                        libvirt_graphics_types, error)) < 0)
        return FALSE;
    g = xvmDomainGraphicsDefNew(v);

    if (g->type == XVM_DOMAIN_GRAPHICS_TYPE_SDL) {
        g_autofree char *fs = attr(n, "fullscreen");
        g->display = attr(n, "display");
        g->xauth = attr(n, "xauth");
        if (fs) {
            if ((v = parse_enum(_("sdl fullscreen value"), fs, xvmTristateBoolTypeFromString,
                                1, NULL, error)) < 0)
                return FALSE;
            g->fullscreen = v;
        }
    } else {
        g_autofree char *port = attr(n, "port");
        g_autofree char *tls = attr(n, "tlsPort");
        g_autofree char *autoport = attr(n, "autoport");
        xmlNodePtr l;

        if (!parse_port("<graphics port=...>", port, &g->port, error))
            return FALSE;
        if (g->type == XVM_DOMAIN_GRAPHICS_TYPE_SPICE &&
            !parse_port("<graphics tlsPort=...>", tls, &g->tls_port, error))
            return FALSE;
        /* no autoport attribute: automatic when no port is given */
        g->autoport = g->port == -1 && g->tls_port == -1;
        if (!parse_yesno("<graphics autoport=...>", autoport, &g->autoport, error))
            return FALSE;
        /* as libvirt: a VNC port of -1 means an automatic port */
        if (g->port == -1 && g->type == XVM_DOMAIN_GRAPHICS_TYPE_VNC)
            g->autoport = TRUE;
        if (g->autoport && (ctx->flags & XVM_DOMAIN_PARSE_INACTIVE)) {
            g->port = -1;
            g->tls_port = -1;
        }
        g->listen = attr(n, "listen");
        if ((l = child_elem(n, "listen"))) {
            g_autofree char *ltype = attr(l, "type");
            g_autofree char *laddr = attr(l, "address");
            if (!ltype || strcmp(ltype, "address") != 0) {
                xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                             _("graphics <listen type='%s'> is not supported by the Xen driver (only 'address')"),
                             ltype ? ltype : "");
                return FALSE;
            }
            if (g->listen && laddr && strcmp(g->listen, laddr) != 0) {
                xvmConfError(error, VIR_ERR_XML_ERROR,
                             _("graphics 'listen' attribute '%s' must match 'address' attribute of first listen element (found '%s')"),
                             g->listen, laddr);
                return FALSE;
            }
            if (!g->listen)
                g->listen = g_steal_pointer(&laddr);
        }
        g->passwd = attr(n, "passwd");
        g->keymap = attr(n, "keymap");
    }
    if (def->graphics->len >= XVM_DOMAIN_MAX_GRAPHICS) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("too many <graphics> devices (limit %d)"), XVM_DOMAIN_MAX_GRAPHICS);
        return FALSE;
    }
    g_ptr_array_add(def->graphics, g_steal_pointer(&g));
    return TRUE;
}

static gboolean
parse_video(xmlNodePtr n, xvmDomainDef *def, GError **error)
{
    g_autoptr(xvmDomainVideoDef) video = xvmDomainVideoDefNew();
    xmlNodePtr m = child_elem(n, "model");
    g_autofree char *type = NULL;
    g_autofree char *vram = NULL;
    g_autofree char *heads = NULL;
    g_autofree char *primary = NULL;
    int v;

    if (!m || !(type = attr(m, "type"))) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("missing <model type=...> in <video>"));
        return FALSE;
    }
    if ((v = parse_enum(_("video model"), type, xvmDomainVideoModelTypeFromString, 0,
                        libvirt_video_models, error)) < 0)
        return FALSE;
    video->model = v;
    vram = attr(m, "vram");
    heads = attr(m, "heads");
    primary = attr(m, "primary");
    if (vram && !parse_uint32("<video> <model vram=...>", vram, G_MAXINT32, &video->vram, error))
        return FALSE;
    if (heads && !parse_uint32("<video> <model heads=...>", heads, 16, &video->heads, error))
        return FALSE;
    if (!parse_yesno("<video> <model primary=...>", primary, &video->primary, error))
        return FALSE;
    if (def->videos->len >= XVM_DOMAIN_MAX_VIDEOS) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("too many <video> devices (limit %d)"), XVM_DOMAIN_MAX_VIDEOS);
        return FALSE;
    }
    g_ptr_array_add(def->videos, g_steal_pointer(&video));
    return TRUE;
}

static gboolean
parse_memballoon(xmlNodePtr n, xvmDomainDef *def, GError **error)
{
    g_autofree char *model = attr(n, "model");

    if (model && strcmp(model, "xen") == 0) {
        def->memballoon = TRUE;
    } else if (model && strcmp(model, "none") == 0) {
        def->memballoon = FALSE;
    } else {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("memballoon model '%s' is not supported by the Xen driver (use 'xen')"),
                     model ? model : "");
        return FALSE;
    }
    return TRUE;
}

static gboolean
parse_devices(ParseCtx *ctx, xmlNodePtr n, xvmDomainDef *def, GError **error)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        const char *name;
        gboolean ok;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        name = (const char *)c->name;
        if (strcmp(name, "emulator") == 0) {
            g_free(def->emulator);
            def->emulator = text(c);
            g_strstrip(def->emulator);
            ok = TRUE;
        } else if (strcmp(name, "disk") == 0) {
            ok = parse_disk(c, def, error);
        } else if (strcmp(name, "controller") == 0) {
            ok = parse_controller(c, def, error);
        } else if (strcmp(name, "interface") == 0) {
            ok = parse_interface(c, def, error);
        } else if (strcmp(name, "serial") == 0) {
            ok = parse_chr(ctx, c, XVM_DOMAIN_CHR_DEVICE_SERIAL, def, error);
        } else if (strcmp(name, "console") == 0) {
            ok = parse_chr(ctx, c, XVM_DOMAIN_CHR_DEVICE_CONSOLE, def, error);
        } else if (strcmp(name, "input") == 0) {
            ok = parse_input(c, def, error);
        } else if (strcmp(name, "graphics") == 0) {
            ok = parse_graphics(ctx, c, def, error);
        } else if (strcmp(name, "video") == 0) {
            ok = parse_video(c, def, error);
        } else if (strcmp(name, "memballoon") == 0) {
            ok = parse_memballoon(c, def, error);
        } else {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("device <%s> is not supported by the Xen driver"), name);
            ok = FALSE;
        }
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Document                                                                 */
/* ------------------------------------------------------------------------ */

/* libxml2 on `size` bytes of untrusted text: no network, no entity
 * substitution, no DTD loading, no "huge" mode (libxml2 keeps its depth
 * and size limits), errors captured here and never printed. `kind` names
 * the document in the message of VIR_ERR_XML_DETAIL. */
static xmlDocPtr
read_xml(const char *xml, gsize size, const char *url, const char *kind, GError **error)
{
    xmlParserCtxtPtr pctxt = xmlNewParserCtxt();
    xmlDocPtr doc;

    if (!pctxt) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("cannot allocate an XML parser"));
        return NULL;
    }
    doc = xmlCtxtReadMemory(pctxt, xml, (int)size, url, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(pctxt);
        g_autofree char *msg = g_strdup(e && e->message ? e->message : "unknown error");
        g_strchomp(msg);
        /* TRANSLATORS: the first %s is "domain" or "device" */
        xvmConfError(error, VIR_ERR_XML_DETAIL,
                     _("malformed %s XML at line %d: %s"), kind, e ? e->line : 0, msg);
    }
    xmlFreeParserCtxt(pctxt);
    return doc;
}

static gboolean
parse_domain(ParseCtx *ctx, xmlNodePtr root, xvmDomainDef *def, GError **error)
{
    g_autofree char *type = attr(root, "type");
    gboolean machine_set = FALSE;
    xmlNodePtr n;

    if (!type) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("missing domain type attribute"));
        return FALSE;
    }
    if (strcmp(type, "xen") != 0) {
        if (in_list(type, libvirt_virt_types))
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("domain type '%s' is not supported: this driver only manages <domain type='xen'>"),
                         type);
        else
            xvmConfError(error, VIR_ERR_XML_ERROR, _("invalid domain type '%s'"), type);
        return FALSE;
    }
    if (!(ctx->flags & XVM_DOMAIN_PARSE_INACTIVE)) {
        g_autofree char *id = attr(root, "id");
        gint64 v;
        if (id) {
            if (!parse_int64("<domain id=...>", id, -1, G_MAXINT32, &v, error))
                return FALSE;
            def->id = (int)v;
        }
    }

    for (n = root->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE &&
            in_list((const char *)n->name, unsupported_top)) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("<%s> is not supported by the Xen driver"), (const char *)n->name);
            return FALSE;
        }
    }

    if (!(def->name = child_text(root, "name"))) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("missing domain <name>"));
        return FALSE;
    }
    if ((n = child_elem(root, "uuid"))) {
        g_autofree char *u = text(n);
        if (!xvmUuidParse(u, &def->uuid)) {
            xvmConfError(error, VIR_ERR_XML_ERROR, _("malformed <uuid> '%s'"), u);
            return FALSE;
        }
    }
    def->title = child_text(root, "title");
    def->description = child_text(root, "description");
    if ((n = child_elem(root, "metadata")) && !parse_metadata(n, def, error))
        return FALSE;

    if ((n = child_elem(root, "maxMemory"))) {
        g_autofree char *slots = attr(n, "slots");
        if (!parse_memory_elem(n, "maxMemory", &def->max_memory, error))
            return FALSE;
        if (slots && !parse_uint32("<maxMemory slots=...>", slots, 255,
                                   &def->max_memory_slots, error))
            return FALSE;
    }
    if (!(n = child_elem(root, "memory"))) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("missing <memory>: the memory size must be specified"));
        return FALSE;
    }
    if (!parse_memory_elem(n, "memory", &def->memory, error))
        return FALSE;
    if ((n = child_elem(root, "currentMemory")) &&
        !parse_memory_elem(n, "currentMemory", &def->current_memory, error))
        return FALSE;

    if ((n = child_elem(root, "vcpu"))) {
        if (!parse_vcpu(n, def, error))
            return FALSE;
    } else {
        def->vcpus = 1;
    }
    if ((n = child_elem(root, "cputune")) && !parse_cputune(n, def, error))
        return FALSE;

    def->os.bootloader = child_text(root, "bootloader");
    def->os.bootloader_args = child_text(root, "bootloader_args");
    if (!(n = child_elem(root, "os"))) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("missing <os>: an os <type> must be specified"));
        return FALSE;
    }
    if (!parse_os(n, def, &machine_set, error))
        return FALSE;
    if (!machine_set) {
        /* libvirt's capabilities: one machine per Xen guest type */
        switch (def->os.type) {
        case XVM_DOMAIN_OS_TYPE_XEN: def->os.machine = XVM_DOMAIN_MACHINE_XENPV; break;
        case XVM_DOMAIN_OS_TYPE_XENPVH: def->os.machine = XVM_DOMAIN_MACHINE_XENPVH; break;
        case XVM_DOMAIN_OS_TYPE_HVM: def->os.machine = XVM_DOMAIN_MACHINE_XENFV; break;
        case XVM_DOMAIN_OS_TYPE_LAST: break;
        }
    }
    if ((n = child_elem(root, "features")) && !parse_features(n, def, error))
        return FALSE;
    if ((n = child_elem(root, "clock")) && !parse_clock(n, def, error))
        return FALSE;
    if (!parse_lifecycle(root, "on_poweroff", &def->on_poweroff, error) ||
        !parse_lifecycle(root, "on_reboot", &def->on_reboot, error) ||
        !parse_lifecycle(root, "on_crash", &def->on_crash, error))
        return FALSE;
    if ((n = child_elem(root, "devices")) && !parse_devices(ctx, n, def, error))
        return FALSE;
    return TRUE;
}

xvmDomainDef *
xvmDomainDefParseString(const char *xml, gssize len, unsigned int parse_flags,
                        GError **error)
{
    g_autoptr(xvmDomainDef) def = NULL;
    ParseCtx ctx = { .flags = parse_flags };
    xmlNodePtr root;
    gsize size;

    if (!xml) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("no domain XML document given"));
        return NULL;
    }
    size = len < 0 ? strnlen(xml, (gsize)XVM_DOMAIN_XML_MAX_BYTES + 1) : (gsize)len;
    if (size > XVM_DOMAIN_XML_MAX_BYTES) {
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("domain XML document is too large (more than %d bytes)"),
                     XVM_DOMAIN_XML_MAX_BYTES);
        return NULL;
    }
    if (size == 0) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("empty domain XML document"));
        return NULL;
    }

    if (!(ctx.doc = read_xml(xml, size, "domain.xml", _("domain"), error)))
        return NULL;

    if (ctx.doc->intSubset || ctx.doc->extSubset) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("a <!DOCTYPE> (DTD or entity declarations) is not allowed in domain XML"));
        goto error;
    }
    root = xmlDocGetRootElement(ctx.doc);
    if (!root || strcmp((const char *)root->name, "domain") != 0 || root->ns) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("unexpected root element <%s>, expecting <domain>"),
                     root ? (const char *)root->name : "");
        goto error;
    }

    def = xvmDomainDefNew();
    if (!parse_domain(&ctx, root, def, error))
        goto error;
    xmlFreeDoc(ctx.doc);
    ctx.doc = NULL;
    /* A live document's Xen interface names belong to its old domid. */
    if (parse_flags & XVM_DOMAIN_PARSE_INACTIVE) {
        for (guint i = 0; i < def->nets->len; i++) {
            xvmDomainNetDef *net = g_ptr_array_index(def->nets, i);

            if (xvmDomainNetIfnameIsGenerated(net->ifname))
                g_clear_pointer(&net->ifname, g_free);
        }
    }

    if (!(parse_flags & XVM_DOMAIN_PARSE_SKIP_POST_PARSE)) {
        if (!xvmDomainDefPostParse(def, error) || !xvmDomainDefValidate(def, error))
            return NULL;
    }
    return g_steal_pointer(&def);

 error:
    xmlFreeDoc(ctx.doc);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* A single device (virDomainAttachDevice and friends)                      */
/* ------------------------------------------------------------------------ */

void
xvmDomainDeviceDefFree(xvmDomainDeviceDef *dev)
{
    if (!dev)
        return;
    xvmDomainDiskDefFree(dev->disk);
    xvmDomainNetDefFree(dev->net);
    g_free(dev->name);
    g_free(dev);
}

/* Device elements of libvirt's domain XML the Xen driver does not parse
 * on their own, with the name libvirt's virDomainDeviceType gives them. */
static const struct {
    const char *element;
    const char *type;
} other_devices[] = {
    { "lease", "lease" }, { "filesystem", "filesystem" }, { "input", "input" },
    { "sound", "sound" }, { "video", "video" }, { "hostdev", "hostdev" },
    { "watchdog", "watchdog" }, { "controller", "controller" },
    { "graphics", "graphics" }, { "hub", "hub" }, { "redirdev", "redirdev" },
    { "smartcard", "smartcard" }, { "serial", "chr" }, { "parallel", "chr" },
    { "console", "chr" }, { "channel", "chr" }, { "memballoon", "memballoon" },
    { "nvram", "nvram" }, { "rng", "rng" }, { "shmem", "shmem" }, { "tpm", "tpm" },
    { "panic", "panic" }, { "memory", "memory" }, { "iommu", "iommu" },
    { "vsock", "vsock" }, { "audio", "audio" }, { "crypto", "crypto" },
};

xvmDomainDeviceDef *
xvmDomainDeviceDefParseString(const char *xml, const xvmDomainDef *def,
                              unsigned int parse_flags, GError **error)
{
    g_autoptr(xvmDomainDeviceDef) dev = g_new0(xvmDomainDeviceDef, 1);
    g_autoptr(xvmDomainDef) scratch = NULL;
    xmlDocPtr doc = NULL;
    xmlNodePtr root;
    const char *name;
    gboolean ok;
    gsize size;

    if (!xml) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("no device XML document given"));
        return NULL;
    }
    size = strnlen(xml, (gsize)XVM_DOMAIN_XML_MAX_BYTES + 1);
    if (size > XVM_DOMAIN_XML_MAX_BYTES) {
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("device XML document is too large (more than %d bytes)"),
                     XVM_DOMAIN_XML_MAX_BYTES);
        return NULL;
    }
    if (size == 0) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("empty device XML document"));
        return NULL;
    }
    if (!(doc = read_xml(xml, size, "device.xml", _("device"), error)))
        return NULL;
    if (doc->intSubset || doc->extSubset) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("a <!DOCTYPE> (DTD or entity declarations) is not allowed in device XML"));
        xmlFreeDoc(doc);
        return NULL;
    }
    root = xmlDocGetRootElement(doc);
    name = root ? (const char *)root->name : "";
    dev->name = g_strdup(name);

    /* Parsed as the last device of a copy of the domain's definition, so
     * that the defaults (the bus from the target, a MAC no other interface
     * has) are the ones the whole definition would get. */
    scratch = def ? xvmDomainDefCopy(def) : xvmDomainDefNew();
    if (root && !root->ns && strcmp(name, "disk") == 0) {
        dev->type = XVM_DOMAIN_DEVICE_DISK;
        ok = parse_disk(root, scratch, error);
    } else if (root && !root->ns && strcmp(name, "interface") == 0) {
        dev->type = XVM_DOMAIN_DEVICE_NET;
        ok = parse_interface(root, scratch, error);
    } else {
        ok = FALSE;
        for (gsize i = 0; root && !root->ns && i < G_N_ELEMENTS(other_devices); i++) {
            if (strcmp(name, other_devices[i].element) == 0) {
                dev->type = XVM_DOMAIN_DEVICE_OTHER;
                g_free(dev->name);
                dev->name = g_strdup(other_devices[i].type);
                ok = TRUE;
            }
        }
        if (!ok)
            xvmConfError(error, VIR_ERR_XML_ERROR, _("unknown device type '%s'"), name);
        xmlFreeDoc(doc);
        return ok ? g_steal_pointer(&dev) : NULL;
    }
    xmlFreeDoc(doc);
    if (!ok)
        return NULL;

    if (dev->type == XVM_DOMAIN_DEVICE_NET) {
        const xvmDomainNetDef *net = g_ptr_array_index(scratch->nets, scratch->nets->len - 1);

        dev->mac_specified = net->mac_set;
    }
    if (!(parse_flags & XVM_DOMAIN_PARSE_SKIP_POST_PARSE) &&
        !xvmDomainDefPostParse(scratch, error))
        return NULL;
    if (dev->type == XVM_DOMAIN_DEVICE_DISK)
        dev->disk = g_ptr_array_steal_index(scratch->disks, scratch->disks->len - 1);
    else
        dev->net = g_ptr_array_steal_index(scratch->nets, scratch->nets->len - 1);
    return g_steal_pointer(&dev);
}
