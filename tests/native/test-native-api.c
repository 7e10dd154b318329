/*
 * test-native-api.c: the domxml-from/to-native entry points
 * (xen_native.h): format names, xm's xend host policy (Solaris xVM's
 * on_xend_start / on_xend_stop), unknown and unsupported settings, and
 * bounded inputs (huge configs, enormous lists, long strings, too many
 * devices) refused cleanly.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <libvirt/virterror.h>

#include "domain_conf.h"
#include "native_test_util.h"
#include "xen_config.h"
#include "xen_native.h"

static const char minimal[] =
    "name = 'api'\n"
    "uuid = '2a8d2b8f-8a43-4d2b-9c1e-3b1f5a9c7d11'\n"
    "memory = 256\n"
    "kernel = '/boot/vmlinuz'\n";

static void
assertRefused(const char *format, const char *cfg, int code, const char *message)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(xvmDomainDef) def = xvmDomainDefFromNative(format, cfg, -1, NULL, &err);

    g_assert_null(def);
    g_assert_error(err, XVM_CONF_ERROR, code);
    g_assert_cmpstr(err->message, ==, message);
}

static void
testFormats(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *cfg = NULL;
    char *out;

    assertRefused("xen-sxpr", minimal, VIR_ERR_INVALID_ARG, "unsupported config type xen-sxpr");
    assertRefused(NULL, minimal, VIR_ERR_INVALID_ARG, "unsupported config type (null)");
    assertRefused(XVM_NATIVE_FORMAT_XL, NULL, VIR_ERR_INVALID_ARG, "no configuration given");

    xml = xvmDomainXMLFromNative(XVM_NATIVE_FORMAT_XL, minimal, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(xml, "<name>api</name>"));
    cfg = xvmDomainXMLToNative(XVM_NATIVE_FORMAT_XM, xml, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(cfg, "name = \"api\"\n"));
    g_assert_nonnull(strstr(cfg, "kernel = \"/boot/vmlinuz\"\n"));

    out = xvmDomainXMLToNative("vmware-vmx", xml, &err);
    g_assert_null(out);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);
    /* a broken document is the XML parser's error */
    out = xvmDomainXMLToNative(XVM_NATIVE_FORMAT_XL, "<domain", &err);
    g_assert_null(out);
    g_assert_nonnull(err);
}

static void
testUuidGenerated(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(xvmDomainDef) def = xvmDomainDefFromNative(XVM_NATIVE_FORMAT_XL,
                                                         "name = 'n'\nkernel = '/k'\n", -1, NULL, &err);

    g_assert_no_error(err);
    g_assert_false(xvmUuidIsNull(&def->uuid));
    /* libvirt's defaults: 128 MiB, 1 vCPU */
    g_assert_cmpuint(def->memory, ==, 128 * 1024);
    g_assert_cmpuint(def->vcpus, ==, 1);
}

static void
testXendPolicy(void)
{
    const char *cfg =
        "name = 'sol'\n"
        "uuid = '8f07fe28-753f-2729-d76d-bdbd892f949a'\n"
        "memory = 512\n"
        "bootloader = '/usr/lib/xen/bin/pygrub'\n"
        "disk = [ 'phy:/dev/zvol/dsk/rpool/sol,xvda,w' ]\n"
        "vif = [ 'mac=00:16:3e:5a:1c:02,bridge=e1000g0,script=vif-vnic' ]\n"
        "on_xend_start = 'start'\n"
        "on_xend_stop = 'suspend'\n";
    xvmXenNativeExtras policy = { 0 };
    g_autoptr(GError) err = NULL;
    g_autoptr(xvmDomainDef) def = xvmDomainDefFromNative(XVM_NATIVE_FORMAT_XM, cfg, -1, &policy, &err);
    g_autofree char *out = NULL;
    g_autofree char *none = NULL;
    const xvmDomainNetDef *net;

    g_assert_no_error(err);
    g_assert_cmpint(policy.on_xend_start, ==, XVM_XEND_START_START);
    g_assert_cmpint(policy.on_xend_stop, ==, XVM_XEND_STOP_SUSPEND);
    /* xVM's VNIC script: a bridge-type interface on the physical link */
    net = g_ptr_array_index(def->nets, 0);
    g_assert_cmpint(net->type, ==, XVM_DOMAIN_NET_TYPE_BRIDGE);
    g_assert_cmpstr(net->source, ==, "e1000g0");
    g_assert_cmpstr(net->script, ==, "vif-vnic");

    out = xvmDomainDefToNative(XVM_NATIVE_FORMAT_XM, def, &policy, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(out, "on_crash = \"restart\"\non_xend_start = \"start\"\n"
                                 "on_xend_stop = \"suspend\"\n"));
    g_assert_nonnull(strstr(out, "vif = [ \"mac=00:16:3e:5a:1c:02,bridge=e1000g0,script=vif-vnic\" ]\n"));
    /* without a policy, nothing is written for it */
    none = xvmDomainDefToNative(XVM_NATIVE_FORMAT_XM, def, NULL, &err);
    g_assert_null(strstr(none, "on_xend"));

    /* xl has no such keys: the extras given back have none */
    policy.on_xend_start = XVM_XEND_START_START;
    g_clear_pointer(&def, xvmDomainDefFree);
    def = xvmDomainDefFromNative(XVM_NATIVE_FORMAT_XL, minimal, -1, &policy, &err);
    g_assert_no_error(err);
    g_assert_cmpint(policy.on_xend_start, ==, XVM_XEND_START_ABSENT);

    assertRefused(XVM_NATIVE_FORMAT_XM, "name='x'\nkernel='/k'\non_xend_start='always'\n",
                  VIR_ERR_INTERNAL_ERROR, "xm.cfg:3: unexpected value always for on_xend_start");
    assertRefused(XVM_NATIVE_FORMAT_XM, "name='x'\nkernel='/k'\non_xend_stop='migrate'\n",
                  VIR_ERR_INTERNAL_ERROR, "xm.cfg:3: unexpected value migrate for on_xend_stop");

    g_assert_cmpstr(xvmXendStartTypeToString(XVM_XEND_START_IGNORE), ==, "ignore");
    g_assert_cmpint(xvmXendStopTypeFromString("shutdown"), ==, XVM_XEND_STOP_SHUTDOWN);
    g_assert_cmpint(xvmXendStopTypeFromString("absent"), ==, -1);
    g_assert_null(xvmXendStopTypeToString(42));
}

/* unknown settings are ignored, as libvirt does; known settings without a
 * form here are refused */
static void
testUnknownAndUnsupported(void)
{
    g_autofree char *cfg = g_strconcat(minimal,
                                       "on_xend_start = 'start'\n"     /* xm only: unknown to xl */
                                       "cpus_soft = '0-3'\n"
                                       "claim_mode = 1\n"
                                       "some_future_key = [ 1, 2 ]\n", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(xvmDomainDef) def = xvmDomainDefFromNative(XVM_NATIVE_FORMAT_XL, cfg, -1, NULL, &err);

    g_assert_no_error(err);
    g_assert_nonnull(def);

    assertRefused(XVM_NATIVE_FORMAT_XL, "name='x'\nkernel='/k'\npci = [ '0000:01:00.0' ]\n",
                  VIR_ERR_CONFIG_UNSUPPORTED,
                  "xl.cfg:3: setting 'pci' is not supported by this driver");
    /* an empty list of them is harmless */
    g_clear_pointer(&def, xvmDomainDefFree);
    def = xvmDomainDefFromNative(XVM_NATIVE_FORMAT_XL, "name='x'\nkernel='/k'\npci = [ ]\n", -1,
                                 NULL, &err);
    g_assert_no_error(err);
    /* boolean settings at their default are accepted */
    g_clear_pointer(&def, xvmDomainDefFree);
    def = xvmDomainDefFromNative(XVM_NATIVE_FORMAT_XL,
                                 "name='x'\ntype='hvm'\nhpet=1\nnestedhvm=0\ntsc_mode='default'\n",
                                 -1, NULL, &err);
    g_assert_no_error(err);
    /* the timers are the definition's (<clock><timer>) */
    g_assert_true(def->clock.timers[XVM_DOMAIN_TIMER_NAME_HPET].set);
    g_assert_cmpint(def->clock.timers[XVM_DOMAIN_TIMER_NAME_HPET].present, ==,
                    XVM_TRISTATE_BOOL_YES);
    g_assert_cmpint(def->clock.timers[XVM_DOMAIN_TIMER_NAME_TSC].mode, ==,
                    XVM_DOMAIN_TIMER_MODE_AUTO);
    g_clear_pointer(&def, xvmDomainDefFree);
    def = xvmDomainDefFromNative(XVM_NATIVE_FORMAT_XL, "name='x'\ntype='hvm'\nhpet=0\n",
                                 -1, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpint(def->clock.timers[XVM_DOMAIN_TIMER_NAME_HPET].present, ==,
                    XVM_TRISTATE_BOOL_NO);
    g_assert_false(def->clock.timers[XVM_DOMAIN_TIMER_NAME_TSC].set);
    assertRefused(XVM_NATIVE_FORMAT_XL, "name='x'\ntype='hvm'\nnestedhvm=1\n",
                  VIR_ERR_CONFIG_UNSUPPORTED,
                  "xl.cfg:3: 'nestedhvm = 1' is not supported by this driver");
}

/* the credit scheduler's weight is <cputune><shares>; its cap, which has
 * no domain XML form in libvirt, travels beside the definition */
static void
testSchedParams(void)
{
    g_autofree char *cfg = g_strconcat(minimal, "cpu_weight = 512\ncpu_cap = 150\nvcpus = 2\n", NULL);
    g_autofree char *weightOnly = g_strconcat(minimal, "cpu_weight = 512\nvcpus = 2\n", NULL);
    xvmXenNativeExtras extras;
    g_autoptr(GError) err = NULL;
    g_autoptr(xvmDomainDef) def = xvmDomainDefFromNative(XVM_NATIVE_FORMAT_XL, cfg, -1, &extras, &err);
    g_autofree char *xl = NULL;
    g_autofree char *xm = NULL;
    g_autofree char *none = NULL;
    g_autofree char *xml = NULL;
    xvmXenNativeExtras zero = { 0 };

    g_assert_no_error(err);
    g_assert_true(def->cputune_shares_set);
    g_assert_cmpuint(def->cputune_shares, ==, 512);
    g_assert_true(extras.has_cpu_cap);
    g_assert_cmpuint(extras.cpu_cap, ==, 150);
    xl = xvmDomainDefToNative(XVM_NATIVE_FORMAT_XL, def, &extras, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(xl, "vcpus = 2\ncpu_weight = 512\ncpu_cap = 150\nkernel = "));
    xm = xvmDomainDefToNative(XVM_NATIVE_FORMAT_XM, def, &extras, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(xm, "vcpus = 2\ncpu_weight = 512\ncpu_cap = 150\nkernel = "));
    /* without extras the weight stays (it is the definition's), the cap goes */
    none = xvmDomainDefToNative(XVM_NATIVE_FORMAT_XL, def, &zero, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(none, "vcpus = 2\ncpu_weight = 512\nkernel = "));
    g_assert_null(strstr(none, "cpu_cap"));
    xml = xvmDomainXMLFromNative(XVM_NATIVE_FORMAT_XL, cfg, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(xml, "  <cputune>\n    <shares>512</shares>\n  </cputune>\n"));

    /* a cap of 0 is "no cap", and is kept as given */
    g_clear_pointer(&def, xvmDomainDefFree);
    def = xvmDomainDefFromNative(XVM_NATIVE_FORMAT_XM, "name='x'\nkernel='/k'\ncpu_cap=0\n", -1,
                                 &extras, &err);
    g_assert_no_error(err);
    g_assert_true(extras.has_cpu_cap);
    g_assert_false(def->cputune_shares_set);
    g_assert_cmpuint(extras.cpu_cap, ==, 0);

    /* without a place to put it, a cap is refused rather than lost; a
     * weight always has one */
    assertRefused(XVM_NATIVE_FORMAT_XL, cfg, VIR_ERR_CONFIG_UNSUPPORTED,
                  "xl.cfg:6: setting 'cpu_cap' is not supported here");
    g_clear_pointer(&def, xvmDomainDefFree);
    def = xvmDomainDefFromNative(XVM_NATIVE_FORMAT_XM, weightOnly, -1, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(def->cputune_shares, ==, 512);
    g_clear_pointer(&def, xvmDomainDefFree);
    def = xvmDomainDefFromNative(XVM_NATIVE_FORMAT_XL, "name='x'\nkernel='/k'\ncpu_weight=70000\n",
                                 -1, &extras, &err);
    g_assert_null(def);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_assert_cmpstr(err->message, ==, "xl.cfg:3: config value cpu_weight was malformed: out of range (1 to 65535)");
    g_clear_error(&err);

    /* a definition built elsewhere with a weight Xen refuses */
    def = xvmDomainDefFromNative(XVM_NATIVE_FORMAT_XL, weightOnly, -1, NULL, &err);
    g_assert_no_error(err);
    def->cputune_shares = 0;
    g_clear_pointer(&xl, g_free);
    xl = xvmDomainDefToNative(XVM_NATIVE_FORMAT_XL, def, NULL, &err);
    g_assert_null(xl);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED);
    g_assert_cmpstr(err->message, ==,
                    "<cputune><shares> 0 is out of range: Xen's credit scheduler takes a weight from 1 to 65535");
}

static void
testBounded(void)
{
    g_autoptr(GString) s = g_string_new(minimal);
    g_autofree char *msg = NULL;
    int i;

    /* a huge configuration: refused before parsing, whatever it holds */
    {
        gsize len = XVM_XEN_CONF_MAX_BYTES + 100;
        g_autofree char *big = g_malloc(len + 1);
        memset(big, ' ', len);
        big[len] = '\0';
        memcpy(big, minimal, strlen(minimal));
        assertRefused(XVM_NATIVE_FORMAT_XL, big, VIR_ERR_CONF_SYNTAX,
                      "xl.cfg: configuration of 1048577 bytes is larger than the limit of 1048576 bytes");
    }

    /* an enormous vif list */
    g_string_append(s, "vif = [\n");
    for (i = 0; i < 5000; i++)
        g_string_append(s, "  'bridge=xenbr0',\n");
    g_string_append(s, "]\n");
    assertRefused(XVM_NATIVE_FORMAT_XL, s->str, VIR_ERR_CONF_SYNTAX,
                  "xl.cfg:1030: list with more than 1024 items");

    /* more disks than a domain may have, within the list limit */
    g_string_assign(s, minimal);
    g_string_append(s, "disk = [\n");
    for (i = 0; i < XVM_DOMAIN_MAX_DISKS + 1; i++)
        g_string_append_printf(s, "  'phy:/dev/vg/d%d,xvd%c%c,w',\n", i, 'a' + i / 26, 'a' + i % 26);
    g_string_append(s, "]\n");
    assertRefused(XVM_NATIVE_FORMAT_XL, s->str, VIR_ERR_INTERNAL_ERROR,
                  "xl.cfg:5: config value disk was malformed: too many disks");

    /* a long string */
    g_string_assign(s, minimal);
    g_string_append(s, "cmdline = '");
    for (i = 0; i < 20000; i++)
        g_string_append_c(s, 'x');
    g_string_append(s, "'\n");
    msg = g_strdup_printf("xl.cfg:5: string longer than %d bytes", XVM_XEN_CONF_MAX_STRING);
    assertRefused(XVM_NATIVE_FORMAT_XL, s->str, VIR_ERR_CONF_SYNTAX, msg);

    /* absurd numbers */
    assertRefused(XVM_NATIVE_FORMAT_XL, "name='x'\nkernel='/k'\nmemory = 0x7fffffffffffffff\n",
                  VIR_ERR_INTERNAL_ERROR, "xl.cfg:3: config value memory was malformed: out of range");
    assertRefused(XVM_NATIVE_FORMAT_XL, "name='x'\nkernel='/k'\nvcpus = 100000\n",
                  VIR_ERR_INTERNAL_ERROR, "xl.cfg:3: config value vcpus was malformed: out of range");
    assertRefused(XVM_NATIVE_FORMAT_XL, "name='x'\nkernel='/k'\nvcpus = 2\ncpus = '0-99999'\n",
                  VIR_ERR_INTERNAL_ERROR, "xl.cfg:4: config value cpus was malformed: invalid cpuset");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/native/api/formats", testFormats);
    g_test_add_func("/native/api/uuid-generated", testUuidGenerated);
    g_test_add_func("/native/api/xend-policy", testXendPolicy);
    g_test_add_func("/native/api/unknown-and-unsupported", testUnknownAndUnsupported);
    g_test_add_func("/native/api/sched-params", testSchedParams);
    g_test_add_func("/native/api/bounded", testBounded);
    return g_test_run();
}
