/* A domain's vCPUs, memory and credit-scheduler parameters through the
 * driver (domain_resources.h) on the simulated stack: live changes reach
 * the hypervisor and the guest (which onlines vCPUs from
 * cpu/N/availability and balloons to memory/target), config changes the
 * persistent definition on disk, and each refusal has libvirt's error. */
#include <errno.h>
#include <string.h>

#include "domain_lifecycle.h"
#include "domain_resources.h"
#include "lifecycle_env.h"

#define MIB 1024u

static char *
guest_xml(LcEnv *env, const char *name)
{
    return g_strdup_printf(
        "<domain type='xen'>\n"
        "  <name>%s</name>\n"
        "  <memory unit='MiB'>128</memory>\n"
        "  <currentMemory unit='MiB'>96</currentMemory>\n"
        "  <vcpu current='2'>4</vcpu>\n"
        "  <cputune><shares>512</shares></cputune>\n"
        "  <os><type>linux</type><kernel>%s</kernel></os>\n"
        "  <devices><console type='pty'><target type='xen' port='0'/></console></devices>\n"
        "</domain>\n", name, env->s.kernel);
}

/* Defined and started; returned unlocked and referenced. */
static xvmDomainObj *
start_guest(LcEnv *env, const char *name)
{
    g_autofree char *xml = guest_xml(env, name);
    xvmDomainObj *obj = lc_define_xml(env, xml);

    lc_start(env, obj, 0);
    return obj;
}

static gboolean
set_vcpus(LcEnv *env, xvmDomainObj *obj, guint n, unsigned int flags, GError **err)
{
    gboolean ok;

    xvmDomainObjLock(obj);
    ok = xvmDomainSetVcpus(env->drv, obj, n, flags, err);
    xvmDomainObjUnlock(obj);
    return ok;
}

static int
vcpu_count(LcEnv *env, xvmDomainObj *obj, unsigned int flags, GError **err)
{
    int n;

    xvmDomainObjLock(obj);
    n = xvmDomainGetVcpuCount(env->drv, obj, flags, err);
    xvmDomainObjUnlock(obj);
    return n;
}

static gboolean
set_memory(LcEnv *env, xvmDomainObj *obj, guint64 kib, unsigned int flags, GError **err)
{
    gboolean ok;

    xvmDomainObjLock(obj);
    ok = xvmDomainSetMemory(env->drv, obj, kib, flags, err);
    xvmDomainObjUnlock(obj);
    return ok;
}

static gboolean
pin(LcEnv *env, xvmDomainObj *obj, guint vcpu, guint8 map, unsigned int flags, GError **err)
{
    gboolean ok;

    xvmDomainObjLock(obj);
    ok = xvmDomainPinVcpu(env->drv, obj, vcpu, &map, 1, flags, err);
    xvmDomainObjUnlock(obj);
    return ok;
}

static gboolean
set_sched(LcEnv *env, xvmDomainObj *obj, const xvmSchedCredit *sc, unsigned int flags,
          GError **err)
{
    gboolean ok;

    xvmDomainObjLock(obj);
    ok = xvmDomainSetSchedCredit(env->drv, obj, sc, flags, err);
    xvmDomainObjUnlock(obj);
    return ok;
}

static xvmSchedCredit
get_sched(LcEnv *env, xvmDomainObj *obj, unsigned int flags)
{
    g_autoptr(GError) err = NULL;
    xvmSchedCredit sc;

    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainGetSchedCredit(env->drv, obj, flags, &sc, &err));
    xvmDomainObjUnlock(obj);
    g_assert_no_error(err);
    return sc;
}

static void
expect_error(GError **err, int code, const char *text)
{
    g_assert_error(*err, XVM_CONF_ERROR, code);
    if (text && !strstr((*err)->message, text))
        g_error("error \"%s\" does not say \"%s\"", (*err)->message, text);
    g_clear_error(err);
}

/* Polls (20 s) until vCPU `vcpu` of domid is online (or offline). */
static void
wait_vcpu_online(LcEnv *env, int domid, guint vcpu, gboolean online)
{
    for (int i = 0; i < 2000; i++) {
        struct hv_vcpuinfo vi;

        g_assert_true(hv_vcpu_getinfo(env->s.hv, (uint32_t)domid, vcpu, &vi, NULL));
        if (vi.online == online)
            return;
        g_usleep(10000);
    }
    g_error("vCPU %u of domain %d never went %s", vcpu, domid, online ? "online" : "offline");
}

/* Polls (20 s) until the domain holds kib. */
static void
wait_tot_kib(LcEnv *env, int domid, guint64 kib)
{
    struct hv_dominfo info = { 0 };

    for (int i = 0; i < 2000; i++) {
        g_assert_true(hv_domain_getinfo(env->s.hv, (uint32_t)domid, &info, NULL));
        if (info.tot_pages * 4 == kib)
            return;
        g_usleep(10000);
    }
    g_error("domain %d holds %" G_GUINT64_FORMAT " KiB, never %" G_GUINT64_FORMAT,
            domid, info.tot_pages * 4, kib);
}

/* The persistent config on disk holds text. */
static void
assert_config_has(LcEnv *env, const char *name, const char *text, gboolean has)
{
    g_autofree char *path = g_strdup_printf("%s/%s.xml", env->state_dir, name);
    g_autofree char *xml = NULL;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    if ((strstr(xml, text) != NULL) != has)
        g_error("%s %s \"%s\":\n%s", path, has ? "lacks" : "has", text, xml);
}

static char *
xs_dom_read(LcEnv *env, int domid, const char *rel)
{
    return stack_read(&env->s, "/local/domain/%d/%s", domid, rel);
}

/* ---- vCPUs -------------------------------------------------------------- */

static void
test_vcpus(void)
{
    LcEnv env;
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj, *host;
    xvmVcpuInfo info[8];
    g_autofree char *a2 = NULL, *a3 = NULL;
    int domid, n;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    obj = start_guest(&env, "vc");
    domid = lc_domid(obj);
    wait_vcpu_online(&env, domid, 1, TRUE);
    g_assert_cmpint(vcpu_count(&env, obj, 0, NULL), ==, 2);
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_MAXIMUM, NULL), ==, 4);
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_CONFIG, NULL), ==, 2);
    /* The guest honours the availability the start wrote. */
    wait_vcpu_online(&env, domid, 2, FALSE);

    /* Live: cpu/N/availability, the guest follows; the config stays. */
    g_assert_true(set_vcpus(&env, obj, 3, VIR_DOMAIN_VCPU_LIVE, &err));
    g_assert_no_error(err);
    a2 = xs_dom_read(&env, domid, "cpu/2/availability");
    a3 = xs_dom_read(&env, domid, "cpu/3/availability");
    g_assert_cmpstr(a2, ==, "online");
    g_assert_cmpstr(a3, ==, "offline");
    wait_vcpu_online(&env, domid, 2, TRUE);
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_LIVE, NULL), ==, 3);
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_CONFIG, NULL), ==, 2);

    /* CURRENT on a running domain is live. */
    g_assert_true(set_vcpus(&env, obj, 1, 0, &err));
    g_assert_no_error(err);
    wait_vcpu_online(&env, domid, 1, FALSE);
    wait_vcpu_online(&env, domid, 2, FALSE);
    xvmDomainObjLock(obj);
    n = xvmDomainGetVcpuInfo(env.drv, obj, info, 8, NULL, 0, &err);
    xvmDomainObjUnlock(obj);
    g_assert_no_error(err);
    g_assert_cmpint(n, ==, 4);
    g_assert_cmpint(info[0].state, !=, VIR_VCPU_OFFLINE);
    g_assert_cmpint(info[1].state, ==, VIR_VCPU_OFFLINE);
    g_assert_cmpint(info[3].number, ==, 3);

    /* Both at once. */
    g_assert_true(set_vcpus(&env, obj, 2, VIR_DOMAIN_VCPU_LIVE | VIR_DOMAIN_VCPU_CONFIG, &err));
    g_assert_no_error(err);
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_LIVE, NULL), ==, 2);
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_CONFIG, NULL), ==, 2);
    wait_vcpu_online(&env, domid, 1, TRUE);
    g_assert_true(set_vcpus(&env, obj, 1, 0, &err));
    g_assert_no_error(err);
    wait_vcpu_online(&env, domid, 1, FALSE);

    /* Refusals. */
    g_assert_false(set_vcpus(&env, obj, 5, VIR_DOMAIN_VCPU_LIVE, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "5 > 4");
    g_assert_false(set_vcpus(&env, obj, 0, VIR_DOMAIN_VCPU_LIVE, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "nvcpus is zero");
    g_assert_false(set_vcpus(&env, obj, 2, VIR_DOMAIN_VCPU_LIVE | VIR_DOMAIN_VCPU_MAXIMUM,
                             &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "invalid flag combination");
    /* The host has 4 CPUs: the most a domain may have, as libxl says. */
    g_assert_false(set_vcpus(&env, obj, 5, VIR_DOMAIN_VCPU_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM,
                             &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "5 > 4");
    g_assert_false(set_vcpus(&env, obj, 1, 0x100, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "unsupported flags");
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_LIVE | VIR_DOMAIN_VCPU_CONFIG,
                               &err), ==, -1);
    expect_error(&err, VIR_ERR_INVALID_ARG, "invalid flag combination");

    /* Config: the persistent definition, on disk; live untouched. */
    g_assert_true(set_vcpus(&env, obj, 3, VIR_DOMAIN_VCPU_CONFIG, &err));
    g_assert_no_error(err);
    assert_config_has(&env, "vc", "current='3'>4</vcpu>", TRUE);
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_LIVE, NULL), ==, 1);
    g_assert_true(pin(&env, obj, 2, 0x02, VIR_DOMAIN_AFFECT_CONFIG, &err));
    g_assert_no_error(err);
    assert_config_has(&env, "vc", "<vcpupin vcpu='2' cpuset='1'/>", TRUE);
    /* A lower maximum lowers the current count and drops their pins. */
    g_assert_true(set_vcpus(&env, obj, 2, VIR_DOMAIN_VCPU_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM,
                            &err));
    g_assert_no_error(err);
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM,
                               NULL), ==, 2);
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_CONFIG, NULL), ==, 2);
    assert_config_has(&env, "vc", "<vcpu placement='static'>2</vcpu>", TRUE);
    assert_config_has(&env, "vc", "vcpupin", FALSE);
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_MAXIMUM, NULL), ==, 4);

    /* The live count survives a restart of the driver (status file). */
    g_assert_true(set_vcpus(&env, obj, 4, VIR_DOMAIN_VCPU_LIVE, &err));
    g_assert_no_error(err);
    xvmDomainObjUnref(obj);
    lc_driver_close(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    obj = xvmDomainListFindByName(env.drv->domains, "vc", &err);
    g_assert_no_error(err);
    xvmDomainObjUnlock(obj);
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_LIVE, NULL), ==, 4);
    wait_vcpu_online(&env, domid, 3, TRUE);

    /* Domain-0 is read, not changed. */
    host = xvmDomainListFindByName(env.drv->domains, XVM_DOMAIN0_NAME, &err);
    g_assert_no_error(err);
    g_assert_cmpint(xvmDomainGetVcpuCount(env.drv, host, 0, &err), >=, 1);
    g_assert_no_error(err);
    g_assert_false(xvmDomainSetVcpus(env.drv, host, 1, VIR_DOMAIN_VCPU_LIVE, &err));
    expect_error(&err, VIR_ERR_OPERATION_INVALID, "host's domain");
    g_assert_false(xvmDomainSetVcpus(env.drv, host, 1, VIR_DOMAIN_VCPU_CONFIG, &err));
    expect_error(&err, VIR_ERR_OPERATION_INVALID, NULL);
    xvmDomainObjEndAPI(&host);

    /* Shut off: live is refused, CURRENT is the config. */
    lc_destroy(&env, obj);
    g_assert_false(set_vcpus(&env, obj, 1, VIR_DOMAIN_VCPU_LIVE, &err));
    expect_error(&err, VIR_ERR_OPERATION_INVALID, "not running");
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_LIVE, &err), ==, -1);
    expect_error(&err, VIR_ERR_OPERATION_INVALID, "not running");
    xvmDomainObjLock(obj);
    g_assert_cmpint(xvmDomainGetVcpuInfo(env.drv, obj, info, 8, NULL, 0, &err), ==, -1);
    xvmDomainObjUnlock(obj);
    expect_error(&err, VIR_ERR_OPERATION_INVALID, "not running");
    g_assert_true(set_vcpus(&env, obj, 1, 0, &err));
    g_assert_no_error(err);
    g_assert_cmpint(vcpu_count(&env, obj, 0, NULL), ==, 1);
    /* The next start has the config's vCPUs: 1 of 2. */
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainStart(env.drv, obj, 0, &err));
    xvmDomainObjUnlock(obj);
    g_assert_no_error(err);
    domid = lc_domid(obj);
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_LIVE | VIR_DOMAIN_VCPU_MAXIMUM,
                               NULL), ==, 2);
    wait_vcpu_online(&env, domid, 1, FALSE);
    lc_destroy(&env, obj);
    xvmDomainObjUnref(obj);
    lc_env_stop(&env);
}

static void
test_transient(void)
{
    LcEnv env;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    xvmDomainObj *obj;
    xvmSchedCredit sc = { .has_weight = TRUE, .weight = 300 };

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    xml = guest_xml(&env, "tr");
    obj = xvmDomainCreateXML(env.drv, xml, 0, &err);
    g_assert_no_error(err);
    g_assert_false(xvmDomainSetVcpus(env.drv, obj, 1, VIR_DOMAIN_VCPU_CONFIG, &err));
    expect_error(&err, VIR_ERR_OPERATION_INVALID, "transient");
    g_assert_cmpint(xvmDomainGetVcpuCount(env.drv, obj, VIR_DOMAIN_VCPU_CONFIG, &err), ==, -1);
    expect_error(&err, VIR_ERR_OPERATION_INVALID, "transient");
    g_assert_false(xvmDomainSetMemory(env.drv, obj, 64 * MIB, VIR_DOMAIN_MEM_CONFIG, &err));
    expect_error(&err, VIR_ERR_OPERATION_INVALID, "transient");
    g_assert_false(xvmDomainSetSchedCredit(env.drv, obj, &sc, VIR_DOMAIN_AFFECT_CONFIG, &err));
    expect_error(&err, VIR_ERR_OPERATION_INVALID, "transient");
    /* Live and CURRENT work. */
    g_assert_true(xvmDomainSetSchedCredit(env.drv, obj, &sc, 0, &err));
    g_assert_no_error(err);
    g_assert_true(xvmDomainSetVcpus(env.drv, obj, 1, VIR_DOMAIN_VCPU_LIVE, &err));
    g_assert_no_error(err);
    g_assert_true(xvmDomainDestroy(env.drv, obj, 0, &err));
    g_assert_no_error(err);
    xvmDomainObjEndAPI(&obj);
    lc_env_stop(&env);
}

/* ---- pinning ------------------------------------------------------------ */

static guint8
hv_affinity(LcEnv *env, int domid, guint vcpu)
{
    guint8 map = 0;

    g_assert_true(hv_vcpu_get_affinity(env->s.hv, (uint32_t)domid, vcpu, &map, 1, NULL));
    return map;
}

static void
pin_info(LcEnv *env, xvmDomainObj *obj, unsigned int flags, guint8 *maps, int n_expected)
{
    g_autoptr(GError) err = NULL;
    int n;

    memset(maps, 0, 4);
    xvmDomainObjLock(obj);
    n = xvmDomainGetVcpuPinInfo(env->drv, obj, 4, maps, 1, flags, &err);
    xvmDomainObjUnlock(obj);
    g_assert_no_error(err);
    g_assert_cmpint(n, ==, n_expected);
}

static void
test_pin(void)
{
    LcEnv env;
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj;
    xvmVcpuInfo info[4];
    guint8 maps[4], cpumaps[8];
    int domid, n;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    obj = start_guest(&env, "pn");
    domid = lc_domid(obj);
    pin_info(&env, obj, 0, maps, 4);
    g_assert_cmpuint(maps[0], ==, 0x0f);
    g_assert_cmpuint(maps[1], ==, 0x0f);

    /* Live: the hypervisor's affinity and the live definition. */
    g_assert_true(pin(&env, obj, 1, 0x0c, VIR_DOMAIN_AFFECT_LIVE, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(hv_affinity(&env, domid, 1), ==, 0x0c);
    pin_info(&env, obj, VIR_DOMAIN_AFFECT_LIVE, maps, 4);
    g_assert_cmpuint(maps[0], ==, 0x0f);
    g_assert_cmpuint(maps[1], ==, 0x0c);
    pin_info(&env, obj, VIR_DOMAIN_AFFECT_CONFIG, maps, 4);
    g_assert_cmpuint(maps[1], ==, 0x0f);
    /* vcpuinfo: the affinity and a physical CPU within it. */
    memset(cpumaps, 0, sizeof(cpumaps));
    xvmDomainObjLock(obj);
    n = xvmDomainGetVcpuInfo(env.drv, obj, info, 4, cpumaps, 2, &err);
    xvmDomainObjUnlock(obj);
    g_assert_no_error(err);
    g_assert_cmpint(n, ==, 4);
    g_assert_cmpuint(cpumaps[2], ==, 0x0c);
    g_assert_cmpuint(cpumaps[3], ==, 0);
    g_assert_cmpint(info[1].cpu, >=, 2);
    g_assert_cmpint(info[1].cpu, <=, 3);

    /* Config: the next start pins vCPU 0 to CPU 1. */
    g_assert_true(pin(&env, obj, 0, 0x02, VIR_DOMAIN_AFFECT_CONFIG, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(hv_affinity(&env, domid, 0), ==, 0x0f);
    pin_info(&env, obj, VIR_DOMAIN_AFFECT_CONFIG, maps, 4);
    g_assert_cmpuint(maps[0], ==, 0x02);

    /* Refusals. */
    g_assert_false(pin(&env, obj, 3, 0x01, VIR_DOMAIN_AFFECT_LIVE, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "vcpu '3' is not active");
    g_assert_false(pin(&env, obj, 0, 0x00, VIR_DOMAIN_AFFECT_LIVE, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "Empty cpu list");
    /* CPUs the host lacks (it has 4). */
    g_assert_false(pin(&env, obj, 0, 0x30, VIR_DOMAIN_AFFECT_LIVE, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, NULL);
    g_assert_cmpuint(hv_affinity(&env, domid, 0), ==, 0x0f);
    g_assert_false(pin(&env, obj, 0, 0x01, 0x100, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "unsupported flags");

    lc_destroy(&env, obj);
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainStart(env.drv, obj, 0, &err));
    xvmDomainObjUnlock(obj);
    g_assert_no_error(err);
    domid = lc_domid(obj);
    g_assert_cmpuint(hv_affinity(&env, domid, 0), ==, 0x02);
    g_assert_cmpuint(hv_affinity(&env, domid, 1), ==, 0x0f);
    lc_destroy(&env, obj);
    xvmDomainObjUnref(obj);
    lc_env_stop(&env);
}

/* ---- memory ------------------------------------------------------------- */

static void
test_memory(void)
{
    LcEnv env;
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj;
    struct hv_dominfo hi;
    g_autofree char *target = NULL, *smax = NULL;
    int domid;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    obj = start_guest(&env, "mem");
    domid = lc_domid(obj);
    wait_tot_kib(&env, domid, 96 * MIB);

    /* Live: the balloon follows memory/target. */
    g_assert_true(set_memory(&env, obj, 64 * MIB, VIR_DOMAIN_MEM_LIVE, &err));
    g_assert_no_error(err);
    target = xs_dom_read(&env, domid, "memory/target");
    g_assert_cmpstr(target, ==, "65536");
    wait_tot_kib(&env, domid, 64 * MIB);
    xvmDomainObjLock(obj);
    g_assert_cmpuint(obj->live_def->current_memory, ==, 64 * MIB);
    g_assert_cmpuint(obj->persistent_def->current_memory, ==, 96 * MIB);
    xvmDomainObjUnlock(obj);
    /* Not above the maximum. */
    g_assert_false(set_memory(&env, obj, 200 * MIB, 0, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "cannot set memory higher than max memory");
    /* A higher maximum: the hypervisor's ceiling and static-max. */
    g_assert_true(set_memory(&env, obj, 256 * MIB,
                             VIR_DOMAIN_MEM_LIVE | VIR_DOMAIN_MEM_MAXIMUM, &err));
    g_assert_no_error(err);
    g_assert_true(hv_domain_getinfo(env.s.hv, (uint32_t)domid, &hi, NULL));
    g_assert_cmpuint(hi.max_pages * 4, ==, 256 * MIB);
    smax = xs_dom_read(&env, domid, "memory/static-max");
    g_assert_cmpstr(smax, ==, "262144");
    /* Not below the current target of a running domain. */
    g_assert_false(set_memory(&env, obj, 32 * MIB,
                              VIR_DOMAIN_MEM_LIVE | VIR_DOMAIN_MEM_MAXIMUM, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "lower than the current memory");
    g_assert_true(hv_domain_getinfo(env.s.hv, (uint32_t)domid, &hi, NULL));
    g_assert_cmpuint(hi.max_pages * 4, ==, 256 * MIB);
    /* Now the guest may balloon up to 200 MiB. */
    g_assert_true(set_memory(&env, obj, 200 * MIB, VIR_DOMAIN_MEM_LIVE, &err));
    g_assert_no_error(err);
    wait_tot_kib(&env, domid, 200 * MIB);

    /* Config: <memory>, <currentMemory> lowered with it. */
    g_assert_true(set_memory(&env, obj, 100 * MIB,
                             VIR_DOMAIN_MEM_CONFIG | VIR_DOMAIN_MEM_MAXIMUM, &err));
    g_assert_no_error(err);
    assert_config_has(&env, "mem", "<memory unit='KiB'>102400</memory>", TRUE);
    assert_config_has(&env, "mem", "<currentMemory unit='KiB'>98304</currentMemory>", TRUE);
    g_assert_true(set_memory(&env, obj, 80 * MIB,
                             VIR_DOMAIN_MEM_CONFIG | VIR_DOMAIN_MEM_MAXIMUM, &err));
    g_assert_no_error(err);
    assert_config_has(&env, "mem", "<currentMemory unit='KiB'>81920</currentMemory>", TRUE);
    g_assert_false(set_memory(&env, obj, 90 * MIB, VIR_DOMAIN_MEM_CONFIG, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "cannot set memory higher than max memory");
    g_assert_true(set_memory(&env, obj, 70 * MIB, VIR_DOMAIN_MEM_CONFIG, &err));
    g_assert_no_error(err);
    assert_config_has(&env, "mem", "<currentMemory unit='KiB'>71680</currentMemory>", TRUE);
    /* The running domain did not change. */
    g_assert_true(hv_domain_getinfo(env.s.hv, (uint32_t)domid, &hi, NULL));
    g_assert_cmpuint(hi.max_pages * 4, ==, 256 * MIB);
    g_assert_cmpuint(hi.tot_pages * 4, ==, 200 * MIB);

    /* Both at once: each definition's maximum is checked first, nothing
     * changes when one refuses. */
    g_assert_false(set_memory(&env, obj, 90 * MIB, VIR_DOMAIN_MEM_LIVE | VIR_DOMAIN_MEM_CONFIG,
                              &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "cannot set memory higher than max memory");
    target = (g_free(target), xs_dom_read(&env, domid, "memory/target"));
    g_assert_cmpstr(target, ==, "204800");
    g_assert_true(set_memory(&env, obj, 72 * MIB, VIR_DOMAIN_MEM_LIVE | VIR_DOMAIN_MEM_CONFIG,
                             &err));
    g_assert_no_error(err);
    assert_config_has(&env, "mem", "<currentMemory unit='KiB'>73728</currentMemory>", TRUE);
    wait_tot_kib(&env, domid, 72 * MIB);

    g_assert_false(set_memory(&env, obj, 0, VIR_DOMAIN_MEM_LIVE, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "must not be zero");
    g_assert_false(set_memory(&env, obj, MIB, 0x100, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "unsupported flags");

    /* Shut off: live is refused; CURRENT is the config; the next start
     * has the config's figures. */
    lc_destroy(&env, obj);
    g_assert_false(set_memory(&env, obj, 64 * MIB, VIR_DOMAIN_MEM_LIVE, &err));
    expect_error(&err, VIR_ERR_OPERATION_INVALID, "not running");
    g_assert_true(set_memory(&env, obj, 60 * MIB, 0, &err));
    g_assert_no_error(err);
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainStart(env.drv, obj, 0, &err));
    xvmDomainObjUnlock(obj);
    g_assert_no_error(err);
    domid = lc_domid(obj);
    g_assert_true(hv_domain_getinfo(env.s.hv, (uint32_t)domid, &hi, NULL));
    g_assert_cmpuint(hi.max_pages * 4, ==, 80 * MIB);
    wait_tot_kib(&env, domid, 60 * MIB);
    lc_destroy(&env, obj);
    xvmDomainObjUnref(obj);
    lc_env_stop(&env);
}

/* ---- the credit scheduler ---------------------------------------------- */

static void
test_sched(void)
{
    LcEnv env;
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj;
    xvmSchedCredit sc, in;
    struct hv_sched_credit hsc;
    int domid;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    obj = start_guest(&env, "sch");
    domid = lc_domid(obj);
    /* The start applied <shares>. */
    sc = get_sched(&env, obj, 0);
    g_assert_true(sc.has_weight && sc.has_cap);
    g_assert_cmpuint(sc.weight, ==, 512);
    g_assert_cmpuint(sc.cap, ==, 0);

    /* Live (CURRENT): the hypervisor; the live <shares> follows. */
    in = (xvmSchedCredit){ .has_weight = TRUE, .weight = 1024, .has_cap = TRUE, .cap = 50 };
    g_assert_true(set_sched(&env, obj, &in, 0, &err));
    g_assert_no_error(err);
    g_assert_true(hv_sched_credit_get(env.s.hv, (uint32_t)domid, &hsc, NULL));
    g_assert_cmpuint(hsc.weight, ==, 1024);
    g_assert_cmpuint(hsc.cap, ==, 50);
    /* The cap alone keeps the weight. */
    in = (xvmSchedCredit){ .has_cap = TRUE, .cap = 400 };
    g_assert_true(set_sched(&env, obj, &in, VIR_DOMAIN_AFFECT_LIVE, &err));
    g_assert_no_error(err);
    sc = get_sched(&env, obj, VIR_DOMAIN_AFFECT_LIVE | VIR_TYPED_PARAM_STRING_OKAY);
    g_assert_cmpuint(sc.weight, ==, 1024);
    g_assert_cmpuint(sc.cap, ==, 400);
    xvmDomainObjLock(obj);
    g_assert_cmpuint(obj->live_def->cputune_shares, ==, 1024);
    g_assert_cmpuint(obj->persistent_def->cputune_shares, ==, 512);
    xvmDomainObjUnlock(obj);
    sc = get_sched(&env, obj, VIR_DOMAIN_AFFECT_CONFIG);
    g_assert_true(sc.has_weight);
    g_assert_false(sc.has_cap);
    g_assert_cmpuint(sc.weight, ==, 512);

    /* Refusals: out of range (4 vCPUs: a cap of at most 400). */
    in = (xvmSchedCredit){ .has_cap = TRUE, .cap = 401 };
    g_assert_false(set_sched(&env, obj, &in, 0, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "cap 401");
    in = (xvmSchedCredit){ .has_weight = TRUE, .weight = 0 };
    g_assert_false(set_sched(&env, obj, &in, 0, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "weight 0");
    in = (xvmSchedCredit){ .has_weight = TRUE, .weight = 65536 };
    g_assert_false(set_sched(&env, obj, &in, VIR_DOMAIN_AFFECT_CONFIG, &err));
    expect_error(&err, VIR_ERR_INVALID_ARG, "weight 65536");
    in = (xvmSchedCredit){ .has_cap = TRUE, .cap = 10 };
    g_assert_false(set_sched(&env, obj, &in, VIR_DOMAIN_AFFECT_CONFIG, &err));
    expect_error(&err, VIR_ERR_ARGUMENT_UNSUPPORTED, "cap");
    xvmDomainObjLock(obj);
    g_assert_false(xvmDomainGetSchedCredit(env.drv, obj,
                                           VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG,
                                           &sc, &err));
    xvmDomainObjUnlock(obj);
    expect_error(&err, VIR_ERR_INVALID_ARG, "invalid flag combination");
    g_assert_true(hv_sched_credit_get(env.s.hv, (uint32_t)domid, &hsc, NULL));
    g_assert_cmpuint(hsc.weight, ==, 1024);
    g_assert_cmpuint(hsc.cap, ==, 400);

    /* Config: <shares>, which the next start applies. */
    in = (xvmSchedCredit){ .has_weight = TRUE, .weight = 300 };
    g_assert_true(set_sched(&env, obj, &in, VIR_DOMAIN_AFFECT_CONFIG, &err));
    g_assert_no_error(err);
    assert_config_has(&env, "sch", "<shares>300</shares>", TRUE);
    g_assert_true(hv_sched_credit_get(env.s.hv, (uint32_t)domid, &hsc, NULL));
    g_assert_cmpuint(hsc.weight, ==, 1024);
    lc_destroy(&env, obj);
    g_assert_false(set_sched(&env, obj, &in, VIR_DOMAIN_AFFECT_LIVE, &err));
    expect_error(&err, VIR_ERR_OPERATION_INVALID, "not running");
    sc = get_sched(&env, obj, 0);
    g_assert_cmpuint(sc.weight, ==, 300);
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainStart(env.drv, obj, 0, &err));
    xvmDomainObjUnlock(obj);
    g_assert_no_error(err);
    domid = lc_domid(obj);
    g_assert_true(hv_sched_credit_get(env.s.hv, (uint32_t)domid, &hsc, NULL));
    g_assert_cmpuint(hsc.weight, ==, 300);
    g_assert_cmpuint(hsc.cap, ==, 0);
    lc_destroy(&env, obj);
    xvmDomainObjUnref(obj);
    lc_env_stop(&env);
}

/* ---- racing a domain that stops and starts ------------------------------ */

typedef struct {
    LcEnv *env;
    xvmDomainObj *obj;
    gint stop;                  /* atomic */
    guint calls, refused;
} Racer;

/* Every answer is right or a clean refusal: the domain not running (or
 * gone from the hypervisor under a query that does not hold the job). */
static void
race_check(Racer *r, gboolean ok, GError **err)
{
    r->calls++;
    if (ok)
        return;
    g_assert_nonnull(*err);
    if (!g_error_matches(*err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID) &&
        !g_error_matches(*err, XVM_CONF_ERROR, VIR_ERR_NO_DOMAIN))
        g_error("unexpected error: %s", (*err)->message);
    r->refused++;
    g_clear_error(err);
    g_usleep(2000);             /* no busy loop while it is down */
}

static gpointer
racer(gpointer data)
{
    Racer *r = data;
    LcEnv *env = r->env;
    xvmDomainObj *obj = r->obj;
    GError *err = NULL;

    for (guint i = 0; !g_atomic_int_get(&r->stop); i++) {
        xvmVcpuInfo info[4];
        guint8 maps[8] = { 0 };
        xvmSchedCredit sc = { .has_weight = TRUE, .weight = 100 + i % 500 };
        int n;

        xvmDomainObjLock(obj);
        switch (i % 6) {
        case 0:
            n = xvmDomainGetVcpuInfo(env->drv, obj, info, 4, maps, 2, &err);
            race_check(r, n >= 0, &err);
            break;
        case 1:
            n = xvmDomainGetVcpuPinInfo(env->drv, obj, 4, maps, 2, VIR_DOMAIN_AFFECT_LIVE, &err);
            race_check(r, n >= 0, &err);
            break;
        case 2:
            race_check(r, xvmDomainGetSchedCredit(env->drv, obj, VIR_DOMAIN_AFFECT_LIVE, &sc,
                                                  &err), &err);
            break;
        case 3:
            race_check(r, xvmDomainSetVcpus(env->drv, obj, 1 + i % 4, VIR_DOMAIN_VCPU_LIVE,
                                            &err), &err);
            break;
        case 4:
            race_check(r, xvmDomainSetMemory(env->drv, obj, (64 + i % 32) * MIB,
                                             VIR_DOMAIN_MEM_LIVE, &err), &err);
            break;
        default:
            race_check(r, xvmDomainSetSchedCredit(env->drv, obj, &sc, VIR_DOMAIN_AFFECT_LIVE,
                                                  &err), &err);
            break;
        }
        xvmDomainObjUnlock(obj);
    }
    return NULL;
}

static void
test_race_stop(void)
{
    LcEnv env;
    g_autoptr(GError) err = NULL;
    Racer r = { 0 };
    GThread *threads[2];
    xvmDomainObj *obj;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    obj = start_guest(&env, "race");
    r.env = &env;
    r.obj = obj;
    for (guint t = 0; t < G_N_ELEMENTS(threads); t++)
        threads[t] = g_thread_new("racer", racer, &r);
    for (int round = 0; round < 4; round++) {
        g_usleep(200000);
        lc_destroy(&env, obj);
        g_usleep(50000);
        xvmDomainObjLock(obj);
        g_assert_true(xvmDomainStart(env.drv, obj, 0, &err));
        xvmDomainObjUnlock(obj);
        g_assert_no_error(err);
    }
    g_atomic_int_set(&r.stop, 1);
    for (guint t = 0; t < G_N_ELEMENTS(threads); t++)
        g_thread_join(threads[t]);
    g_test_message("%u calls, %u refused", r.calls, r.refused);
    g_assert_cmpuint(r.calls - r.refused, >=, 6);
    /* The domain is whole: the config's figures at its last start. */
    g_assert_cmpint(vcpu_count(&env, obj, VIR_DOMAIN_VCPU_LIVE | VIR_DOMAIN_VCPU_MAXIMUM,
                               NULL), ==, 4);
    lc_destroy(&env, obj);
    xvmDomainObjUnref(obj);
    lc_env_stop(&env);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/driver-resources/vcpus", test_vcpus);
    g_test_add_func("/driver-resources/transient", test_transient);
    g_test_add_func("/driver-resources/pin", test_pin);
    g_test_add_func("/driver-resources/memory", test_memory);
    g_test_add_func("/driver-resources/sched", test_sched);
    g_test_add_func("/driver-resources/race-stop", test_race_stop);
    return g_test_run();
}
