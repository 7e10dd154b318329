/* The driver's domain lifecycle (issue 6) on the simulated stack: start
 * (devices connected), lookups, shutdown, start paused and resume,
 * reboot, destroy, on_crash, a start that fails in a backend, transient
 * domains, a second driver finding the running domains, Domain-0,
 * autostart and the host-shutdown policy. Events are checked in order. */
#include <errno.h>
#include <stdarg.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>
#include <xen/xen.h>
#include <xen/sched.h>

#include "domain_backends.h"
#include "domain_define.h"
#include "domain_lifecycle.h"
#include "lifecycle_env.h"

#define EV_STARTED VIR_DOMAIN_EVENT_STARTED
#define EV_STOPPED VIR_DOMAIN_EVENT_STOPPED

static xvmDomainObj *
find(LcEnv *env, const char *name)
{
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj = xvmDomainListFindByName(env->drv->domains, name, &err);

    g_assert_no_error(err);
    return obj;     /* locked */
}

static gboolean
status_exists(LcEnv *env, const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/%s.xml", env->run_dir, name);

    return g_file_test(path, G_FILE_TEST_EXISTS);
}

/* Start, lookups, devices, then the guest powers off on request. */
static void
test_start_shutdown(void)
{
    LcEnv env;
    g_autofree char *disk = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(GError) err = NULL;
    int reason, domid;
    struct hv_dominfo info;
    struct hv_sched_credit sc;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    disk = lc_disk(&env, "disk.img");
    obj = lc_define(&env, &(LcGuest){ .name = "web", .disk = disk, .net = TRUE });
    lc_start(&env, obj, 0);
    lc_expect_event(&env, "web", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    g_assert_cmpint(lc_state(obj, &reason, &domid), ==, VIR_DOMAIN_RUNNING);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_cmpint(domid, >=, 1);
    g_assert_true(status_exists(&env, "web"));

    /* The hypervisor runs it, with the weight of <shares>. */
    g_assert_true(hv_domain_getinfo(env.s.hv, (uint32_t)domid, &info, NULL));
    g_assert_false(info.flags & (HV_DOMINF_PAUSED | HV_DOMINF_SHUTDOWN));
    g_assert_true(hv_sched_credit_get(env.s.hv, (uint32_t)domid, &sc, NULL));
    g_assert_cmpuint(sc.weight, ==, 512);
    lc_assert_connected(&env, domid, TRUE, TRUE);

    /* Lookups by id and name; listing (Domain-0 and web). */
    {
        xvmDomainObj *byid = xvmDomainListFindByID(env.drv->domains, domid, &err);

        g_assert_no_error(err);
        g_assert_true(byid == obj);
        xvmDomainObjEndAPI(&byid);
        g_assert_cmpuint(xvmDomainListCount(env.drv->domains, TRUE), ==, 2);
        g_assert_cmpuint(xvmDomainListCount(env.drv->domains, FALSE), ==, 0);
    }
    /* Starting it again is refused. */
    xvmDomainObjLock(obj);
    g_assert_false(xvmDomainStart(env.drv, obj, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);
    g_assert_false(xvmDomainStart(env.drv, obj, 0x100, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);

    g_assert_true(xvmDomainShutdown(env.drv, obj, 0, &err));
    g_assert_no_error(err);
    xvmDomainObjUnlock(obj);
    lc_expect_event(&env, "web", VIR_DOMAIN_EVENT_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
    lc_expect_event(&env, "web", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    g_assert_cmpint(lc_state(obj, &reason, NULL), ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
    lc_assert_gone(&env, domid, &obj->uuid);
    g_assert_false(status_exists(&env, "web"));

    /* Shut off: shutdown, destroy, suspend are refused. */
    xvmDomainObjLock(obj);
    g_assert_false(xvmDomainShutdown(env.drv, obj, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);
    g_assert_false(xvmDomainDestroy(env.drv, obj, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);
    g_assert_false(xvmDomainSuspend(env.drv, obj, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    xvmDomainObjUnlock(obj);

    lc_expect_no_event(&env, 200);
    lc_env_stop(&env);
}

/* Start paused: the backends are ready, the guest has not run. */
static void
test_paused_resume_destroy(void)
{
    LcEnv env;
    g_autofree char *disk = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *hp = NULL;
    int reason, domid;
    struct hv_dominfo info;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    disk = lc_disk(&env, "disk.img");
    obj = lc_define(&env, &(LcGuest){ .name = "sleepy", .disk = disk, .net = TRUE });
    lc_start(&env, obj, VIR_DOMAIN_START_PAUSED);
    lc_expect_event(&env, "sleepy", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    lc_expect_event(&env, "sleepy", VIR_DOMAIN_EVENT_SUSPENDED,
                    VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    g_assert_cmpint(lc_state(obj, &reason, &domid), ==, VIR_DOMAIN_PAUSED);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_PAUSED_USER);
    g_assert_true(hv_domain_getinfo(env.s.hv, (uint32_t)domid, &info, NULL));
    g_assert_true(info.flags & HV_DOMINF_PAUSED);
    hp = stack_read(&env.s, "/local/domain/0/backend/vbd/%d/51712/hotplug-status", domid);
    g_assert_cmpstr(hp, ==, "connected");
    {
        g_autofree char *fe = stack_read(&env.s, "/local/domain/%d/device/vbd/51712/state",
                                         domid);

        g_assert_cmpstr(fe, ==, "1");   /* the guest never ran */
    }

    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainResume(env.drv, obj, &err));
    g_assert_no_error(err);
    xvmDomainObjUnlock(obj);
    lc_expect_event(&env, "sleepy", VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    g_assert_cmpint(lc_state(obj, &reason, NULL), ==, VIR_DOMAIN_RUNNING);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_RUNNING_UNPAUSED);
    lc_assert_connected(&env, domid, TRUE, TRUE);

    /* Resume of a running domain: nothing happens. */
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainResume(env.drv, obj, &err));
    g_assert_true(xvmDomainSuspend(env.drv, obj, &err));
    g_assert_no_error(err);
    xvmDomainObjUnlock(obj);
    lc_expect_event(&env, "sleepy", VIR_DOMAIN_EVENT_SUSPENDED,
                    VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    g_assert_true(hv_domain_getinfo(env.s.hv, (uint32_t)domid, &info, NULL));
    g_assert_true(info.flags & HV_DOMINF_PAUSED);

    lc_destroy(&env, obj);
    lc_expect_event(&env, "sleepy", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    g_assert_cmpint(lc_state(obj, &reason, NULL), ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_SHUTOFF_DESTROYED);
    lc_assert_gone(&env, domid, &obj->uuid);
    g_assert_false(status_exists(&env, "sleepy"));
    lc_expect_no_event(&env, 200);
    lc_env_stop(&env);
}

/* Reboot with on_reboot=restart: a new domid, as libxl does. */
static void
test_reboot(void)
{
    LcEnv env;
    g_autofree char *disk = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(GError) err = NULL;
    int reason, first, second;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    disk = lc_disk(&env, "disk.img");
    obj = lc_define(&env, &(LcGuest){ .name = "bouncy", .disk = disk, .net = TRUE,
                                      .on_reboot = "restart" });
    lc_start(&env, obj, 0);
    lc_expect_event(&env, "bouncy", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    first = lc_domid(obj);
    lc_assert_connected(&env, first, TRUE, TRUE);

    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainReboot(env.drv, obj, VIR_DOMAIN_REBOOT_PARAVIRT, &err));
    g_assert_no_error(err);
    xvmDomainObjUnlock(obj);
    lc_expect_event(&env, "bouncy", VIR_DOMAIN_EVENT_SHUTDOWN,
                    VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
    lc_expect_event(&env, "bouncy", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    lc_expect_event(&env, "bouncy", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    g_assert_cmpint(lc_state(obj, &reason, &second), ==, VIR_DOMAIN_RUNNING);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_cmpint(second, !=, first);
    lc_assert_gone(&env, first, &(xvmUuid){ { 0 } });
    lc_assert_connected(&env, second, TRUE, TRUE);
    g_assert_true(status_exists(&env, "bouncy"));

    lc_destroy(&env, obj);
    lc_expect_event(&env, "bouncy", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    lc_assert_gone(&env, second, &obj->uuid);
    lc_env_stop(&env);
}

/* xvmsim.crash=1: the guest crashes a second after it runs. */
static void
test_crash_restart(void)
{
    LcEnv env;
    g_autoptr(xvmDomainObj) obj = NULL;
    int first, second;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    obj = lc_define(&env, &(LcGuest){ .name = "crashy", .cmdline = "xvmsim.crash=1",
                                      .net = TRUE, .on_crash = "restart" });
    lc_start(&env, obj, 0);
    lc_expect_event(&env, "crashy", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    first = lc_domid(obj);
    lc_expect_event(&env, "crashy", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_CRASHED);
    lc_expect_event(&env, "crashy", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    second = lc_domid(obj);
    g_assert_cmpint(second, >, first);
    lc_assert_gone(&env, first, &(xvmUuid){ { 0 } });

    /* It crashes again and again; a destroy ends it, whenever it comes. */
    lc_destroy(&env, obj);
    for (;;) {
        g_autofree char *ev = g_async_queue_timeout_pop(env.events, 20 * G_USEC_PER_SEC);
        g_autofree char *destroyed = g_strdup_printf("crashy %d %d", EV_STOPPED,
                                                     VIR_DOMAIN_EVENT_STOPPED_DESTROYED);

        g_assert_nonnull(ev);
        if (g_str_equal(ev, destroyed))
            break;
    }
    g_assert_cmpint(lc_state(obj, NULL, &second), ==, VIR_DOMAIN_SHUTOFF);
    lc_expect_no_event(&env, 1500);
    g_assert_cmpuint(xvmDomainListCount(env.drv->domains, TRUE), ==, 1);
    lc_env_stop(&env);
}

static void
test_crash_destroy_preserve(void)
{
    LcEnv env;
    g_autoptr(xvmDomainObj) gone = NULL;
    g_autoptr(xvmDomainObj) kept = NULL;
    struct hv_dominfo info;
    int reason, domid_gone, domid_kept;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    gone = lc_define(&env, &(LcGuest){ .name = "fragile", .cmdline = "xvmsim.crash=1",
                                       .on_crash = "destroy" });
    lc_start(&env, gone, 0);
    lc_expect_event(&env, "fragile", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    domid_gone = lc_domid(gone);
    lc_expect_event(&env, "fragile", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_CRASHED);
    g_assert_cmpint(lc_state(gone, &reason, NULL), ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_SHUTOFF_CRASHED);
    lc_assert_gone(&env, domid_gone, &gone->uuid);

    kept = lc_define(&env, &(LcGuest){ .name = "evidence", .cmdline = "xvmsim.crash=1",
                                       .on_crash = "preserve" });
    lc_start(&env, kept, 0);
    lc_expect_event(&env, "evidence", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    lc_expect_event(&env, "evidence", VIR_DOMAIN_EVENT_CRASHED,
                    VIR_DOMAIN_EVENT_CRASHED_PANICKED);
    g_assert_cmpint(lc_state(kept, &reason, &domid_kept), ==, VIR_DOMAIN_CRASHED);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_CRASHED_PANICKED);
    g_assert_true(hv_domain_getinfo(env.s.hv, (uint32_t)domid_kept, &info, NULL));
    g_assert_true(info.flags & HV_DOMINF_SHUTDOWN);
    g_assert_cmpuint(info.shutdown_reason, ==, SHUTDOWN_crash);
    g_assert_true(status_exists(&env, "evidence"));
    {
        g_autoptr(GError) err = NULL;

        xvmDomainObjLock(kept);
        g_assert_false(xvmDomainResume(env.drv, kept, &err));
        g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
        g_clear_error(&err);
        g_assert_false(xvmDomainShutdown(env.drv, kept, 0, &err));
        g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
        g_clear_error(&err);
        g_assert_false(xvmDomainReboot(env.drv, kept, 0, &err));
        g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
        xvmDomainObjUnlock(kept);
    }
    {
        g_autoptr(GError) err = NULL;

        /* Already down: a graceful destroy does not wait for it. */
        xvmDomainObjLock(kept);
        g_assert_true(xvmDomainDestroy(env.drv, kept, VIR_DOMAIN_DESTROY_GRACEFUL, &err));
        g_assert_no_error(err);
        xvmDomainObjUnlock(kept);
    }
    lc_expect_event(&env, "evidence", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    lc_assert_gone(&env, domid_kept, &kept->uuid);
    lc_env_stop(&env);
}

/* A missing disk image: the backend's error, nothing left behind. */
static void
test_missing_disk(void)
{
    LcEnv env;
    g_autofree char *missing = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree struct hv_dominfo *list = NULL;
    g_auto(GStrv) doms = NULL;
    g_auto(GStrv) vms = NULL;
    size_t n = 0;
    int reason;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    missing = g_build_filename(env.s.dir, "no-such-disk.img", NULL);
    obj = lc_define(&env, &(LcGuest){ .name = "broken", .disk = missing, .net = TRUE });
    xvmDomainObjLock(obj);
    g_assert_false(xvmDomainStart(env.drv, obj, 0, &err));
    xvmDomainObjUnlock(obj);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_assert_nonnull(strstr(err->message, "xvda"));
    g_assert_nonnull(strstr(err->message, missing));
    g_assert_cmpint(lc_state(obj, &reason, NULL), ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_SHUTOFF_FAILED);
    g_assert_false(status_exists(&env, "broken"));

    /* Only Domain-0 in the hypervisor and in xenstore. */
    g_assert_true(hv_domain_list(env.s.hv, &list, &n, NULL));
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmpuint(list[0].domid, ==, 0);
    doms = xs_directory(env.s.xs, 0, "/local/domain", NULL);
    g_assert_nonnull(doms);
    g_assert_cmpuint(g_strv_length(doms), ==, 1);
    g_assert_cmpstr(doms[0], ==, "0");
    vms = xs_directory(env.s.xs, 0, "/vm", NULL);
    g_assert_true(vms == NULL || g_strv_length(vms) == 0);
    lc_assert_gone(&env, 1, &obj->uuid);
    lc_expect_no_event(&env, 200);

    /* Once the image exists the same domain starts. */
    {
        g_autofree char *made = lc_disk(&env, "no-such-disk.img");

        lc_start(&env, obj, 0);
        lc_expect_event(&env, "broken", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
        lc_destroy(&env, obj);
        lc_expect_event(&env, "broken", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    }
    lc_env_stop(&env);
}

/* createXML: transient domains vanish when they stop. */
static void
test_transient(void)
{
    LcEnv env;
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj;
    xvmDomainObj *again;
    int domid;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    xml = lc_guest_xml(&env, &(LcGuest){ .name = "fleeting", .net = TRUE });

    obj = xvmDomainCreateXML(env.drv, xml, 0, &err);
    g_assert_no_error(err);
    g_assert_nonnull(obj);
    g_assert_false(xvmDomainObjIsPersistent(obj));
    domid = obj->domid;
    g_assert_cmpint(domid, >=, 1);
    g_assert_true(xvmDomainDestroy(env.drv, obj, 0, &err));
    g_assert_no_error(err);
    xvmDomainObjEndAPI(&obj);
    lc_expect_event(&env, "fleeting", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    lc_expect_event(&env, "fleeting", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    g_assert_null(xvmDomainListFindByName(env.drv->domains, "fleeting", &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_NO_DOMAIN);
    g_clear_error(&err);
    lc_assert_gone(&env, domid, &(xvmUuid){ { 0 } });

    /* Started paused, then powered off by the guest: gone as well. */
    obj = xvmDomainCreateXML(env.drv, xml, VIR_DOMAIN_START_PAUSED, &err);
    g_assert_no_error(err);
    g_assert_true(xvmDomainResume(env.drv, obj, &err));
    g_assert_true(xvmDomainShutdown(env.drv, obj, 0, &err));
    g_assert_no_error(err);
    xvmDomainObjEndAPI(&obj);
    lc_expect_event(&env, "fleeting", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    lc_expect_event(&env, "fleeting", VIR_DOMAIN_EVENT_SUSPENDED,
                    VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    lc_expect_event(&env, "fleeting", VIR_DOMAIN_EVENT_RESUMED,
                    VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    lc_expect_event(&env, "fleeting", VIR_DOMAIN_EVENT_SHUTDOWN,
                    VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
    lc_expect_event(&env, "fleeting", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    again = xvmDomainListFindByName(env.drv->domains, "fleeting", NULL);
    g_assert_null(again);

    /* A transient domain with on_reboot=restart comes back under the
     * same name. */
    {
        g_autofree char *rxml = lc_guest_xml(&env, &(LcGuest){ .name = "phoenix",
                                                               .on_reboot = "restart" });

        obj = xvmDomainCreateXML(env.drv, rxml, 0, &err);
        g_assert_no_error(err);
        domid = obj->domid;
        g_assert_true(xvmDomainReboot(env.drv, obj, 0, &err));
        xvmDomainObjEndAPI(&obj);
        lc_expect_event(&env, "phoenix", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
        lc_expect_event(&env, "phoenix", VIR_DOMAIN_EVENT_SHUTDOWN,
                        VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
        lc_expect_event(&env, "phoenix", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
        lc_expect_event(&env, "phoenix", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
        obj = find(&env, "phoenix");
        g_assert_cmpint(obj->domid, >, domid);
        g_assert_false(xvmDomainObjIsPersistent(obj));
        g_assert_true(xvmDomainDestroy(env.drv, obj, 0, &err));
        xvmDomainObjEndAPI(&obj);
        lc_expect_event(&env, "phoenix", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    }

    /* Bad documents and flags. */
    g_assert_null(xvmDomainCreateXML(env.drv, "<domain type='xen'><name>x", 0, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_null(xvmDomainCreateXML(env.drv, xml, VIR_DOMAIN_START_AUTODESTROY, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);
    g_assert_cmpuint(xvmDomainListCount(env.drv->domains, TRUE), ==, 1);
    lc_env_stop(&env);
}

/* Domain-0 is listed and cannot be started or destroyed. */
static void
test_domain0(void)
{
    LcEnv env;
    g_autoptr(GError) err = NULL;
    xvmDomainObj *dom0;
    int reason;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    dom0 = xvmDomainListFindByID(env.drv->domains, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(dom0->name, ==, "Domain-0");
    g_assert_cmpint(xvmDomainObjGetState(dom0, &reason), ==, VIR_DOMAIN_RUNNING);
    g_assert_false(xvmDomainObjIsPersistent(dom0));
    g_assert_false(xvmDomainStart(env.drv, dom0, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);
    g_assert_false(xvmDomainDestroy(env.drv, dom0, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);
    g_assert_false(xvmDomainShutdown(env.drv, dom0, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);
    g_assert_false(xvmDomainSuspend(env.drv, dom0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    xvmDomainObjEndAPI(&dom0);
    g_assert_null(xvmDomainCreateXML(env.drv,
        "<domain type='xen'><name>Domain-0</name><memory>65536</memory>"
        "<os><type>linux</type><kernel>/k</kernel></os></domain>", 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    lc_env_stop(&env);
}

/* A second driver on the same directories finds the running domains
 * with their ids and states; a domain that went meanwhile is shut off. */
static void
test_reconnect(void)
{
    LcEnv env;
    g_autofree char *disk = NULL;
    g_autoptr(GError) err = NULL;
    xvmDomainObj *a, *b, *c;
    int ida, idb, idc, reason;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    disk = lc_disk(&env, "disk.img");
    a = lc_define(&env, &(LcGuest){ .name = "alpha", .disk = disk, .net = TRUE });
    b = lc_define(&env, &(LcGuest){ .name = "beta", .net = TRUE });
    c = lc_define(&env, &(LcGuest){ .name = "gamma" });
    lc_start(&env, a, 0);
    lc_start(&env, b, VIR_DOMAIN_START_PAUSED);
    lc_start(&env, c, 0);
    ida = lc_domid(a);
    idb = lc_domid(b);
    idc = lc_domid(c);
    xvmDomainObjUnref(a);
    xvmDomainObjUnref(b);
    xvmDomainObjUnref(c);
    lc_driver_close(&env);
    lc_drain_events(&env);

    /* gamma dies while no driver watches. */
    g_assert_true(hv_domain_destroy(env.s.hv, (uint32_t)idc, &err));
    g_assert_no_error(err);
    g_assert_true(stack_wait_gone(&env.s, (uint32_t)idc));

    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    a = find(&env, "alpha");
    g_assert_cmpint(a->domid, ==, ida);
    g_assert_cmpint(xvmDomainObjGetState(a, &reason), ==, VIR_DOMAIN_RUNNING);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_true(a->has_been_started);
    xvmDomainObjUnlock(a);     /* never wait for events holding a lock */
    b = xvmDomainListFindByID(env.drv->domains, idb, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(b->name, ==, "beta");
    g_assert_cmpint(xvmDomainObjGetState(b, &reason), ==, VIR_DOMAIN_PAUSED);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_PAUSED_USER);
    c = find(&env, "gamma");
    g_assert_cmpint(xvmDomainObjGetState(c, &reason), ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_SHUTOFF_UNKNOWN);
    g_assert_false(status_exists(&env, "gamma"));
    xvmDomainObjEndAPI(&c);
    lc_assert_gone(&env, idc, &(xvmUuid){ { 0 } });

    /* The attached domains are fully managed: resume, shutdown, destroy. */
    g_assert_true(xvmDomainResume(env.drv, b, &err));
    g_assert_no_error(err);
    lc_expect_event(&env, "beta", VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    g_assert_true(xvmDomainShutdown(env.drv, b, 0, &err));
    xvmDomainObjEndAPI(&b);
    lc_expect_event(&env, "beta", VIR_DOMAIN_EVENT_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
    lc_expect_event(&env, "beta", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    lc_assert_gone(&env, idb, &(xvmUuid){ { 0 } });
    xvmDomainObjLock(a);
    g_assert_true(xvmDomainDestroy(env.drv, a, 0, &err));
    g_assert_no_error(err);
    lc_expect_event(&env, "alpha", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    lc_assert_gone(&env, ida, &a->uuid);
    xvmDomainObjEndAPI(&a);
    lc_env_stop(&env);
}

/* A domain that powered off while no driver watched is handled at open. */
static void
test_reconnect_shut_down(void)
{
    LcEnv env;
    xvmDomainObj *obj;
    int domid, reason;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    obj = lc_define(&env, &(LcGuest){ .name = "quiet" });
    lc_start(&env, obj, 0);
    domid = lc_domid(obj);
    xvmDomainObjUnref(obj);
    lc_driver_close(&env);
    lc_drain_events(&env);
    {
        g_autofree char *path = g_strdup_printf("/local/domain/%d/control/shutdown", domid);

        stack_write(&env.s, path, "poweroff");
        g_assert_cmpint(stack_wait_shutdown(&env.s, (uint32_t)domid), ==, SHUTDOWN_poweroff);
    }
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    lc_expect_event(&env, "quiet", VIR_DOMAIN_EVENT_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
    lc_expect_event(&env, "quiet", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    obj = find(&env, "quiet");
    g_assert_cmpint(xvmDomainObjGetState(obj, &reason), ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
    lc_assert_gone(&env, domid, &obj->uuid);
    xvmDomainObjEndAPI(&obj);
    lc_env_stop(&env);
}

/* Autostart at open; the host-shutdown policy at close. */
static void
test_autostart_host_shutdown(void)
{
    LcEnv env;
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj;
    int domid, reason;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    obj = lc_define(&env, &(LcGuest){ .name = "eager", .net = TRUE });
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainSetAutostart(env.drv->store, obj, TRUE, &err));
    g_assert_no_error(err);
    xvmDomainObjEndAPI(&obj);
    obj = lc_define(&env, &(LcGuest){ .name = "lazy" });
    xvmDomainObjUnref(obj);
    lc_driver_close(&env);

    lc_driver_open(&env, TRUE, XVM_DRIVER_HOST_SHUTDOWN_SHUTDOWN);
    lc_expect_event(&env, "eager", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    lc_expect_no_event(&env, 300);
    obj = find(&env, "eager");
    g_assert_cmpint(xvmDomainObjGetState(obj, &reason), ==, VIR_DOMAIN_RUNNING);
    domid = obj->domid;
    xvmDomainObjEndAPI(&obj);
    obj = find(&env, "lazy");
    g_assert_false(xvmDomainObjIsActive(obj));
    xvmDomainObjEndAPI(&obj);
    lc_assert_connected(&env, domid, FALSE, TRUE);

    /* Closing powers it off (the guest does it) and cleans up. */
    lc_driver_close(&env);
    lc_assert_gone(&env, domid, &(xvmUuid){ { 0 } });
    g_assert_false(status_exists(&env, "eager"));
    lc_env_stop(&env);
}

/* VIR_DOMAIN_DESTROY_GRACEFUL: the guest powers off, or the destroy
 * fails and the guest keeps running. */
static void
test_graceful_destroy(void)
{
    LcEnv env;
    g_autoptr(xvmDomainObj) polite = NULL;
    g_autoptr(xvmDomainObj) stubborn = NULL;
    g_autoptr(GError) err = NULL;
    int reason, domid;

    lc_env_start(&env);
    env.graceful_ms = 1500;
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    polite = lc_define(&env, &(LcGuest){ .name = "polite", .net = TRUE });
    stubborn = lc_define(&env, &(LcGuest){ .name = "stubborn",
                                           .cmdline = "xvmsim.ignore_shutdown" });
    lc_start(&env, polite, 0);
    lc_expect_event(&env, "polite", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    lc_start(&env, stubborn, 0);
    lc_expect_event(&env, "stubborn", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    /* Booted: it watches control/shutdown. */
    domid = lc_domid(polite);
    lc_assert_connected(&env, domid, FALSE, TRUE);

    xvmDomainObjLock(polite);
    g_assert_true(xvmDomainDestroy(env.drv, polite, VIR_DOMAIN_DESTROY_GRACEFUL, &err));
    g_assert_no_error(err);
    xvmDomainObjUnlock(polite);
    lc_expect_event(&env, "polite", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    g_assert_cmpint(lc_state(polite, &reason, NULL), ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_SHUTOFF_DESTROYED);
    lc_assert_gone(&env, domid, &polite->uuid);

    domid = lc_domid(stubborn);
    {
        g_autofree char *log = g_strdup_printf("%s/guest-stubborn.log", env.s.log_dir);

        g_assert_true(stack_wait_file(log, "booted"));
    }
    xvmDomainObjLock(stubborn);
    g_assert_false(xvmDomainDestroy(env.drv, stubborn, VIR_DOMAIN_DESTROY_GRACEFUL, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_TIMEOUT);
    g_clear_error(&err);
    g_assert_cmpint(xvmDomainObjGetState(stubborn, &reason), ==, VIR_DOMAIN_RUNNING);
    g_assert_false(xvmDomainDestroy(env.drv, stubborn, 0x40, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);
    g_assert_true(xvmDomainDestroy(env.drv, stubborn, 0, &err));
    xvmDomainObjUnlock(stubborn);
    lc_expect_event(&env, "stubborn", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    lc_assert_gone(&env, domid, &stubborn->uuid);
    lc_expect_no_event(&env, 200);
    lc_env_stop(&env);
}

/* Domain NAME of 64 MiB with the <os> TYPE element, the test kernel and
 * <clock> holding TIMER. */
static char *
timer_domain_xml(const char *name, const char *type, const char *kernel, const char *timer)
{
    return g_strdup_printf("<domain type='xen'><name>%s</name><memory unit='MiB'>64</memory>"
                           "<os>%s<kernel>%s</kernel></os>"
                           "<clock offset='utc'>%s</clock></domain>",
                           name, type, kernel, timer);
}

/* What cannot boot is refused before anything exists. */
static void
test_unsupported(void)
{
    LcEnv env;
    g_autofree char *disk = NULL;
    g_autoptr(xvmDomainObj) nokernel = NULL;
    g_autoptr(xvmDomainObj) qcow = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree struct hv_dominfo *list = NULL;
    size_t n = 0;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    disk = lc_disk(&env, "disk.qcow2");
    nokernel = lc_define(&env, &(LcGuest){ .name = "grubby", .no_kernel = TRUE });
    qcow = lc_define(&env, &(LcGuest){ .name = "cow", .disk = disk,
                                       .disk_driver = "type='qcow2'" });
    xvmDomainObjLock(nokernel);
    g_assert_false(xvmDomainStart(env.drv, nokernel, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED);
    g_clear_error(&err);
    g_assert_false(xvmDomainObjIsActive(nokernel));
    xvmDomainObjUnlock(nokernel);
    xvmDomainObjLock(qcow);
    g_assert_false(xvmDomainStart(env.drv, qcow, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED);
    g_assert_false(xvmDomainObjIsActive(qcow));
    g_assert_null(qcow->live_def);
    xvmDomainObjUnlock(qcow);
    /* Timers the driver cannot set (xl tsc_mode native_paravirt, gone
     * from Xen; hpet = 0): refused, not ignored. */
    g_clear_error(&err);
    {
        static const struct { const char *type; const char *timer; const char *word; } cases[] = {
            { "<type>linux</type>", "<timer name='tsc' mode='paravirt'/>", "'paravirt'" },
            { "<type>hvm</type>", "<timer name='hpet' present='no'/>", "HPET" },
        };

        for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
            g_autofree char *name = g_strdup_printf("timer%" G_GSIZE_FORMAT, i);
            g_autofree char *xml = timer_domain_xml(name, cases[i].type, env.s.kernel,
                                                    cases[i].timer);
            g_autoptr(xvmDomainObj) obj = lc_define_xml(&env, xml);

            xvmDomainObjLock(obj);
            g_assert_false(xvmDomainStart(env.drv, obj, 0, &err));
            g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED);
            g_assert_nonnull(strstr(err->message, cases[i].word));
            g_clear_error(&err);
            g_assert_false(xvmDomainObjIsActive(obj));
            xvmDomainObjUnlock(obj);
        }
    }
    g_assert_true(hv_domain_list(env.s.hv, &list, &n, NULL));
    g_assert_cmpuint(n, ==, 1);
    g_clear_pointer(&list, g_free);
    /* The TSC modes Xen has (xl tsc_mode native, always_emulate, default),
     * on PV and PVH: the domain is created with the mode and runs. */
    {
        static const struct { const char *type; const char *timer; } ok_cases[] = {
            { "<type>linux</type>", "<timer name='tsc' present='yes' mode='native'/>" },
            { "<type>linux</type>", "<timer name='tsc' mode='emulate'/>" },
            { "<type arch='x86_64' machine='xenpvh'>xenpvh</type>",
              "<timer name='tsc' mode='native'/>" },
            { "<type arch='x86_64' machine='xenpvh'>xenpvh</type>",
              "<timer name='tsc' mode='auto'/>" },
        };

        for (gsize i = 0; i < G_N_ELEMENTS(ok_cases); i++) {
            g_autofree char *name = g_strdup_printf("tsc%" G_GSIZE_FORMAT, i);
            g_autofree char *xml = timer_domain_xml(name, ok_cases[i].type, env.s.kernel,
                                                    ok_cases[i].timer);
            g_autoptr(xvmDomainObj) obj = lc_define_xml(&env, xml);
            struct hv_dominfo info;

            xvmDomainObjLock(obj);
            g_assert_true(xvmDomainStart(env.drv, obj, 0, &err));
            g_assert_no_error(err);
            g_assert_true(hv_domain_getinfo(env.s.hv, (uint32_t)obj->domid, &info, NULL));
            g_assert_cmpint(info.type, ==, i < 2 ? HV_DOMAIN_PV : HV_DOMAIN_PVH);
            g_assert_true(xvmDomainDestroy(env.drv, obj, 0, &err));
            g_assert_no_error(err);
            xvmDomainObjUnlock(obj);
            lc_expect_event(&env, name, EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
            lc_expect_event(&env, name, EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
        }
    }
    lc_expect_no_event(&env, 200);
    lc_env_stop(&env);
}

typedef struct {
    LcEnv *env;
    xvmDomainObj *obj;
    gboolean ok;
    GError *err;
} StartThread;

static gpointer
start_thread(gpointer data)
{
    StartThread *t = data;

    xvmDomainObjLock(t->obj);
    t->ok = xvmDomainStart(t->env->drv, t->obj, 0, &t->err);
    xvmDomainObjUnlock(t->obj);
    return NULL;
}

static gpointer
destroy_thread(gpointer data)
{
    StartThread *t = data;

    xvmDomainObjLock(t->obj);
    t->ok = xvmDomainDestroy(t->env->drv, t->obj, 0, &t->err);
    xvmDomainObjUnlock(t->obj);
    return NULL;
}

/* Operations on several threads: starts of different domains run side
 * by side; two starts of one domain: one boots it, the other is told it
 * runs. */
static void
test_concurrent(void)
{
    enum { N = 4 };
    LcEnv env;
    StartThread t[N + 1];
    GThread *th[N + 1];
    int ids[N];

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    for (int i = 0; i < N; i++) {
        g_autofree char *name = g_strdup_printf("many%d", i);
        g_autofree char *disk = lc_disk(&env, name);

        t[i] = (StartThread){ &env, lc_define(&env, &(LcGuest){ .name = name, .disk = disk,
                                                                .net = TRUE }),
                              FALSE, NULL };
    }
    t[N] = (StartThread){ &env, xvmDomainObjRef(t[0].obj), FALSE, NULL };
    for (int i = 0; i <= N; i++)
        th[i] = g_thread_new("start", start_thread, &t[i]);
    for (int i = 0; i <= N; i++)
        g_thread_join(th[i]);
    g_assert_true(t[0].ok != t[N].ok);
    {
        GError *loser = t[0].ok ? t[N].err : t[0].err;

        g_assert_error(loser, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    }
    g_clear_error(&t[0].err);
    g_clear_error(&t[N].err);
    for (int i = 1; i < N; i++) {
        g_assert_no_error(t[i].err);
        g_assert_true(t[i].ok);
    }
    for (int i = 0; i < N; i++) {
        ids[i] = lc_domid(t[i].obj);
        for (int j = 0; j < i; j++)
            g_assert_cmpint(ids[i], !=, ids[j]);
        lc_assert_connected(&env, ids[i], TRUE, TRUE);
    }
    g_assert_cmpuint(xvmDomainListCount(env.drv->domains, TRUE), ==, N + 1);

    for (int i = 0; i < N; i++)
        th[i] = g_thread_new("destroy", destroy_thread, &t[i]);
    for (int i = 0; i < N; i++) {
        g_thread_join(th[i]);
        g_assert_no_error(t[i].err);
        g_assert_true(t[i].ok);
        lc_assert_gone(&env, ids[i], &t[i].obj->uuid);
    }
    for (int i = 0; i < 2 * N; i++) {
        g_autofree char *ev = g_async_queue_timeout_pop(env.events, 20 * G_USEC_PER_SEC);

        g_assert_nonnull(ev);
    }
    lc_expect_no_event(&env, 200);
    for (int i = 0; i <= N; i++)
        xvmDomainObjUnref(t[i].obj);
    lc_env_stop(&env);
}

/* ---- waiting for backends: what they write is untrusted ---------------- */

static xvmBackendRef *
fake_backend(LcEnv *env, const char *name, const char *state, const char *hotplug,
             const char *hotplug_error)
{
    xvmBackendRef *ref = g_new0(xvmBackendRef, 1);
    g_autoptr(GError) err = NULL;

    ref->path = g_strdup_printf("/test/backend/%s", name);
    ref->what = g_strdup_printf("device %s", name);
    if (state) {
        g_autofree char *p = g_strdup_printf("%s/state", ref->path);

        g_assert_true(xs_write(env->s.xs, 0, p, state, &err));
    }
    if (hotplug) {
        g_autofree char *p = g_strdup_printf("%s/hotplug-status", ref->path);

        g_assert_true(xs_write(env->s.xs, 0, p, hotplug, &err));
    }
    if (hotplug_error) {
        g_autofree char *p = g_strdup_printf("%s/hotplug-error", ref->path);

        g_assert_true(xs_write(env->s.xs, 0, p, hotplug_error, &err));
    }
    return ref;
}

/* Waits for the given backends; the error's message, NULL when ready. */
static char *
wait_for(LcEnv *env, guint timeout_ms, ...)
{
    g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func((GDestroyNotify)xvmBackendRefFree);
    g_autoptr(xvmXsConn) conn = NULL;
    g_autoptr(GError) err = NULL;
    xvmBackendRef *ref;
    va_list ap;

    va_start(ap, timeout_ms);
    while ((ref = va_arg(ap, xvmBackendRef *)))
        g_ptr_array_add(refs, ref);
    va_end(ap);
    conn = xvmXsConnOpen(env->s.xs_sock, &err);
    g_assert_no_error(err);
    if (xvmWaitBackends(conn, refs, timeout_ms, &err)) {
        g_assert_no_error(err);
        return NULL;
    }
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_assert_true(g_utf8_validate(err->message, -1, NULL));
    g_assert_null(strchr(err->message, '\n'));
    return g_strdup(err->message);
}

typedef struct {
    const char *socket;
    const char *path;
} LateWriter;

static gpointer
late_writer(gpointer data)
{
    LateWriter *w = data;
    g_autoptr(GError) err = NULL;
    g_autofree char *hp = g_strdup_printf("%s/hotplug-status", w->path);
    g_autofree char *st = g_strdup_printf("%s/state", w->path);
    g_autoptr(GMainContext) ctx = g_main_context_new();
    xs_client_t *xs;

    g_usleep(300 * 1000);
    xs = xs_client_open_socket(w->socket, ctx, &err);
    g_assert_no_error(err);
    g_assert_true(xs_write(xs, 0, st, "2", &err));
    g_assert_true(xs_write(xs, 0, hp, "connected", &err));
    xs_client_free(xs);
    return NULL;
}

static void
test_backend_wait(void)
{
    LcEnv env;
    g_autofree char *long_error = g_strnfill(3000, 'x');
    g_autofree char *msg = NULL;
    gint64 t0;

    lc_env_start(&env);
    /* Ready: InitWait, Initialised, Connected with "connected". */
    g_assert_null(wait_for(&env, 5000, fake_backend(&env, "a", "2", "connected", NULL),
                           fake_backend(&env, "b", "4", "connected", NULL), NULL));

    msg = wait_for(&env, 5000, fake_backend(&env, "c", "6", "error",
                                            "could not open \x01\n/img: \xff gone"), NULL);
    g_assert_true(g_str_has_prefix(msg, "device c: could not open ?" "?/img: "));
    g_clear_pointer(&msg, g_free);
    msg = wait_for(&env, 5000, fake_backend(&env, "d", "1", "error", long_error), NULL);
    g_assert_cmpuint(strlen(msg), <, 700);
    g_assert_true(g_str_has_suffix(msg, "..."));
    g_clear_pointer(&msg, g_free);
    msg = wait_for(&env, 5000, fake_backend(&env, "e", "banana\x02", NULL, NULL), NULL);
    g_assert_nonnull(strstr(msg, "\"banana?\" is not a XenbusState"));
    g_clear_pointer(&msg, g_free);
    msg = wait_for(&env, 5000, fake_backend(&env, "f", "99", NULL, NULL), NULL);
    g_assert_nonnull(strstr(msg, "is not a XenbusState"));
    g_clear_pointer(&msg, g_free);
    msg = wait_for(&env, 5000, fake_backend(&env, "g", "5", "connected", NULL), NULL);
    g_assert_nonnull(strstr(msg, "device g: the backend closed the device"));
    g_clear_pointer(&msg, g_free);
    msg = wait_for(&env, 5000, fake_backend(&env, "h", NULL, NULL, NULL), NULL);
    g_assert_nonnull(strstr(msg, "device h: its backend /test/backend/h was removed"));
    g_clear_pointer(&msg, g_free);
    /* One failing among ready ones fails the whole. */
    msg = wait_for(&env, 5000, fake_backend(&env, "i", "2", "connected", NULL),
                   fake_backend(&env, "j", "6", "error", "no bridge"), NULL);
    g_assert_cmpstr(msg, ==, "device j: no bridge");
    g_clear_pointer(&msg, g_free);

    /* Nothing happens: the timeout names who was waited for. */
    t0 = g_get_monotonic_time();
    msg = wait_for(&env, 300, fake_backend(&env, "k", "2", "connected", NULL),
                   fake_backend(&env, "l", "1", NULL, NULL),
                   fake_backend(&env, "m", "2", NULL, NULL), NULL);
    g_assert_cmpint(g_get_monotonic_time() - t0, >=, 300 * 1000);
    g_assert_nonnull(strstr(msg, "device l, device m did not connect within 300 ms"));
    g_clear_pointer(&msg, g_free);

    /* The backend gets there while the driver waits: woken by its watch. */
    {
        LateWriter w = { env.s.xs_sock, "/test/backend/n" };
        xvmBackendRef *n = fake_backend(&env, "n", "1", NULL, NULL);
        GThread *th = g_thread_new("late", late_writer, &w);

        t0 = g_get_monotonic_time();
        g_assert_null(wait_for(&env, 10000, n, NULL));
        g_assert_cmpint(g_get_monotonic_time() - t0, <, 5 * G_USEC_PER_SEC);
        g_thread_join(th);
    }
    lc_env_stop(&env);
}

/* Opening with what cannot work: clear errors, nothing left open. */
static void
test_open_errors(void)
{
    LcEnv env;
    g_autoptr(GError) err = NULL;
    g_autofree char *nowhere = NULL;
    g_autofree char *spec = NULL;
    xvmDriverConfig cfg = { 0 };
    xvmDriver *drv;

    lc_env_start(&env);
    nowhere = g_build_filename(env.s.dir, "no-simhv.sock", NULL);
    spec = g_strdup_printf("sim:%s", nowhere);
    cfg.hv_spec = spec;
    cfg.xenstored_path = env.s.xs_sock;
    cfg.state_dir = env.state_dir;
    cfg.run_dir = env.run_dir;
    cfg.context = env.ctx;
    drv = xvmDriverOpen(&cfg, &err);
    g_assert_null(drv);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_clear_error(&err);

    cfg.hv_spec = "bogus";
    g_assert_null(xvmDriverOpen(&cfg, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_clear_error(&err);

    cfg.hv_spec = spec;
    cfg.run_dir = NULL;
    g_assert_null(xvmDriverOpen(&cfg, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);

    /* xenstored unreachable: the driver opens, a start fails cleanly. */
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    g_free((char *)env.drv->cfg.xenstored_path);
    env.drv->cfg.xenstored_path = g_strdup(nowhere);
    {
        g_autoptr(xvmDomainObj) obj = lc_define(&env, &(LcGuest){ .name = "lonely" });
        g_autofree struct hv_dominfo *list = NULL;
        size_t n = 0;

        /* The failure is logged; the teardown says what it could not remove. */
        g_test_expect_message("xvm-driver", G_LOG_LEVEL_INFO, "*'lonely' failed to start*");
        g_test_expect_message("xvm-driver", G_LOG_LEVEL_WARNING,
                              "*cannot remove its xenstore entries*");
        xvmDomainObjLock(obj);
        g_assert_false(xvmDomainStart(env.drv, obj, 0, &err));
        g_test_assert_expected_messages();
        g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR);
        g_assert_nonnull(strstr(err->message, "cannot connect to xenstored"));
        g_assert_false(xvmDomainObjIsActive(obj));
        xvmDomainObjUnlock(obj);
        g_assert_true(hv_domain_list(env.s.hv, &list, &n, NULL));
        g_assert_cmpuint(n, ==, 1);
    }
    lc_expect_no_event(&env, 200);
    lc_env_stop(&env);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/driver-lifecycle/start-shutdown", test_start_shutdown);
    g_test_add_func("/driver-lifecycle/paused-resume-destroy", test_paused_resume_destroy);
    g_test_add_func("/driver-lifecycle/reboot", test_reboot);
    g_test_add_func("/driver-lifecycle/crash-restart", test_crash_restart);
    g_test_add_func("/driver-lifecycle/crash-destroy-preserve", test_crash_destroy_preserve);
    g_test_add_func("/driver-lifecycle/missing-disk", test_missing_disk);
    g_test_add_func("/driver-lifecycle/transient", test_transient);
    g_test_add_func("/driver-lifecycle/domain0", test_domain0);
    g_test_add_func("/driver-lifecycle/reconnect", test_reconnect);
    g_test_add_func("/driver-lifecycle/reconnect-shut-down", test_reconnect_shut_down);
    g_test_add_func("/driver-lifecycle/autostart-host-shutdown", test_autostart_host_shutdown);
    g_test_add_func("/driver-lifecycle/graceful-destroy", test_graceful_destroy);
    g_test_add_func("/driver-lifecycle/unsupported", test_unsupported);
    g_test_add_func("/driver-lifecycle/concurrent", test_concurrent);
    g_test_add_func("/driver-lifecycle/backend-wait", test_backend_wait);
    g_test_add_func("/driver-lifecycle/open-errors", test_open_errors);
    return g_test_run();
}
