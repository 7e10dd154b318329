/*
 * Fuzz target: a domain save image as virDomainRestore and
 * virsh save-image-dumpxml read it (src/driver/save_image.c): the header,
 * the XML, the position of the hypervisor's stream.
 *
 * Any input: the reader returns a definition and a descriptor positioned
 * right after the XML, or an XVM_CONF_ERROR with a message, never a
 * crash, leak or hang. An image it accepts formats, and an image written
 * with that XML reads back to the same XML and flags.
 *
 * The input goes to a memfd, read through /proc/self/fd as a path.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "save_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static G_GNUC_NORETURN void
fail(const char *what, const char *detail)
{
    fprintf(stderr, "%s: %s\n", what, detail ? detail : "");
    abort();
}

static int
memfd_with(const void *data, size_t size)
{
    int fd = memfd_create("save-image", MFD_CLOEXEC);

    if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
        fail("memfd", NULL);
    return fd;
}

static void
check_error(const GError *error)
{
    if (!error || error->domain != XVM_CONF_ERROR || !error->message || !*error->message)
        fail("failure without a proper XVM_CONF_ERROR", NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(xvmDomainDef) def = NULL;
    g_autofree char *path = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *again = NULL;
    g_autofree char *formatted = NULL;
    guint32 flags, flags_again;
    int in = memfd_with(data, size);
    int fd;

    path = g_strdup_printf("/proc/self/fd/%d", in);
    fd = xvmSaveImageOpen(path, &xml, &flags, &error);
    if (fd < 0) {
        check_error(error);
        close(in);
        return 0;
    }
    /* Positioned right after the header and the XML. */
    if (lseek(fd, 0, SEEK_CUR) != (off_t)(sizeof(xvmSaveImageHeader) + strlen(xml) + 1))
        fail("stream position", xml);
    close(fd);

    /* The same header and XML written again read back the same. */
    {
        g_autoptr(GBytes) head = NULL;
        xvmSaveImageHeader hdr = { .version = XVM_SAVE_IMAGE_VERSION, .flags = flags };
        GByteArray *buf = g_byte_array_new();
        int copy;

        memcpy(hdr.magic, XVM_SAVE_IMAGE_MAGIC, sizeof(hdr.magic));
        hdr.xml_len = (guint32)strlen(xml) + 1;
        g_byte_array_append(buf, (const guint8 *)&hdr, sizeof(hdr));
        g_byte_array_append(buf, (const guint8 *)xml, hdr.xml_len);
        head = g_byte_array_free_to_bytes(buf);
        copy = memfd_with(g_bytes_get_data(head, NULL), g_bytes_get_size(head));
        g_free(path);
        path = g_strdup_printf("/proc/self/fd/%d", copy);
        fd = xvmSaveImageOpen(path, &again, &flags_again, &error);
        if (fd < 0 || strcmp(again, xml) != 0 || flags_again != flags)
            fail("rewritten image differs", error ? error->message : xml);
        close(fd);
        close(copy);
    }

    /* Its XML parsed as restore parses it: a definition that formats. */
    g_free(path);
    path = g_strdup_printf("/proc/self/fd/%d", in);
    fd = xvmSaveImageLoad(path, &def, &flags, &error);
    if (fd < 0) {
        check_error(error);
    } else {
        close(fd);
        if (!(formatted = xvmDomainDefFormat(def, XVM_DOMAIN_XML_SECURE |
                                                  XVM_DOMAIN_XML_INACTIVE, &error)))
            fail("an accepted definition does not format", error->message);
    }
    close(in);
    return 0;
}
