/* The driver's save, restore and managed save (issue 6) on the simulated
 * stack: a guest saved and restored goes on where it was (its console
 * counter), with its devices; paused and running images; transient
 * domains; managed save and the start that uses it (or discards it with
 * FORCE_BOOT); bad images (missing, empty, garbage, wrong version,
 * truncated XML or stream) fail with libvirt's errors and leave nothing;
 * a guest that ignores the suspend request keeps running; the image's
 * XML read and replaced. Events are checked in order. */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdint.h>
#include <unistd.h>
#include <xen/xen.h>
#include <xen/sched.h>

#include "domain_define.h"
#include "domain_lifecycle.h"
#include "domain_save.h"
#include "lifecycle_env.h"
#include "save_image.h"

#define EV_STARTED VIR_DOMAIN_EVENT_STARTED
#define EV_STOPPED VIR_DOMAIN_EVENT_STOPPED

static gboolean
save(LcEnv *env, xvmDomainObj *obj, const char *path, unsigned int flags, GError **err)
{
    gboolean ok;

    xvmDomainObjLock(obj);
    ok = path ? xvmDomainSave(env->drv, obj, path, NULL, flags, err)
              : xvmDomainManagedSave(env->drv, obj, flags, err);
    xvmDomainObjUnlock(obj);
    return ok;
}

static void
save_ok(LcEnv *env, xvmDomainObj *obj, const char *path, unsigned int flags)
{
    g_autoptr(GError) err = NULL;

    g_assert_true(save(env, obj, path, flags, &err));
    g_assert_no_error(err);
}

static void
restore_ok(LcEnv *env, const char *path, unsigned int flags)
{
    g_autoptr(GError) err = NULL;

    g_assert_true(xvmDomainRestore(env->drv, path, NULL, flags, &err));
    g_assert_no_error(err);
}

static void
assert_state(xvmDomainObj *obj, virDomainState state, int reason)
{
    int r;

    g_assert_cmpint(lc_state(obj, &r, NULL), ==, state);
    g_assert_cmpint(r, ==, reason);
}

/* No file but the listed ones in dir (no temporary file left). */
static void
assert_dir_holds(const char *dir, const char *const *names)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    g_assert_nonnull(d);
    while ((name = g_dir_read_name(d)))
        if (!g_strv_contains(names, name))
            g_error("unexpected file %s/%s", dir, name);
}

/* No file named prefix* in dir: neither the image nor its temporary. */
static void
assert_no_file_like(const char *dir, const char *prefix)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    g_assert_nonnull(d);
    while ((name = g_dir_read_name(d)))
        if (g_str_has_prefix(name, prefix))
            g_error("unexpected file %s/%s", dir, name);
}

/* What is left under path, one "path = value" a line (a failure's
 * evidence). */
static void
dump_tree(LcEnv *env, const char *path, GString *out)
{
    g_autofree char *value = xs_read(env->s.xs, 0, path, NULL, NULL);
    g_auto(GStrv) kids = xs_directory(env->s.xs, 0, path, NULL);

    g_string_append_printf(out, "  %s = \"%s\"\n", path, value ? value : "");
    for (guint i = 0; kids && kids[i]; i++) {
        g_autofree char *kid = g_strdup_printf("%s/%s", path, kids[i]);

        dump_tree(env, kid, out);
    }
}

/* Only Domain-0 in the hypervisor and in xenstore, at once: the teardown
 * returned after the domain was destroyed, and a destroyed domain runs
 * nothing more (its last writes on the xenstore ring included). */
static void
assert_only_dom0(LcEnv *env)
{
    g_autofree struct hv_dominfo *list = NULL;
    g_auto(GStrv) doms = NULL;
    g_auto(GStrv) vms = NULL;
    g_auto(GStrv) vbds = NULL;
    size_t n = 0;

    g_assert_true(hv_domain_list(env->s.hv, &list, &n, NULL));
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmpuint(list[0].domid, ==, 0);
    doms = xs_directory(env->s.xs, 0, "/local/domain", NULL);
    g_assert_nonnull(doms);
    if (g_strv_length(doms) != 1) {
        g_autoptr(GString) left = g_string_new(NULL);

        for (guint i = 0; doms[i]; i++) {
            g_autofree char *path = g_strdup_printf("/local/domain/%s", doms[i]);

            if (strcmp(doms[i], "0") != 0)
                dump_tree(env, path, left);
        }
        g_error("xenstore still holds a destroyed domain's tree:\n%s", left->str);
    }
    vms = xs_directory(env->s.xs, 0, "/vm", NULL);
    g_assert_true(vms == NULL || g_strv_length(vms) == 0);
    vbds = xs_directory(env->s.xs, 0, "/local/domain/0/backend/vbd", NULL);
    g_assert_true(vbds == NULL || g_strv_length(vbds) == 0);
}

static char *
console_log(LcEnv *env, const char *name)
{
    return g_strdup_printf("%s/guest-%s.log", env->s.log_dir, name);
}

/* Save and restore: the guest goes on where it was, with its devices. */
static void
test_save_restore(void)
{
    LcEnv env;
    g_autofree char *disk = NULL;
    g_autofree char *image = NULL;
    g_autofree char *images = NULL;
    g_autofree char *log = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(GError) err = NULL;
    struct stat st;
    int first, second;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    disk = lc_disk(&env, "disk.img");
    images = g_build_filename(env.s.dir, "images", NULL);
    image = g_build_filename(images, "web.save", NULL);
    g_assert_cmpint(g_mkdir(images, 0700), ==, 0);
    obj = lc_define(&env, &(LcGuest){ .name = "web", .disk = disk, .net = TRUE,
                                      .cmdline = "xvmsim.counter" });

    /* Not running: nothing to save. */
    g_assert_false(save(&env, obj, image, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);

    lc_start(&env, obj, 0);
    lc_expect_event(&env, "web", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    first = lc_domid(obj);
    lc_assert_connected(&env, first, TRUE, TRUE);
    log = console_log(&env, "web");
    g_assert_true(stack_wait_file(log, "xvm-sim counter: 2\n"));
    /* The guest writes only its own keys: control/platform-feature-*
     * are the driver's (as libxl's), none of its writes is refused. */
    {
        g_autofree char *text = NULL;

        g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
        g_assert_null(strstr(text, "xenbus: write failed"));
    }

    /* Bad arguments change nothing. */
    g_assert_false(save(&env, obj, image, VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED,
                        &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);
    g_assert_false(save(&env, obj, "relative.save", 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);
    xvmDomainObjLock(obj);
    g_assert_false(xvmDomainSave(env.drv, obj, image, "<domain/>", 0, &err));
    xvmDomainObjUnlock(obj);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_ARGUMENT_UNSUPPORTED);
    g_clear_error(&err);
    assert_state(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);

    save_ok(&env, obj, image, 0);
    lc_expect_event(&env, "web", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    assert_state(obj, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SAVED);
    lc_assert_gone(&env, first, &obj->uuid);
    assert_only_dom0(&env);
    g_assert_cmpint(g_stat(image, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    assert_dir_holds(images, (const char *const[]){ "web.save", NULL });
    {
        g_autofree char *data = NULL;
        gsize len;

        g_assert_true(g_file_get_contents(image, &data, &len, NULL));
        g_assert_cmpuint(len, >, 64);
        g_assert_cmpmem(data, 16, XVM_SAVE_IMAGE_MAGIC, 16);
        g_assert_nonnull(g_strstr_len(data + 64, (gssize)(len - 64), "<name>web</name>"));
    }

    restore_ok(&env, image, 0);
    lc_expect_event(&env, "web", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
    assert_state(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_RESTORED);
    second = lc_domid(obj);
    g_assert_cmpint(second, !=, first);
    lc_assert_connected(&env, second, TRUE, TRUE);
    {
        /* The interface has the name of the new instance, not the old. */
        g_autofree char *vif = g_strdup_printf("vif%d.0", second);
        const xvmDomainNetDef *net;

        xvmDomainObjLock(obj);
        net = g_ptr_array_index(obj->live_def->nets, 0);
        g_assert_cmpstr(net->ifname, ==, vif);
        xvmDomainObjUnlock(obj);
    }
    g_assert_true(xvmDomainObjIsPersistent(obj));
    /* The guest resumed: its count goes on, it did not boot again. */
    g_assert_true(stack_wait_file(log, "resumed"));
    g_assert_true(stack_wait_file(log, "xvm-sim counter: 4\n"));
    {
        g_autofree char *text = NULL;

        g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
        g_assert_null(strstr(strstr(text, "resumed"), "xvm-sim counter: 0\n"));
    }

    /* Running: a second restore of it is refused. */
    g_assert_false(xvmDomainRestore(env.drv, image, NULL, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);

    /* Saved to be restored paused; then the image again, made running. */
    save_ok(&env, obj, image, VIR_DOMAIN_SAVE_PAUSED);
    lc_expect_event(&env, "web", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    restore_ok(&env, image, 0);
    lc_expect_event(&env, "web", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
    lc_expect_event(&env, "web", VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    assert_state(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    {
        struct hv_dominfo info;

        g_assert_true(hv_domain_getinfo(env.s.hv, (uint32_t)lc_domid(obj), &info, NULL));
        g_assert_true(info.flags & HV_DOMINF_PAUSED);
    }
    /* A paused domain saves (it runs just to suspend) and stays paused. */
    save_ok(&env, obj, image, 0);
    lc_expect_event(&env, "web", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    restore_ok(&env, image, VIR_DOMAIN_SAVE_RUNNING);
    lc_expect_event(&env, "web", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
    assert_state(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_RESTORED);
    lc_assert_connected(&env, lc_domid(obj), TRUE, TRUE);

    /* The guest still obeys its lifecycle: it powers off on request. */
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainShutdown(env.drv, obj, 0, &err));
    g_assert_no_error(err);
    xvmDomainObjUnlock(obj);
    lc_expect_event(&env, "web", VIR_DOMAIN_EVENT_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
    lc_expect_event(&env, "web", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    assert_state(obj, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
    assert_only_dom0(&env);
    lc_expect_no_event(&env, 200);
    lc_env_stop(&env);
}

/* A transient domain leaves the list when saved and comes back when
 * restored, still transient. */
static void
test_transient(void)
{
    LcEnv env;
    g_autofree char *xml = NULL;
    g_autofree char *image = NULL;
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    xml = lc_guest_xml(&env, &(LcGuest){ .name = "fleeting", .net = TRUE });
    image = g_build_filename(env.s.dir, "fleeting.save", NULL);
    obj = xvmDomainCreateXML(env.drv, xml, 0, &err);
    g_assert_no_error(err);
    lc_expect_event(&env, "fleeting", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    lc_assert_connected(&env, obj->domid, FALSE, TRUE);
    /* No managed save for a transient domain. */
    g_assert_false(xvmDomainManagedSave(env.drv, obj, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);
    g_assert_true(xvmDomainSave(env.drv, obj, image, NULL, 0, &err));
    g_assert_no_error(err);
    xvmDomainObjEndAPI(&obj);
    lc_expect_event(&env, "fleeting", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    g_assert_null(xvmDomainListFindByName(env.drv->domains, "fleeting", NULL));
    assert_only_dom0(&env);

    restore_ok(&env, image, 0);
    lc_expect_event(&env, "fleeting", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
    obj = xvmDomainListFindByName(env.drv->domains, "fleeting", &err);
    g_assert_no_error(err);
    g_assert_false(xvmDomainObjIsPersistent(obj));
    g_assert_cmpint(xvmDomainObjGetState(obj, NULL), ==, VIR_DOMAIN_RUNNING);
    lc_assert_connected(&env, obj->domid, FALSE, TRUE);
    g_assert_true(xvmDomainDestroy(env.drv, obj, 0, &err));
    g_assert_no_error(err);
    xvmDomainObjEndAPI(&obj);
    lc_expect_event(&env, "fleeting", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    g_assert_null(xvmDomainListFindByName(env.drv->domains, "fleeting", NULL));
    lc_env_stop(&env);
}

static void
write_file(const char *path, const void *data, gsize len)
{
    g_assert_true(g_file_set_contents(path, data, (gssize)len, NULL));
}

/* A restore of `path` fails with `code` and leaves nothing. */
static void
restore_fails(LcEnv *env, const char *path, int code, const char *what)
{
    g_autoptr(GError) err = NULL;

    g_assert_false(xvmDomainRestore(env->drv, path, NULL, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, code);
    if (what && !strstr(err->message, what))
        g_error("\"%s\" does not say \"%s\"", err->message, what);
    assert_only_dom0(env);
    g_assert_cmpuint(xvmDomainListCount(env->drv->domains, TRUE), ==, 1);
}

/* Bad images: libvirt's errors, nothing created, the defined domain and
 * the transient one as they were. */
static void
test_bad_images(void)
{
    LcEnv env;
    g_autofree char *good = NULL;
    g_autofree char *bad = NULL;
    g_autofree char *data = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    xvmSaveImageHeader hdr;
    gsize len;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    good = g_build_filename(env.s.dir, "good.save", NULL);
    bad = g_build_filename(env.s.dir, "bad.save", NULL);
    obj = lc_define(&env, &(LcGuest){ .name = "victim", .net = TRUE });
    lc_start(&env, obj, 0);
    lc_expect_event(&env, "victim", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    lc_assert_connected(&env, lc_domid(obj), FALSE, TRUE);
    save_ok(&env, obj, good, 0);
    lc_expect_event(&env, "victim", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    g_assert_true(g_file_get_contents(good, &data, &len, NULL));
    memcpy(&hdr, data, sizeof(hdr));
    g_assert_cmpuint(len, >, sizeof(hdr) + hdr.xml_len + 64);

    restore_fails(&env, bad, VIR_ERR_SYSTEM_ERROR, bad);              /* missing */
    write_file(bad, "", 0);
    restore_fails(&env, bad, VIR_ERR_OPERATION_FAILED, "too short");
    write_file(bad, data, 40);
    restore_fails(&env, bad, VIR_ERR_OPERATION_FAILED, "too short");
    {
        g_autofree char *garbage = g_malloc(4096);

        for (int i = 0; i < 4096; i++)
            garbage[i] = (char)g_random_int();
        write_file(bad, garbage, 4096);
        restore_fails(&env, bad, VIR_ERR_INVALID_ARG, "magic");
    }
    {
        g_autofree char *copy = g_memdup2(data, len);
        xvmSaveImageHeader *h = (xvmSaveImageHeader *)copy;

        h->version = 99;
        write_file(bad, copy, len);
        restore_fails(&env, bad, VIR_ERR_OPERATION_FAILED, "version");
        h->version = XVM_SAVE_IMAGE_VERSION;
        h->xml_len = 0xFFFFFFF0u;
        write_file(bad, copy, len);
        restore_fails(&env, bad, VIR_ERR_OPERATION_FAILED, "XML length");
        h->xml_len = hdr.xml_len - 1;          /* no NUL where it ends */
        write_file(bad, copy, len);
        restore_fails(&env, bad, VIR_ERR_OPERATION_FAILED, "corrupted");
        h->xml_len = hdr.xml_len;
        memcpy(copy + sizeof(hdr), "<nomain>", 8);
        write_file(bad, copy, len);
        restore_fails(&env, bad, VIR_ERR_OPERATION_FAILED, "invalid");
    }
    /* The XML cut short, the stream cut short, the stream garbage: the
     * last two fail in the hypervisor, after the domain was created. */
    write_file(bad, data, sizeof(hdr) + hdr.xml_len / 2);
    restore_fails(&env, bad, VIR_ERR_OPERATION_FAILED, "truncated");
    write_file(bad, data, sizeof(hdr) + hdr.xml_len + 20);
    restore_fails(&env, bad, VIR_ERR_OPERATION_FAILED, "truncated");
    write_file(bad, data, len - 1);
    restore_fails(&env, bad, VIR_ERR_OPERATION_FAILED, "victim");
    {
        g_autofree char *copy = g_memdup2(data, len);

        for (gsize i = sizeof(hdr) + hdr.xml_len; i < len; i++)
            copy[i] = (char)g_random_int();
        write_file(bad, copy, len);
        restore_fails(&env, bad, VIR_ERR_OPERATION_FAILED, "victim");
    }
    /* The defined domain is still defined and shut off, and the good
     * image still restores it. */
    g_assert_true(xvmDomainObjIsPersistent(obj));
    g_assert_cmpint(lc_state(obj, NULL, NULL), ==, VIR_DOMAIN_SHUTOFF);
    lc_expect_no_event(&env, 200);
    restore_ok(&env, good, 0);
    lc_expect_event(&env, "victim", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
    lc_assert_connected(&env, lc_domid(obj), FALSE, TRUE);
    lc_destroy(&env, obj);
    lc_expect_event(&env, "victim", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);

    /* An undefined domain's bad stream: the transient object goes too. */
    {
        g_autoptr(GError) err = NULL;

        xvmDomainObjLock(obj);
        g_assert_true(xvmDomainUndefine(env.drv->domains, env.drv->store, obj, &err));
        g_assert_no_error(err);
        xvmDomainObjUnlock(obj);
        restore_fails(&env, bad, VIR_ERR_OPERATION_FAILED, "victim");
        g_assert_null(xvmDomainListFindByName(env.drv->domains, "victim", NULL));
    }
    lc_env_stop(&env);
}

/* A guest that ignores control/shutdown: the save gives up after the
 * timeout, withdraws the request, and the guest runs on. */
static void
test_ignored_suspend(void)
{
    LcEnv env;
    g_autofree char *image = NULL;
    g_autofree char *node = NULL;
    g_autofree char *value = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(GError) err = NULL;
    struct hv_dominfo info;
    int domid;

    lc_env_start(&env);
    env.suspend_ms = 1500;
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    image = g_build_filename(env.s.dir, "stubborn.save", NULL);
    obj = lc_define(&env, &(LcGuest){ .name = "stubborn", .net = TRUE,
                                      .cmdline = "xvmsim.ignore_shutdown" });
    lc_start(&env, obj, 0);
    lc_expect_event(&env, "stubborn", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    domid = lc_domid(obj);
    lc_assert_connected(&env, domid, FALSE, TRUE);

    g_assert_false(save(&env, obj, image, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_TIMEOUT);
    g_clear_error(&err);
    assert_state(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_cmpint(lc_domid(obj), ==, domid);
    g_assert_true(hv_domain_getinfo(env.s.hv, (uint32_t)domid, &info, NULL));
    g_assert_false(info.flags & (HV_DOMINF_SHUTDOWN | HV_DOMINF_PAUSED));
    node = g_strdup_printf("/local/domain/%d/control/shutdown", domid);
    value = xs_read(env.s.xs, 0, node, NULL, NULL);
    g_assert_null(value);                   /* the request was withdrawn */
    assert_no_file_like(env.s.dir, "stubborn.save");
    lc_expect_no_event(&env, 200);

    /* Managed: the same, and no image. */
    g_assert_false(save(&env, obj, NULL, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_TIMEOUT);
    g_clear_error(&err);
    g_assert_false(obj->has_managed_save);
    {
        g_autofree char *dir = g_build_filename(env.state_dir, "save", NULL);

        assert_dir_holds(dir, (const char *const[]){ NULL });
    }
    /* Paused: it runs for the request, and is paused again after. */
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainSuspend(env.drv, obj, &err));
    g_assert_no_error(err);
    xvmDomainObjUnlock(obj);
    lc_expect_event(&env, "stubborn", VIR_DOMAIN_EVENT_SUSPENDED,
                    VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    g_assert_false(save(&env, obj, image, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_TIMEOUT);
    g_clear_error(&err);
    assert_state(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    g_assert_true(hv_domain_getinfo(env.s.hv, (uint32_t)domid, &info, NULL));
    g_assert_true(info.flags & HV_DOMINF_PAUSED);
    g_assert_false(info.flags & HV_DOMINF_SHUTDOWN);
    lc_expect_no_event(&env, 200);
    lc_destroy(&env, obj);
    lc_expect_event(&env, "stubborn", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    lc_env_stop(&env);
}

/* The guest suspended but its image cannot be put in place (the target
 * is a non-empty directory: the rename fails last): the suspend is
 * cancelled and the guest runs on, with its devices; nothing is left. */
static void
test_cancelled_save(void)
{
    LcEnv env;
    g_autofree char *busy = NULL;
    g_autofree char *inside = NULL;
    g_autofree char *good = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(GError) err = NULL;
    struct hv_dominfo info;
    int domid;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    busy = g_build_filename(env.s.dir, "busy.save", NULL);
    inside = g_build_filename(busy, "file", NULL);
    good = g_build_filename(env.s.dir, "good.save", NULL);
    g_assert_cmpint(g_mkdir(busy, 0700), ==, 0);
    write_file(inside, "x", 1);
    obj = lc_define(&env, &(LcGuest){ .name = "survivor", .net = TRUE,
                                      .cmdline = "xvmsim.counter" });
    lc_start(&env, obj, 0);
    lc_expect_event(&env, "survivor", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    domid = lc_domid(obj);
    lc_assert_connected(&env, domid, FALSE, TRUE);

    g_assert_false(save(&env, obj, busy, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_clear_error(&err);
    assert_state(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_cmpint(lc_domid(obj), ==, domid);
    g_assert_true(hv_domain_getinfo(env.s.hv, (uint32_t)domid, &info, NULL));
    g_assert_false(info.flags & (HV_DOMINF_SHUTDOWN | HV_DOMINF_PAUSED));
    assert_no_file_like(env.s.dir, "busy.save.");
    g_assert_true(g_file_test(inside, G_FILE_TEST_IS_REGULAR));
    lc_assert_connected(&env, domid, FALSE, TRUE);
    lc_expect_no_event(&env, 200);
    {
        /* It runs: its counter goes on past where the suspend was. */
        g_autofree char *log = console_log(&env, "survivor");
        g_autofree char *text = NULL;
        g_autofree char *next = NULL;
        int last = 0;
        const char *p;

        g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
        for (p = text; (p = strstr(p, "xvm-sim counter: ")); p++)
            last = atoi(p + strlen("xvm-sim counter: "));
        next = g_strdup_printf("xvm-sim counter: %d\n", last + 2);
        g_assert_true(stack_wait_file(log, next));
    }
    /* And it saves once the target is free. */
    save_ok(&env, obj, good, 0);
    lc_expect_event(&env, "survivor", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    restore_ok(&env, good, 0);
    lc_expect_event(&env, "survivor", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
    lc_assert_connected(&env, lc_domid(obj), FALSE, TRUE);
    lc_destroy(&env, obj);
    lc_expect_event(&env, "survivor", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    lc_env_stop(&env);
}

/* A guest that crashes instead of suspending: its <on_crash> applies
 * (destroy) and the save fails; no image. */
static void
test_crash_during_save(void)
{
    LcEnv env;
    g_autofree char *image = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(GError) err = NULL;
    int domid;

    lc_env_start(&env);
    env.suspend_ms = 30000;
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    image = g_build_filename(env.s.dir, "doomed.save", NULL);
    obj = lc_define(&env, &(LcGuest){ .name = "doomed", .on_crash = "destroy",
                                      .cmdline = "xvmsim.ignore_shutdown xvmsim.crash=2" });
    lc_start(&env, obj, 0);
    lc_expect_event(&env, "doomed", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    domid = lc_domid(obj);
    g_assert_false(save(&env, obj, image, 0, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    lc_expect_event(&env, "doomed", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_CRASHED);
    assert_state(obj, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_CRASHED);
    lc_assert_gone(&env, domid, &obj->uuid);
    assert_no_file_like(env.s.dir, "doomed.save");
    lc_expect_no_event(&env, 500);
    lc_env_stop(&env);
}

/* The daemon went away while a guest was suspended for a save: the next
 * one cancels the suspend (the guest runs on) and removes the stale
 * temporary image. */
static void
test_stale_suspend(void)
{
    LcEnv env;
    g_autofree char *node = NULL;
    g_autofree char *tmp = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    struct hv_dominfo info;
    int domid;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    obj = lc_define(&env, &(LcGuest){ .name = "orphan", .net = TRUE });
    lc_start(&env, obj, 0);
    lc_expect_event(&env, "orphan", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    domid = lc_domid(obj);
    lc_assert_connected(&env, domid, FALSE, TRUE);
    node = g_strdup_printf("/local/domain/%d/control/shutdown", domid);
    stack_write(&env.s, node, "suspend");
    g_assert_cmpint(stack_wait_shutdown(&env.s, (uint32_t)domid), ==, SHUTDOWN_suspend);
    tmp = g_build_filename(env.state_dir, "save", "orphan.save.tmp-AbC123", NULL);
    write_file(tmp, "half", 4);
    lc_expect_no_event(&env, 300);      /* a suspend is left alone */
    lc_driver_close(&env);
    g_clear_pointer(&obj, xvmDomainObjUnref);

    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    g_assert_false(g_file_test(tmp, G_FILE_TEST_EXISTS));
    obj = xvmDomainListFindByName(env.drv->domains, "orphan", NULL);
    g_assert_nonnull(obj);
    xvmDomainObjUnlock(obj);
    g_assert_cmpint(lc_domid(obj), ==, domid);
    assert_state(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_true(hv_domain_getinfo(env.s.hv, (uint32_t)domid, &info, NULL));
    g_assert_false(info.flags & (HV_DOMINF_SHUTDOWN | HV_DOMINF_PAUSED));
    lc_assert_connected(&env, domid, FALSE, TRUE);
    lc_destroy(&env, obj);
    lc_expect_event(&env, "orphan", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    lc_env_stop(&env);
}

typedef struct {
    LcEnv *env;
    const char *xml;
} CreateArgs;

static gpointer
create_thread(gpointer data)
{
    CreateArgs *a = data;
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj = xvmDomainCreateXML(a->env->drv, a->xml, 0, &err);

    g_assert_no_error(err);
    xvmDomainObjEndAPI(&obj);
    return NULL;
}

/* A createXML (or restore) of a defined domain while a start of it is
 * under way waits for that start's job before it gives the domain its
 * definition: the start keeps the one it runs. */
static void
test_create_waits_for_start(void)
{
    LcEnv env;
    g_autofree char *xml = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(GError) err = NULL;
    CreateArgs args;
    xvmDomainDef *live;
    GThread *thread;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    obj = lc_define(&env, &(LcGuest){ .name = "contended" });
    {
        /* Another definition of the same domain (its UUID). */
        g_autofree char *plain = lc_guest_xml(&env, &(LcGuest){ .name = "contended",
                                                                 .cmdline = "other" });
        g_autofree char *named = NULL;
        char uuid[XVM_UUID_STRING_BUFLEN];
        GString *s = g_string_new(plain);

        xvmUuidFormat(&obj->uuid, uuid);
        named = g_strdup_printf("<name>contended</name>\n  <uuid>%s</uuid>", uuid);
        g_assert_cmpuint(g_string_replace(s, "<name>contended</name>", named, 1), ==, 1);
        xml = g_string_free(s, FALSE);
    }
    /* A start under way: its job, its live definition. */
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainObjBeginJob(obj, "start", 1000, &err));
    live = xvmDomainObjPrepareLiveDef(obj, &err);
    g_assert_no_error(err);
    xvmDomainObjUnlock(obj);

    args = (CreateArgs){ &env, xml };
    thread = g_thread_new("create", create_thread, &args);
    g_usleep(300 * 1000);
    xvmDomainObjLock(obj);
    g_assert_true(obj->live_def == live);
    g_assert_false(xvmDomainObjIsActive(obj));
    /* The start gives up; the createXML goes ahead with its XML. */
    xvmDomainListSetInactive(env.drv->domains, obj, VIR_DOMAIN_SHUTOFF_FAILED);
    xvmDomainObjEndJob(obj);
    xvmDomainObjUnlock(obj);
    g_thread_join(thread);
    lc_expect_event(&env, "contended", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainObjIsActive(obj));
    g_assert_cmpstr(obj->live_def->os.cmdline, ==, "other");
    g_assert_true(xvmDomainObjIsPersistent(obj));
    xvmDomainObjUnlock(obj);
    lc_destroy(&env, obj);
    lc_expect_event(&env, "contended", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    lc_env_stop(&env);
}

static gboolean
has_managed_save(xvmDomainObj *obj)
{
    gboolean has;

    xvmDomainObjLock(obj);
    has = obj->has_managed_save;
    xvmDomainObjUnlock(obj);
    return has;
}

/* Managed save: start restores from the image and removes it;
 * FORCE_BOOT discards it; remove; a broken image fails the start and
 * stays. */
static void
test_managed_save(void)
{
    LcEnv env;
    g_autofree char *disk = NULL;
    g_autofree char *image = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(GError) err = NULL;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    disk = lc_disk(&env, "disk.img");
    obj = lc_define(&env, &(LcGuest){ .name = "keeper", .disk = disk });
    image = g_build_filename(env.state_dir, "save", "keeper.save", NULL);
    lc_start(&env, obj, 0);
    lc_expect_event(&env, "keeper", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    lc_assert_connected(&env, lc_domid(obj), TRUE, FALSE);

    save_ok(&env, obj, NULL, 0);
    lc_expect_event(&env, "keeper", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    assert_state(obj, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SAVED);
    g_assert_true(has_managed_save(obj));
    g_assert_true(g_file_test(image, G_FILE_TEST_IS_REGULAR));

    lc_start(&env, obj, 0);
    lc_expect_event(&env, "keeper", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
    assert_state(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_RESTORED);
    g_assert_false(has_managed_save(obj));
    g_assert_false(g_file_test(image, G_FILE_TEST_EXISTS));
    lc_assert_connected(&env, lc_domid(obj), TRUE, FALSE);

    /* Saved paused: the start from it is paused. */
    save_ok(&env, obj, NULL, VIR_DOMAIN_SAVE_PAUSED);
    lc_expect_event(&env, "keeper", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    lc_start(&env, obj, 0);
    lc_expect_event(&env, "keeper", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
    lc_expect_event(&env, "keeper", VIR_DOMAIN_EVENT_SUSPENDED,
                    VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    assert_state(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    g_assert_false(has_managed_save(obj));

    /* FORCE_BOOT: the image is discarded, the guest boots. */
    save_ok(&env, obj, NULL, VIR_DOMAIN_SAVE_RUNNING);
    lc_expect_event(&env, "keeper", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    lc_start(&env, obj, VIR_DOMAIN_START_FORCE_BOOT);
    lc_expect_event(&env, "keeper", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    assert_state(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_false(has_managed_save(obj));
    g_assert_false(g_file_test(image, G_FILE_TEST_EXISTS));

    /* Remove. */
    save_ok(&env, obj, NULL, 0);
    lc_expect_event(&env, "keeper", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainManagedSaveRemove(env.drv, obj, 0, &err));
    g_assert_no_error(err);
    g_assert_true(xvmDomainManagedSaveRemove(env.drv, obj, 0, &err));   /* none: fine */
    g_assert_no_error(err);
    g_assert_false(xvmDomainManagedSaveRemove(env.drv, obj, 1, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);
    xvmDomainObjUnlock(obj);
    g_assert_false(has_managed_save(obj));
    g_assert_false(g_file_test(image, G_FILE_TEST_EXISTS));

    /* A broken image: the start fails, the image stays, nothing runs. */
    lc_start(&env, obj, 0);
    lc_expect_event(&env, "keeper", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    save_ok(&env, obj, NULL, 0);
    lc_expect_event(&env, "keeper", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    {
        g_autofree char *data = NULL;
        gsize len;

        g_assert_true(g_file_get_contents(image, &data, &len, NULL));
        write_file(image, data, len - 100);
    }
    xvmDomainObjLock(obj);
    g_assert_false(xvmDomainStart(env.drv, obj, 0, &err));
    xvmDomainObjUnlock(obj);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    g_assert_true(has_managed_save(obj));
    g_assert_true(g_file_test(image, G_FILE_TEST_IS_REGULAR));
    assert_only_dom0(&env);
    lc_expect_no_event(&env, 200);
    lc_start(&env, obj, VIR_DOMAIN_START_FORCE_BOOT);
    lc_expect_event(&env, "keeper", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    g_assert_false(has_managed_save(obj));

    /* Autostart at the next daemon start uses the image, as a start. */
    save_ok(&env, obj, NULL, 0);
    lc_expect_event(&env, "keeper", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainSetAutostart(env.drv->store, obj, TRUE, &err));
    g_assert_no_error(err);
    xvmDomainObjUnlock(obj);
    lc_driver_close(&env);
    g_clear_pointer(&obj, xvmDomainObjUnref);
    lc_driver_open(&env, TRUE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    lc_expect_event(&env, "keeper", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
    obj = xvmDomainListFindByName(env.drv->domains, "keeper", NULL);
    g_assert_nonnull(obj);
    xvmDomainObjUnlock(obj);
    assert_state(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_RESTORED);
    g_assert_false(has_managed_save(obj));
    g_assert_false(g_file_test(image, G_FILE_TEST_EXISTS));
    lc_assert_connected(&env, lc_domid(obj), TRUE, FALSE);
    lc_destroy(&env, obj);
    lc_expect_event(&env, "keeper", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    lc_env_stop(&env);
}

/* The image's XML: read (secrets only when asked), replaced. */
static void
test_image_xml(void)
{
    LcEnv env;
    g_autofree char *image = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *changed = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(GError) err = NULL;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    image = g_build_filename(env.s.dir, "xml.save", NULL);
    obj = lc_define(&env, &(LcGuest){ .name = "xmlish", .net = TRUE });
    lc_start(&env, obj, 0);
    lc_expect_event(&env, "xmlish", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    lc_assert_connected(&env, lc_domid(obj), FALSE, TRUE);
    save_ok(&env, obj, image, 0);
    lc_expect_event(&env, "xmlish", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);

    xml = xvmDomainSaveImageGetXMLDesc(env.drv, image, 0, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(xml, "<name>xmlish</name>"));
    g_assert_null(strstr(xml, "<on_poweroff>preserve</on_poweroff>"));
    g_assert_null(xvmDomainSaveImageGetXMLDesc(env.drv, image, 0x10, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);

    /* Another memory size: refused; another on_poweroff: taken. */
    {
        g_autofree char *more = g_strdup(xml);
        char *mem = strstr(more, "<memory unit='KiB'>65536</memory>");

        g_assert_nonnull(mem);
        memcpy(mem, "<memory unit='KiB'>65537</memory>",
               strlen("<memory unit='KiB'>65537</memory>"));
        g_assert_false(xvmDomainSaveImageDefineXML(env.drv, image, more, 0, &err));
        g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED);
        g_clear_error(&err);
    }
    g_assert_nonnull(strstr(xml, "<on_poweroff>destroy</on_poweroff>"));
    {
        GString *s = g_string_new(xml);

        g_string_replace(s, "<on_poweroff>destroy</on_poweroff>",
                         "<on_poweroff>preserve</on_poweroff>", 1);
        changed = g_string_free(s, FALSE);
    }
    g_assert_nonnull(strstr(changed, "<on_poweroff>preserve</on_poweroff>"));
    g_assert_true(xvmDomainSaveImageDefineXML(env.drv, image, changed,
                                              VIR_DOMAIN_SAVE_PAUSED, &err));
    g_assert_no_error(err);
    {
        g_autofree char *again = xvmDomainSaveImageGetXMLDesc(env.drv, image, 0, &err);

        g_assert_no_error(err);
        g_assert_nonnull(strstr(again, "<on_poweroff>preserve</on_poweroff>"));
    }
    /* Restored with it: paused, and a poweroff is preserved. */
    restore_ok(&env, image, 0);
    lc_expect_event(&env, "xmlish", EV_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
    lc_expect_event(&env, "xmlish", VIR_DOMAIN_EVENT_SUSPENDED,
                    VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainResume(env.drv, obj, &err));
    g_assert_no_error(err);
    g_assert_true(xvmDomainShutdown(env.drv, obj, 0, &err));
    g_assert_no_error(err);
    xvmDomainObjUnlock(obj);
    lc_expect_event(&env, "xmlish", VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    lc_expect_event(&env, "xmlish", VIR_DOMAIN_EVENT_SHUTDOWN,
                    VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
    assert_state(obj, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTDOWN_USER);
    lc_destroy(&env, obj);
    lc_expect_event(&env, "xmlish", EV_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    lc_env_stop(&env);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/driver-save/save-restore", test_save_restore);
    g_test_add_func("/driver-save/transient", test_transient);
    g_test_add_func("/driver-save/bad-images", test_bad_images);
    g_test_add_func("/driver-save/ignored-suspend", test_ignored_suspend);
    g_test_add_func("/driver-save/cancelled-save", test_cancelled_save);
    g_test_add_func("/driver-save/crash-during-save", test_crash_during_save);
    g_test_add_func("/driver-save/stale-suspend", test_stale_suspend);
    g_test_add_func("/driver-save/create-waits-for-start", test_create_waits_for_start);
    g_test_add_func("/driver-save/managed-save", test_managed_save);
    g_test_add_func("/driver-save/image-xml", test_image_xml);
    return g_test_run();
}
