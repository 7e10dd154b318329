/* Statistics and the console of running domains (issue 6):
 *   - the statistics sources alone, on files made here: xvm-simhv's
 *     "NAME VALUE" files and a sysfs tree as blkback and netback lay it
 *     out (sectors, the dom0 view swapped);
 *   - on the simulated stack, with the driver in-process: block,
 *     interface and memory statistics of a busy guest (they grow), the
 *     errors for unknown devices and for a domain not running, the block
 *     info; the console pty with its boot marker, its echo, exclusive
 *     access, FORCE revoking the first session on the driver's context,
 *     and the pty's end when the domain is destroyed. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "domain_console.h"
#include "domain_lifecycle.h"
#include "domain_stats.h"
#include "lifecycle_env.h"
#include "stats_source.h"

/* ---- the sources alone ---------------------------------------------------- */

static void
write_file(const char *dir, const char *name, const char *text)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *parent = g_path_get_dirname(path);

    g_assert_cmpint(g_mkdir_with_parents(parent, 0755), ==, 0);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

static char *
tmp_dir(void)
{
    g_autoptr(GError) err = NULL;
    char *dir = g_dir_make_tmp("xvm-stats-XXXXXX", &err);

    g_assert_no_error(err);
    return dir;
}

static void
rm_rf(const char *path)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", path);

    g_assert_cmpint(system(cmd), ==, 0);
}

static void
test_source_spec(void)
{
    g_autoptr(GError) err = NULL;
    const char *bad[] = { NULL, "", "sim:", "sysfs:", "xen", "sim", "proc:/x" };

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_null(xvmStatsSourceNew(bad[i], &err));
        g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
        g_clear_error(&err);
    }
    {
        g_autoptr(xvmStatsSource) src = xvmStatsSourceNew("sysfs", &err);

        g_assert_no_error(err);
        g_assert_cmpstr(xvmStatsSourceSpec(src), ==, "sysfs");
    }
    {
        g_autofree char *a = xvmStatsSourceDefaultSpec("sim:/run/xvm-simhv/socket");
        g_autofree char *b = xvmStatsSourceDefaultSpec("xen");

        g_assert_cmpstr(a, ==, "sim:/run/xvm-simhv");
        g_assert_cmpstr(b, ==, "sysfs");
    }
}

static void
test_source_sim(void)
{
    g_autofree char *dir = tmp_dir();
    g_autofree char *spec = g_strdup_printf("sim:%s", dir);
    g_autoptr(xvmStatsSource) src = xvmStatsSourceNew(spec, NULL);
    g_autoptr(GError) err = NULL;
    xvmBlockStats b;
    xvmInterfaceStats n;

    write_file(dir, "stats/3/vbd-51712",
               "rd_req 8\nrd_bytes 32768\nwr_req 2\nwr_bytes 8192\nerrs 0\n");
    write_file(dir, "stats/3/vif-1",
               "rx_packets 4\nrx_bytes 1400\ntx_packets 5\ntx_bytes 1500\n"
               "rx_errs 0\nrx_drop 1\ntx_errs 0\ntx_drop 0\nbridge br0\n");
    g_assert_true(xvmStatsSourceBlock(src, 3, 51712, &b, &err));
    g_assert_no_error(err);
    g_assert_cmpint(b.rd_req, ==, 8);
    g_assert_cmpint(b.rd_bytes, ==, 32768);
    g_assert_cmpint(b.wr_req, ==, 2);
    g_assert_cmpint(b.wr_bytes, ==, 8192);
    g_assert_cmpint(b.errs, ==, 0);
    g_assert_cmpint(b.f_req, ==, -1);          /* not in the file: unknown */

    g_assert_true(xvmStatsSourceInterface(src, 3, 1, "vif3.1", &n, &err));
    g_assert_no_error(err);
    g_assert_cmpint(n.rx_packets, ==, 4);
    g_assert_cmpint(n.rx_bytes, ==, 1400);
    g_assert_cmpint(n.tx_packets, ==, 5);
    g_assert_cmpint(n.tx_bytes, ==, 1500);
    g_assert_cmpint(n.rx_drop, ==, 1);

    /* No file: the device is not connected. */
    g_assert_false(xvmStatsSourceBlock(src, 3, 51728, &b, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    g_assert_false(xvmStatsSourceInterface(src, 4, 0, "vif4.0", &n, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    /* A value that is no counter. */
    write_file(dir, "stats/3/vbd-51712", "rd_req -1\n");
    g_assert_false(xvmStatsSourceBlock(src, 3, 51712, &b, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    write_file(dir, "stats/3/vbd-51712", "rd_req 99999999999999999999\n");
    g_assert_false(xvmStatsSourceBlock(src, 3, 51712, &b, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    rm_rf(dir);
}

static void
test_source_sysfs(void)
{
    g_autofree char *dir = tmp_dir();
    g_autofree char *spec = g_strdup_printf("sysfs:%s", dir);
    g_autoptr(xvmStatsSource) src = xvmStatsSourceNew(spec, NULL);
    g_autoptr(GError) err = NULL;
    const char *vbd = "bus/xen-backend/devices/vbd-7-51712/statistics/";
    const char *vif = "class/net/vif7.0/statistics/";
    xvmBlockStats b;
    xvmInterfaceStats n;
    struct { const char *name, *value; } files[] = {
        { "rd_req", "10\n" }, { "wr_req", "3\n" }, { "rd_sect", "80\n" },
        { "wr_sect", "24\n" }, { "f_req", "1\n" }, { "oo_req", "2\n" },
    }, net[] = {
        /* dom0's view: what it sent is what the guest received. */
        { "tx_bytes", "1000\n" }, { "tx_packets", "10\n" }, { "tx_errors", "1\n" },
        { "tx_dropped", "2\n" }, { "rx_bytes", "500\n" }, { "rx_packets", "5\n" },
        { "rx_errors", "0\n" }, { "rx_dropped", "3\n" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *p = g_strconcat(vbd, files[i].name, NULL);

        write_file(dir, p, files[i].value);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(net); i++) {
        g_autofree char *p = g_strconcat(vif, net[i].name, NULL);

        write_file(dir, p, net[i].value);
    }
    g_assert_true(xvmStatsSourceBlock(src, 7, 51712, &b, &err));
    g_assert_no_error(err);
    g_assert_cmpint(b.rd_req, ==, 10);
    g_assert_cmpint(b.rd_bytes, ==, 80 * 512);
    g_assert_cmpint(b.wr_req, ==, 3);
    g_assert_cmpint(b.wr_bytes, ==, 24 * 512);
    g_assert_cmpint(b.f_req, ==, 1);
    g_assert_cmpint(b.errs, ==, 2);

    g_assert_true(xvmStatsSourceInterface(src, 7, 0, "vif7.0", &n, &err));
    g_assert_no_error(err);
    g_assert_cmpint(n.rx_bytes, ==, 1000);
    g_assert_cmpint(n.rx_packets, ==, 10);
    g_assert_cmpint(n.rx_errs, ==, 1);
    g_assert_cmpint(n.rx_drop, ==, 2);
    g_assert_cmpint(n.tx_bytes, ==, 500);
    g_assert_cmpint(n.tx_packets, ==, 5);
    g_assert_cmpint(n.tx_errs, ==, 0);
    g_assert_cmpint(n.tx_drop, ==, 3);

    /* An older kernel without f_req: unknown, not an error. */
    {
        g_autofree char *p = g_build_filename(dir, vbd, "f_req", NULL);

        g_assert_cmpint(g_unlink(p), ==, 0);
        g_assert_true(xvmStatsSourceBlock(src, 7, 51712, &b, &err));
        g_assert_cmpint(b.f_req, ==, -1);
    }
    /* Garbage in an attribute. */
    write_file(dir, "bus/xen-backend/devices/vbd-7-51712/statistics/rd_req", "ten\n");
    g_assert_false(xvmStatsSourceBlock(src, 7, 51712, &b, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    /* No such device; a name that would leave the tree. */
    g_assert_false(xvmStatsSourceBlock(src, 7, 51728, &b, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    g_assert_false(xvmStatsSourceInterface(src, 7, 0, "../../bus", &n, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    g_assert_false(xvmStatsSourceInterface(src, 7, 1, "vif7.1", &n, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    rm_rf(dir);
}

/* Xen's interface names are live data: an inactive parse drops them, a
 * live one (status files) keeps them, a name the user chose stays. */
static void
test_ifname(void)
{
    const char *xml =
        "<domain type='xen'><name>n</name><memory>65536</memory>"
        "<os><type>linux</type><kernel>/k</kernel></os><devices>"
        "<interface type='bridge'><source bridge='br0'/><target dev='vif3.0'/></interface>"
        "<interface type='bridge'><source bridge='br0'/><target dev='vif3.1-emu'/></interface>"
        "<interface type='bridge'><source bridge='br0'/><target dev='web0'/></interface>"
        "<interface type='bridge'><source bridge='br0'/><target dev='vif3'/></interface>"
        "</devices></domain>";
    g_autoptr(GError) err = NULL;
    g_autoptr(xvmDomainDef) inactive = xvmDomainDefParseString(xml, -1,
                                                               XVM_DOMAIN_PARSE_INACTIVE, &err);
    g_autoptr(xvmDomainDef) live = NULL;
    const char *want_inactive[] = { NULL, NULL, "web0", "vif3" };

    g_assert_no_error(err);
    live = xvmDomainDefParseString(xml, -1, 0, &err);
    g_assert_no_error(err);
    for (guint i = 0; i < 4; i++) {
        const xvmDomainNetDef *a = g_ptr_array_index(inactive->nets, i);
        const xvmDomainNetDef *b = g_ptr_array_index(live->nets, i);

        g_assert_cmpstr(a->ifname, ==, want_inactive[i]);
        g_assert_nonnull(b->ifname);
    }
    g_assert_true(xvmDomainNetIfnameIsGenerated("vif12.3"));
    g_assert_false(xvmDomainNetIfnameIsGenerated("vif12."));
    g_assert_false(xvmDomainNetIfnameIsGenerated("vifx.1"));
    g_assert_false(xvmDomainNetIfnameIsGenerated(NULL));
}

/* ---- on the stack ----------------------------------------------------- */

static gint64
block_reads(LcEnv *env, xvmDomainObj *obj, const char *path)
{
    g_autoptr(GError) err = NULL;
    xvmBlockStats st;
    gboolean ok;

    xvmDomainObjLock(obj);
    ok = xvmDomainBlockStats(env->drv, obj, path, &st, &err);
    xvmDomainObjUnlock(obj);
    if (!ok)
        return -1;        /* not connected yet */
    g_assert_cmpint(st.errs, ==, 0);
    g_assert_cmpint(st.rd_bytes, >=, st.rd_req * 512);
    return st.rd_req;
}

/* Waits (20 s) until the domain's first disk read more than `than`. */
static gint64
wait_reads(LcEnv *env, xvmDomainObj *obj, gint64 than)
{
    for (int i = 0; i < 400; i++) {
        gint64 n = block_reads(env, obj, "xvda");

        if (n > than)
            return n;
        g_usleep(50000);
    }
    g_error("the guest's reads never passed %" G_GINT64_FORMAT, than);
}

static void
test_stats(void)
{
    LcEnv env;
    g_autofree char *disk = NULL, *vifname = NULL, *macstr = NULL;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(GError) err = NULL;
    virDomainMemoryStatStruct mem[4];
    virDomainBlockInfo info;
    xvmInterfaceStats n1, n2;
    xvmBlockStats b;
    gint64 r1, r2;
    int domid;

    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    disk = lc_disk(&env, "disk.img");
    obj = lc_define(&env, &(LcGuest){ .name = "busy", .disk = disk, .net = TRUE,
                                      .cmdline = "xvmsim.busy" });

    /* Shut off: nothing to count. */
    xvmDomainObjLock(obj);
    g_assert_false(xvmDomainBlockStats(env.drv, obj, "xvda", &b, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);
    g_assert_false(xvmDomainInterfaceStats(env.drv, obj, "vif1.0", &n1, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);
    g_assert_cmpint(xvmDomainMemoryStats(env.drv, obj, mem, 4, &err), ==, -1);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);
    /* The image's size needs no running domain. */
    g_assert_true(xvmDomainGetBlockInfo(env.drv, obj, "xvda", &info, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(info.capacity, ==, 4 << 20);
    g_assert_cmpuint(info.physical, ==, 4 << 20);
    xvmDomainObjUnlock(obj);

    lc_start(&env, obj, 0);
    lc_state(obj, NULL, &domid);
    vifname = g_strdup_printf("vif%d.0", domid);

    /* Blocks: they grow (busy reads every second). */
    r1 = wait_reads(&env, obj, 0);
    r2 = wait_reads(&env, obj, r1);
    g_assert_cmpint(r2, >, r1);
    g_assert_cmpint(block_reads(&env, obj, disk), >=, r2);      /* by source */
    g_assert_cmpint(block_reads(&env, obj, ""), >=, r2);        /* all disks */
    xvmDomainObjLock(obj);
    g_assert_false(xvmDomainBlockStats(env.drv, obj, "xvdz", &b, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_assert_cmpstr(err->message, ==, "invalid path: xvdz");
    g_clear_error(&err);
    g_assert_false(xvmDomainBlockStats(env.drv, obj, "/nonexistent.img", &b, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);

    /* Interfaces: by Xen's name and by MAC, the same device. */
    {
        xvmDomainNetDef *net = g_ptr_array_index(obj->live_def->nets, 0);
        char buf[XVM_MAC_STRING_BUFLEN];

        xvmMacFormat(&net->mac, buf);
        macstr = g_strdup(buf);
    }
    {
        xvmDomainNetDef *net = g_ptr_array_index(obj->live_def->nets, 0);

        g_assert_cmpstr(net->ifname, ==, vifname);
    }
    g_assert_true(xvmDomainInterfaceStats(env.drv, obj, vifname, &n1, &err));
    g_assert_no_error(err);
    g_assert_true(xvmDomainInterfaceStats(env.drv, obj, macstr, &n2, &err));
    g_assert_no_error(err);
    g_assert_cmpint(n1.tx_packets, >, 0);        /* the DHCP request */
    g_assert_cmpint(n2.tx_packets, >=, n1.tx_packets);
    g_assert_cmpint(n1.rx_errs, ==, 0);
    {
        const char *bad[] = { "vif99.0", "eth0", "00:16:3e:00:00:00", "" };
        g_autofree char *other = g_strdup_printf("vif%d.1", domid);

        for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
            g_assert_false(xvmDomainInterfaceStats(env.drv, obj, bad[i], &n1, &err));
            g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
            g_clear_error(&err);
        }
        g_assert_false(xvmDomainInterfaceStats(env.drv, obj, other, &n1, &err));
        g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
        g_clear_error(&err);
    }

    /* Memory, as libxl: held now, and the maximum. */
    g_assert_cmpint(xvmDomainMemoryStats(env.drv, obj, mem, 4, &err), ==, 2);
    g_assert_no_error(err);
    g_assert_cmpint(mem[0].tag, ==, VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON);
    g_assert_cmpuint(mem[0].val, >, 0);
    g_assert_cmpuint(mem[0].val, <=, obj->live_def->memory);
    g_assert_cmpint(mem[1].tag, ==, VIR_DOMAIN_MEMORY_STAT_AVAILABLE);
    g_assert_cmpuint(mem[1].val, ==, obj->live_def->memory);
    g_assert_cmpint(xvmDomainMemoryStats(env.drv, obj, mem, 1, &err), ==, 1);
    g_assert_cmpint(xvmDomainMemoryStats(env.drv, obj, mem, 0, &err), ==, 0);
    g_assert_no_error(err);
    xvmDomainObjUnlock(obj);

    lc_destroy(&env, obj);
    lc_env_stop(&env);
}

/* ---- the console --------------------------------------------------------- */

typedef struct {
    GMutex lock;
    GCond cond;
    int revoked;
    GThread *thread;               /* where the callback ran */
} Revocations;

static void
on_revoked(xvmConsole *con, void *opaque)
{
    Revocations *r = opaque;

    g_mutex_lock(&r->lock);
    r->revoked++;
    r->thread = g_thread_self();
    g_cond_broadcast(&r->cond);
    g_mutex_unlock(&r->lock);
    xvmConsoleClose(con);
}

/* Reads the pty until `want` shows (20 s); FALSE at its end. */
static gboolean
read_until(int fd, GString *out, const char *want)
{
    gint64 end = g_get_monotonic_time() + 20 * G_TIME_SPAN_SECOND;

    while (!want || !strstr(out->str, want)) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        char buf[4096];
        ssize_t n;

        if (g_get_monotonic_time() > end)
            g_error("no '%s' on the console: '%s'", want, out->str);
        if (poll(&p, 1, 100) <= 0)
            continue;
        n = read(fd, buf, sizeof(buf));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0)
            return FALSE;
        g_string_append_len(out, buf, n);
    }
    return TRUE;
}

static void
test_console(void)
{
    LcEnv env;
    g_autoptr(xvmDomainObj) obj = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *marker = NULL;
    Revocations rev = { 0 };
    xvmConsole *first, *second;
    int domid;

    g_mutex_init(&rev.lock);
    g_cond_init(&rev.cond);
    lc_env_start(&env);
    lc_driver_open(&env, FALSE, XVM_DRIVER_HOST_SHUTDOWN_LEAVE);
    obj = lc_define(&env, &(LcGuest){ .name = "talk" });

    xvmDomainObjLock(obj);
    g_assert_null(xvmDomainOpenConsole(env.drv, obj, NULL, 0, on_revoked, &rev, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);
    xvmDomainObjUnlock(obj);
    lc_start(&env, obj, 0);
    lc_state(obj, NULL, &domid);
    marker = g_strdup_printf("xvm-sim: %d booted", domid);

    xvmDomainObjLock(obj);
    g_assert_null(xvmDomainOpenConsole(env.drv, obj, "serial0", 0, on_revoked, &rev, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_ARGUMENT_UNSUPPORTED);
    g_clear_error(&err);
    g_assert_null(xvmDomainOpenConsole(env.drv, obj, NULL, 0x80, on_revoked, &rev, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);
    first = xvmDomainOpenConsole(env.drv, obj, NULL, VIR_DOMAIN_CONSOLE_SAFE, on_revoked,
                                 &rev, &err);
    g_assert_no_error(err);
    g_assert_nonnull(first);
    g_assert_true(g_str_has_prefix(xvmConsoleGetPath(first), "/dev/pts/"));
    xvmDomainObjUnlock(obj);

    /* The boot output, kept by the console daemon for its first reader;
     * what is typed comes back (the guest echoes). */
    g_assert_true(read_until(xvmConsoleGetFd(first), out, marker));
    g_assert_cmpint(write(xvmConsoleGetFd(first), "ping-xvm\r", 9), ==, 9);
    g_assert_true(read_until(xvmConsoleGetFd(first), out, "ping-xvm"));

    /* One client at a time. */
    xvmDomainObjLock(obj);
    g_assert_null(xvmDomainOpenConsole(env.drv, obj, NULL, 0, on_revoked, &rev, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(err->message, ==, "Active console session exists for this domain");
    g_clear_error(&err);
    /* FORCE: the first is revoked, on the driver's context (the loop's
     * thread), never from inside the open. */
    second = xvmDomainOpenConsole(env.drv, obj, NULL, VIR_DOMAIN_CONSOLE_FORCE, on_revoked,
                                  &rev, &err);
    g_assert_no_error(err);
    g_assert_nonnull(second);
    xvmDomainObjUnlock(obj);
    g_mutex_lock(&rev.lock);
    while (!rev.revoked)
        g_assert_true(g_cond_wait_until(&rev.cond, &rev.lock,
                                        g_get_monotonic_time() + 20 * G_TIME_SPAN_SECOND));
    g_assert_cmpint(rev.revoked, ==, 1);
    g_assert_true(rev.thread == env.thread);
    g_mutex_unlock(&rev.lock);

    /* Closed, the console is free again. */
    xvmConsoleClose(second);
    xvmDomainObjLock(obj);
    second = xvmDomainOpenConsole(env.drv, obj, NULL, 0, on_revoked, &rev, &err);
    g_assert_no_error(err);
    g_assert_true(g_str_has_prefix(xvmConsoleGetPath(second), "/dev/pts/"));
    g_assert_true(xvmDomainDestroy(env.drv, obj, 0, &err));
    g_assert_no_error(err);
    xvmDomainObjUnlock(obj);
    /* The domain is gone: the pty ends. */
    g_string_truncate(out, 0);
    g_assert_false(read_until(xvmConsoleGetFd(second), out, "never printed"));
    xvmConsoleClose(second);
    g_assert_cmpint(rev.revoked, ==, 1);

    lc_env_stop(&env);
    g_mutex_clear(&rev.lock);
    g_cond_clear(&rev.cond);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/driver-stats/source/spec", test_source_spec);
    g_test_add_func("/driver-stats/source/sim", test_source_sim);
    g_test_add_func("/driver-stats/source/sysfs", test_source_sysfs);
    g_test_add_func("/driver-stats/ifname", test_ifname);
    g_test_add_func("/driver-stats/stats", test_stats);
    g_test_add_func("/driver-stats/console", test_console);
    return g_test_run();
}
