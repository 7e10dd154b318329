/* The domain's xenstore layout (src/driver/domain_xs_layout.c) against
 * golden files: data/NAME.xml -> data/NAME.layout, one line per entry.
 * XVM_REGENERATE=1 rewrites the golden files instead of comparing. */
#include <glib.h>
#include <string.h>

#include "domain_xs_layout.h"

static const char *data_dir;

static const xvmXsBuildInfo build_info = {
    .domid = 7,
    .backend_domid = 0,
    .store_gfn = 0xfeffc,
    .store_port = 1,
    .console_gfn = 0xfeffd,
    .console_port = 2,
    .start_time = 1790000000,
};

static xvmDomainDef *
load(const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/%s.xml", data_dir, name);
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    xvmDomainDef *def;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    def = xvmDomainDefParseString(xml, -1, XVM_DOMAIN_PARSE_INACTIVE, &err);
    g_assert_no_error(err);
    return def;
}

static void
test_golden(gconstpointer data)
{
    const char *name = data;
    g_autoptr(xvmDomainDef) def = load(name);
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) layout = xvmXsDomainLayout(def, &build_info, &err);
    g_autofree char *text = NULL;
    g_autofree char *golden_path = g_strdup_printf("%s/%s.layout", data_dir, name);
    g_autofree char *golden = NULL;

    g_assert_no_error(err);
    text = xvmXsLayoutFormat(layout);
    if (g_getenv("XVM_REGENERATE")) {
        g_assert_true(g_file_set_contents(golden_path, text, -1, NULL));
        return;
    }
    g_assert_true(g_file_get_contents(golden_path, &golden, NULL, NULL));
    g_assert_cmpstr(text, ==, golden);
}

/* Parents come before their children, every path once. */
static void
test_order(void)
{
    g_autoptr(xvmDomainDef) def = load("pv-devices");
    g_autoptr(GPtrArray) layout = xvmXsDomainLayout(def, &build_info, NULL);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    g_assert_nonnull(layout);
    for (guint i = 0; i < layout->len; i++) {
        const xvmXsEntry *e = g_ptr_array_index(layout, i);
        g_autofree char *parent = g_path_get_dirname(e->path);

        g_assert_false(g_hash_table_contains(seen, e->path));
        g_hash_table_add(seen, e->path);
        /* A parent written by the layout comes first; the others
         * (/local/domain, /vm, backend/vbd/N) are created implicitly. */
        for (guint j = i + 1; j < layout->len; j++) {
            const xvmXsEntry *later = g_ptr_array_index(layout, j);

            g_assert_cmpstr(later->path, !=, parent);
        }
    }
}

static void
test_devid(void)
{
    static const struct { const char *dst; int devid; } cases[] = {
        { "xvda", 51712 }, { "xvdb", 51728 }, { "xvdp", 51952 },
        { "xvdq", (1 << 28) | (16 << 8) }, { "xvdaa", (1 << 28) | (26 << 8) },
        { "hda", 768 }, { "hdb", 832 }, { "hdc", 5632 }, { "hdd", 5696 },
        { "hde", -1 }, { "sda", 2048 }, { "sdb", 2064 },
        { "sdq", (1 << 28) | (16 << 8) },
        { "vda", -1 }, { "xvd", -1 }, { "xvdA", -1 }, { "", -1 }, { NULL, -1 },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
        g_assert_cmpint(xvmXsDiskDevid(cases[i].dst), ==, cases[i].devid);
}

static void
test_qcow2_refused(void)
{
    g_autoptr(xvmDomainDef) def = load("bad-qcow2");
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) layout = xvmXsDomainLayout(def, &build_info, &err);

    g_assert_null(layout);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "qcow2"));
}

/* blkback serves raw data only: every image format without the qemu
 * backend is refused, whatever the driver name; with it, accepted. */
static void
test_image_formats_need_qemu(void)
{
    static const xvmDomainDiskFormat formats[] = {
        XVM_DOMAIN_DISK_FORMAT_QCOW, XVM_DOMAIN_DISK_FORMAT_QCOW2,
        XVM_DOMAIN_DISK_FORMAT_QED, XVM_DOMAIN_DISK_FORMAT_VHD,
    };
    static const xvmDomainDiskDriver drivers[] = {
        XVM_DOMAIN_DISK_DRIVER_DEFAULT, XVM_DOMAIN_DISK_DRIVER_TAP,
        XVM_DOMAIN_DISK_DRIVER_TAP2, XVM_DOMAIN_DISK_DRIVER_QEMU,
    };
    g_autoptr(xvmDomainDef) def = load("bad-qcow2");
    xvmDomainDiskDef *disk = g_ptr_array_index(def->disks, 0);

    for (gsize i = 0; i < G_N_ELEMENTS(formats); i++) {
        for (gsize j = 0; j < G_N_ELEMENTS(drivers); j++) {
            g_autoptr(GError) err = NULL;
            g_autoptr(GPtrArray) layout = NULL;

            disk->format = formats[i];
            disk->driver = drivers[j];
            layout = xvmXsDiskLayout(disk, build_info.domid, 0, &err);
            if (drivers[j] == XVM_DOMAIN_DISK_DRIVER_QEMU) {
                g_autofree char *text = NULL;
                g_autofree char *params = g_strdup_printf(
                    "/51712/params = \"%s:/srv/xen/img.qcow2\"",
                    xvmDomainDiskFormatTypeToString(formats[i]));

                g_assert_no_error(err);
                g_assert_nonnull(layout);
                /* QEMU is told the format, as libxl tells it */
                text = xvmXsLayoutFormat(layout);
                g_assert_nonnull(strstr(text, params));
                g_assert_nonnull(strstr(text, "/51712/type = \"qdisk\""));
            } else {
                g_assert_null(layout);
                g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED);
                g_assert_nonnull(strstr(err->message,
                                        xvmDomainDiskFormatTypeToString(formats[i])));
            }
        }
    }
    /* raw through tap2 is served like tap: by blkback */
    disk->format = XVM_DOMAIN_DISK_FORMAT_RAW;
    disk->driver = XVM_DOMAIN_DISK_DRIVER_TAP2;
    {
        g_autoptr(GPtrArray) layout = xvmXsDiskLayout(disk, build_info.domid, 0, NULL);
        g_autofree char *text = NULL;

        g_assert_nonnull(layout);
        text = xvmXsLayoutFormat(layout);
        g_assert_nonnull(strstr(text, "/51712/type = \"phy\""));
    }
}

/* Hotplug writes what the start writes for the same device. */
static void
test_hotplug_matches_start(void)
{
    g_autoptr(xvmDomainDef) def = load("pv-devices");
    g_autoptr(GPtrArray) all = xvmXsDomainLayout(def, &build_info, NULL);
    g_autoptr(GPtrArray) disk = xvmXsDiskLayout(g_ptr_array_index(def->disks, 1),
                                                build_info.domid, 0, NULL);
    g_autoptr(GPtrArray) net = xvmXsNetLayout(g_ptr_array_index(def->nets, 1), 1,
                                              build_info.domid, 0);
    g_autofree char *all_text = xvmXsLayoutFormat(all);
    g_autofree char *disk_text = xvmXsLayoutFormat(disk);
    g_autofree char *net_text = xvmXsLayoutFormat(net);

    g_assert_nonnull(strstr(all_text, disk_text));
    g_assert_nonnull(strstr(all_text, net_text));
}

int
main(int argc, char **argv)
{
    static const char *const golden[] = { "pv-devices", "hvm-cdrom", "pvh-minimal" };

    g_test_init(&argc, &argv, NULL);
    data_dir = g_getenv("XVM_LAYOUT_DATA");
    g_assert_nonnull(data_dir);
    for (gsize i = 0; i < G_N_ELEMENTS(golden); i++) {
        g_autofree char *name = g_strdup_printf("/driver/xs-layout/golden/%s", golden[i]);

        g_test_add_data_func(name, golden[i], test_golden);
    }
    g_test_add_func("/driver/xs-layout/order", test_order);
    g_test_add_func("/driver/xs-layout/image-formats-need-qemu", test_image_formats_need_qemu);
    g_test_add_func("/driver/xs-layout/devid", test_devid);
    g_test_add_func("/driver/xs-layout/qcow2-refused", test_qcow2_refused);
    g_test_add_func("/driver/xs-layout/hotplug-matches-start", test_hotplug_matches_start);
    return g_test_run();
}
