/*
 * atomic_file.c: crash-safe file replacement (see atomic_file.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "atomic_file.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "domain_conf.h"

#define TMP_MARK ".tmp-"
#define TMP_RANDOM_LEN 6
#define TMP_ATTEMPTS 100

static const char tmp_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

static char *
tmp_name_for(const char *path)
{
    char suffix[TMP_RANDOM_LEN + 1];

    for (int i = 0; i < TMP_RANDOM_LEN; i++)
        suffix[i] = tmp_chars[g_random_int_range(0, sizeof(tmp_chars) - 1)];
    suffix[TMP_RANDOM_LEN] = '\0';
    return g_strconcat(path, TMP_MARK, suffix, NULL);
}

gboolean
xvmAtomicFileIsTemp(const char *name)
{
    const char *mark = g_strrstr(name, TMP_MARK);
    const char *rnd;

    if (!mark || mark == name)
        return FALSE;
    rnd = mark + strlen(TMP_MARK);
    if (strlen(rnd) != TMP_RANDOM_LEN)
        return FALSE;
    for (const char *p = rnd; *p; p++) {
        if (!g_ascii_isalnum(*p))
            return FALSE;
    }
    return TRUE;
}

/* Set VIR_ERR_SYSTEM_ERROR: the formatted (translated) message, ": ",
 * strerror(errsv), as libvirt's virReportSystemError. Returns FALSE. */
static gboolean G_GNUC_PRINTF(3, 4)
system_error(GError **error, int errsv, const char *fmt, ...)
{
    g_autofree char *what = NULL;
    va_list ap;

    va_start(ap, fmt);
    what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    xvmConfError(error, VIR_ERR_SYSTEM_ERROR, "%s: %s", what, g_strerror(errsv));
    return FALSE;
}

static gboolean
fsync_dir_of(const char *path, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int errsv;

    if (fd < 0)
        return system_error(error, errno, _("cannot open directory '%s'"), dir);
    if (fsync(fd) < 0 && errno != EINVAL) {     /* EINVAL: fs without dir fsync */
        errsv = errno;
        close(fd);
        return system_error(error, errsv, _("cannot sync directory '%s'"), dir);
    }
    close(fd);
    return TRUE;
}

static gboolean
write_all(int fd, const char *data, gsize len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return FALSE;
        }
        data += n;
        len -= (gsize)n;
    }
    return TRUE;
}

char *
xvmAtomicFilePrepare(const char *path, const char *data, gsize len, int mode,
                     GError **error)
{
    g_autofree char *tmp = NULL;
    int fd = -1;
    int errsv;

    for (int attempt = 0; fd < 0 && attempt < TMP_ATTEMPTS; attempt++) {
        g_free(tmp);
        tmp = tmp_name_for(path);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        system_error(error, errno, _("cannot create file '%s'"), tmp);
        return NULL;
    }
    if (!write_all(fd, data, len) || fsync(fd) < 0) {
        errsv = errno;
        close(fd);
        unlink(tmp);
        system_error(error, errsv, _("cannot write file '%s'"), tmp);
        return NULL;
    }
    if (close(fd) < 0) {
        errsv = errno;
        unlink(tmp);
        system_error(error, errsv, _("cannot write file '%s'"), tmp);
        return NULL;
    }
    return g_steal_pointer(&tmp);
}

gboolean
xvmAtomicFileCommit(const char *tmp_path, const char *path, GError **error)
{
    if (rename(tmp_path, path) < 0) {
        int errsv = errno;

        unlink(tmp_path);
        return system_error(error, errsv, _("cannot replace file '%s'"), path);
    }
    return fsync_dir_of(path, error);
}

gboolean
xvmAtomicFileWrite(const char *path, const char *data, gsize len, int mode,
                   GError **error)
{
    g_autofree char *tmp = xvmAtomicFilePrepare(path, data, len, mode, error);

    return tmp && xvmAtomicFileCommit(tmp, path, error);
}

gboolean
xvmAtomicSymlink(const char *target, const char *path, GError **error)
{
    g_autofree char *tmp = NULL;
    int rc = -1;

    for (int attempt = 0; rc < 0 && attempt < TMP_ATTEMPTS; attempt++) {
        g_free(tmp);
        tmp = tmp_name_for(path);
        rc = symlink(target, tmp);
        if (rc < 0 && errno != EEXIST)
            break;
    }
    if (rc < 0)
        return system_error(error, errno, _("cannot create symbolic link '%s'"), tmp);
    return xvmAtomicFileCommit(tmp, path, error);
}

gboolean
xvmAtomicFileRemove(const char *path, GError **error)
{
    if (unlink(path) < 0) {
        if (errno == ENOENT)
            return TRUE;
        return system_error(error, errno, _("cannot remove file '%s'"), path);
    }
    return fsync_dir_of(path, error);
}
