/*
 * test-xen-disk-spec.c: xl disk specifications (xen_disk_spec.h), against
 * the cases of Xen's docs/misc/xl-disk-configuration.txt: positional and
 * keyword forms, deprecated prefixes, cdroms, errors; their conversion to
 * disk definitions and the canonical keyword form written back.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <libvirt/virterror.h>

#include "xen_disk_spec.h"

typedef struct {
    const char *spec;
    const char *target;        /* NULL: none */
    xvmXenDiskFormat format;
    const char *vdev;
    gboolean readwrite;
    gboolean cdrom;
    xvmXenDiskBackend backend;
    const char *script;
    const char *prefix;
} SpecCase;

static const SpecCase good[] = {
    /* positional: target,format,vdev,access */
    { "/dev/vg/guest-volume,,hda", "/dev/vg/guest-volume", XVM_XEN_DISK_FORMAT_RAW, "hda", TRUE },
    { "/dev/vg/guest-volume,raw,hda,rw", "/dev/vg/guest-volume", XVM_XEN_DISK_FORMAT_RAW, "hda", TRUE },
    { "/root/image.iso,,hdc,cdrom", "/root/image.iso", XVM_XEN_DISK_FORMAT_RAW, "hdc", FALSE, TRUE },
    { "/root/image.qcow2,qcow2,xvdb,r", "/root/image.qcow2", XVM_XEN_DISK_FORMAT_QCOW2, "xvdb", FALSE },
    { "/a.vhd,vhd,xvdc,ro", "/a.vhd", XVM_XEN_DISK_FORMAT_VHD, "xvdc", FALSE },
    /* keywords, target= last and taking commas */
    { "format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso",
      "/root/image.iso", XVM_XEN_DISK_FORMAT_RAW, "hdc", FALSE, TRUE },
    { "vdev=xvda,access=w,backendtype=phy,target=/dev/vg/with,comma,",
      "/dev/vg/with,comma", XVM_XEN_DISK_FORMAT_RAW, "xvda", TRUE, FALSE, XVM_XEN_DISK_BACKEND_PHY },
    { "format=qcow2,vdev=xvdb,backendtype=qdisk,target=/i.qcow2", "/i.qcow2",
      XVM_XEN_DISK_FORMAT_QCOW2, "xvdb", TRUE, FALSE, XVM_XEN_DISK_BACKEND_QDISK },
    { "backendtype=tap,vdev=xvdc,/t.img", "/t.img", XVM_XEN_DISK_FORMAT_RAW, "xvdc", TRUE,
      FALSE, XVM_XEN_DISK_BACKEND_TAP },
    /* empty cdroms */
    { ",,hdc:cdrom", "", XVM_XEN_DISK_FORMAT_EMPTY, "hdc", FALSE, TRUE },
    { "vdev=hdc,devtype=cdrom", NULL, XVM_XEN_DISK_FORMAT_EMPTY, "hdc", FALSE, TRUE },
    { ",empty,hdc,cdrom", "", XVM_XEN_DISK_FORMAT_EMPTY, "hdc", FALSE, TRUE },
    /* deprecated prefixes: no format position after them */
    { "phy:/dev/vg/lv,xvda,w", "/dev/vg/lv", XVM_XEN_DISK_FORMAT_RAW, "xvda", TRUE,
      FALSE, 0, NULL, "phy" },
    { "file:/img,hdc:cdrom,r", "/img", XVM_XEN_DISK_FORMAT_RAW, "hdc", FALSE, TRUE, 0, NULL, "file" },
    { "tap:aio:/img,xvdb,w", "/img", XVM_XEN_DISK_FORMAT_RAW, "xvdb", TRUE, FALSE, 0, NULL, "tap" },
    { "tap:qcow2:/q,xvdb,w", "/q", XVM_XEN_DISK_FORMAT_QCOW2, "xvdb", TRUE, FALSE, 0, NULL, "tap" },
    { "drbd:resource,xvda,w", "resource", XVM_XEN_DISK_FORMAT_RAW, "xvda", TRUE, FALSE, 0,
      "block-drbd", "script" },
    { "phy:/dev/sdb,hda:disk,w", "/dev/sdb", XVM_XEN_DISK_FORMAT_RAW, "hda", TRUE, FALSE, 0, NULL, "phy" },
    /* script=, flags that are only hints */
    { "vdev=xvda,script=block-iscsi,direct-io-safe,discard,trusted,target=iqn.x",
      "iqn.x", XVM_XEN_DISK_FORMAT_RAW, "xvda", TRUE, FALSE, 0, "block-iscsi" },
    /* a respecified empty value may be overwritten */
    { ",,xvda,,target=/x", "/x", XVM_XEN_DISK_FORMAT_RAW, "xvda", TRUE },
};

static void
testGood(gconstpointer data)
{
    const SpecCase *c = data;
    xvmXenDiskSpec spec;
    g_autoptr(GError) err = NULL;

    g_assert_true(xvmXenDiskSpecParse(c->spec, &spec, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(spec.target, ==, c->target);
    g_assert_cmpint(spec.format, ==, c->format);
    g_assert_cmpstr(spec.vdev, ==, c->vdev);
    g_assert_cmpint(spec.readwrite, ==, c->readwrite);
    g_assert_cmpint(spec.cdrom, ==, c->cdrom);
    g_assert_cmpint(spec.backend, ==, c->backend);
    g_assert_cmpstr(spec.script, ==, c->script);
    g_assert_cmpstr(spec.prefix, ==, c->prefix);
    xvmXenDiskSpecClear(&spec);
}

typedef struct {
    const char *spec;
    const char *message;
} BadCase;

static const BadCase bad[] = {
    { "/dev/sda,xvda,w", "invalid disk specification '/dev/sda,xvda,w': unknown value for format near 'xvda'" },
    { "/a,raw,xvda,w,extra", "invalid disk specification '/a,raw,xvda,w,extra': too many positional parameters near 'extra'" },
    { "/a,raw,xvda,rw!", "invalid disk specification '/a,raw,xvda,rw!': unknown value for access near 'rw!'" },
    { "format=vmdk,vdev=xvda,target=/a", "invalid disk specification 'format=vmdk,vdev=xvda,target=/a': unknown value for format near 'vmdk'" },
    { "format=raw,format=qcow2,vdev=xvda,target=/a", "invalid disk specification 'format=raw,format=qcow2,vdev=xvda,target=/a': format respecified near 'qcow2'" },
    { "vdev=xvda,vdev=xvdb,target=/a", "invalid disk specification 'vdev=xvda,vdev=xvdb,target=/a': vdev respecified near 'xvdb'" },
    { "devtype=floppy,vdev=fda,target=/a", "invalid disk specification 'devtype=floppy,vdev=fda,target=/a': unknown value for type near 'devtype=floppy'" },
    { "backendtype=nbd,vdev=xvda,target=/a", "invalid disk specification 'backendtype=nbd,vdev=xvda,target=/a': unknown value for backendtype near 'nbd'" },
    { "colour=red,vdev=xvda,target=/a", "invalid disk specification 'colour=red,vdev=xvda,target=/a': unknown parameter near 'colour=red'" },
    { "foo:/dev/x,xvda,w", "invalid disk specification 'foo:/dev/x,xvda,w': unknown deprecated disk prefix near 'foo:'" },
    { "phy:/dev/x,xvda:tape,w", "invalid disk specification 'phy:/dev/x,xvda:tape,w': unknown deprecated type near 'tape'" },
    { "target=/dev/x", "invalid disk specification 'target=/dev/x': no vdev specified" },
    { "vdev=xvda", "invalid disk specification 'vdev=xvda': no target specified (and device not removable)" },
    { "", "invalid disk specification '': no vdev specified" },
};

static void
testBad(gconstpointer data)
{
    const BadCase *c = data;
    xvmXenDiskSpec spec;
    g_autoptr(GError) err = NULL;

    g_assert_false(xvmXenDiskSpecParse(c->spec, &spec, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONF_SYNTAX);
    g_assert_cmpstr(err->message, ==, c->message);
    g_assert_null(spec.target);
    g_assert_null(spec.vdev);
}

static void
testLongSpec(void)
{
    g_autofree char *spec = g_strnfill(5000, 'a');
    xvmXenDiskSpec s;
    g_autoptr(GError) err = NULL;

    g_assert_false(xvmXenDiskSpecParse(spec, &s, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONF_SYNTAX);
    g_assert_cmpstr(err->message, ==, "disk specification longer than 4096 bytes");
}

/* spec -> definition -> canonical spec */
static const struct {
    const char *spec;
    const char *canonical;  /* NULL: refused with message */
    const char *message;
} defCases[] = {
    { "phy:/dev/vg/lv,xvda,w", "format=raw,vdev=xvda,access=rw,backendtype=phy,target=/dev/vg/lv" },
    { "/var/img.raw,,xvdb", "format=raw,vdev=xvdb,access=rw,backendtype=qdisk,target=/var/img.raw" },
    { "tap:aio:/img,xvdc,r", "format=raw,vdev=xvdc,access=ro,backendtype=tap,target=/img" },
    { "/i.qcow2,qcow2,xvdd,w", "format=qcow2,vdev=xvdd,access=rw,backendtype=qdisk,target=/i.qcow2" },
    { "/i.vhd,vhd,xvde,w", "format=vhd,vdev=xvde,access=rw,backendtype=qdisk,target=/i.vhd" },
    { "/cd.iso,,hdc,cdrom", "format=raw,vdev=hdc,access=ro,backendtype=qdisk,devtype=cdrom,target=/cd.iso" },
    { ",,hdc:cdrom", "format=empty,vdev=hdc,access=ro,backendtype=qdisk,devtype=cdrom" },
    { "vdev=xvda,backendtype=phy,target=/dev/a,b", "format=raw,vdev=xvda,access=rw,backendtype=phy,target=/dev/a,b" },
    { "/i.qcow,qcow,xvda,w", "format=qcow,vdev=xvda,access=rw,backendtype=qdisk,target=/i.qcow" },
    { "/i.qed,qed,xvda,r", "format=qed,vdev=xvda,access=ro,backendtype=qdisk,target=/i.qed" },
    { "qcow:/i.qcow,xvdb,w", "format=qcow,vdev=xvdb,access=rw,backendtype=qdisk,target=/i.qcow" },
    { "tap2:aio:/img,xvdc,w", "format=raw,vdev=xvdc,access=rw,backendtype=tap,target=/img" },
    { "vdev=xvda,script=block-drbd,target=r", NULL,
      "disk 'xvda': a block script (script=, iscsi:, nbd:, drbd:) is not supported" },
    { "iscsi:iqn.2001-05.com.example:disk,xvda,w", NULL,
      "disk 'xvda': a block script (script=, iscsi:, nbd:, drbd:) is not supported" },
    { "vdev=xvda,backend=storagedom,target=/a", NULL, "disk 'xvda': a driver domain (backend=) is not supported" },
    { "vdev=xvda,specification=virtio,target=/a", NULL, "disk 'xvda': specification=virtio is not supported" },
    { "vdev=xvda,colo,colo-host=h,target=/a", NULL, "disk 'xvda': COLO replication is not supported" },
    { "vdev=xvda,backendtype=standalone,target=/a", NULL, "disk 'xvda': backendtype=standalone is not supported" },
};

static void
testToDef(gconstpointer data)
{
    const __typeof__(defCases[0]) *c = data;
    xvmXenDiskSpec spec;
    g_autoptr(GError) err = NULL;
    g_autoptr(xvmDomainDiskDef) disk = NULL;
    g_autofree char *out = NULL;

    g_assert_true(xvmXenDiskSpecParse(c->spec, &spec, &err));
    disk = xvmXenDiskSpecToDef(&spec, &err);
    xvmXenDiskSpecClear(&spec);
    if (!c->canonical) {
        g_assert_null(disk);
        g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED);
        g_assert_cmpstr(err->message, ==, c->message);
        return;
    }
    g_assert_no_error(err);
    out = xvmXenDiskSpecFormat(disk, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(out, ==, c->canonical);

    /* the canonical form reads back to the same disk */
    {
        g_autoptr(xvmDomainDiskDef) again = NULL;
        g_autofree char *out2 = NULL;
        g_assert_true(xvmXenDiskSpecParse(out, &spec, &err));
        again = xvmXenDiskSpecToDef(&spec, &err);
        xvmXenDiskSpecClear(&spec);
        g_assert_no_error(err);
        g_assert_cmpint(again->type, ==, disk->type);
        g_assert_cmpint(again->device, ==, disk->device);
        g_assert_cmpint(again->driver, ==, disk->driver);
        g_assert_cmpint(again->format, ==, disk->format);
        g_assert_cmpstr(again->src, ==, disk->src);
        g_assert_cmpstr(again->dst, ==, disk->dst);
        g_assert_cmpint(again->readonly, ==, disk->readonly);
        out2 = xvmXenDiskSpecFormat(again, &err);
        g_assert_cmpstr(out2, ==, out);
    }
}

static void
testFormatRefusals(void)
{
    g_autoptr(xvmDomainDiskDef) disk = xvmDomainDiskDefNew();
    g_autoptr(GError) err = NULL;
    char *out;

    disk->dst = g_strdup("xvda");
    disk->src = g_strdup("/a");
    disk->shareable = TRUE;
    out = xvmXenDiskSpecFormat(disk, &err);
    g_assert_null(out);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED);
    g_assert_cmpstr(err->message, ==, "disk 'xvda': shareable disks have no xl form");
    g_clear_error(&err);

    disk->shareable = FALSE;
    g_free(disk->dst);
    disk->dst = g_strdup("xvd,a");
    out = xvmXenDiskSpecFormat(disk, &err);
    g_assert_null(out);
    g_assert_cmpstr(err->message, ==, "disk target 'xvd,a' cannot be written as an xl vdev");
}

int
main(int argc, char **argv)
{
    gsize i;

    g_test_init(&argc, &argv, NULL);
    for (i = 0; i < G_N_ELEMENTS(good); i++) {
        g_autofree char *path = g_strdup_printf("/disk-spec/parse/%" G_GSIZE_FORMAT, i);
        g_test_add_data_func(path, &good[i], testGood);
    }
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *path = g_strdup_printf("/disk-spec/refused/%" G_GSIZE_FORMAT, i);
        g_test_add_data_func(path, &bad[i], testBad);
    }
    for (i = 0; i < G_N_ELEMENTS(defCases); i++) {
        g_autofree char *path = g_strdup_printf("/disk-spec/to-def/%" G_GSIZE_FORMAT, i);
        g_test_add_data_func(path, &defCases[i], testToDef);
    }
    g_test_add_func("/disk-spec/long", testLongSpec);
    g_test_add_func("/disk-spec/format-refusals", testFormatRefusals);
    return g_test_run();
}
