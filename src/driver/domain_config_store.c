/*
 * domain_config_store.c: configs, autostart links and status files on
 * disk (see domain_config_store.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_config_store.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "atomic_file.h"

#define CONFIG_SUFFIX ".xml"
#define AUTOSTART_SUBDIR "autostart"
#define SAVE_SUBDIR "save"
#define SAVE_SUFFIX ".save"

struct _xvmDomainConfigStore {
    char *state_dir;       /* absolute */
    char *autostart_dir;   /* STATE/autostart */
    char *save_dir;        /* STATE/save */
    char *run_dir;         /* absolute */
};

static char *
file_in(const char *dir, const char *name)
{
    g_autofree char *base = g_strconcat(name, CONFIG_SUFFIX, NULL);

    return g_build_filename(dir, base, NULL);
}

char *
xvmDomainConfigStoreConfigPath(const xvmDomainConfigStore *store, const char *name)
{
    return file_in(store->state_dir, name);
}

char *
xvmDomainConfigStoreAutostartPath(const xvmDomainConfigStore *store, const char *name)
{
    return file_in(store->autostart_dir, name);
}

char *
xvmDomainConfigStoreStatusPath(const xvmDomainConfigStore *store, const char *name)
{
    return file_in(store->run_dir, name);
}

char *
xvmDomainConfigStoreManagedSavePath(const xvmDomainConfigStore *store, const char *name)
{
    g_autofree char *base = g_strconcat(name, SAVE_SUFFIX, NULL);

    return g_build_filename(store->save_dir, base, NULL);
}

static gboolean
make_dir(const char *dir, GError **error)
{
    if (g_mkdir_with_parents(dir, 0700) < 0) {
        int errsv = errno;

        xvmConfError(error, VIR_ERR_SYSTEM_ERROR,
                     _("cannot create directory '%s': %s"), dir, g_strerror(errsv));
        return FALSE;
    }
    return TRUE;
}

xvmDomainConfigStore *
xvmDomainConfigStoreNew(const char *state_dir, const char *run_dir, GError **error)
{
    g_autoptr(xvmDomainConfigStore) store = g_new0(xvmDomainConfigStore, 1);

    g_return_val_if_fail(state_dir && run_dir, NULL);

    store->state_dir = g_canonicalize_filename(state_dir, NULL);
    store->autostart_dir = g_build_filename(store->state_dir, AUTOSTART_SUBDIR, NULL);
    store->save_dir = g_build_filename(store->state_dir, SAVE_SUBDIR, NULL);
    store->run_dir = g_canonicalize_filename(run_dir, NULL);
    if (!make_dir(store->state_dir, error) ||
        !make_dir(store->autostart_dir, error) ||
        !make_dir(store->save_dir, error) ||
        !make_dir(store->run_dir, error))
        return NULL;
    return g_steal_pointer(&store);
}

void
xvmDomainConfigStoreFree(xvmDomainConfigStore *store)
{
    if (!store)
        return;
    g_free(store->state_dir);
    g_free(store->autostart_dir);
    g_free(store->save_dir);
    g_free(store->run_dir);
    g_free(store);
}

/* ---- writing ---------------------------------------------------------- */

gboolean
xvmDomainConfigSave(xvmDomainConfigStore *store, const xvmDomainDef *def,
                    GError **error)
{
    g_autofree char *xml = NULL;
    g_autofree char *path = NULL;

    if (!(xml = xvmDomainDefFormat(def, XVM_DOMAIN_XML_INACTIVE | XVM_DOMAIN_XML_SECURE,
                                   error)))
        return FALSE;
    path = xvmDomainConfigStoreConfigPath(store, def->name);
    return xvmAtomicFileWrite(path, xml, strlen(xml), 0600, error);
}

gboolean
xvmDomainConfigDelete(xvmDomainConfigStore *store, const char *name, GError **error)
{
    g_autofree char *link = xvmDomainConfigStoreAutostartPath(store, name);
    g_autofree char *path = xvmDomainConfigStoreConfigPath(store, name);

    return xvmAtomicFileRemove(link, error) && xvmAtomicFileRemove(path, error);
}

gboolean
xvmDomainConfigSetAutostart(xvmDomainConfigStore *store, const char *name,
                            gboolean autostart, GError **error)
{
    g_autofree char *link = xvmDomainConfigStoreAutostartPath(store, name);
    g_autofree char *path = xvmDomainConfigStoreConfigPath(store, name);

    if (!autostart)
        return xvmAtomicFileRemove(link, error);
    return xvmAtomicSymlink(path, link, error);
}

gboolean
xvmDomainStatusSave(xvmDomainConfigStore *store, const xvmDomainObj *obj,
                    GError **error)
{
    g_autofree char *xml = NULL;
    g_autofree char *path = NULL;

    if (!(xml = xvmDomainStatusFormat(obj, error)))
        return FALSE;
    path = xvmDomainConfigStoreStatusPath(store, obj->name);
    return xvmAtomicFileWrite(path, xml, strlen(xml), 0600, error);
}

gboolean
xvmDomainStatusDelete(xvmDomainConfigStore *store, const char *name, GError **error)
{
    g_autofree char *path = xvmDomainConfigStoreStatusPath(store, name);

    return xvmAtomicFileRemove(path, error);
}

/* ---- loading ---------------------------------------------------------- */

/* The contents of a regular file of at most `max` bytes, NUL-terminated.
 * Refuses symbolic links, FIFOs and devices (never blocks on open). */
static char *
read_regular_file(const char *path, gsize max, gsize *len, GError **error)
{
    g_autofree char *buf = NULL;
    struct stat st;
    gsize done = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    int errsv;

    if (fd < 0) {
        errsv = errno;
        xvmConfError(error, VIR_ERR_SYSTEM_ERROR, _("cannot open '%s': %s"),
                     path, g_strerror(errsv));
        return NULL;
    }
    if (fstat(fd, &st) < 0) {
        errsv = errno;
        close(fd);
        xvmConfError(error, VIR_ERR_SYSTEM_ERROR, _("cannot stat '%s': %s"),
                     path, g_strerror(errsv));
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || (guint64)st.st_size > max) {
        close(fd);
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("'%s' is not a regular file of at most %" G_GSIZE_FORMAT " bytes"),
                     path, max);
        return NULL;
    }
    buf = g_malloc((gsize)st.st_size + 1);
    while (done < (gsize)st.st_size) {
        ssize_t n = read(fd, buf + done, (gsize)st.st_size - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {          /* error, or the file shrank under us */
            errsv = n < 0 ? errno : EIO;
            close(fd);
            xvmConfError(error, VIR_ERR_SYSTEM_ERROR, _("cannot read '%s': %s"),
                         path, g_strerror(errsv));
            return NULL;
        }
        done += (gsize)n;
    }
    close(fd);
    buf[done] = '\0';
    *len = done;
    return g_steal_pointer(&buf);
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The domain names of the DIR/NAME.xml entries, sorted; removes stale
 * temporary files (xvmAtomicFileIsTemp) on the way. */
static GPtrArray *
scan_dir(const char *dir)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &err);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *entry;

    if (!d) {
        g_warning(_("cannot read directory '%s': %s"), dir, err->message);
        return names;
    }
    while ((entry = g_dir_read_name(d))) {
        gsize len = strlen(entry);

        if (xvmAtomicFileIsTemp(entry)) {
            g_autofree char *path = g_build_filename(dir, entry, NULL);
            g_autoptr(GError) rm_err = NULL;

            g_message(_("removing stale temporary file '%s'"), path);
            if (!xvmAtomicFileRemove(path, &rm_err))
                g_warning("%s", rm_err->message);
            continue;
        }
        if (len > strlen(CONFIG_SUFFIX) && g_str_has_suffix(entry, CONFIG_SUFFIX))
            g_ptr_array_add(names, g_strndup(entry, len - strlen(CONFIG_SUFFIX)));
    }
    g_ptr_array_sort(names, compare_names);
    return names;
}

/* Does the autostart link of `name` lead to its config file? (libvirt's
 * virFileLinkPointsTo: same file, however the link is spelt.) */
static gboolean
has_autostart_link(xvmDomainConfigStore *store, const char *name, const char *config)
{
    g_autofree char *link = xvmDomainConfigStoreAutostartPath(store, name);
    struct stat link_st, config_st;

    return stat(link, &link_st) == 0 && stat(config, &config_st) == 0 &&
           link_st.st_dev == config_st.st_dev && link_st.st_ino == config_st.st_ino;
}

static gboolean
load_config(xvmDomainConfigStore *store, xvmDomainList *doms, const char *name,
            const char *path, GError **error)
{
    g_autofree char *xml = NULL;
    g_autoptr(xvmDomainDef) def = NULL;
    xvmDomainObj *obj;
    gsize len;

    if (!(xml = read_regular_file(path, XVM_DOMAIN_XML_MAX_BYTES, &len, error)) ||
        !(def = xvmDomainDefParseString(xml, (gssize)len, XVM_DOMAIN_PARSE_INACTIVE,
                                        error)))
        return FALSE;
    if (strcmp(def->name, name) != 0) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("it defines domain '%s', not '%s'"), def->name, name);
        return FALSE;
    }
    if (!(obj = xvmDomainListAdd(doms, &def, 0, NULL, error)))
        return FALSE;
    xvmDomainObjSetAutostart(obj, has_autostart_link(store, name, path));
    {
        g_autofree char *image = xvmDomainConfigStoreManagedSavePath(store, name);

        xvmDomainObjSetManagedSave(obj, g_file_test(image, G_FILE_TEST_IS_REGULAR));
    }
    xvmDomainObjEndAPI(&obj);
    return TRUE;
}

guint
xvmDomainConfigLoadAll(xvmDomainConfigStore *store, xvmDomainList *doms)
{
    g_autoptr(GPtrArray) names = scan_dir(store->state_dir);
    guint loaded = 0;

    /* The links and images are read per domain; the scans only remove
     * stale temporary files there (an image cut short by a crash during
     * a managed save is as big as the guest's memory). */
    g_ptr_array_unref(scan_dir(store->autostart_dir));
    g_ptr_array_unref(scan_dir(store->save_dir));

    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *path = xvmDomainConfigStoreConfigPath(store, name);
        g_autoptr(GError) err = NULL;

        if (load_config(store, doms, name, path, &err))
            loaded++;
        else
            g_warning(_("skipping domain config '%s': %s"), path, err->message);
    }
    return loaded;
}

static xvmDomainStatus *
load_status(const char *name, const char *path, GError **error)
{
    g_autofree char *xml = NULL;
    g_autoptr(xvmDomainStatus) status = NULL;
    gsize len;

    if (!(xml = read_regular_file(path, XVM_DOMAIN_STATUS_MAX_BYTES, &len, error)) ||
        !(status = xvmDomainStatusParse(xml, len, error)))
        return NULL;
    if (strcmp(status->def->name, name) != 0) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("it is the status of domain '%s', not '%s'"),
                     status->def->name, name);
        return NULL;
    }
    return g_steal_pointer(&status);
}

GPtrArray *
xvmDomainStatusLoadAll(xvmDomainConfigStore *store)
{
    g_autoptr(GPtrArray) names = scan_dir(store->run_dir);
    GPtrArray *statuses =
        g_ptr_array_new_with_free_func((GDestroyNotify)xvmDomainStatusFree);

    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *path = xvmDomainConfigStoreStatusPath(store, name);
        g_autoptr(GError) err = NULL;
        xvmDomainStatus *status = load_status(name, path, &err);

        if (status)
            g_ptr_array_add(statuses, status);
        else
            g_warning(_("skipping domain status '%s': %s"), path, err->message);
    }
    return statuses;
}
