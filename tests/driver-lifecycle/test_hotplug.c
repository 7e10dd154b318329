/* Devices attached and detached (issue 6, hotplug) on the simulated
 * stack: live through the xenstore handshake (a running guest's
 * frontends connect and close), in the persistent config, both; a
 * backend that refuses (missing image), a guest that refuses
 * (xvmsim.refuse=vbd), devices that are not there or not supported, a
 * paused guest, a transient domain; what the live definition, the status
 * file, the config file and xenstore hold after each. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "domain_hotplug.h"
#include "domain_lifecycle.h"
#include "lifecycle_env.h"

#define LIVE VIR_DOMAIN_AFFECT_LIVE
#define CONFIG VIR_DOMAIN_AFFECT_CONFIG
#define XVDB 51728      /* 202 << 8 | 1 << 4 */
#define XVDC 51744

static char *
disk_xml(const char *src, const char *dst)
{
    return g_strdup_printf("<disk type='file' device='disk'>"
                           "<source file='%s'/><target dev='%s' bus='xen'/></disk>",
                           src, dst);
}

static char *
net_xml(const char *mac, const char *bridge)
{
    return g_strdup_printf("<interface type='bridge'>%s%s%s"
                           "<source bridge='%s'/></interface>",
                           mac ? "<mac address='" : "", mac ? mac : "", mac ? "'/>" : "",
                           bridge);
}

typedef gboolean (*DeviceOp)(xvmDriver *drv, xvmDomainObj *obj, const char *xml,
                             unsigned int flags, GError **error);

/* op on obj; TRUE, or FALSE with the error's code (and message part). */
static void
expect_ok(LcEnv *env, DeviceOp op, xvmDomainObj *obj, const char *xml, unsigned int flags)
{
    g_autoptr(GError) err = NULL;
    gboolean ok;

    xvmDomainObjLock(obj);
    ok = op(env->drv, obj, xml, flags, &err);
    xvmDomainObjUnlock(obj);
    g_assert_no_error(err);
    g_assert_true(ok);
}

static void
expect_fail(LcEnv *env, DeviceOp op, xvmDomainObj *obj, const char *xml, unsigned int flags,
            int code, const char *part)
{
    g_autoptr(GError) err = NULL;
    gboolean ok;

    xvmDomainObjLock(obj);
    ok = op(env->drv, obj, xml, flags, &err);
    xvmDomainObjUnlock(obj);
    g_assert_false(ok);
    g_assert_error(err, XVM_CONF_ERROR, code);
    if (part && !strstr(err->message, part))
        g_error("\"%s\" not in \"%s\"", part, err->message);
}

static char *
node(LcEnv *env, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static char *
node(LcEnv *env, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *path = NULL;

    va_start(ap, fmt);
    path = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return xs_read(env->s.xs, 0, path, NULL, NULL);
}

/* Until the node holds value (the stack's timeout). */
static void
wait_node(LcEnv *env, const char *value, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void
wait_node(LcEnv *env, const char *value, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *path = NULL;

    va_start(ap, fmt);
    path = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (!stack_wait_node(&env->s, path, value))
        g_error("%s never became \"%s\"", path, value);
}

/* Neither the frontend, the backend nor an error node of the device. */
static void
assert_no_device(LcEnv *env, int domid, const char *kind, guint devid)
{
    const char *fmts[] = {
        "/local/domain/%d/device/%s/%u",
        "/local/domain/0/backend/%2$s/%1$d/%3$u",
        "/local/domain/%d/error/device/%s/%u",
        "/local/domain/0/error/backend/%2$s/%1$d/%3$u",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(fmts); i++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        g_autofree char *path = g_strdup_printf(fmts[i], domid, kind, devid);
#pragma GCC diagnostic pop
        g_autofree char *v = xs_read(env->s.xs, 0, path, NULL, NULL);

        if (v)
            g_error("%s is still there", path);
    }
}

/* The live (or persistent) definition has the disk / the MAC. */
static gboolean
has_disk(xvmDomainObj *obj, gboolean live, const char *dst)
{
    gboolean found;

    xvmDomainObjLock(obj);
    found = xvmDomainDefFindDisk(live ? obj->live_def : obj->persistent_def, dst) != NULL;
    xvmDomainObjUnlock(obj);
    return found;
}

static gboolean
has_mac(xvmDomainObj *obj, gboolean live, const char *mac)
{
    xvmMac m;
    gboolean found;

    g_assert_true(xvmMacParse(mac, &m));
    xvmDomainObjLock(obj);
    found = xvmDomainDefFindNetByMac(live ? obj->live_def : obj->persistent_def, &m) != NULL;
    xvmDomainObjUnlock(obj);
    return found;
}

static gboolean
file_has(const char *dir, const char *name, const char *text)
{
    g_autofree char *path = g_strdup_printf("%s/%s.xml", dir, name);
    g_autofree char *contents = NULL;

    if (!g_file_get_contents(path, &contents, NULL, NULL))
        return FALSE;
    return strstr(contents, text) != NULL;
}

/* A running guest: disk and interface in and out, live. */
static void
test_live(void)
{
    LcEnv env;
    g_autofree char *disk = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *dup = NULL;
    g_autofree char *nic = NULL;
    g_autofree char *v = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    int domid;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    disk = lc_disk(&env, "data.img");
    obj = lc_define(&env, &(LcGuest){ .name = "hp", .net = TRUE });
    lc_start(&env, obj, 0);
    lc_expect_event(&env, "hp", VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    domid = lc_domid(obj);
    lc_assert_connected(&env, domid, FALSE, TRUE);

    /* Disk: connected both ends when the call returns. */
    xml = disk_xml(disk, "xvdb");
    expect_ok(&env, xvmDomainAttachDevice, obj, xml, LIVE);
    v = node(&env, "/local/domain/%d/device/vbd/%d/state", domid, XVDB);
    g_assert_cmpstr(v, ==, "4");
    g_clear_pointer(&v, g_free);
    v = node(&env, "/local/domain/0/backend/vbd/%d/%d/params", domid, XVDB);
    g_assert_cmpstr(v, ==, disk);
    g_clear_pointer(&v, g_free);
    g_assert_true(has_disk(obj, TRUE, "xvdb"));
    g_assert_false(has_disk(obj, FALSE, "xvdb"));
    g_assert_true(file_has(env.run_dir, "hp", "<target dev='xvdb'"));
    g_assert_false(file_has(env.state_dir, "hp", "xvdb"));

    /* The same target again, another name of it, a cdrom, another bus. */
    expect_fail(&env, xvmDomainAttachDevice, obj, xml, LIVE, VIR_ERR_OPERATION_FAILED,
                "target xvdb already exists");
    dup = disk_xml(disk, "sdb");
    expect_fail(&env, xvmDomainAttachDevice, obj, dup, LIVE, VIR_ERR_OPERATION_FAILED,
                "target sdb already exists");
    g_clear_pointer(&dup, g_free);
    dup = g_strdup_printf("<disk type='file' device='disk'><source file='%s'/>"
                          "<target dev='sdc'/></disk>", disk);
    expect_fail(&env, xvmDomainAttachDevice, obj, dup, LIVE, VIR_ERR_CONFIG_UNSUPPORTED,
                "disk bus 'scsi' cannot be hotplugged");
    g_clear_pointer(&dup, g_free);
    dup = g_strdup_printf("<disk type='file' device='cdrom'><source file='%s'/>"
                          "<target dev='xvdd'/></disk>", disk);
    expect_fail(&env, xvmDomainAttachDevice, obj, dup, LIVE, VIR_ERR_CONFIG_UNSUPPORTED,
                "cdrom");
    g_clear_pointer(&dup, g_free);

    /* Interface: the next vif number (1), connected. */
    nic = net_xml("00:16:3e:00:00:42", "xenbr1");
    expect_ok(&env, xvmDomainAttachDevice, obj, nic, LIVE);
    v = node(&env, "/local/domain/%d/device/vif/1/state", domid);
    g_assert_cmpstr(v, ==, "4");
    g_clear_pointer(&v, g_free);
    v = node(&env, "/local/domain/0/backend/vif/%d/1/bridge", domid);
    g_assert_cmpstr(v, ==, "xenbr1");
    g_clear_pointer(&v, g_free);
    g_assert_true(has_mac(obj, TRUE, "00:16:3e:00:00:42"));
    expect_fail(&env, xvmDomainAttachDevice, obj, nic, LIVE, VIR_ERR_INVALID_ARG,
                "network device with mac 00:16:3e:00:00:42 already exists");

    /* A routed interface (type ethernet): no bridge, its script. */
    {
        const char *eth = "<interface type='ethernet'><mac address='00:16:3e:00:00:43'/>"
                          "<script path='/etc/xen/scripts/vif-route'/>"
                          "<ip address='10.0.0.5'/></interface>";

        expect_ok(&env, xvmDomainAttachDevice, obj, eth, LIVE);
        v = node(&env, "/local/domain/0/backend/vif/%d/2/script", domid);
        g_assert_cmpstr(v, ==, "/etc/xen/scripts/vif-route");
        g_clear_pointer(&v, g_free);
        v = node(&env, "/local/domain/%d/device/vif/2/state", domid);
        g_assert_cmpstr(v, ==, "4");
        g_clear_pointer(&v, g_free);
        expect_ok(&env, xvmDomainDetachDevice, obj, eth, LIVE);
        assert_no_device(&env, domid, "vif", 2);
        lc_expect_device_removed(&env, "hp", "00:16:3e:00:00:43");
    }

    /* Devices the driver does not hotplug, and no device at all. */
    expect_fail(&env, xvmDomainAttachDevice, obj, "<controller type='usb' index='0'/>", LIVE,
                VIR_ERR_CONFIG_UNSUPPORTED, "device type 'controller' cannot be attached");
    expect_fail(&env, xvmDomainDetachDevice, obj, "<serial type='pty'/>", LIVE,
                VIR_ERR_CONFIG_UNSUPPORTED, "device type 'chr' cannot be detached");
    expect_fail(&env, xvmDomainAttachDevice, obj, "<frobnicator/>", LIVE, VIR_ERR_XML_ERROR,
                "unknown device type 'frobnicator'");
    expect_fail(&env, xvmDomainAttachDevice, obj, "<disk", LIVE, VIR_ERR_XML_DETAIL,
                "malformed device XML");
    expect_fail(&env, xvmDomainAttachDevice, obj, "<interface type='network'>"
                "<source network='default'/></interface>", LIVE,
                VIR_ERR_CONFIG_UNSUPPORTED, "interface type 'network' cannot be hotplugged");
    expect_fail(&env, xvmDomainAttachDevice, obj, xml, 0x4, VIR_ERR_INVALID_ARG,
                "unsupported flags (0x4)");

    /* Unknown devices. */
    dup = disk_xml(disk, "xvdz");
    expect_fail(&env, xvmDomainDetachDevice, obj, dup, LIVE, VIR_ERR_OPERATION_FAILED,
                "disk xvdz not found");
    expect_fail(&env, xvmDomainDetachDevice, obj, dup, CONFIG, VIR_ERR_INVALID_ARG,
                "no target device xvdz");
    g_clear_pointer(&dup, g_free);
    dup = net_xml("00:16:3e:00:00:99", "xenbr0");
    expect_fail(&env, xvmDomainDetachDevice, obj, dup, LIVE, VIR_ERR_DEVICE_MISSING,
                "no device matching MAC address 00:16:3e:00:00:99 found");
    g_clear_pointer(&dup, g_free);
    /* Without a MAC, two interfaces match. */
    dup = net_xml(NULL, "xenbr0");
    expect_fail(&env, xvmDomainDetachDevice, obj, dup, LIVE, VIR_ERR_OPERATION_FAILED,
                "multiple matching devices found");
    g_clear_pointer(&dup, g_free);
    lc_expect_no_event(&env, 100);

    /* Detach: the guest closes, both directories go, the event comes. */
    expect_ok(&env, xvmDomainDetachDevice, obj, xml, LIVE);
    assert_no_device(&env, domid, "vbd", XVDB);
    g_assert_false(has_disk(obj, TRUE, "xvdb"));
    g_assert_false(file_has(env.run_dir, "hp", "xvdb"));
    lc_expect_device_removed(&env, "hp", "xvdb");
    expect_ok(&env, xvmDomainDetachDevice, obj, nic, LIVE);
    assert_no_device(&env, domid, "vif", 1);
    g_assert_false(has_mac(obj, TRUE, "00:16:3e:00:00:42"));
    lc_expect_device_removed(&env, "hp", "00:16:3e:00:00:42");
    /* Still gone a moment later: no backend answering its frontend
     * after the removal wrote part of its directory back. */
    lc_expect_no_event(&env, 300);
    assert_no_device(&env, domid, "vbd", XVDB);
    assert_no_device(&env, domid, "vif", 1);

    /* The interface it booted with, matched without a MAC (the only one). */
    dup = net_xml(NULL, "xenbr0");
    expect_ok(&env, xvmDomainDetachDevice, obj, dup, 0);
    assert_no_device(&env, domid, "vif", 0);
    lc_drain_events(&env);

    /* Attached again, the disk connects again (the backend was removed,
     * not left closed). The guest still runs. */
    expect_ok(&env, xvmDomainAttachDevice, obj, xml, 0);
    v = node(&env, "/local/domain/%d/device/vbd/%d/state", domid, XVDB);
    g_assert_cmpstr(v, ==, "4");
    g_assert_cmpint(lc_state(obj, NULL, NULL), ==, VIR_DOMAIN_RUNNING);

    /* A second driver finds the hotplugged disk in the status file. */
    lc_driver_close(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    g_clear_pointer(&obj, xvmDomainObjUnref);
    {
        g_autoptr(GError) err = NULL;

        obj = xvmDomainListFindByName(env.drv->domains, "hp", &err);
        g_assert_no_error(err);
        xvmDomainObjUnlock(obj);
    }
    g_assert_true(has_disk(obj, TRUE, "xvdb"));
    g_assert_false(has_mac(obj, TRUE, "00:16:3e:00:00:42"));
    lc_destroy(&env, obj);
    lc_assert_gone(&env, domid, &obj->uuid);
    lc_env_stop(&env);
}

/* The backend refuses (no image), the guest refuses (its vbd frontends
 * do): an error with the reason, nothing left behind. */
static void
test_refused(void)
{
    LcEnv env;
    g_autofree char *missing = NULL;
    g_autofree char *disk = NULL;
    g_autofree char *xml = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(xvmDomainObj) picky = NULL;
    g_autoptr(GError) err = NULL;
    int domid;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    obj = lc_define(&env, &(LcGuest){ .name = "hp", .net = TRUE });
    lc_start(&env, obj, 0);
    domid = lc_domid(obj);
    lc_assert_connected(&env, domid, FALSE, TRUE);

    missing = g_build_filename(env.s.dir, "no-such.img", NULL);
    xml = disk_xml(missing, "xvdb");
    expect_fail(&env, xvmDomainAttachDevice, obj, xml, LIVE | CONFIG, VIR_ERR_INTERNAL_ERROR,
                missing);
    assert_no_device(&env, domid, "vbd", XVDB);
    g_assert_false(has_disk(obj, TRUE, "xvdb"));
    /* With both flags, the config is not written when the live change fails. */
    g_assert_false(has_disk(obj, FALSE, "xvdb"));
    g_assert_false(file_has(env.state_dir, "hp", "xvdb"));
    g_assert_false(file_has(env.run_dir, "hp", "xvdb"));
    g_assert_cmpint(lc_state(obj, NULL, NULL), ==, VIR_DOMAIN_RUNNING);

    /* Once the image exists, the same attach works. */
    disk = lc_disk(&env, "no-such.img");
    expect_ok(&env, xvmDomainAttachDevice, obj, xml, LIVE | CONFIG);
    g_assert_true(has_disk(obj, TRUE, "xvdb"));
    g_assert_true(has_disk(obj, FALSE, "xvdb"));
    g_assert_true(file_has(env.state_dir, "hp", "xvdb"));

    /* A guest whose block frontends refuse to connect. */
    picky = lc_define(&env, &(LcGuest){ .name = "picky", .net = TRUE,
                                       .cmdline = "xvmsim.refuse=vbd" });
    lc_start(&env, picky, 0);
    domid = lc_domid(picky);
    lc_assert_connected(&env, domid, FALSE, TRUE);
    xvmDomainObjLock(picky);
    g_assert_false(xvmDomainAttachDevice(env.drv, picky, xml, LIVE, &err));
    xvmDomainObjUnlock(picky);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_assert_nonnull(strstr(err->message, "xvdb"));
    g_assert_nonnull(strstr(err->message, "refused"));
    assert_no_device(&env, domid, "vbd", XVDB);
    g_assert_false(has_disk(picky, TRUE, "xvdb"));
    /* Its interfaces still attach. */
    g_clear_pointer(&xml, g_free);
    xml = net_xml(NULL, "xenbr0");
    expect_ok(&env, xvmDomainAttachDevice, picky, xml, LIVE);
    wait_node(&env, "4", "/local/domain/%d/device/vif/1/state", domid);
    lc_env_stop(&env);
}

/* Shut off: the config only; then it boots with what was attached. */
static void
test_config(void)
{
    LcEnv env;
    g_autofree char *disk = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *nic = NULL;
    g_autofree char *cd = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(xvmDomainObj) tr = NULL;
    g_autoptr(GError) err = NULL;
    int domid;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    disk = lc_disk(&env, "data.img");
    obj = lc_define(&env, &(LcGuest){ .name = "hp" });
    xml = g_strdup_printf("<disk type='file' device='disk'><source file='%s'/>"
                          "<target dev='xvda'/></disk>", disk);
    nic = net_xml("00:16:3e:00:00:07", "xenbr0");

    expect_fail(&env, xvmDomainAttachDevice, obj, xml, LIVE, VIR_ERR_OPERATION_INVALID,
                "domain is not running");
    expect_ok(&env, xvmDomainAttachDevice, obj, xml, 0);     /* current: config */
    expect_ok(&env, xvmDomainAttachDevice, obj, nic, CONFIG);
    g_assert_true(has_disk(obj, FALSE, "xvda"));
    g_assert_true(file_has(env.state_dir, "hp", "<target dev='xvda' bus='xen'/>"));
    g_assert_true(file_has(env.state_dir, "hp", "00:16:3e:00:00:07"));
    expect_fail(&env, xvmDomainAttachDevice, obj, xml, CONFIG, VIR_ERR_INVALID_ARG,
                "target xvda already exists.");
    expect_fail(&env, xvmDomainAttachDevice, obj, nic, CONFIG, VIR_ERR_INVALID_ARG,
                "network device with mac 00:16:3e:00:00:07 already exists");
    expect_fail(&env, xvmDomainAttachDevice, obj, "<controller type='usb' index='0'/>",
                CONFIG, VIR_ERR_CONFIG_UNSUPPORTED, "persistent attach");
    /* What the whole definition refuses (a bridge without a name). */
    expect_fail(&env, xvmDomainAttachDevice, obj, "<interface type='bridge'/>", CONFIG,
                VIR_ERR_XML_ERROR, NULL);

    /* A cdrom, its media changed and ejected in the config. */
    cd = g_strdup_printf("<disk type='file' device='cdrom'><source file='%s'/>"
                         "<target dev='xvdc'/><readonly/></disk>", disk);
    expect_ok(&env, xvmDomainAttachDevice, obj, cd, CONFIG);
    expect_ok(&env, xvmDomainUpdateDevice, obj,
              "<disk type='file' device='cdrom'><target dev='xvdc'/></disk>", CONFIG);
    xvmDomainObjLock(obj);
    g_assert_null(xvmDomainDefFindDisk(obj->persistent_def, "xvdc")->src);
    xvmDomainObjUnlock(obj);
    expect_fail(&env, xvmDomainUpdateDevice, obj, xml, CONFIG, VIR_ERR_INVALID_ARG,
                "this disk doesn't support update");
    expect_fail(&env, xvmDomainUpdateDevice, obj,
                "<disk type='file' device='cdrom'><target dev='xvdq'/></disk>", CONFIG,
                VIR_ERR_INVALID_ARG, "target xvdq doesn't exist.");

    /* It boots with them; the config and the live definition agree. */
    lc_start(&env, obj, 0);
    domid = lc_domid(obj);
    lc_assert_connected(&env, domid, TRUE, TRUE);
    g_assert_true(has_mac(obj, TRUE, "00:16:3e:00:00:07"));
    expect_fail(&env, xvmDomainUpdateDevice, obj, cd, 0, VIR_ERR_OPERATION_UNSUPPORTED, NULL);

    /* Both at once: gone live and from the config. */
    expect_ok(&env, xvmDomainDetachDevice, obj, nic, LIVE | CONFIG);
    assert_no_device(&env, domid, "vif", 0);
    g_assert_false(has_mac(obj, TRUE, "00:16:3e:00:00:07"));
    g_assert_false(has_mac(obj, FALSE, "00:16:3e:00:00:07"));
    g_assert_false(file_has(env.state_dir, "hp", "00:16:3e:00:00:07"));
    lc_expect_event(&env, "hp", VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    lc_expect_device_removed(&env, "hp", "00:16:3e:00:00:07");

    /* Config only, while it runs: the live definition keeps the disk. */
    expect_ok(&env, xvmDomainDetachDevice, obj, xml, CONFIG);
    g_assert_true(has_disk(obj, TRUE, "xvda"));
    g_assert_false(has_disk(obj, FALSE, "xvda"));
    wait_node(&env, "4", "/local/domain/%d/device/vbd/51712/state", domid);
    lc_destroy(&env, obj);

    /* A transient domain has no config to change. */
    {
        g_autofree char *txml = lc_guest_xml(&env, &(LcGuest){ .name = "tr" });

        tr = xvmDomainCreateXML(env.drv, txml, 0, &err);
        g_assert_no_error(err);
        xvmDomainObjUnlock(tr);
    }
    expect_fail(&env, xvmDomainAttachDevice, tr, xml, CONFIG, VIR_ERR_OPERATION_INVALID,
                "transient domains do not have any persistent config");
    expect_ok(&env, xvmDomainAttachDevice, tr, xml, 0);          /* current: live */
    lc_destroy(&env, tr);
    lc_env_stop(&env);
}

/* A paused guest: the backend is waited for, the frontend is not; a
 * detach does not wait for a guest that cannot answer. */
static void
test_paused(void)
{
    LcEnv env;
    g_autofree char *disk = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *v = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    gint64 t0;
    int domid;

    lc_env_start(&env);
    env.backend_ms = 60000;
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    disk = lc_disk(&env, "data.img");
    obj = lc_define(&env, &(LcGuest){ .name = "hp" });
    lc_start(&env, obj, VIR_DOMAIN_START_PAUSED);
    domid = lc_domid(obj);
    xml = disk_xml(disk, "xvdb");

    t0 = g_get_monotonic_time();
    expect_ok(&env, xvmDomainAttachDevice, obj, xml, LIVE);
    v = node(&env, "/local/domain/0/backend/vbd/%d/%d/hotplug-status", domid, XVDB);
    g_assert_cmpstr(v, ==, "connected");
    expect_ok(&env, xvmDomainDetachDevice, obj, xml, LIVE);
    /* Neither waited for the guest's timeout. */
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 30 * G_USEC_PER_SEC);
    assert_no_device(&env, domid, "vbd", XVDB);
    g_assert_false(has_disk(obj, TRUE, "xvdb"));

    /* Attached while paused, it connects once the guest runs. */
    expect_ok(&env, xvmDomainAttachDevice, obj, xml, LIVE);
    {
        g_autoptr(GError) err = NULL;

        xvmDomainObjLock(obj);
        g_assert_true(xvmDomainResume(env.drv, obj, &err));
        xvmDomainObjUnlock(obj);
        g_assert_no_error(err);
    }
    wait_node(&env, "4", "/local/domain/%d/device/vbd/%d/state", domid, XVDB);
    lc_destroy(&env, obj);
    lc_assert_gone(&env, domid, &obj->uuid);
    lc_env_stop(&env);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/driver-hotplug/live", test_live);
    g_test_add_func("/driver-hotplug/refused", test_refused);
    g_test_add_func("/driver-hotplug/config", test_config);
    g_test_add_func("/driver-hotplug/paused", test_paused);
    return g_test_run();
}
