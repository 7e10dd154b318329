/*
 * test-domain-api: behaviour that golden files cannot show: generated
 * UUIDs and MACs, bounded input (size, counts, entities, depth), flags,
 * definitions built in code (as the xl/xm converters and the driver do),
 * deep copies.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <locale.h>
#include <string.h>

#include "domain_conf.h"

#define HEAD "<domain type='xen'><name>t</name><memory>65536</memory>" \
             "<os><type>xen</type></os>"

static xvmDomainDef *
parse_ok(const char *xml, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    xvmDomainDef *def = xvmDomainDefParseString(xml, -1, flags, &error);
    g_assert_no_error(error);
    g_assert_nonnull(def);
    return def;
}

static void
expect_error(const char *xml, gssize len, int code, const char *fragment)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(xvmDomainDef) def = xvmDomainDefParseString(xml, len, XVM_DOMAIN_PARSE_INACTIVE,
                                                          &error);
    g_assert_null(def);
    g_assert_error(error, XVM_CONF_ERROR, code);
    if (!strstr(error->message, fragment))
        g_error("message '%s' does not contain '%s'", error->message, fragment);
}

static void
test_generated_uuid(void)
{
    g_autoptr(xvmDomainDef) a = parse_ok(HEAD "</domain>", XVM_DOMAIN_PARSE_INACTIVE);
    g_autoptr(xvmDomainDef) b = parse_ok(HEAD "</domain>", XVM_DOMAIN_PARSE_INACTIVE);
    g_autofree char *xml = NULL;
    char buf[XVM_UUID_STRING_BUFLEN];

    g_assert_false(xvmUuidIsNull(&a->uuid));
    g_assert_false(xvmUuidEqual(&a->uuid, &b->uuid));
    g_assert_cmpint(a->uuid.bytes[6] >> 4, ==, 4);
    g_assert_cmpint(a->uuid.bytes[8] & 0xc0, ==, 0x80);
    xvmUuidFormat(&a->uuid, buf);
    xml = xvmDomainDefFormat(a, 0, NULL);
    g_assert_nonnull(strstr(xml, buf));
}

static void
test_generated_macs(void)
{
    g_autoptr(GString) s = g_string_new(HEAD "<devices>");
    g_autoptr(xvmDomainDef) def = NULL;
    g_autofree char *xml = NULL;

    for (int i = 0; i < 64; i++)
        g_string_append(s, "<interface type='bridge'><source bridge='xenbr0'/></interface>");
    g_string_append(s, "</devices></domain>");
    def = parse_ok(s->str, XVM_DOMAIN_PARSE_INACTIVE);
    g_assert_cmpuint(def->nets->len, ==, 64);
    for (guint i = 0; i < def->nets->len; i++) {
        xvmDomainNetDef *net = g_ptr_array_index(def->nets, i);
        g_assert_true(net->mac_set);
        g_assert_cmpint(net->mac.addr[0], ==, 0x00);
        g_assert_cmpint(net->mac.addr[1], ==, 0x16);
        g_assert_cmpint(net->mac.addr[2], ==, 0x3e);
        for (guint j = 0; j < i; j++)
            g_assert_false(xvmMacEqual(&net->mac,
                                       &((xvmDomainNetDef *)g_ptr_array_index(def->nets, j))->mac));
    }
    xml = xvmDomainDefFormat(def, 0, NULL);
    g_assert_nonnull(strstr(xml, "<mac address='00:16:3e:"));
}

static void
test_skip_post_parse(void)
{
    g_autoptr(xvmDomainDef) def =
        parse_ok(HEAD "<devices><interface type='bridge'><source bridge='b'/></interface>"
                 "</devices></domain>", XVM_DOMAIN_PARSE_SKIP_POST_PARSE);
    xvmDomainNetDef *net = g_ptr_array_index(def->nets, 0);
    g_assert_true(xvmUuidIsNull(&def->uuid));
    g_assert_false(net->mac_set);
    /* and the raw definition is not valid until defaults are filled */
    g_assert_false(xvmDomainDefValidate(def, NULL));
    g_assert_true(xvmDomainDefPostParse(def, NULL));
    g_assert_true(xvmDomainDefValidate(def, NULL));
}

static void
test_size_limit(void)
{
    gsize n = XVM_DOMAIN_XML_MAX_BYTES + 1;
    g_autofree char *big = g_malloc(n + 1);
    memset(big, ' ', n);
    memcpy(big, "<domain type='xen'>", 19);
    big[n] = '\0';
    expect_error(big, -1, VIR_ERR_INVALID_ARG, "too large");
    expect_error(big, (gssize)n, VIR_ERR_INVALID_ARG, "too large");
    expect_error(NULL, -1, VIR_ERR_INVALID_ARG, "no domain XML");
    expect_error("", -1, VIR_ERR_XML_ERROR, "empty");
}

static void
test_count_limits(void)
{
    static const struct {
        const char *elem;
        int limit;
        const char *msg;
    } cases[] = {
        { NULL /* disks, each with its own target */,
          XVM_DOMAIN_MAX_DISKS, "too many disks" },
        { "<interface type='bridge'><source bridge='b'/></interface>",
          XVM_DOMAIN_MAX_NETS, "too many interfaces" },
        { "<input type='mouse' bus='xen'/>", XVM_DOMAIN_MAX_INPUTS, "too many <input>" },
        { "<console type='pty'/>", XVM_DOMAIN_MAX_CHARDEVS, "too many <console>" },
    };
    for (gsize c = 0; c < G_N_ELEMENTS(cases); c++) {
        g_autoptr(GString) s = g_string_new(HEAD "<devices>");
        for (int i = 0; i <= cases[c].limit; i++) {
            /* unique disk names: xvda .. */
            char name[8];
            int k = i, len = 0;
            char rev[8];
            do {
                rev[len++] = (char)('a' + k % 26);
                k = k / 26 - 1;
            } while (k >= 0);
            for (int j = 0; j < len; j++)
                name[j] = rev[len - 1 - j];
            name[len] = '\0';
            if (!cases[c].elem)
                g_string_append_printf(s, "<disk type='file'><source file='/i'/>"
                                          "<target dev='xvd%s'/></disk>", name);
            else
                g_string_append(s, cases[c].elem);
        }
        g_string_append(s, "</devices></domain>");
        expect_error(s->str, -1, VIR_ERR_CONFIG_UNSUPPORTED, cases[c].msg);
    }
    /* exactly the limit of disks is fine */
    {
        g_autoptr(GString) s = g_string_new(HEAD "<devices>");
        g_autoptr(xvmDomainDef) def = NULL;
        for (int i = 0; i < XVM_DOMAIN_MAX_DISKS; i++)
            g_string_append_printf(s, "<disk type='file'><source file='/i%d'/>"
                                      "<target dev='xvd%c%c'/></disk>",
                                   i, 'a' + i / 26, 'a' + i % 26);
        g_string_append(s, "</devices></domain>");
        def = parse_ok(s->str, XVM_DOMAIN_PARSE_INACTIVE);
        g_assert_cmpuint(def->disks->len, ==, XVM_DOMAIN_MAX_DISKS);
    }
    expect_error("<domain type='xen'><name>t</name><memory>65536</memory>"
                 "<vcpu>4097</vcpu><os><type>xen</type></os></domain>", -1,
                 VIR_ERR_CONFIG_UNSUPPORTED, "4097 exceeds the maximum of 4096");
}

static void
test_entities(void)
{
    /* external entity (XXE): never read */
    expect_error("<?xml version='1.0'?>\n<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>\n"
                 "<domain type='xen'><name>&x;</name><memory>1</memory>"
                 "<os><type>xen</type></os></domain>", -1, VIR_ERR_XML_ERROR, "DOCTYPE");
    /* network DTD */
    expect_error("<!DOCTYPE domain SYSTEM 'http://192.0.2.1/x.dtd'>"
                 "<domain type='xen'><name>a</name><memory>1</memory>"
                 "<os><type>xen</type></os></domain>", -1, VIR_ERR_XML_ERROR, "DOCTYPE");
    /* entity expansion ("billion laughs"): libxml2 stops it while parsing */
    expect_error("<!DOCTYPE d [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
                 "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'><!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>]>"
                 "<domain type='xen'><name>&d;</name><memory>1</memory>"
                 "<os><type>xen</type></os></domain>", -1, VIR_ERR_XML_DETAIL, "entity");
    /* undefined entity without a DTD: not well-formed */
    expect_error("<domain type='xen'><name>&x;</name></domain>", -1, VIR_ERR_XML_DETAIL,
                 "Entity 'x' not defined");
}

static void
test_deep_nesting(void)
{
    g_autoptr(GString) s = g_string_new("<domain type='xen'><metadata>");
    for (int i = 0; i < 5000; i++)
        g_string_append(s, "<a>");
    for (int i = 0; i < 5000; i++)
        g_string_append(s, "</a>");
    g_string_append(s, "</metadata></domain>");
    expect_error(s->str, -1, VIR_ERR_XML_DETAIL, "malformed domain XML at line 1");
}

static void
test_embedded_nul(void)
{
    static const char doc[] = HEAD "</domain>";
    char buf[sizeof(doc) + 8];
    memcpy(buf, doc, sizeof(doc));
    buf[20] = '\0';
    expect_error(buf, sizeof(doc) - 1, VIR_ERR_XML_DETAIL, "malformed domain XML");
}

static void
test_format_flags(void)
{
    g_autoptr(xvmDomainDef) def = parse_ok(HEAD "</domain>", XVM_DOMAIN_PARSE_INACTIVE);
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = xvmDomainDefFormat(def, 1u << 5, &error);
    g_assert_null(xml);
    g_assert_error(error, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
}

static void
test_secure_flag(void)
{
    g_autoptr(xvmDomainDef) def = NULL;
    g_autofree char *plain = NULL;
    g_autofree char *secure = NULL;

    def = parse_ok("<domain type='xen'><name>t</name><memory>65536</memory>"
                   "<os><type>hvm</type></os><devices>"
                   "<graphics type='vnc' passwd='s3cr&apos;t'/></devices></domain>",
                   XVM_DOMAIN_PARSE_INACTIVE);
    plain = xvmDomainDefFormat(def, 0, NULL);
    secure = xvmDomainDefFormat(def, XVM_DOMAIN_XML_SECURE, NULL);
    g_assert_null(strstr(plain, "passwd"));
    g_assert_null(strstr(plain, "s3cr"));
    g_assert_nonnull(strstr(secure, "passwd='s3cr&apos;t'"));
}

static void
test_live_flags(void)
{
    static const char live[] =
        "<domain type='xen' id='7'><name>t</name><uuid>6b3c2a1d-0007-4e5f-9a0b-1c2d3e4f5a6b</uuid>"
        "<memory>65536</memory>"
        "<os><type>xen</type></os><devices>"
        "<console type='pty' tty='/dev/pts/4'><source path='/dev/pts/4'/>"
        "<target type='xen' port='0'/></console>"
        "<graphics type='vnc' port='5901' autoport='yes'/></devices></domain>";
    g_autoptr(xvmDomainDef) def = parse_ok(live, 0);
    g_autoptr(xvmDomainDef) inactive = parse_ok(live, XVM_DOMAIN_PARSE_INACTIVE);
    g_autofree char *l = xvmDomainDefFormat(def, 0, NULL);
    g_autofree char *i = xvmDomainDefFormat(def, XVM_DOMAIN_XML_INACTIVE, NULL);
    g_autofree char *p = xvmDomainDefFormat(inactive, 0, NULL);

    g_assert_cmpint(def->id, ==, 7);
    g_assert_cmpint(inactive->id, ==, -1);
    g_assert_nonnull(strstr(l, "<domain type='xen' id='7'>"));
    g_assert_nonnull(strstr(l, "tty='/dev/pts/4'"));
    g_assert_nonnull(strstr(l, "port='5901' autoport='yes'"));
    g_assert_null(strstr(i, "id='7'"));
    g_assert_null(strstr(i, "/dev/pts"));
    g_assert_nonnull(strstr(i, "port='-1' autoport='yes'"));
    g_assert_cmpstr(i, ==, p);
}

/* A definition built in code, as the xl/xm converters do. */
static void
test_built_in_code(void)
{
    g_autoptr(xvmDomainDef) def = xvmDomainDefNew();
    g_autoptr(GError) error = NULL;
    xvmDomainDiskDef *disk;
    xvmDomainNetDef *net;
    g_autofree char *xml = NULL;
    g_autoptr(xvmDomainDef) back = NULL;
    g_autofree char *xml2 = NULL;

    def->name = g_strdup("built");
    def->memory = 131072;
    def->vcpus = 2;
    def->os.type = XVM_DOMAIN_OS_TYPE_XEN;
    def->os.kernel = g_strdup("/boot/vmlinuz");
    disk = xvmDomainDiskDefNew();
    disk->src = g_strdup("/dev/vg/built");
    disk->type = XVM_DOMAIN_DISK_TYPE_BLOCK;
    disk->driver = XVM_DOMAIN_DISK_DRIVER_PHY;
    disk->dst = g_strdup("xvda");
    g_ptr_array_add(def->disks, disk);
    net = xvmDomainNetDefNew();
    net->source = g_strdup("xenbr0");
    g_ptr_array_add(def->nets, net);

    /* not valid before defaults (no UUID, no MAC) */
    g_assert_false(xvmDomainDefValidate(def, &error));
    g_assert_error(error, XVM_CONF_ERROR, VIR_ERR_XML_ERROR);
    g_clear_error(&error);
    g_assert_true(xvmDomainDefPostParse(def, &error));
    g_assert_true(xvmDomainDefValidate(def, &error));
    g_assert_no_error(error);
    g_assert_cmpint(disk->bus, ==, XVM_DOMAIN_DISK_BUS_XEN);
    xml = xvmDomainDefFormat(def, 0, &error);
    g_assert_no_error(error);
    back = xvmDomainDefParseString(xml, -1, XVM_DOMAIN_PARSE_INACTIVE, &error);
    g_assert_no_error(error);
    xml2 = xvmDomainDefFormat(back, 0, &error);
    g_assert_cmpstr(xml, ==, xml2);

    /* a bad value set in code is reported, never formatted */
    def->on_crash = 42;
    g_assert_false(xvmDomainDefValidate(def, NULL));
    g_assert_null(xvmDomainDefFormat(def, 0, &error));
    g_assert_error(error, XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR);
}

static void
test_copy(void)
{
    g_autofree char *xml = NULL;
    g_autofree char *path = g_build_filename(g_getenv("XVM_CONFDATA"), "xml",
                                             "hvm-full-secure.xml", NULL);
    g_autoptr(xvmDomainDef) def = NULL;
    g_autoptr(xvmDomainDef) copy = NULL;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    def = parse_ok(xml, XVM_DOMAIN_PARSE_INACTIVE);
    copy = xvmDomainDefCopy(def);
    a = xvmDomainDefFormat(def, XVM_DOMAIN_XML_SECURE, NULL);
    /* the copy owns its own memory */
    g_clear_pointer(&def, xvmDomainDefFree);
    b = xvmDomainDefFormat(copy, XVM_DOMAIN_XML_SECURE, NULL);
    g_assert_cmpstr(a, ==, b);
}

static void
test_find(void)
{
    g_autoptr(xvmDomainDef) def =
        parse_ok(HEAD "<devices><disk type='file'><source file='/a'/><target dev='xvdb'/></disk>"
                 "<interface type='bridge'><mac address='00:16:3e:00:00:01'/>"
                 "<source bridge='b'/></interface></devices></domain>",
                 XVM_DOMAIN_PARSE_INACTIVE);
    xvmMac mac;
    g_assert_nonnull(xvmDomainDefFindDisk(def, "xvdb"));
    g_assert_null(xvmDomainDefFindDisk(def, "xvda"));
    g_assert_true(xvmMacParse("00:16:3e:00:00:01", &mac));
    g_assert_nonnull(xvmDomainDefFindNetByMac(def, &mac));
    mac.addr[5] = 2;
    g_assert_null(xvmDomainDefFindNetByMac(def, &mac));
}

/* One device element (virDomainAttachDevice): disks and interfaces with
 * the defaults of the domain they go into, other devices named, the
 * same refusals as a whole document. */
static void
device_error(const char *xml, int code, const char *fragment)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(xvmDomainDeviceDef) dev = xvmDomainDeviceDefParseString(xml, NULL, 0, &error);

    g_assert_null(dev);
    g_assert_error(error, XVM_CONF_ERROR, code);
    if (!strstr(error->message, fragment))
        g_error("message '%s' does not contain '%s'", error->message, fragment);
}

static void
test_device(void)
{
    g_autoptr(xvmDomainDef) def = parse_ok(HEAD "<devices>"
        "<disk type='file'><source file='/a'/><target dev='xvda'/></disk>"
        "<interface type='bridge'><mac address='00:16:3e:00:00:01'/>"
        "<source bridge='br0'/></interface></devices></domain>", 0);
    g_autoptr(GError) error = NULL;
    g_autofree char *big = NULL;

    {
        g_autoptr(xvmDomainDeviceDef) dev = xvmDomainDeviceDefParseString(
            "<disk type='block'><source dev='/dev/sdb'/><target dev='sdb'/></disk>",
            def, 0, &error);

        g_assert_no_error(error);
        g_assert_cmpint(dev->type, ==, XVM_DOMAIN_DEVICE_DISK);
        g_assert_cmpstr(dev->name, ==, "disk");
        g_assert_cmpstr(dev->disk->src, ==, "/dev/sdb");
        g_assert_cmpint(dev->disk->bus, ==, XVM_DOMAIN_DISK_BUS_SCSI);
        g_assert_null(dev->net);
        /* The domain is not changed. */
        g_assert_cmpuint(def->disks->len, ==, 1);
    }
    {
        g_autoptr(xvmDomainDeviceDef) dev = xvmDomainDeviceDefParseString(
            "<interface type='bridge'><source bridge='br1'/></interface>", def, 0, &error);

        g_assert_no_error(error);
        g_assert_cmpint(dev->type, ==, XVM_DOMAIN_DEVICE_NET);
        g_assert_false(dev->mac_specified);
        g_assert_true(dev->net->mac_set);
        g_assert_cmpuint(dev->net->mac.addr[0], ==, 0x00);
        g_assert_cmpuint(dev->net->mac.addr[1], ==, 0x16);
        g_assert_cmpuint(dev->net->mac.addr[2], ==, 0x3e);
        g_assert_null(xvmDomainDefFindNetByMac(def, &dev->net->mac));
        g_assert_cmpuint(def->nets->len, ==, 1);
    }
    {
        g_autoptr(xvmDomainDeviceDef) dev = xvmDomainDeviceDefParseString(
            "<interface type='bridge'><mac address='00:16:3E:00:00:02'/></interface>",
            NULL, 0, &error);

        g_assert_no_error(error);
        g_assert_true(dev->mac_specified);
    }
    {
        g_autoptr(xvmDomainDeviceDef) dev = xvmDomainDeviceDefParseString(
            "<console type='pty'/>", def, 0, &error);

        g_assert_no_error(error);
        g_assert_cmpint(dev->type, ==, XVM_DOMAIN_DEVICE_OTHER);
        g_assert_cmpstr(dev->name, ==, "chr");
        g_assert_null(dev->disk);
    }
    device_error("<gadget/>", VIR_ERR_XML_ERROR, "unknown device type 'gadget'");
    device_error("<x:disk xmlns:x='urn:x'/>", VIR_ERR_XML_ERROR, "unknown device type");
    device_error("<disk type='file'><source file='/a'/></disk>", VIR_ERR_XML_ERROR,
                 "missing <target> in <disk>");
    device_error("<interface type='bridge'><mac address='01:00:00:00:00:00'/></interface>",
                 VIR_ERR_XML_ERROR, "multicast");
    device_error("<disk", VIR_ERR_XML_DETAIL, "malformed device XML at line 1");
    device_error("", VIR_ERR_XML_ERROR, "empty device XML");
    device_error("<!DOCTYPE disk [<!ENTITY e 'x'>]><disk/>", VIR_ERR_XML_ERROR, "DOCTYPE");
    big = g_strnfill(XVM_DOMAIN_XML_MAX_BYTES + 1, ' ');
    device_error(big, VIR_ERR_INVALID_ARG, "too large");
    g_assert_null(xvmDomainDeviceDefParseString(NULL, NULL, 0, &error));
    g_assert_error(error, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
}

/* A bandwidth set in code (as the converters do) is checked by
 * xvmDomainDefValidate, and copied by xvmDomainDefCopy. */
static void
test_net_bandwidth(void)
{
    g_autoptr(xvmDomainDef) def = parse_ok(HEAD "<devices><interface type='bridge'>"
                                           "<source bridge='br0'/><bandwidth>"
                                           "<outbound average='4294967295'/></bandwidth>"
                                           "</interface></devices></domain>",
                                           XVM_DOMAIN_PARSE_INACTIVE);
    xvmDomainNetDef *net = g_ptr_array_index(def->nets, 0);
    g_autoptr(xvmDomainDef) copy = xvmDomainDefCopy(def);
    g_autoptr(GError) error = NULL;

    g_assert_cmpuint(net->bandwidth_out_average, ==, G_MAXUINT32);
    g_assert_cmpuint(((xvmDomainNetDef *)g_ptr_array_index(copy->nets, 0))->bandwidth_out_average,
                     ==, G_MAXUINT32);
    g_assert_true(xvmDomainDefValidate(def, NULL));
    net->bandwidth_out_average = (guint64)G_MAXUINT32 + 1;
    g_assert_false(xvmDomainDefValidate(def, &error));
    g_assert_error(error, XVM_CONF_ERROR, VIR_ERR_XML_ERROR);
    g_assert_nonnull(strstr(error->message, "4294967296"));
}

int
main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/conf/api/generated-uuid", test_generated_uuid);
    g_test_add_func("/conf/api/net-bandwidth", test_net_bandwidth);
    g_test_add_func("/conf/api/generated-macs", test_generated_macs);
    g_test_add_func("/conf/api/skip-post-parse", test_skip_post_parse);
    g_test_add_func("/conf/api/size-limit", test_size_limit);
    g_test_add_func("/conf/api/count-limits", test_count_limits);
    g_test_add_func("/conf/api/entities", test_entities);
    g_test_add_func("/conf/api/deep-nesting", test_deep_nesting);
    g_test_add_func("/conf/api/embedded-nul", test_embedded_nul);
    g_test_add_func("/conf/api/format-flags", test_format_flags);
    g_test_add_func("/conf/api/secure-flag", test_secure_flag);
    g_test_add_func("/conf/api/live-flags", test_live_flags);
    g_test_add_func("/conf/api/built-in-code", test_built_in_code);
    g_test_add_func("/conf/api/copy", test_copy);
    g_test_add_func("/conf/api/find", test_find);
    g_test_add_func("/conf/api/device", test_device);
    return g_test_run();
}
