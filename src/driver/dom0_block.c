/*
 * dom0_block.c: the work of Xen's /etc/xen/scripts/block for the "phy"
 * disks of guests on a real Xen host (see dom0_block.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "dom0_block.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <linux/loop.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "domain_conf.h"

#define LOOP_CONTROL "/dev/loop-control"
#define LOOP_TRIES 16

/* A free loop device bound to `file`: its path and the device number.
 * Another process may take the free one first: tried again. */
static char *
loop_attach(const char *file, gboolean readonly, dev_t *rdev, GError **error)
{
    int ctl = open(LOOP_CONTROL, O_RDWR | O_CLOEXEC);
    int fd = open(file, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    char *path = NULL;
    int e = 0;

    if (ctl < 0 || fd < 0) {
        e = errno;
        xvmConfError(error, VIR_ERR_OPERATION_FAILED, _("cannot open %s: %s"),
                     ctl < 0 ? LOOP_CONTROL : file, g_strerror(e));
        goto out;
    }
    for (int i = 0; i < LOOP_TRIES && !path; i++) {
        struct loop_info64 info = { .lo_flags = readonly ? LO_FLAGS_READ_ONLY : 0 };
        struct stat st;
        g_autofree char *dev = NULL;
        int n = ioctl(ctl, LOOP_CTL_GET_FREE), lfd;

        if (n < 0) {
            e = errno;
            break;
        }
        dev = g_strdup_printf("/dev/loop%d", n);
        if ((lfd = open(dev, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC)) < 0) {
            e = errno;
            continue;
        }
        if (ioctl(lfd, LOOP_SET_FD, fd) < 0) {
            e = errno;          /* EBUSY: taken meanwhile */
            close(lfd);
            continue;
        }
        g_strlcpy((char *)info.lo_file_name, file, sizeof(info.lo_file_name));
        if (ioctl(lfd, LOOP_SET_STATUS64, &info) < 0 || fstat(lfd, &st) < 0) {
            e = errno;
            ioctl(lfd, LOOP_CLR_FD, 0);
            close(lfd);
            break;
        }
        close(lfd);
        *rdev = st.st_rdev;
        path = g_steal_pointer(&dev);
    }
    if (!path)
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("cannot attach %s to a loop device: %s"), file,
                     g_strerror(e ? e : EBUSY));
 out:
    if (ctl >= 0)
        close(ctl);
    if (fd >= 0)
        close(fd);
    return path;
}

gboolean
xvmDom0BlockAttach(xvmXsConn *conn, const char *be, GError **error)
{
    g_autofree char *type = NULL;
    g_autofree char *params = NULL;
    g_autofree char *mode = NULL;
    g_autofree char *dev_path = NULL;
    g_autofree char *physical = NULL;
    g_autofree char *key = NULL;
    struct stat st;
    dev_t rdev;

    if (!(type = xvmXsReadKey(conn, be, "type", error)))
        return error && *error ? FALSE : TRUE;
    if (strcmp(type, "phy") != 0)
        return TRUE;          /* qdisk: qemu's business */
    if (!(params = xvmXsReadKey(conn, be, "params", error)) ||
        !(mode = xvmXsReadKey(conn, be, "mode", error))) {
        if (error && !*error)
            xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("%s has no params or mode"), be);
        return FALSE;
    }
    if (!*params || stat(params, &st) < 0) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED, _("disk source '%s': %s"), params,
                     g_strerror(*params ? errno : ENOENT));
        return FALSE;
    }
    if (S_ISBLK(st.st_mode)) {
        rdev = st.st_rdev;
        dev_path = g_strdup(params);
    } else if (S_ISREG(st.st_mode)) {
        if (!(dev_path = loop_attach(params, mode[0] == 'r', &rdev, error)))
            return FALSE;
    } else {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("disk source '%s' is neither a file nor a block device"), params);
        return FALSE;
    }
    /* As the block script: the device for blkback, then "connected". */
    physical = g_strdup_printf("%x:%x", major(rdev), minor(rdev));
    key = g_strdup_printf("%s/physical-device", be);
    if (xvmXsWrite(conn, key, physical, error)) {
        g_free(key);
        key = g_strdup_printf("%s/physical-device-path", be);
        if (xvmXsWrite(conn, key, dev_path, error)) {
            g_free(key);
            key = g_strdup_printf("%s/hotplug-status", be);
            if (xvmXsWrite(conn, key, "connected", error))
                return TRUE;
        }
    }
    if (S_ISREG(st.st_mode))
        xvmDom0BlockRelease(dev_path, params);
    return FALSE;
}

void
xvmDom0BlockRelease(const char *dev_path, const char *params)
{
    struct loop_info64 info = { 0 };
    int fd;

    if (!dev_path || !g_str_has_prefix(dev_path, "/dev/loop"))
        return;
    if ((fd = open(dev_path, O_RDONLY | O_CLOEXEC)) < 0)
        return;
    /* Only the loop this disk was given: still bound to its file. A
     * device blkback still holds is released when blkback lets go
     * (LOOP_CLR_FD then sets autoclear). */
    if (ioctl(fd, LOOP_GET_STATUS64, &info) == 0 &&
        (!params || strncmp((const char *)info.lo_file_name, params,
                            sizeof(info.lo_file_name) - 1) == 0) &&
        ioctl(fd, LOOP_CLR_FD, 0) < 0 && errno != ENXIO)
        g_warning(_("cannot release the loop device %s: %s"), dev_path, g_strerror(errno));
    close(fd);
}

void
xvmDom0BlockReleaseDomain(xvmXsConn *conn, guint32 domid, guint32 backend_domid,
                          GPtrArray *loops)
{
    g_autofree char *dir = g_strdup_printf("/local/domain/%u/backend/vbd/%u", backend_domid,
                                           domid);
    g_auto(GStrv) devs = xs_directory(conn->xs, 0, dir, NULL);

    if (!devs)
        return;
    for (char **d = devs; *d; d++) {
        g_autofree char *be = g_strdup_printf("%s/%s", dir, *d);
        g_autofree char *path = xvmXsReadKey(conn, be, "physical-device-path", NULL);
        g_autofree char *params = xvmXsReadKey(conn, be, "params", NULL);

        if (path && g_str_has_prefix(path, "/dev/loop")) {
            g_ptr_array_add(loops, g_steal_pointer(&path));
            g_ptr_array_add(loops, g_steal_pointer(&params));
        }
    }
}
