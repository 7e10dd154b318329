/*
 * driver_test_util.c: see driver_test_util.h.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "driver_test_util.h"

#include <glib/gstdio.h>

#include "atomic_file.h"

void
driverTestNameUuid(const char *name, char buf[XVM_UUID_STRING_BUFLEN])
{
    g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_MD5, name, -1);

    /* 32 hex digits -> 8-4-4-4-12, version 4 / variant 10 nibbles. */
    g_snprintf(buf, XVM_UUID_STRING_BUFLEN, "%.8s-%.4s-4%.3s-a%.3s-%.12s",
               sum, sum + 8, sum + 13, sum + 17, sum + 20);
}

char *
driverTestDomainXML(const char *name, const char *uuid, guint ndisks,
                    guint64 memory_kib)
{
    g_autoptr(GString) xml = g_string_new(NULL);
    char uuidbuf[XVM_UUID_STRING_BUFLEN];
    g_autofree char *escaped = g_markup_escape_text(name, -1);

    if (!uuid) {
        driverTestNameUuid(name, uuidbuf);
        uuid = uuidbuf;
    }
    g_string_append_printf(xml,
        "<domain type='xen'>\n"
        "  <name>%s</name>\n"
        "  <uuid>%s</uuid>\n"
        "  <metadata>\n"
        "    <app:note xmlns:app='http://app.example.org/'>  kept   verbatim\n"
        "      over lines </app:note>\n"
        "  </metadata>\n"
        "  <memory unit='KiB'>%" G_GUINT64_FORMAT "</memory>\n"
        "  <vcpu>2</vcpu>\n"
        "  <os>\n"
        "    <type>linux</type>\n"
        "    <kernel>/boot/vmlinuz</kernel>\n"
        "  </os>\n"
        "  <devices>\n",
        escaped, uuid, memory_kib);
    for (guint i = 0; i < ndisks; i++) {
        g_autofree char *dev = NULL;

        /* xvda .. xvdz, xvdaa .. */
        if (i < 26)
            dev = g_strdup_printf("xvd%c", 'a' + i);
        else
            dev = g_strdup_printf("xvd%c%c", 'a' + i / 26 - 1, 'a' + i % 26);
        g_string_append_printf(xml,
            "    <disk type='file' device='disk'>\n"
            "      <source file='/var/lib/xen/images/%s-%u.img'/>\n"
            "      <target dev='%s' bus='xen'/>\n"
            "    </disk>\n", escaped, i, dev);
    }
    g_string_append(xml,
        "    <graphics type='vnc' port='-1' autoport='yes' passwd='s3cret'/>\n"
        "  </devices>\n"
        "</domain>\n");
    return g_string_free(g_steal_pointer(&xml), FALSE);
}

xvmDomainDef *
driverTestDef(const char *name, const char *uuid)
{
    g_autofree char *xml = driverTestDomainXML(name, uuid, 1, 262144);
    g_autoptr(GError) err = NULL;
    xvmDomainDef *def = xvmDomainDefParseString(xml, -1, XVM_DOMAIN_PARSE_INACTIVE, &err);

    g_assert_no_error(err);
    g_assert_nonnull(def);
    return def;
}

char *
driverTestMkTemp(void)
{
    g_autoptr(GError) err = NULL;
    char *dir = g_dir_make_tmp("xvm-driver-XXXXXX", &err);

    g_assert_no_error(err);
    return dir;
}

void
driverTestRmTree(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *entry;

    if (!d)
        return;
    while ((entry = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, entry, NULL);

        if (g_file_test(path, G_FILE_TEST_IS_DIR) &&
            !g_file_test(path, G_FILE_TEST_IS_SYMLINK))
            driverTestRmTree(path);
        else
            g_unlink(path);
    }
    g_rmdir(dir);
}

guint
driverTestCountTemps(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *entry;
    guint n = 0;

    g_assert_nonnull(d);
    while ((entry = g_dir_read_name(d)))
        n += xvmAtomicFileIsTemp(entry);
    return n;
}
