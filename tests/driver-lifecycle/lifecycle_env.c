/* See lifecycle_env.h. */
#include "lifecycle_env.h"

#include <errno.h>
#include <signal.h>
#include <gio/gio.h>
#include <string.h>

#include "domain_define.h"
#include "domain_lifecycle.h"
#include "domain_xs_layout.h"

static gpointer
loop_thread(gpointer data)
{
    LcEnv *env = data;

    /* push_thread_default asserts that it acquires the context: the test
     * thread may own it for a moment (a driver closing acquires it to
     * drop its sources), so wait for it first. */
    while (!g_main_context_acquire(env->ctx))
        g_usleep(1000);
    g_main_context_push_thread_default(env->ctx);
    g_main_loop_run(env->loop);
    g_main_context_pop_thread_default(env->ctx);
    g_main_context_release(env->ctx);
    return NULL;
}

/* The sink: runs on the loop thread. */
static void
on_event(const xvmDomainEvent *ev, void *opaque)
{
    LcEnv *env = opaque;

    if (ev->event_id == VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED) {
        g_async_queue_push(env->events, g_strdup_printf("%s removed %s", ev->name,
                                                        ev->dev_alias));
        return;
    }
    g_assert_cmpint(ev->event_id, ==, VIR_DOMAIN_EVENT_ID_LIFECYCLE);
    g_async_queue_push(env->events, g_strdup_printf("%s %d %d", ev->name, ev->event,
                                                    ev->detail));
}

/* stack_start does not wait for xvm-consoled (it has no socket); it is
 * ready to be stopped once it catches SIGTERM (SigCgt in /proc). */
static void
wait_catches_sigterm(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)pid);

    for (int i = 0; i < 2000; i++) {
        g_autofree char *text = NULL;
        const char *line;
        guint64 mask;

        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        line = strstr(text, "SigCgt:");
        g_assert_nonnull(line);
        mask = g_ascii_strtoull(line + strlen("SigCgt:"), NULL, 16);
        if (mask & (G_GUINT64_CONSTANT(1) << (SIGTERM - 1)))
            return;
        g_usleep(10000);
    }
    g_error("xvm-consoled (pid %d) never got ready", (int)pid);
}

void
lc_env_start(LcEnv *env)
{
    memset(env, 0, sizeof(*env));
    stack_start(&env->s, 4096);
    wait_catches_sigterm(env->s.consoled);
    env->state_dir = g_build_filename(env->s.dir, "state", NULL);
    env->run_dir = g_build_filename(env->s.dir, "xvmd-run", NULL);
    env->ctx = g_main_context_new();
    env->loop = g_main_loop_new(env->ctx, FALSE);
    env->events = g_async_queue_new_full(g_free);
    env->thread = g_thread_new("loop", loop_thread, env);
}

static gboolean
quit_loop(gpointer data)
{
    g_main_loop_quit(data);
    return G_SOURCE_REMOVE;
}

void
lc_env_stop(LcEnv *env)
{
    GSource *quit = g_idle_source_new();

    lc_driver_close(env);
    /* Quit from inside the loop: a quit before the loop thread reached
     * g_main_loop_run (it may still wait to acquire the context) would be
     * lost, run setting the loop running again, and the join would hang. */
    g_source_set_callback(quit, quit_loop, env->loop, NULL);
    g_source_attach(quit, env->ctx);
    g_source_unref(quit);
    g_thread_join(env->thread);
    g_main_loop_unref(env->loop);
    g_main_context_unref(env->ctx);
    g_async_queue_unref(env->events);
    g_free(env->state_dir);
    g_free(env->run_dir);
    stack_stop(&env->s);
}

void
lc_driver_open(LcEnv *env, gboolean autostart, xvmDriverHostShutdown policy)
{
    g_autofree char *spec = g_strdup_printf("sim:%s", env->s.simhv_sock);
    /* The backends' statistics files are under xvm-simhv's --run-dir. */
    g_autofree char *stats = g_strdup_printf("sim:%s", env->s.run_dir);
    xvmDriverConfig cfg = {
        .hv_spec = spec,
        .stats_source = stats,
        .xenstored_path = env->s.xs_sock,
        .state_dir = env->state_dir,
        .run_dir = env->run_dir,
        .context = env->ctx,
        .autostart = autostart,
        .host_shutdown = policy,
        .host_shutdown_timeout_s = 20,
        .graceful_timeout_ms = env->graceful_ms,
        .suspend_timeout_ms = env->suspend_ms,
        .backend_timeout_ms = env->backend_ms,
        .event_func = on_event,
        .event_opaque = env,
    };
    g_autoptr(GError) err = NULL;

    g_assert_null(env->drv);
    env->drv = xvmDriverOpen(&cfg, &err);
    g_assert_no_error(err);
    g_assert_nonnull(env->drv);
}

void
lc_driver_close(LcEnv *env)
{
    g_clear_pointer(&env->drv, xvmDriverClose);
}

char *
lc_guest_xml(LcEnv *env, const LcGuest *g)
{
    g_autoptr(GString) xml = g_string_new(NULL);

    g_string_append_printf(xml,
        "<domain type='xen'>\n"
        "  <name>%s</name>\n"
        "  <memory unit='MiB'>64</memory>\n"
        "  <vcpu>2</vcpu>\n"
        "  <cputune><shares>512</shares></cputune>\n"
        "  <os>\n"
        "    <type>linux</type>\n",
        g->name);
    if (!g->no_kernel)
        g_string_append_printf(xml, "    <kernel>%s</kernel>\n"
                                    "    <cmdline>%s</cmdline>\n",
                               env->s.kernel, g->cmdline ? g->cmdline : "");
    g_string_append(xml, "  </os>\n");
    if (g->on_poweroff)
        g_string_append_printf(xml, "  <on_poweroff>%s</on_poweroff>\n", g->on_poweroff);
    if (g->on_reboot)
        g_string_append_printf(xml, "  <on_reboot>%s</on_reboot>\n", g->on_reboot);
    if (g->on_crash)
        g_string_append_printf(xml, "  <on_crash>%s</on_crash>\n", g->on_crash);
    g_string_append(xml, "  <devices>\n");
    if (g->disk)
        g_string_append_printf(xml,
            "    <disk type='file' device='disk'>\n"
            "      %s%s%s\n"
            "      <source file='%s'/>\n"
            "      <target dev='xvda' bus='xen'/>\n"
            "    </disk>\n", g->disk_driver ? "<driver " : "",
            g->disk_driver ? g->disk_driver : "", g->disk_driver ? "/>" : "", g->disk);
    if (g->net)
        g_string_append(xml,
            "    <interface type='bridge'>\n"
            "      <source bridge='xenbr0'/>\n"
            "    </interface>\n");
    g_string_append(xml,
        "    <console type='pty'><target type='xen' port='0'/></console>\n"
        "  </devices>\n"
        "</domain>\n");
    return g_string_free(g_steal_pointer(&xml), FALSE);
}

xvmDomainObj *
lc_define(LcEnv *env, const LcGuest *g)
{
    g_autofree char *xml = lc_guest_xml(env, g);

    return lc_define_xml(env, xml);
}

xvmDomainObj *
lc_define_xml(LcEnv *env, const char *xml)
{
    g_autoptr(GError) err = NULL;
    xvmDomainDef *def = xvmDomainDefParseString(xml, -1, XVM_DOMAIN_PARSE_INACTIVE, &err);
    xvmDomainObj *obj;

    g_assert_no_error(err);
    obj = xvmDomainDefine(env->drv->domains, env->drv->store, &def, NULL, &err);
    g_assert_no_error(err);
    g_assert_nonnull(obj);
    xvmDomainObjUnlock(obj);
    return obj;
}

char *
lc_disk(LcEnv *env, const char *name)
{
    char *path = g_build_filename(env->s.dir, name, NULL);
    g_autofree char *zeros = g_malloc0(4 << 20);

    g_assert_true(g_file_set_contents(path, zeros, 4 << 20, NULL));
    return path;
}

void
lc_expect_event(LcEnv *env, const char *name, int event, int detail)
{
    g_autofree char *want = g_strdup_printf("%s %d %d", name, event, detail);
    g_autofree char *got = g_async_queue_timeout_pop(env->events, 20 * G_USEC_PER_SEC);

    if (!got)
        g_error("no event within 20 s; expected \"%s\"", want);
    g_assert_cmpstr(got, ==, want);
}

void
lc_expect_device_removed(LcEnv *env, const char *name, const char *alias)
{
    g_autofree char *want = g_strdup_printf("%s removed %s", name, alias);
    g_autofree char *got = g_async_queue_timeout_pop(env->events, 20 * G_USEC_PER_SEC);

    if (!got)
        g_error("no event within 20 s; expected \"%s\"", want);
    g_assert_cmpstr(got, ==, want);
}

void
lc_drain_events(LcEnv *env)
{
    char *ev;

    while ((ev = g_async_queue_try_pop(env->events)))
        g_free(ev);
}

void
lc_expect_no_event(LcEnv *env, guint ms)
{
    g_autofree char *got = g_async_queue_timeout_pop(env->events,
                                                     (guint64)ms * G_TIME_SPAN_MILLISECOND);

    if (got)
        g_error("unexpected event \"%s\"", got);
}

virDomainState
lc_state(xvmDomainObj *obj, int *reason, int *domid)
{
    virDomainState state;

    xvmDomainObjLock(obj);
    state = xvmDomainObjGetState(obj, reason);
    if (domid)
        *domid = obj->domid;
    xvmDomainObjUnlock(obj);
    return state;
}

int
lc_domid(xvmDomainObj *obj)
{
    int domid;

    lc_state(obj, NULL, &domid);
    return domid;
}

void
lc_start(LcEnv *env, xvmDomainObj *obj, unsigned int flags)
{
    g_autoptr(GError) err = NULL;

    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainStart(env->drv, obj, flags, &err));
    g_assert_no_error(err);
    xvmDomainObjUnlock(obj);
}

void
lc_destroy(LcEnv *env, xvmDomainObj *obj)
{
    g_autoptr(GError) err = NULL;

    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainDestroy(env->drv, obj, 0, &err));
    g_assert_no_error(err);
    xvmDomainObjUnlock(obj);
}

void
lc_assert_connected(LcEnv *env, int domid, gboolean disk, gboolean net)
{
    g_autofree char *vbd_fe = g_strdup_printf("/local/domain/%d/device/vbd/51712/state", domid);
    g_autofree char *vbd_be = g_strdup_printf("/local/domain/0/backend/vbd/%d/51712/state",
                                              domid);
    g_autofree char *vif_fe = g_strdup_printf("/local/domain/%d/device/vif/0/state", domid);
    g_autofree char *vif_be = g_strdup_printf("/local/domain/0/backend/vif/%d/0/state", domid);

    if (disk) {
        g_assert_true(stack_wait_node(&env->s, vbd_fe, "4"));
        g_assert_true(stack_wait_node(&env->s, vbd_be, "4"));
    }
    if (net) {
        g_assert_true(stack_wait_node(&env->s, vif_fe, "4"));
        g_assert_true(stack_wait_node(&env->s, vif_be, "4"));
    }
}

static void
assert_no_child(LcEnv *env, const char *dir, int domid)
{
    g_auto(GStrv) names = xs_directory(env->s.xs, 0, dir, NULL);
    g_autofree char *id = g_strdup_printf("%d", domid);

    for (gsize i = 0; names && names[i]; i++)
        if (g_str_equal(names[i], id))
            g_error("%s/%s is still there", dir, id);
}

void
lc_assert_gone(LcEnv *env, int domid, const xvmUuid *uuid)
{
    g_autofree char *vm = xvmXsVmPath(uuid);
    g_autofree char *vm_uuid = g_strdup_printf("%s/uuid", vm);
    g_autofree char *value = NULL;
    g_autoptr(GError) err = NULL;
    struct hv_dominfo info;

    g_assert_false(hv_domain_getinfo(env->s.hv, (uint32_t)domid, &info, &err));
    g_assert_error(err, HV_ERROR, ENOENT);
    assert_no_child(env, "/local/domain", domid);
    assert_no_child(env, "/local/domain/0/backend/vbd", domid);
    assert_no_child(env, "/local/domain/0/backend/vif", domid);
    assert_no_child(env, "/local/domain/0/backend/console", domid);
    value = xs_read(env->s.xs, 0, vm, NULL, NULL);
    g_assert_null(value);
}
