/*
 * save_image.c: the save image file (see save_image.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "save_image.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "atomic_file.h"

#define IMAGE_MODE 0600

static void
system_error(GError **error, int errsv, const char *what, const char *path)
{
    xvmConfError(error, VIR_ERR_SYSTEM_ERROR, "%s '%s': %s", what, path, g_strerror(errsv));
}

/* Reads up to len bytes (fewer only at the end of the file); -1 on error. */
static gssize
read_full(int fd, void *buf, gsize len)
{
    gsize done = 0;

    while (done < len) {
        ssize_t n = read(fd, (char *)buf + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += (gsize)n;
    }
    return (gssize)done;
}

static gboolean
write_full(int fd, const void *buf, gsize len)
{
    const char *p = buf;

    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FALSE;
        p += n;
        len -= (gsize)n;
    }
    return TRUE;
}

/* Header and XML in one buffer. */
static GBytes *
image_head(const char *xml, guint32 flags)
{
    xvmSaveImageHeader hdr;
    gsize xml_len = strlen(xml) + 1;
    GByteArray *buf = g_byte_array_sized_new(sizeof(hdr) + xml_len);

    memset(&hdr, 0, sizeof(hdr));
    memcpy(hdr.magic, XVM_SAVE_IMAGE_MAGIC, sizeof(hdr.magic));
    hdr.version = XVM_SAVE_IMAGE_VERSION;
    hdr.xml_len = (guint32)xml_len;
    hdr.flags = flags;
    g_byte_array_append(buf, (const guint8 *)&hdr, sizeof(hdr));
    g_byte_array_append(buf, (const guint8 *)xml, (guint)xml_len);
    return g_byte_array_free_to_bytes(buf);
}

int
xvmSaveImageCreate(const char *path, const char *xml, guint32 flags, char **tmp_path,
                   GError **error)
{
    g_autoptr(GBytes) head = NULL;
    g_autofree char *tmp = NULL;
    gsize len;
    const char *data;
    int fd;

    if (strlen(xml) + 1 > XVM_DOMAIN_XML_MAX_BYTES) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED, "%s",
                     _("the domain XML is too large for a save image"));
        return -1;
    }
    head = image_head(xml, flags);
    data = g_bytes_get_data(head, &len);
    if (!(tmp = xvmAtomicFilePrepare(path, data, len, IMAGE_MODE, error)))
        return -1;
    if ((fd = open(tmp, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)) < 0) {
        system_error(error, errno, _("Failed to create domain save file"), tmp);
        g_unlink(tmp);
        return -1;
    }
    *tmp_path = g_steal_pointer(&tmp);
    return fd;
}

gboolean
xvmSaveImageCommit(int fd, const char *tmp_path, const char *path, gboolean ok,
                   GError **error)
{
    if (ok && fsync(fd) < 0) {
        system_error(error, errno, _("cannot write domain save file"), tmp_path);
        ok = FALSE;
    }
    if (close(fd) < 0 && ok) {
        system_error(error, errno, _("cannot write domain save file"), tmp_path);
        ok = FALSE;
    }
    if (!ok) {
        g_unlink(tmp_path);
        return FALSE;
    }
    return xvmAtomicFileCommit(tmp_path, path, error);
}

int
xvmSaveImageOpen(const char *path, char **xml, guint32 *flags, GError **error)
{
    xvmSaveImageHeader hdr;
    g_autofree char *text = NULL;
    gssize n;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        system_error(error, errno, _("Failed to open domain image file"), path);
        return -1;
    }
    if ((n = read_full(fd, &hdr, sizeof(hdr))) < 0) {
        system_error(error, errno, _("Failed to read domain image file"), path);
        goto error;
    }
    if ((gsize)n < sizeof(hdr)) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("failed to read the header of save image '%s': "
                       "the file is too short"), path);
        goto error;
    }
    if (memcmp(hdr.magic, XVM_SAVE_IMAGE_MAGIC, sizeof(hdr.magic)) != 0) {
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("image magic is incorrect: '%s' is not a domain save image"),
                     path);
        goto error;
    }
    if (hdr.version != XVM_SAVE_IMAGE_VERSION) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("image version is not supported (%u, expected %d)"),
                     hdr.version, XVM_SAVE_IMAGE_VERSION);
        goto error;
    }
    if (hdr.xml_len < 2 || hdr.xml_len > XVM_DOMAIN_XML_MAX_BYTES) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED, _("invalid XML length: %u"),
                     hdr.xml_len);
        goto error;
    }
    text = g_malloc(hdr.xml_len);
    if ((n = read_full(fd, text, hdr.xml_len)) < 0) {
        system_error(error, errno, _("Failed to read domain image file"), path);
        goto error;
    }
    if ((gsize)n < hdr.xml_len) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("failed to read the XML of save image '%s': the file is truncated"),
                     path);
        goto error;
    }
    if (text[hdr.xml_len - 1] != '\0' || strlen(text) != hdr.xml_len - 1) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("the XML of save image '%s' is corrupted"), path);
        goto error;
    }
    *xml = g_steal_pointer(&text);
    *flags = hdr.flags;
    return fd;

 error:
    close(fd);
    return -1;
}

int
xvmSaveImageLoad(const char *path, xvmDomainDef **def, guint32 *flags, GError **error)
{
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    int fd = xvmSaveImageOpen(path, &xml, flags, error);

    if (fd < 0)
        return -1;
    if (!(*def = xvmDomainDefParseString(xml, -1, XVM_DOMAIN_PARSE_INACTIVE, &err))) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("the XML of save image '%s' is invalid: %s"), path, err->message);
        close(fd);
        return -1;
    }
    return fd;
}

gboolean
xvmSaveImageRewrite(const char *path, const char *xml, guint32 flags, GError **error)
{
    g_autofree char *old_xml = NULL;
    g_autofree char *tmp = NULL;
    g_autofree char *buf = NULL;
    guint32 old_flags;
    gboolean ok = TRUE;
    int in, out;

    if ((in = xvmSaveImageOpen(path, &old_xml, &old_flags, error)) < 0)
        return FALSE;
    if ((out = xvmSaveImageCreate(path, xml, flags, &tmp, error)) < 0) {
        close(in);
        return FALSE;
    }
    buf = g_malloc(64 * 1024);
    for (;;) {
        gssize n = read_full(in, buf, 64 * 1024);

        if (n < 0) {
            system_error(error, errno, _("Failed to read domain image file"), path);
            ok = FALSE;
            break;
        }
        if (n == 0)
            break;
        if (!write_full(out, buf, (gsize)n)) {
            system_error(error, errno, _("cannot write domain save file"), tmp);
            ok = FALSE;
            break;
        }
    }
    close(in);
    return xvmSaveImageCommit(out, tmp, path, ok, error) && ok;
}
