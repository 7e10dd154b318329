/*
 * test-conf-util: uuid, mac, bitmap, memory units, disk names, enums.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <locale.h>
#include <string.h>

#include "domain_conf.h"

static void
test_uuid_parse_format(void)
{
    static const struct {
        const char *in;
        const char *out;       /* NULL: refused */
    } cases[] = {
        { "c7a5fdb2-cdaf-9455-926a-d65c16db1809", "c7a5fdb2-cdaf-9455-926a-d65c16db1809" },
        { "C7A5FDB2-CDAF-9455-926A-D65C16DB1809", "c7a5fdb2-cdaf-9455-926a-d65c16db1809" },
        { "c7a5fdb2cdaf9455926ad65c16db1809", "c7a5fdb2-cdaf-9455-926a-d65c16db1809" },
        { "  c7a5fdb2-cdaf-9455-926a-d65c16db1809  ", "c7a5fdb2-cdaf-9455-926a-d65c16db1809" },
        { "c7a5fdb2-cdaf-9455-926a-d65c16db180", NULL },      /* short */
        { "c7a5fdb2-cdaf-9455-926a-d65c16db18090", NULL },    /* long */
        { "g7a5fdb2-cdaf-9455-926a-d65c16db1809", NULL },     /* not hex */
        { "00000000-0000-0000-0000-000000000000", NULL },     /* nil */
        { "ffffffff-ffff-ffff-ffff-ffffffffffff", NULL },     /* max */
        { "", NULL },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        xvmUuid u;
        gboolean ok = xvmUuidParse(cases[i].in, &u);
        g_assert_cmpint(ok, ==, cases[i].out != NULL);
        if (ok) {
            char buf[XVM_UUID_STRING_BUFLEN];
            xvmUuidFormat(&u, buf);
            g_assert_cmpstr(buf, ==, cases[i].out);
        }
    }
    g_assert_false(xvmUuidParse(NULL, NULL));
}

static void
test_uuid_generate(void)
{
    xvmUuid a, b;
    char buf[XVM_UUID_STRING_BUFLEN];

    xvmUuidGenerate(&a);
    xvmUuidGenerate(&b);
    g_assert_false(xvmUuidEqual(&a, &b));
    g_assert_false(xvmUuidIsNull(&a));
    g_assert_cmpint(a.bytes[6] >> 4, ==, 4);          /* version 4 */
    g_assert_cmpint(a.bytes[8] & 0xc0, ==, 0x80);     /* RFC 4122 variant */
    xvmUuidFormat(&a, buf);
    g_assert_cmpint(strlen(buf), ==, 36);
    g_assert_true(g_uuid_string_is_valid(buf));
}

static void
test_mac(void)
{
    xvmMac m;
    char buf[XVM_MAC_STRING_BUFLEN];

    g_assert_true(xvmMacParse("00:16:3E:aa:0b:c", &m));
    xvmMacFormat(&m, buf);
    g_assert_cmpstr(buf, ==, "00:16:3e:aa:0b:0c");
    g_assert_false(xvmMacIsMulticast(&m));
    g_assert_true(xvmMacParse("01:00:5e:00:00:01", &m));
    g_assert_true(xvmMacIsMulticast(&m));
    g_assert_false(xvmMacParse("00:16:3e:aa:0b", &m));
    g_assert_false(xvmMacParse("00:16:3e:aa:0b:0c:0d", &m));
    g_assert_false(xvmMacParse("00:16:3e:aa:0b:0cc", &m));
    g_assert_false(xvmMacParse("00-16-3e-aa-0b-0c", &m));
    g_assert_false(xvmMacParse("00:16:3e:aa:0b:", &m));
    g_assert_false(xvmMacParse("", &m));
    g_assert_false(xvmMacParse(NULL, &m));
    for (int i = 0; i < 100; i++) {
        xvmMacGenerateXen(&m);
        g_assert_cmpint(m.addr[0], ==, 0x00);
        g_assert_cmpint(m.addr[1], ==, 0x16);
        g_assert_cmpint(m.addr[2], ==, 0x3e);
        g_assert_cmpint(m.addr[3] & 0x80, ==, 0);
        g_assert_false(xvmMacIsMulticast(&m));
    }
}

static void
test_bitmap(void)
{
    static const struct {
        const char *in;
        const char *out;       /* NULL: refused */
    } cases[] = {
        { "0", "0" },
        { "0-3", "0-3" },
        { "0-3,^2", "0-1,3" },
        { "3,1,2,8", "1-3,8" },
        { " 0 - 1 ", NULL },             /* no blanks inside a range */
        { " 0-1 , 4 ", "0-1,4" },
        { "0-3,^0,^1,^2,^3", NULL },     /* empty */
        { "4095", "4095" },
        { "4096", NULL },                /* out of range */
        { "3-1", NULL },
        { "^2", NULL },
        { "1,", NULL },
        { "a", NULL },
        { "", NULL },
        { "-1", NULL },
        { "99999999999999999999", NULL },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(xvmBitmap) b = xvmBitmapParse(cases[i].in, XVM_CPUSET_MAX_CPUS);
        if (!cases[i].out) {
            if (b)
                g_error("bitmap '%s' was accepted", cases[i].in);
            continue;
        }
        g_assert_nonnull(b);
        g_autofree char *s = xvmBitmapFormat(b);
        g_assert_cmpstr(s, ==, cases[i].out);
    }
    {
        g_autoptr(xvmBitmap) a = xvmBitmapParse("0-2", 8);
        g_autoptr(xvmBitmap) c = xvmBitmapCopy(a);
        g_assert_true(xvmBitmapEqual(a, c));
        g_assert_cmpuint(xvmBitmapCount(c), ==, 3);
        g_assert_false(xvmBitmapSet(c, 8));
        xvmBitmapClear(c, 1);
        g_assert_false(xvmBitmapEqual(a, c));
    }
}

static void
test_units(void)
{
    static const struct {
        const char *value, *unit;
        guint64 kib;
    } ok[] = {
        { "1", NULL, 1 }, { "1", "KiB", 1 }, { "1", "k", 1 }, { "1", "K", 1 },
        { "1000", "KB", 977 },           /* 1000000 bytes rounded up */
        { "1", "b", 1 }, { "1025", "bytes", 2 }, { "0", "b", 0 },
        { "512", "M", 524288 }, { "512", "MiB", 524288 }, { "1", "MB", 977 },
        { "2", "G", 2097152 }, { "2", "GiB", 2097152 }, { "1", "GB", 976563 },
        { "1", "T", 1073741824ULL }, { "1", "TiB", 1073741824ULL },
        { "1", "P", 1099511627776ULL }, { "1", "E", 1125899906842624ULL / 1024 * 1024 },
        { " 42 ", "KiB", 42 },
    };
    static const struct {
        const char *value, *unit;
    } bad[] = {
        { "-1", "KiB" }, { "1.5", "GiB" }, { "abc", NULL }, { "", NULL },
        { "1", "kb" }, { "1", "Gi" }, { "1", "X" }, { "8", "E" },
        { "99999999999999999999", "b" }, { "9007199254740992", "MiB" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(ok); i++) {
        guint64 kib = 0;
        g_autoptr(GError) error = NULL;
        g_assert_true(xvmParseScaledKiB("memory", ok[i].value, ok[i].unit, &kib, &error));
        g_assert_no_error(error);
        if (i == 17)    /* 1 EiB = 2^50 KiB */
            g_assert_cmpuint(kib, ==, G_GUINT64_CONSTANT(1) << 50);
        else
            g_assert_cmpuint(kib, ==, ok[i].kib);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        guint64 kib = 0;
        g_autoptr(GError) error = NULL;
        if (xvmParseScaledKiB("memory", bad[i].value, bad[i].unit, &kib, &error))
            g_error("'%s' '%s' accepted", bad[i].value, bad[i].unit ? bad[i].unit : "");
        g_assert_error(error, XVM_CONF_ERROR, VIR_ERR_XML_ERROR);
        g_assert_nonnull(strstr(error->message, "<memory>"));
    }
}

static void
test_disk_names(void)
{
    g_assert_cmpint(xvmDiskNameToIndex("xvda"), ==, 0);
    g_assert_cmpint(xvmDiskNameToIndex("xvdb"), ==, 1);
    g_assert_cmpint(xvmDiskNameToIndex("hdc"), ==, 2);
    g_assert_cmpint(xvmDiskNameToIndex("sdz"), ==, 25);
    g_assert_cmpint(xvmDiskNameToIndex("sdaa"), ==, 26);
    g_assert_cmpint(xvmDiskNameToIndex("xvdab"), ==, 27);
    g_assert_cmpint(xvmDiskNameToIndex("xvdba"), ==, 52);
    g_assert_cmpint(xvmDiskNameToIndex("xvd"), ==, -1);
    g_assert_cmpint(xvmDiskNameToIndex("vda"), ==, -1);
    g_assert_cmpint(xvmDiskNameToIndex("xvda1"), ==, -1);
    g_assert_cmpint(xvmDiskNameToIndex("xvdA"), ==, -1);
    g_assert_cmpint(xvmDiskNameToIndex("xvdzzzzzzzzzzzzzzzz"), ==, -1);
    g_assert_cmpint(xvmDiskNameToIndex(NULL), ==, -1);
}

typedef const char *(*ToStr)(int);
typedef int (*FromStr)(const char *);

static void
check_enum(const char *what, ToStr to, FromStr from, int last)
{
    for (int i = 0; i < last; i++) {
        const char *s = to(i);
        if (!s)
            g_error("%s: no name for %d", what, i);
        g_assert_cmpint(from(s), ==, i);
    }
    g_assert_null(to(last));
    g_assert_null(to(-1));
    g_assert_cmpint(from("no-such-value"), ==, -1);
    g_assert_cmpint(from(NULL), ==, -1);
}

#define CHECK_ENUM(name, last) check_enum(#name, name##TypeToString, name##TypeFromString, last)

static void
test_enums(void)
{
    CHECK_ENUM(xvmTristateBool, XVM_TRISTATE_BOOL_LAST);
    CHECK_ENUM(xvmTristateSwitch, XVM_TRISTATE_SWITCH_LAST);
    CHECK_ENUM(xvmDomainOSType, XVM_DOMAIN_OS_TYPE_LAST);
    CHECK_ENUM(xvmDomainArch, XVM_DOMAIN_ARCH_LAST);
    CHECK_ENUM(xvmDomainMachine, XVM_DOMAIN_MACHINE_LAST);
    CHECK_ENUM(xvmDomainBootDev, XVM_DOMAIN_BOOT_LAST);
    CHECK_ENUM(xvmDomainLoaderType, XVM_DOMAIN_LOADER_TYPE_LAST);
    CHECK_ENUM(xvmDomainFeature, XVM_DOMAIN_FEATURE_LAST);
    CHECK_ENUM(xvmDomainClockOffset, XVM_DOMAIN_CLOCK_OFFSET_LAST);
    CHECK_ENUM(xvmDomainClockBasis, XVM_DOMAIN_CLOCK_BASIS_LAST);
    CHECK_ENUM(xvmDomainLifecycleAction, XVM_DOMAIN_LIFECYCLE_ACTION_LAST);
    CHECK_ENUM(xvmDomainCpuPlacement, XVM_DOMAIN_CPU_PLACEMENT_LAST);
    CHECK_ENUM(xvmDomainDiskType, XVM_DOMAIN_DISK_TYPE_LAST);
    CHECK_ENUM(xvmDomainDiskDevice, XVM_DOMAIN_DISK_DEVICE_LAST);
    CHECK_ENUM(xvmDomainDiskBus, XVM_DOMAIN_DISK_BUS_LAST);
    CHECK_ENUM(xvmDomainDiskDriver, XVM_DOMAIN_DISK_DRIVER_LAST);
    CHECK_ENUM(xvmDomainDiskFormat, XVM_DOMAIN_DISK_FORMAT_LAST);
    CHECK_ENUM(xvmDomainControllerType, XVM_DOMAIN_CONTROLLER_TYPE_LAST);
    CHECK_ENUM(xvmDomainNetType, XVM_DOMAIN_NET_TYPE_LAST);
    CHECK_ENUM(xvmDomainChrType, XVM_DOMAIN_CHR_TYPE_LAST);
    CHECK_ENUM(xvmDomainChrDevice, XVM_DOMAIN_CHR_DEVICE_LAST);
    CHECK_ENUM(xvmDomainChrConsoleTarget, XVM_DOMAIN_CHR_CONSOLE_TARGET_LAST);
    CHECK_ENUM(xvmDomainGraphicsType, XVM_DOMAIN_GRAPHICS_TYPE_LAST);
    CHECK_ENUM(xvmDomainInputType, XVM_DOMAIN_INPUT_TYPE_LAST);
    CHECK_ENUM(xvmDomainInputBus, XVM_DOMAIN_INPUT_BUS_LAST);
    CHECK_ENUM(xvmDomainVideoModel, XVM_DOMAIN_VIDEO_MODEL_LAST);
    /* libvirt's spellings */
    g_assert_cmpstr(xvmDomainLifecycleActionTypeToString(XVM_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME),
                    ==, "rename-restart");
    g_assert_cmpstr(xvmDomainBootDevTypeToString(XVM_DOMAIN_BOOT_DISK), ==, "hd");
}

int
main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/conf/uuid/parse-format", test_uuid_parse_format);
    g_test_add_func("/conf/uuid/generate", test_uuid_generate);
    g_test_add_func("/conf/mac", test_mac);
    g_test_add_func("/conf/bitmap", test_bitmap);
    g_test_add_func("/conf/units", test_units);
    g_test_add_func("/conf/disk-names", test_disk_names);
    g_test_add_func("/conf/enums", test_enums);
    return g_test_run();
}
