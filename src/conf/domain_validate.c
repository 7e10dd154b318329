/*
 * domain_validate.c: libvirt's defaults for a Xen guest
 * (xvmDomainDefPostParse) and the checks every definition must pass,
 * whoever built it (xvmDomainDefValidate).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_conf.h"

#include <string.h>
#include <glib/gi18n.h>

static gboolean
is_hvm(const xvmDomainDef *def)
{
    return def->os.type == XVM_DOMAIN_OS_TYPE_HVM;
}

static const char *
os_name(const xvmDomainDef *def)
{
    const char *s = xvmDomainOSTypeTypeToString(def->os.type);
    return s ? s : "?";
}

/* ------------------------------------------------------------------------ */
/* Defaults                                                                 */
/* ------------------------------------------------------------------------ */

static xvmDomainDiskBus
bus_from_target(const char *dst)
{
    if (!dst)
        return XVM_DOMAIN_DISK_BUS_DEFAULT;
    if (g_str_has_prefix(dst, "xvd"))
        return XVM_DOMAIN_DISK_BUS_XEN;
    if (g_str_has_prefix(dst, "hd"))
        return XVM_DOMAIN_DISK_BUS_IDE;
    if (g_str_has_prefix(dst, "sd"))
        return XVM_DOMAIN_DISK_BUS_SCSI;
    return XVM_DOMAIN_DISK_BUS_DEFAULT;
}

static void
generate_mac(const xvmDomainDef *def, xvmDomainNetDef *net)
{
    /* 2^23 addresses for at most XVM_DOMAIN_MAX_NETS interfaces: retry
     * on the (unlikely) collision with one already in the domain */
    do {
        xvmMacGenerateXen(&net->mac);
    } while (xvmDomainDefFindNetByMac(def, &net->mac));
    net->mac_set = TRUE;
}

gboolean
xvmDomainDefPostParse(xvmDomainDef *def, GError **error)
{
    if (xvmUuidIsNull(&def->uuid))
        xvmUuidGenerate(&def->uuid);
    if (def->current_memory == 0)
        def->current_memory = def->memory;
    if (def->vcpus_current == 0)
        def->vcpus_current = def->vcpus;

    /* as libvirt: an HVM guest without a kernel boots from its disk */
    if (is_hvm(def) && def->os.nboot == 0 && !def->os.kernel) {
        def->os.boot[0] = XVM_DOMAIN_BOOT_DISK;
        def->os.nboot = 1;
    }

    for (guint i = 0; i < def->disks->len; i++) {
        xvmDomainDiskDef *disk = g_ptr_array_index(def->disks, i);
        if (!disk->bus)
            disk->bus = bus_from_target(disk->dst);
    }
    for (guint i = 0; i < def->nets->len; i++) {
        xvmDomainNetDef *net = g_ptr_array_index(def->nets, i);
        if (!net->mac_set)
            generate_mac(def, net);
    }

    for (guint i = 0; i < def->serials->len; i++) {
        xvmDomainChrDef *chr = g_ptr_array_index(def->serials, i);
        if (chr->port < 0)
            chr->port = (int)i;
    }
    for (guint i = 0; i < def->consoles->len; i++) {
        xvmDomainChrDef *chr = g_ptr_array_index(def->consoles, i);
        if (!chr->target_type)
            chr->target_type = is_hvm(def) && i == 0
                ? XVM_DOMAIN_CHR_CONSOLE_TARGET_SERIAL : XVM_DOMAIN_CHR_CONSOLE_TARGET_XEN;
        if (chr->port < 0)
            chr->port = (int)i;
    }
    /* as libvirt: an HVM guest's first console and first serial port are
     * one device, described twice */
    if (is_hvm(def)) {
        if (def->serials->len && !def->consoles->len) {
            const xvmDomainChrDef *serial = g_ptr_array_index(def->serials, 0);
            xvmDomainChrDef *con = xvmDomainChrDefNew(XVM_DOMAIN_CHR_DEVICE_CONSOLE);
            con->type = serial->type;
            con->tty = g_strdup(serial->tty);
            con->target_type = XVM_DOMAIN_CHR_CONSOLE_TARGET_SERIAL;
            con->port = serial->port;
            g_ptr_array_add(def->consoles, con);
        } else if (!def->serials->len && def->consoles->len) {
            const xvmDomainChrDef *con = g_ptr_array_index(def->consoles, 0);
            if (con->target_type == XVM_DOMAIN_CHR_CONSOLE_TARGET_SERIAL) {
                xvmDomainChrDef *serial = xvmDomainChrDefNew(XVM_DOMAIN_CHR_DEVICE_SERIAL);
                serial->type = con->type;
                serial->tty = g_strdup(con->tty);
                serial->port = con->port;
                g_ptr_array_add(def->serials, serial);
            }
        }
    }

    for (guint i = 0; i < def->inputs->len; i++) {
        xvmDomainInputDef *input = g_ptr_array_index(def->inputs, i);
        if (input->bus)
            continue;
        if (!is_hvm(def))
            input->bus = XVM_DOMAIN_INPUT_BUS_XEN;
        else if (input->type == XVM_DOMAIN_INPUT_TYPE_TABLET)
            input->bus = XVM_DOMAIN_INPUT_BUS_USB;
        else
            input->bus = XVM_DOMAIN_INPUT_BUS_PS2;
    }
    for (guint i = 0; i < def->graphics->len; i++) {
        xvmDomainGraphicsDef *g = g_ptr_array_index(def->graphics, i);
        if (g->type == XVM_DOMAIN_GRAPHICS_TYPE_VNC && g->port < 0)
            g->autoport = TRUE;
    }
    return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Checks                                                                   */
/* ------------------------------------------------------------------------ */

/* A value the XML formatter writes as it is: valid UTF-8, without the
 * control characters XML cannot carry (the formatter drops them, as
 * libvirt's does, so the document would not say the same thing; TAB, LF
 * and CR travel as character references). A definition built by another
 * converter (xl/xm) may hold them. */
static gboolean
validate_xml_text(const char *what, const char *s, GError **error)
{
    if (!s)
        return TRUE;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("%s contains the control character 0x%02x at offset %d"),
                         what, *p, (int)(p - (const unsigned char *)s));
            return FALSE;
        }
    }
    if (!g_utf8_validate(s, -1, NULL)) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("%s is not valid UTF-8"), what);
        return FALSE;
    }
    return TRUE;
}

static gboolean
validate_name(const xvmDomainDef *def, GError **error)
{
    if (!def->name || !*def->name) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("domain <name> must not be empty"));
        return FALSE;
    }
    if (strchr(def->name, '/')) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("domain name '%s' cannot contain '/'"), def->name);
        return FALSE;
    }
    for (const unsigned char *p = (const unsigned char *)def->name; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("domain name contains the control character 0x%02x at offset %d"),
                         *p, (int)(p - (const unsigned char *)def->name));
            return FALSE;
        }
    }
    if (!g_utf8_validate(def->name, -1, NULL)) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("domain name is not valid UTF-8"));
        return FALSE;
    }
    if (def->title && strpbrk(def->title, "\r\n")) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("domain <title> cannot contain newlines"));
        return FALSE;
    }
    if (xvmUuidIsNull(&def->uuid)) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("the domain has no UUID"));
        return FALSE;
    }
    return TRUE;
}

static gboolean
validate_memory_cpus(const xvmDomainDef *def, GError **error)
{
    if (def->memory == 0) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("<memory> must be greater than zero"));
        return FALSE;
    }
    if (def->current_memory > def->memory) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("<currentMemory> (%" G_GUINT64_FORMAT " KiB) must not exceed <memory> (%"
                       G_GUINT64_FORMAT " KiB)"),
                     def->current_memory, def->memory);
        return FALSE;
    }
    if (def->max_memory) {
        if (def->max_memory_slots == 0) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("<maxMemory> needs a slots attribute greater than zero"));
            return FALSE;
        }
        if (def->max_memory < def->memory) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("<maxMemory> (%" G_GUINT64_FORMAT " KiB) must not be less than <memory> (%"
                           G_GUINT64_FORMAT " KiB)"),
                         def->max_memory, def->memory);
            return FALSE;
        }
    }
    if (def->vcpus == 0) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("<vcpu> must be at least 1"));
        return FALSE;
    }
    if (def->vcpus > XVM_DOMAIN_MAX_VCPUS) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("<vcpu> %u exceeds the maximum of %d vCPUs"),
                     def->vcpus, XVM_DOMAIN_MAX_VCPUS);
        return FALSE;
    }
    if (def->vcpus_current > def->vcpus) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("<vcpu current='%u'> must not exceed the maximum of %u vCPUs"),
                     def->vcpus_current, def->vcpus);
        return FALSE;
    }
    if (def->cputune_shares_set &&
        (def->cputune_shares < XVM_DOMAIN_CPU_WEIGHT_MIN ||
         def->cputune_shares > XVM_DOMAIN_CPU_WEIGHT_MAX)) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("<cputune><shares> %u is out of range: Xen's credit scheduler takes a weight from %d to %d"),
                     def->cputune_shares, XVM_DOMAIN_CPU_WEIGHT_MIN, XVM_DOMAIN_CPU_WEIGHT_MAX);
        return FALSE;
    }
    for (guint i = 0; i < def->vcpupins->len; i++) {
        const xvmDomainVcpuPinDef *pin = g_ptr_array_index(def->vcpupins, i);
        if (pin->vcpu >= def->vcpus) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("<vcpupin vcpu='%u'> is out of range: the domain has %u vCPUs"),
                         pin->vcpu, def->vcpus);
            return FALSE;
        }
        if (!pin->cpumask || xvmBitmapIsEmpty(pin->cpumask)) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("<vcpupin vcpu='%u'> has an empty cpuset"), pin->vcpu);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
validate_os(const xvmDomainDef *def, GError **error)
{
    static const xvmDomainMachine machine_for[XVM_DOMAIN_OS_TYPE_LAST] = {
        [XVM_DOMAIN_OS_TYPE_XEN] = XVM_DOMAIN_MACHINE_XENPV,
        [XVM_DOMAIN_OS_TYPE_XENPVH] = XVM_DOMAIN_MACHINE_XENPVH,
        [XVM_DOMAIN_OS_TYPE_HVM] = XVM_DOMAIN_MACHINE_XENFV,
    };
    const xvmDomainOSDef *os = &def->os;

    if ((guint)os->type >= XVM_DOMAIN_OS_TYPE_LAST ||
        (guint)os->arch >= XVM_DOMAIN_ARCH_LAST ||
        (guint)os->machine >= XVM_DOMAIN_MACHINE_LAST) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("invalid os type, arch or machine value"));
        return FALSE;
    }
    if (os->machine != machine_for[os->type]) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("machine '%s' is not valid for os type '%s' (use '%s')"),
                     xvmDomainMachineTypeToString(os->machine), os_name(def),
                     xvmDomainMachineTypeToString(machine_for[os->type]));
        return FALSE;
    }
    if (os->kernel && os->bootloader) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("<kernel> and <bootloader> cannot be used together: choose direct kernel boot or a bootloader"));
        return FALSE;
    }
    if (os->bootloader && is_hvm(def)) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("<bootloader> is only supported for PV and PVH guests, not os type 'hvm'"));
        return FALSE;
    }
    if (os->bootloader_args && !os->bootloader) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("<bootloader_args> requires <bootloader>"));
        return FALSE;
    }
    if (os->initrd && !os->kernel) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("<initrd> requires <kernel>"));
        return FALSE;
    }
    if (os->cmdline && !os->kernel) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("<cmdline> requires <kernel>"));
        return FALSE;
    }
    if (os->loader && !is_hvm(def)) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("<loader> is only supported for HVM guests, not os type '%s'"), os_name(def));
        return FALSE;
    }
    if (os->nboot && !is_hvm(def)) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("<boot dev=...> is only supported for HVM guests, not os type '%s'"),
                     os_name(def));
        return FALSE;
    }
    for (guint i = 0; i < os->nboot; i++) {
        for (guint j = 0; j < i; j++) {
            if (os->boot[i] == os->boot[j]) {
                xvmConfError(error, VIR_ERR_XML_ERROR,
                             _("boot device '%s' is listed twice"),
                             xvmDomainBootDevTypeToString(os->boot[i]));
                return FALSE;
            }
        }
    }
    for (guint f = 0; f < XVM_DOMAIN_FEATURE_LAST; f++) {
        if (def->features[f] == XVM_TRISTATE_SWITCH_ABSENT || is_hvm(def))
            continue;
        if (f == XVM_DOMAIN_FEATURE_ACPI && def->os.type == XVM_DOMAIN_OS_TYPE_XENPVH)
            continue;
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("feature '%s' is not supported for os type '%s'"),
                     xvmDomainFeatureTypeToString(f), os_name(def));
        return FALSE;
    }
    return TRUE;
}

/* The timers Xen has settings for: tsc (tsc_mode, every guest type) and
 * hpet (HVM only: PV and PVH guests have no emulated HPET, and libvirt's
 * libxl driver refuses it for them). */
static gboolean
validate_timers(const xvmDomainDef *def, GError **error)
{
    const xvmDomainTimerDef *tsc = &def->clock.timers[XVM_DOMAIN_TIMER_NAME_TSC];
    const xvmDomainTimerDef *hpet = &def->clock.timers[XVM_DOMAIN_TIMER_NAME_HPET];

    for (guint i = 0; i < XVM_DOMAIN_TIMER_NAME_LAST; i++) {
        const xvmDomainTimerDef *t = &def->clock.timers[i];

        if ((guint)t->present >= XVM_TRISTATE_BOOL_LAST ||
            (guint)t->mode >= XVM_DOMAIN_TIMER_MODE_LAST ||
            (!t->set && (t->present || t->mode))) {
            xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("invalid <timer name='%s'>"),
                         xvmDomainTimerNameTypeToString(i));
            return FALSE;
        }
    }
    if (tsc->set && tsc->present == XVM_TRISTATE_BOOL_NO) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                     _("<timer name='tsc' present='no'> is not supported: a Xen guest always has a TSC"));
        return FALSE;
    }
    if (hpet->set && hpet->mode != XVM_DOMAIN_TIMER_MODE_NONE) {
        xvmConfError(error, VIR_ERR_XML_ERROR, "%s",
                     _("<timer name='hpet'> has no mode attribute (only tsc has one)"));
        return FALSE;
    }
    if (hpet->set && !is_hvm(def)) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("<timer name='hpet'> is not supported for os type '%s' (HVM guests only)"),
                     os_name(def));
        return FALSE;
    }
    return TRUE;
}

static gboolean
validate_lifecycle(const char *event, xvmDomainLifecycleAction action, GError **error)
{
    if ((guint)action >= XVM_DOMAIN_LIFECYCLE_ACTION_LAST) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("invalid <%s> action"), event);
        return FALSE;
    }
    if (strcmp(event, "on_crash") != 0 &&
        (action == XVM_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY ||
         action == XVM_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART)) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("lifecycle action '%s' is not supported for <%s> (only for <on_crash>)"),
                     xvmDomainLifecycleActionTypeToString(action), event);
        return FALSE;
    }
    return TRUE;
}

static gboolean
validate_disks(const xvmDomainDef *def, GError **error)
{
    for (guint i = 0; i < def->disks->len; i++) {
        const xvmDomainDiskDef *disk = g_ptr_array_index(def->disks, i);
        xvmDomainDiskBus expect;

        if (!disk->dst || xvmDiskNameToIndex(disk->dst) < 0) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("invalid disk target '%s': expected xvdX, hdX or sdX"),
                         disk->dst ? disk->dst : "");
            return FALSE;
        }
        expect = bus_from_target(disk->dst);
        if (disk->bus && disk->bus != expect) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("disk target '%s' does not match bus '%s' (use bus '%s')"),
                         disk->dst, xvmDomainDiskBusTypeToString(disk->bus),
                         xvmDomainDiskBusTypeToString(expect));
            return FALSE;
        }
        for (guint j = 0; j < i; j++) {
            const xvmDomainDiskDef *other = g_ptr_array_index(def->disks, j);
            if (xvmDiskNameToIndex(other->dst) == xvmDiskNameToIndex(disk->dst) &&
                bus_from_target(other->dst) == expect) {
                xvmConfError(error, VIR_ERR_XML_ERROR,
                             _("target '%s' duplicated for disk sources '%s' and '%s'"),
                             disk->dst, other->src ? other->src : "",
                             disk->src ? disk->src : "");
                return FALSE;
            }
        }
        if (!disk->src && disk->device != XVM_DOMAIN_DISK_DEVICE_CDROM) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("disk '%s' has no <source>: only a cdrom may be empty"), disk->dst);
            return FALSE;
        }
        if (!validate_xml_text(_("disk <source>"), disk->src, error))
            return FALSE;
        if (disk->src && !*disk->src) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("disk '%s' has an empty source path"), disk->dst);
            return FALSE;
        }
        if ((disk->driver == XVM_DOMAIN_DISK_DRIVER_PHY ||
             disk->driver == XVM_DOMAIN_DISK_DRIVER_FILE) &&
            disk->format != XVM_DOMAIN_DISK_FORMAT_DEFAULT &&
            disk->format != XVM_DOMAIN_DISK_FORMAT_RAW) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("disk '%s': driver '%s' only supports raw images, not '%s' (use driver 'qemu')"),
                         disk->dst, xvmDomainDiskDriverTypeToString(disk->driver),
                         xvmDomainDiskFormatTypeToString(disk->format));
            return FALSE;
        }
        if (disk->device == XVM_DOMAIN_DISK_DEVICE_CDROM && is_hvm(def) &&
            expect == XVM_DOMAIN_DISK_BUS_XEN) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("cdrom '%s': an HVM guest's cdrom must be emulated (use an hdX target on bus 'ide')"),
                         disk->dst);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
validate_controllers(const xvmDomainDef *def, GError **error)
{
    for (guint i = 0; i < def->controllers->len; i++) {
        const xvmDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        for (guint j = 0; j < i; j++) {
            const xvmDomainControllerDef *o = g_ptr_array_index(def->controllers, j);
            if (o->type == c->type && o->index == c->index) {
                xvmConfError(error, VIR_ERR_XML_ERROR,
                             _("duplicate <controller type='%s' index='%u'>"),
                             xvmDomainControllerTypeTypeToString(c->type), c->index);
                return FALSE;
            }
        }
    }
    return TRUE;
}

static gboolean
valid_model_name(const char *s)
{
    if (!*s)
        return FALSE;
    for (; *s; s++)
        if (!g_ascii_isalnum(*s) && *s != '_' && *s != '-')
            return FALSE;
    return TRUE;
}

static gboolean
validate_nets(const xvmDomainDef *def, GError **error)
{
    for (guint i = 0; i < def->nets->len; i++) {
        const xvmDomainNetDef *net = g_ptr_array_index(def->nets, i);
        char mac[XVM_MAC_STRING_BUFLEN];

        xvmMacFormat(&net->mac, mac);
        if (!net->mac_set) {
            xvmConfError(error, VIR_ERR_XML_ERROR, _("interface %u has no MAC address"), i);
            return FALSE;
        }
        if (xvmMacIsMulticast(&net->mac)) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("expected unicast mac address, found multicast '%s'"), mac);
            return FALSE;
        }
        if (xvmMacIsNull(&net->mac)) {
            xvmConfError(error, VIR_ERR_XML_ERROR, _("invalid all-zero mac address '%s'"), mac);
            return FALSE;
        }
        for (guint j = 0; j < i; j++) {
            const xvmDomainNetDef *o = g_ptr_array_index(def->nets, j);
            if (xvmMacEqual(&o->mac, &net->mac)) {
                xvmConfError(error, VIR_ERR_XML_ERROR,
                             _("mac address '%s' is used by two interfaces"), mac);
                return FALSE;
            }
        }
        if (!validate_xml_text(_("interface <source>"), net->source, error) ||
            !validate_xml_text(_("interface <script path>"), net->script, error) ||
            !validate_xml_text(_("interface <target dev>"), net->ifname, error))
            return FALSE;
        if (net->type == XVM_DOMAIN_NET_TYPE_BRIDGE && (!net->source || !*net->source)) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("No <source> 'bridge' attribute specified with <interface type='bridge'/>"));
            return FALSE;
        }
        if (net->type == XVM_DOMAIN_NET_TYPE_NETWORK && (!net->source || !*net->source)) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("No <source> 'network' attribute specified with <interface type='network'/>"));
            return FALSE;
        }
        if (net->model && !valid_model_name(net->model)) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("interface model '%s' contains invalid characters"), net->model);
            return FALSE;
        }
        if (net->script && !*net->script) {
            xvmConfError(error, VIR_ERR_XML_ERROR, _("interface <script path=''> is empty"));
            return FALSE;
        }
        if (net->ifname) {
            gsize len = strlen(net->ifname);
            if (len == 0 || len > 15 || strchr(net->ifname, '/') ||
                strpbrk(net->ifname, " \t\n\r:")) {
                xvmConfError(error, VIR_ERR_XML_ERROR,
                             _("invalid interface <target dev='%s'>: 1 to 15 characters, without '/', ':' or blanks"),
                             net->ifname);
                return FALSE;
            }
        }
        if (net->bandwidth_out_average > XVM_DOMAIN_NET_BANDWIDTH_MAX) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("interface %s: <bandwidth><outbound average='%" G_GUINT64_FORMAT
                           "'> is above %u KB/s"),
                         mac, net->bandwidth_out_average, (guint)XVM_DOMAIN_NET_BANDWIDTH_MAX);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
validate_chrs(const xvmDomainDef *def, GError **error)
{
    if (def->serials->len && !is_hvm(def)) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("<serial> devices are only supported for HVM guests, not os type '%s' (use <console>)"),
                     os_name(def));
        return FALSE;
    }
    for (guint i = 0; i < def->serials->len; i++) {
        const xvmDomainChrDef *chr = g_ptr_array_index(def->serials, i);
        for (guint j = 0; j < i; j++) {
            const xvmDomainChrDef *o = g_ptr_array_index(def->serials, j);
            if (o->port == chr->port) {
                xvmConfError(error, VIR_ERR_XML_ERROR,
                             _("two <serial> devices use port %d"), chr->port);
                return FALSE;
            }
        }
    }
    for (guint i = 0; i < def->consoles->len; i++) {
        const xvmDomainChrDef *chr = g_ptr_array_index(def->consoles, i);
        if (chr->target_type == XVM_DOMAIN_CHR_CONSOLE_TARGET_SERIAL) {
            gboolean found = FALSE;
            if (!is_hvm(def)) {
                xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                             _("console target type 'serial' is only supported for HVM guests, not os type '%s' (use 'xen')"),
                             os_name(def));
                return FALSE;
            }
            for (guint j = 0; j < def->serials->len; j++) {
                const xvmDomainChrDef *s = g_ptr_array_index(def->serials, j);
                if (s->port == chr->port)
                    found = TRUE;
            }
            if (!found) {
                xvmConfError(error, VIR_ERR_XML_ERROR,
                             _("<console> targets serial port %d, but there is no such <serial>"),
                             chr->port);
                return FALSE;
            }
        }
        for (guint j = 0; j < i; j++) {
            const xvmDomainChrDef *o = g_ptr_array_index(def->consoles, j);
            if (o->port == chr->port && o->target_type == chr->target_type) {
                xvmConfError(error, VIR_ERR_XML_ERROR,
                             _("two <console> devices use port %d"), chr->port);
                return FALSE;
            }
        }
    }
    return TRUE;
}

static gboolean
validate_graphics_inputs_videos(const xvmDomainDef *def, GError **error)
{
    for (guint i = 0; i < def->graphics->len; i++) {
        const xvmDomainGraphicsDef *g = g_ptr_array_index(def->graphics, i);
        for (guint j = 0; j < i; j++) {
            const xvmDomainGraphicsDef *o = g_ptr_array_index(def->graphics, j);
            if (o->type == g->type) {
                xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                             _("only one <graphics type='%s'> is supported per domain"),
                             xvmDomainGraphicsTypeTypeToString(g->type));
                return FALSE;
            }
        }
        if (g->type == XVM_DOMAIN_GRAPHICS_TYPE_SPICE && !is_hvm(def)) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("<graphics type='spice'> is only supported for HVM guests"));
            return FALSE;
        }
        if (g->type != XVM_DOMAIN_GRAPHICS_TYPE_SDL && !g->autoport &&
            g->port < 0 && g->tls_port < 0) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("<graphics type='%s' autoport='no'> needs a port"),
                         xvmDomainGraphicsTypeTypeToString(g->type));
            return FALSE;
        }
    }
    for (guint i = 0; i < def->inputs->len; i++) {
        const xvmDomainInputDef *in = g_ptr_array_index(def->inputs, i);
        const char *type = xvmDomainInputTypeTypeToString(in->type);
        if (in->bus == XVM_DOMAIN_INPUT_BUS_PS2 && in->type == XVM_DOMAIN_INPUT_TYPE_TABLET) {
            xvmConfError(error, VIR_ERR_XML_ERROR,
                         _("ps2 bus does not support %s input device"), type);
            return FALSE;
        }
        if (!is_hvm(def) && in->bus != XVM_DOMAIN_INPUT_BUS_XEN &&
            in->bus != XVM_DOMAIN_INPUT_BUS_DEFAULT) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("input bus '%s' is only supported for HVM guests (use bus 'xen')"),
                         xvmDomainInputBusTypeToString(in->bus));
            return FALSE;
        }
    }
    if (def->videos->len > 1) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("only one <video> device is supported by the Xen driver"));
        return FALSE;
    }
    for (guint i = 0; i < def->videos->len; i++) {
        const xvmDomainVideoDef *v = g_ptr_array_index(def->videos, i);
        gboolean pv_model = v->model == XVM_DOMAIN_VIDEO_MODEL_XEN;
        if (pv_model == is_hvm(def)) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("video model '%s' is not supported for os type '%s'"),
                         xvmDomainVideoModelTypeToString(v->model), os_name(def));
            return FALSE;
        }
        if (v->heads > 1) {
            xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("video heads='%u' is not supported: Xen guests have one head"),
                         v->heads);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
xvmDomainDefValidate(const xvmDomainDef *def, GError **error)
{
    if (!def) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, _("no domain definition"));
        return FALSE;
    }
    return validate_name(def, error) &&
           validate_memory_cpus(def, error) &&
           validate_os(def, error) &&
           validate_timers(def, error) &&
           validate_lifecycle("on_poweroff", def->on_poweroff, error) &&
           validate_lifecycle("on_reboot", def->on_reboot, error) &&
           validate_lifecycle("on_crash", def->on_crash, error) &&
           validate_disks(def, error) &&
           validate_controllers(def, error) &&
           validate_nets(def, error) &&
           validate_chrs(def, error) &&
           validate_graphics_inputs_videos(def, error);
}
