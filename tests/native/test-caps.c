/*
 * test-caps.c: the capabilities and domain capabilities documents:
 * golden files (tests/confdata/caps), validation of each with
 * virt-xml-validate against libvirt's capability / domaincaps schemas,
 * and refusal of inconsistent host descriptions and bad arguments.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <libvirt/virterror.h>

#include "capabilities.h"
#include "domain_capabilities.h"
#include "domain_conf.h"
#include "native_test_util.h"

static void
checkGolden(const char *name, const char *doc, const char *schema)
{
    g_autofree char *path = g_build_filename(nativeTestDataDir(), "caps", name, NULL);

    g_assert_nonnull(doc);
    g_assert_true(nativeTestCompare(path, doc));
    g_assert_true(nativeTestValidate(doc, schema));
}

/* Two sockets of two cores of two threads, one NUMA cell per socket. */
static const xvmPhysCpu cell0Cpus[] = { {0, 0, 0, 0}, {1, 0, 0, 0}, {2, 0, 0, 1}, {3, 0, 0, 1} };
static const xvmPhysCpu cell1Cpus[] = { {4, 1, 0, 0}, {5, 1, 0, 0}, {6, 1, 0, 1}, {7, 1, 0, 1} };
static unsigned int dist0[] = { 10, 21 };
static unsigned int dist1[] = { 21, 10 };
static const char *const features[] = { "vmx", "ssse3", "x2apic", NULL };

static xvmPhysInfo
numaHost(xvmPhysNumaCell *cells)
{
    xvmPhysInfo info = {
        .arch = "x86_64", .cpu_model = "Skylake-Client-IBRS", .cpu_vendor = "Intel",
        .cpu_features = features,
        .sockets = 2, .cores_per_socket = 2, .threads_per_core = 2, .nr_cpus = 8,
        .total_kib = 33554432, .free_kib = 30000000,
        .host_uuid = "4c4c4544-0053-3610-8048-b2c04f4e4432",
        .hvm = TRUE, .hap = TRUE, .pv = TRUE, .pv32 = TRUE, .pvh = TRUE,
        .iommu = TRUE, .live_migration = TRUE,
        .ncells = 2, .cells = cells,
    };
    cells[0] = (xvmPhysNumaCell){ 0, 16777216, 15000000, 4, (xvmPhysCpu *)cell0Cpus, 2, dist0 };
    cells[1] = (xvmPhysNumaCell){ 1, 16777216, 15000000, 4, (xvmPhysCpu *)cell1Cpus, 2, dist1 };
    return info;
}

static void
testCapsNuma(void)
{
    xvmPhysNumaCell cells[2];
    xvmPhysInfo info = numaHost(cells);
    g_autoptr(GError) err = NULL;
    g_autofree char *doc = xvmCapabilitiesFormat(&info, &err);

    g_assert_no_error(err);
    checkGolden("host-numa.xml", doc, "capability");
}

/* A small host without hardware virtualisation (or in the simulator):
 * PV guests only, no NUMA information (one cell made up), no model. */
static void
testCapsPvOnly(void)
{
    xvmPhysInfo info = {
        .arch = "x86_64", .sockets = 1, .cores_per_socket = 2, .threads_per_core = 1,
        .nr_cpus = 2, .total_kib = 2097152, .free_kib = 1048576, .pv = TRUE,
        .emulator = "/usr/lib/xen/bin/qemu-system-i386",
    };
    g_autoptr(GError) err = NULL;
    g_autofree char *doc = xvmCapabilitiesFormat(&info, &err);

    g_assert_no_error(err);
    checkGolden("host-pv-only.xml", doc, "capability");
}

/* HVM and PVH without HAP (shadow paging): no hap feature */
static void
testCapsNoHap(void)
{
    xvmPhysInfo info = {
        .arch = "x86_64", .cpu_vendor = "AMD", .sockets = 1, .cores_per_socket = 4,
        .threads_per_core = 1, .nr_cpus = 4, .total_kib = 8388608, .free_kib = 4194304,
        .hvm = TRUE, .pv = TRUE, .pvh = TRUE,
    };
    g_autoptr(GError) err = NULL;
    g_autofree char *doc = xvmCapabilitiesFormat(&info, &err);

    g_assert_no_error(err);
    checkGolden("host-nohap.xml", doc, "capability");
    g_assert_null(strstr(doc, "<hap"));
}

static void
assertInvalidHost(const xvmPhysInfo *info, int code, const char *message)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *doc = xvmCapabilitiesFormat(info, &err);

    g_assert_null(doc);
    g_assert_error(err, XVM_CONF_ERROR, code);
    g_assert_cmpstr(err->message, ==, message);
}

static void
testCapsInvalid(void)
{
    xvmPhysNumaCell cells[2];
    xvmPhysInfo info = numaHost(cells);
    xvmPhysCpu dup[] = { {0, 0, 0, 0}, {0, 0, 0, 0} };
    xvmPhysCpu far[] = { {8, 0, 0, 0} };
    const char *badFeatures[] = { "ok", "not ok", NULL };

    info.arch = "aarch64";
    assertInvalidHost(&info, VIR_ERR_CONFIG_UNSUPPORTED,
                      "invalid host description: host architecture 'aarch64' is not supported (only x86_64)");
    info = numaHost(cells);
    info.threads_per_core = 1;
    assertInvalidHost(&info, VIR_ERR_INTERNAL_ERROR,
                      "invalid host description: topology of 2 sockets, 2 cores and 1 threads does not make 8 CPUs");
    info = numaHost(cells);
    info.nr_cpus = 0;
    assertInvalidHost(&info, VIR_ERR_INTERNAL_ERROR,
                      "invalid host description: 0 CPUs (expected 1 to 4096)");
    info = numaHost(cells);
    cells[1].id = 0;
    assertInvalidHost(&info, VIR_ERR_INTERNAL_ERROR,
                      "invalid host description: NUMA cell 0 listed twice");
    info = numaHost(cells);
    cells[0].cpus = dup;
    cells[0].ncpus = 2;
    assertInvalidHost(&info, VIR_ERR_INTERNAL_ERROR, "invalid host description: CPU 0 listed twice");
    info = numaHost(cells);
    cells[1].cpus = far;
    cells[1].ncpus = 1;
    assertInvalidHost(&info, VIR_ERR_INTERNAL_ERROR,
                      "invalid host description: CPU 8 of NUMA cell 1 is beyond the 8 CPUs");
    info = numaHost(cells);
    cells[0].ndistances = 1;
    assertInvalidHost(&info, VIR_ERR_INTERNAL_ERROR,
                      "invalid host description: NUMA cell 0 has 1 distances for 2 cells");
    info = numaHost(cells);
    info.cpu_features = badFeatures;
    assertInvalidHost(&info, VIR_ERR_INTERNAL_ERROR,
                      "invalid host description: malformed CPU feature name 'not ok'");
    info = numaHost(cells);
    info.host_uuid = "not-a-uuid";
    assertInvalidHost(&info, VIR_ERR_INTERNAL_ERROR,
                      "invalid host description: malformed host UUID 'not-a-uuid'");
    info = numaHost(cells);
    info.free_kib = info.total_kib + 1;
    assertInvalidHost(&info, VIR_ERR_INTERNAL_ERROR,
                      "invalid host description: more free memory than memory");
    info = numaHost(cells);
    info.hvmloader = "hvmloader";
    assertInvalidHost(&info, VIR_ERR_INTERNAL_ERROR,
                      "invalid host description: emulator and loader paths must be absolute");
    assertInvalidHost(NULL, VIR_ERR_INTERNAL_ERROR, "invalid host description: no host architecture");
}

/* Markup in host strings comes out escaped, and the result still validates. */
static void
testCapsEscaping(void)
{
    xvmPhysInfo info = {
        .arch = "x86_64", .cpu_model = "Model <x> & 'y'", .cpu_vendor = "\"Vendor\"",
        .sockets = 1, .cores_per_socket = 1, .threads_per_core = 1, .nr_cpus = 1,
        .total_kib = 1048576, .pv = TRUE, .emulator = "/opt/q&a/qemu's",
    };
    g_autoptr(GError) err = NULL;
    g_autofree char *doc = xvmCapabilitiesFormat(&info, &err);

    g_assert_no_error(err);
    g_assert_nonnull(strstr(doc, "<model>Model &lt;x&gt; &amp; 'y'</model>"));
    g_assert_nonnull(strstr(doc, "<emulator>/opt/q&amp;a/qemu's</emulator>"));
    g_assert_true(nativeTestValidate(doc, "capability"));
}

static void
testCpuSet(void)
{
    const unsigned int a[] = { 3, 0, 1, 2, 8, 10, 11, 2 };
    const unsigned int b[] = { 5 };
    g_autofree char *sa = xvmFormatCpuSet(a, G_N_ELEMENTS(a));
    g_autofree char *sb = xvmFormatCpuSet(b, 1);
    g_autofree char *sc = xvmFormatCpuSet(NULL, 0);

    g_assert_cmpstr(sa, ==, "0-3,8,10-11");
    g_assert_cmpstr(sb, ==, "5");
    g_assert_cmpstr(sc, ==, "");
    g_assert_cmpstr(xvmCapsDefaultMachine("xen"), ==, "xenpv");
    g_assert_cmpstr(xvmCapsDefaultMachine("linux"), ==, "xenpv");
    g_assert_cmpstr(xvmCapsDefaultMachine("xenpvh"), ==, "xenpvh");
    g_assert_cmpstr(xvmCapsDefaultMachine("hvm"), ==, "xenfv");
    g_assert_null(xvmCapsDefaultMachine("exe"));
}

/* ---- domain capabilities ---- */

static void
testDomCapsDefault(void)
{
    /* nova: getDomainCapabilities(None, 'x86_64', None, 'xen') */
    g_autoptr(GError) err = NULL;
    g_autofree char *doc = xvmDomainCapabilitiesFormat(NULL, "x86_64", NULL, "xen", NULL, &err);

    g_assert_no_error(err);
    checkGolden("domcaps-xenpv.xml", doc, "domaincaps");
}

static void
testDomCapsXenfv(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *doc = xvmDomainCapabilitiesFormat(NULL, NULL, "xenfv", NULL, NULL, &err);

    g_assert_no_error(err);
    checkGolden("domcaps-xenfv.xml", doc, "domaincaps");
}

static void
testDomCapsXenpvh(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *doc = xvmDomainCapabilitiesFormat(NULL, "x86_64", "xenpvh", "xen", NULL, &err);

    g_assert_no_error(err);
    checkGolden("domcaps-xenpvh.xml", doc, "domaincaps");
}

/* a driver with PCI and USB assignment, its own emulator and firmwares */
static void
testDomCapsHostdev(void)
{
    const char *const fw[] = { "/usr/lib/xen/boot/hvmloader", "/usr/share/OVMF/OVMF_CODE.fd", NULL };
    xvmDomainCapsOptions opts = {
        .default_emulator = "/usr/lib/xen/bin/qemu-system-i386",
        .firmwares = fw, .hostdev_pci = TRUE, .hostdev_usb = TRUE,
    };
    g_autoptr(GError) err = NULL;
    g_autofree char *doc = xvmDomainCapabilitiesFormat(NULL, "i686", "xenfv", "xen", &opts, &err);

    g_assert_no_error(err);
    checkGolden("domcaps-xenfv-hostdev.xml", doc, "domaincaps");
}

static void
assertDomCapsError(const char *emulator, const char *arch, const char *machine,
                   const char *virttype, const char *message)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *doc = xvmDomainCapabilitiesFormat(emulator, arch, machine, virttype, NULL, &err);

    g_assert_null(doc);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
    g_assert_cmpstr(err->message, ==, message);
}

static void
testDomCapsErrors(void)
{
    assertDomCapsError(NULL, NULL, NULL, "kvm", "unknown virttype: kvm");
    assertDomCapsError(NULL, "aarch64", NULL, NULL, "architecture aarch64 is not supported");
    assertDomCapsError(NULL, NULL, "pc-i440fx-7.2", NULL,
                       "Xen only supports 'xenpv', 'xenpvh' and 'xenfv' machines");
    assertDomCapsError(NULL, "i686", "xenpvh", NULL, "PVH guests are x86_64 only");
    assertDomCapsError("qemu", NULL, NULL, NULL, "emulator 'qemu' is not an absolute path");
}

static void
testDomCapsEmulator(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *doc = xvmDomainCapabilitiesFormat("/usr/bin/qemu-system-x86_64", NULL, "xenfv",
                                                       NULL, NULL, &err);

    g_assert_no_error(err);
    g_assert_nonnull(strstr(doc, "<path>/usr/bin/qemu-system-x86_64</path>"));
    g_assert_nonnull(strstr(doc, "<vcpu max='128'/>"));
    g_assert_true(nativeTestValidate(doc, "domaincaps"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/caps/host/numa", testCapsNuma);
    g_test_add_func("/caps/host/pv-only", testCapsPvOnly);
    g_test_add_func("/caps/host/no-hap", testCapsNoHap);
    g_test_add_func("/caps/host/invalid", testCapsInvalid);
    g_test_add_func("/caps/host/escaping", testCapsEscaping);
    g_test_add_func("/caps/cpuset", testCpuSet);
    g_test_add_func("/caps/domain/xenpv-default", testDomCapsDefault);
    g_test_add_func("/caps/domain/xenfv", testDomCapsXenfv);
    g_test_add_func("/caps/domain/xenpvh", testDomCapsXenpvh);
    g_test_add_func("/caps/domain/hostdev", testDomCapsHostdev);
    g_test_add_func("/caps/domain/errors", testDomCapsErrors);
    g_test_add_func("/caps/domain/emulator", testDomCapsEmulator);
    return g_test_run();
}
