/*
 * domain_save.c: save, restore, managed save (see domain_save.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_save.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>
#include <xen/sched.h>

#include "atomic_file.h"
#include "domain_lifecycle.h"
#include "domain_state.h"
#include "driver_internal.h"
#include "save_image.h"

static gboolean
check_flags(unsigned int flags, unsigned int allowed, const char *func, GError **error)
{
    if (!(flags & ~allowed))
        return TRUE;
    xvmConfError(error, VIR_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                 flags & ~allowed, func);
    return FALSE;
}

/* VIR_DOMAIN_SAVE_RUNNING / _PAUSED: one at most; no alternative XML. */
static gboolean
check_save_args(const char *dxml, unsigned int flags, unsigned int allowed,
                const char *func, GError **error)
{
    if (!check_flags(flags, allowed, func, error))
        return FALSE;
    if ((flags & VIR_DOMAIN_SAVE_RUNNING) && (flags & VIR_DOMAIN_SAVE_PAUSED)) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, "%s",
                     _("running and paused flags are mutually exclusive"));
        return FALSE;
    }
    if (dxml) {
        xvmConfError(error, VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                     _("xml modification unsupported"));
        return FALSE;
    }
    return TRUE;
}

/* The image's PAUSED flag after flags (RUNNING / PAUSED) applied to
 * `paused`. */
static gboolean
apply_state_flags(gboolean paused, unsigned int flags)
{
    if (flags & VIR_DOMAIN_SAVE_PAUSED)
        return TRUE;
    if (flags & VIR_DOMAIN_SAVE_RUNNING)
        return FALSE;
    return paused;
}

/* ---- suspending the guest -------------------------------------------- */

typedef enum {
    SUSPEND_DONE,           /* shut down with reason suspend */
    SUSPEND_FAILED,         /* *error set; the guest runs (or state unknown) */
    SUSPEND_OTHER,          /* it shut down otherwise, or died: *info */
} SuspendResult;

/* The guest did not take the request in time: withdraw it, in one
 * transaction with the check that it is still there (the guest takes it
 * in a transaction too: exactly one of us gets it). *taken: the guest
 * had taken it already (it is suspending). */
static gboolean
withdraw_request(xvmXsConn *conn, const char *path, gboolean *taken, GError **error)
{
    for (guint try = 0; try < XVM_XS_TRANSACTION_TRIES; try++) {
        g_autoptr(GError) err = NULL;
        g_autofree char *value = NULL;
        uint32_t tx;

        if (!xs_transaction_start(conn->xs, &tx, &err))
            break;
        value = xs_read(conn->xs, tx, path, NULL, &err);
        if (!value && !g_error_matches(err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)) {
            xs_transaction_end(conn->xs, tx, FALSE, NULL);
            break;
        }
        g_clear_error(&err);
        *taken = g_strcmp0(value, "suspend") != 0;
        if (!*taken && !xs_rm(conn->xs, tx, path, &err)) {
            xs_transaction_end(conn->xs, tx, FALSE, NULL);
            break;
        }
        if (xs_transaction_end(conn->xs, tx, TRUE, &err))
            return TRUE;
        if (!g_error_matches(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
            xvmConfError(error, VIR_ERR_INTERNAL_ERROR, _("xenstore: %s"), err->message);
            return FALSE;
        }
    }
    xvmConfError(error, VIR_ERR_INTERNAL_ERROR, "%s",
                 _("xenstore: cannot withdraw the suspend request"));
    return FALSE;
}

static void
set_paused(xvmDriver *drv, guint32 domid, gboolean pause)
{
    g_autoptr(GError) err = NULL;
    hv_t *hv = xvmDriverHvAcquire(drv, &err);

    if (!hv || !(pause ? hv_domain_pause(hv, domid, &err) : hv_domain_unpause(hv, domid, &err)))
        g_warning(_("domain %u: cannot %s it: %s"), domid, pause ? "pause" : "unpause",
                  err->message);
    xvmDriverHvRelease(drv, hv);
}

/* Asks the guest of `domid` to suspend and waits for it (no object
 * lock held). A paused guest runs for it, and is paused again when it
 * does not suspend. */
static SuspendResult
suspend_guest(xvmDriver *drv, const char *name, guint32 domid, gboolean was_paused,
              struct hv_dominfo *info, GError **error)
{
    g_autofree char *path = g_strdup_printf("/local/domain/%u/control/shutdown", domid);
    g_autoptr(xvmXsConn) conn = NULL;
    g_autoptr(GError) err = NULL;
    guint timeout = drv->cfg.suspend_timeout_ms;
    gboolean down, taken = FALSE;

    if (!(conn = xvmXsConnOpen(drv->cfg.xenstored_path, error)) ||
        !xvmXsWrite(conn, path, "suspend", error))
        return SUSPEND_FAILED;
    if (was_paused)
        set_paused(drv, domid, FALSE);

    down = xvmDriverWaitShutdown(drv, (int)domid, timeout, info, &err);
    if (!down && !err) {
        if (!withdraw_request(conn, path, &taken, error)) {
            if (was_paused)
                set_paused(drv, domid, TRUE);
            return SUSPEND_FAILED;
        }
        if (!taken) {
            g_info("domain '%s' did not suspend within %u ms: save abandoned", name, timeout);
            if (was_paused)
                set_paused(drv, domid, TRUE);
            xvmConfError(error, VIR_ERR_OPERATION_TIMEOUT,
                         _("domain '%s' did not suspend within %u ms: it ignores the "
                           "request or has no suspend support; it keeps running"),
                         name, timeout);
            return SUSPEND_FAILED;
        }
        /* It took the request just now: give it the time once more. */
        down = xvmDriverWaitShutdown(drv, (int)domid, timeout, info, &err);
        if (!down && !err) {
            xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                         _("domain '%s' took the suspend request but did not suspend "
                           "within %u ms"), name, 2 * timeout);
            return SUSPEND_FAILED;
        }
    }
    if (err) {
        if (was_paused)
            set_paused(drv, domid, TRUE);
        g_propagate_error(error, g_steal_pointer(&err));
        return SUSPEND_FAILED;
    }
    if ((info->flags & HV_DOMINF_SHUTDOWN) && !(info->flags & HV_DOMINF_DYING) &&
        info->shutdown_reason == SHUTDOWN_suspend)
        return SUSPEND_DONE;
    return SUSPEND_OTHER;
}

/* The guest suspended but its state could not be kept: it runs again. */
static void
cancel_suspend(xvmDriver *drv, const char *name, guint32 domid, gboolean paused)
{
    g_autoptr(GError) err = NULL;
    hv_t *hv = xvmDriverHvAcquire(drv, &err);

    if (!hv || !hv_domain_resume(hv, domid, &err)) {
        g_warning(_("domain '%s' stays suspended: cannot cancel its suspend: %s"), name,
                  err->message);
    } else if (paused && !hv_domain_pause(hv, domid, &err)) {
        g_warning(_("domain '%s': cannot pause it again: %s"), name, err->message);
    }
    xvmDriverHvRelease(drv, hv);
}

/* ---- save -------------------------------------------------------------- */

/* With the job, the object active: the whole save into `path`. */
static gboolean
save_job(xvmDriver *drv, xvmDomainObj *obj, const char *path, unsigned int flags,
         GError **error)
{
    int reason;
    virDomainState state = xvmDomainObjGetState(obj, &reason);
    guint32 domid = (guint32)obj->domid;
    g_autofree char *xml = NULL;
    g_autofree char *tmp = NULL;
    g_autoptr(GError) err = NULL;
    struct hv_dominfo info;
    SuspendResult res;
    gboolean was_paused, saved = FALSE;
    guint32 img_flags;
    hv_t *hv;
    int fd;

    if (state != VIR_DOMAIN_RUNNING &&
        !(state == VIR_DOMAIN_PAUSED && reason != VIR_DOMAIN_PAUSED_STARTING_UP)) {
        xvmConfError(error, VIR_ERR_OPERATION_INVALID, _("domain '%s' is not running (%s)"),
                     obj->name, xvmDomainStateToString(state));
        return FALSE;
    }
    was_paused = state == VIR_DOMAIN_PAUSED;
    img_flags = apply_state_flags(was_paused, flags) ? XVM_SAVE_IMAGE_PAUSED : 0;
    /* The definition it runs, secrets included: the file is 0600. */
    if (!(xml = xvmDomainDefFormat(obj->live_def,
                                   XVM_DOMAIN_XML_SECURE | XVM_DOMAIN_XML_INACTIVE, error)))
        return FALSE;

    xvmDomainObjUnlock(obj);
    if ((fd = xvmSaveImageCreate(path, xml, img_flags, &tmp, error)) < 0) {
        xvmDomainObjLock(obj);
        return FALSE;
    }
    res = suspend_guest(drv, obj->name, domid, was_paused, &info, &err);
    if (res == SUSPEND_DONE) {
        if ((hv = xvmDriverHvAcquire(drv, &err))) {
            g_autoptr(GError) hv_err = NULL;

            if (hv_domain_save(hv, domid, fd, &hv_err))
                saved = TRUE;
            else
                xvmConfError(&err, VIR_ERR_OPERATION_FAILED,
                             _("cannot save domain '%s': %s"), obj->name, hv_err->message);
            xvmDriverHvRelease(drv, hv);
        }
        if (saved && !xvmSaveImageCommit(fd, tmp, path, TRUE, &err))
            saved = FALSE;
        else if (!saved)
            xvmSaveImageCommit(fd, tmp, path, FALSE, NULL);
        if (!saved)
            cancel_suspend(drv, obj->name, domid, was_paused);
    } else {
        xvmSaveImageCommit(fd, tmp, path, FALSE, NULL);
    }
    xvmDomainObjLock(obj);

    if (res == SUSPEND_OTHER) {
        /* Powered off, crashed or destroyed meanwhile: what it did. */
        xvmDomainHandleShutdownJob(drv, obj, &info);
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("domain '%s' shut down or crashed instead of suspending: "
                       "it is not saved"), obj->name);
        return FALSE;
    }
    if (!saved) {
        g_propagate_error(error, g_steal_pointer(&err));
        return FALSE;
    }
    xvmDomainStopJob(drv, obj, VIR_DOMAIN_SHUTOFF_SAVED);
    xvmDriverEmitLifecycle(drv, obj, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    return TRUE;
}

/* Begins the job of a save of a running domain. */
static gboolean
begin_save(xvmDomainObj *obj, GError **error)
{
    if (!xvmDriverCheckNotHost(obj, _("save"), error) ||
        !xvmDriverBeginJob(obj, "save", error))
        return FALSE;
    if (xvmDriverCheckActive(obj, error))
        return TRUE;
    xvmDomainObjEndJob(obj);
    return FALSE;
}

gboolean
xvmDomainSave(xvmDriver *drv, xvmDomainObj *obj, const char *path, const char *dxml,
              unsigned int flags, GError **error)
{
    gboolean ok;

    if (!check_save_args(dxml, flags, VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED,
                         "xvmDomainSaveFlags", error))
        return FALSE;
    if (!path || !g_path_is_absolute(path)) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, "%s",
                     _("the save file must be an absolute path"));
        return FALSE;
    }
    if (!begin_save(obj, error))
        return FALSE;
    ok = save_job(drv, obj, path, flags, error);
    xvmDomainObjEndJob(obj);
    return ok;
}

gboolean
xvmDomainManagedSave(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags, GError **error)
{
    g_autofree char *path = xvmDomainConfigStoreManagedSavePath(drv->store, obj->name);
    gboolean ok = FALSE;

    if (!check_save_args(NULL, flags, VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED,
                         "xvmDomainManagedSave", error) ||
        !begin_save(obj, error))
        return FALSE;
    if (!xvmDomainObjIsPersistent(obj)) {
        xvmConfError(error, VIR_ERR_OPERATION_INVALID, "%s",
                     _("cannot do managed save for transient domain"));
    } else if ((ok = save_job(drv, obj, path, flags, error))) {
        xvmDomainObjSetManagedSave(obj, TRUE);
    }
    xvmDomainObjEndJob(obj);
    return ok;
}

/* Removes the managed save image of `obj` (locked). */
static gboolean
remove_managed_image(xvmDriver *drv, xvmDomainObj *obj, GError **error)
{
    g_autofree char *path = xvmDomainConfigStoreManagedSavePath(drv->store, obj->name);

    if (!xvmAtomicFileRemove(path, error))
        return FALSE;
    xvmDomainObjSetManagedSave(obj, FALSE);
    return TRUE;
}

gboolean
xvmDomainManagedSaveRemove(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags,
                           GError **error)
{
    gboolean ok;

    if (!check_flags(flags, 0, "xvmDomainManagedSaveRemove", error) ||
        !xvmDriverBeginJob(obj, "managedsave-remove", error))
        return FALSE;
    ok = !obj->has_managed_save || remove_managed_image(drv, obj, error);
    xvmDomainObjEndJob(obj);
    return ok;
}

/* ---- restore ------------------------------------------------------------ */

static const xvmStartHow restore_running = {
    FALSE, VIR_DOMAIN_RUNNING_RESTORED, VIR_DOMAIN_EVENT_STARTED_RESTORED,
};
static const xvmStartHow restore_paused = {
    TRUE, VIR_DOMAIN_RUNNING_RESTORED, VIR_DOMAIN_EVENT_STARTED_RESTORED,
};

/* Loads the stream into the created domain. */
static gboolean
restore_stream(xvmDomainObj *obj, hv_t *hv, int fd, const char *path,
               struct hv_build_result *res, GError **error)
{
    g_autoptr(GError) err = NULL;
    guint32 domid = (guint32)obj->domid;
    gboolean ok;

    xvmDomainObjUnlock(obj);
    ok = hv_domain_restore(hv, domid, fd, 0, 0, res, &err);
    xvmDomainObjLock(obj);
    if (!ok)
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("cannot restore domain '%s' from '%s': %s"), obj->name, path,
                     err->message);
    return ok;
}

/* With the job, the object inactive with the image's definition as its
 * live one: start's steps with the stream of fd. On failure nothing is
 * left (xvmDomainStartAbortJob). */
static gboolean
restore_job(xvmDriver *drv, xvmDomainObj *obj, int fd, const char *path, gboolean paused,
            GError **error)
{
    g_autoptr(GError) err = NULL;
    struct hv_build_result res;
    hv_t *hv = NULL;
    gboolean ok;

    if (!xvmDomainObjPrepareLiveDef(obj, error))
        return FALSE;
    ok = (hv = xvmDriverHvAcquire(drv, &err)) &&
         xvmDomainCreateJob(drv, obj, hv, &err) &&
         restore_stream(obj, hv, fd, path, &res, &err) &&
         xvmDomainStartFinish(drv, obj, hv, &res, paused ? &restore_paused : &restore_running,
                              &err);
    xvmDriverHvRelease(drv, hv);
    if (ok)
        return TRUE;
    g_info("domain '%s' failed to restore: %s", obj->name, err->message);
    xvmDomainStartAbortJob(drv, obj);
    g_propagate_error(error, g_steal_pointer(&err));
    return FALSE;
}

gboolean
xvmDomainRestore(xvmDriver *drv, const char *path, const char *dxml, unsigned int flags,
                 GError **error)
{
    g_autoptr(xvmDomainDef) def = NULL;
    xvmDomainObj *obj;
    guint32 img_flags;
    gboolean ok;
    int fd;

    if (!check_save_args(dxml, flags, VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED,
                         "xvmDomainRestoreFlags", error))
        return FALSE;
    if (!path) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, "%s", _("no save file given"));
        return FALSE;
    }
    if ((fd = xvmSaveImageLoad(path, &def, &img_flags, error)) < 0)
        return FALSE;
    if (g_strcmp0(def->name, XVM_DOMAIN0_NAME) == 0) {
        xvmConfError(error, VIR_ERR_OPERATION_INVALID,
                     _("cannot restore %s: it is the host's domain"), XVM_DOMAIN0_NAME);
        close(fd);
        return FALSE;
    }
    if (!(obj = xvmDomainAddLiveJob(drv, &def, "restore", error))) {
        close(fd);
        return FALSE;
    }
    ok = restore_job(drv, obj, fd, path,
                     apply_state_flags(img_flags & XVM_SAVE_IMAGE_PAUSED, flags), error);
    close(fd);
    xvmDomainObjEndJob(obj);
    xvmDomainObjEndAPI(&obj);
    return ok;
}

gboolean
xvmDomainStartManagedJob(xvmDriver *drv, xvmDomainObj *obj, gboolean paused,
                         GError **error)
{
    g_autofree char *path = xvmDomainConfigStoreManagedSavePath(drv->store, obj->name);
    g_autoptr(xvmDomainDef) def = NULL;
    g_autoptr(GError) err = NULL;
    guint32 img_flags;
    gboolean ok;
    int fd;

    if ((fd = xvmSaveImageLoad(path, &def, &img_flags, error)) < 0)
        return FALSE;
    if (strcmp(def->name, obj->name) != 0 || !xvmUuidEqual(&def->uuid, &obj->uuid)) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("the managed save image '%s' is of another domain ('%s')"), path,
                     def->name);
        close(fd);
        return FALSE;
    }
    xvmDomainDefFree(obj->live_def);
    obj->live_def = g_steal_pointer(&def);
    ok = restore_job(drv, obj, fd, path, paused || (img_flags & XVM_SAVE_IMAGE_PAUSED),
                     error);
    close(fd);
    /* Restored: the image is used up (kept when the restore failed). */
    if (ok && !remove_managed_image(drv, obj, &err))
        g_warning(_("domain '%s': %s"), obj->name, err->message);
    return ok;
}

gboolean
xvmDomainManagedSaveDiscardJob(xvmDriver *drv, xvmDomainObj *obj, GError **error)
{
    return remove_managed_image(drv, obj, error);
}

/* ---- the image's XML ---------------------------------------------------- */

char *
xvmDomainSaveImageGetXMLDesc(xvmDriver *drv, const char *path, unsigned int flags,
                             GError **error)
{
    g_autoptr(xvmDomainDef) def = NULL;
    guint32 img_flags;
    int fd;

    if (!check_flags(flags, VIR_DOMAIN_SAVE_IMAGE_XML_SECURE,
                     "xvmDomainSaveImageGetXMLDesc", error))
        return NULL;
    if (!path) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, "%s", _("no save file given"));
        return NULL;
    }
    if ((fd = xvmSaveImageLoad(path, &def, &img_flags, error)) < 0)
        return NULL;
    close(fd);
    return xvmDomainDefFormat(def, XVM_DOMAIN_XML_INACTIVE |
                                   ((flags & VIR_DOMAIN_SAVE_IMAGE_XML_SECURE)
                                        ? XVM_DOMAIN_XML_SECURE : 0), error);
}

gboolean
xvmDomainSaveImageDefineXML(xvmDriver *drv, const char *path, const char *dxml,
                            unsigned int flags, GError **error)
{
    g_autoptr(xvmDomainDef) old_def = NULL;
    g_autoptr(xvmDomainDef) new_def = NULL;
    g_autofree char *xml = NULL;
    guint32 img_flags;
    int fd;

    if (!check_save_args(NULL, flags, VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED,
                         "xvmDomainSaveImageDefineXML", error))
        return FALSE;
    if (!path || !dxml) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, "%s", _("no save file or XML given"));
        return FALSE;
    }
    if (!(new_def = xvmDomainDefParseString(dxml, -1, XVM_DOMAIN_PARSE_INACTIVE, error)))
        return FALSE;
    if ((fd = xvmSaveImageLoad(path, &old_def, &img_flags, error)) < 0)
        return FALSE;
    close(fd);
    /* What the saved guest was created with cannot change under it. */
    if (strcmp(new_def->name, old_def->name) != 0 ||
        !xvmUuidEqual(&new_def->uuid, &old_def->uuid) ||
        new_def->os.type != old_def->os.type || new_def->vcpus != old_def->vcpus ||
        new_def->memory != old_def->memory) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("the new XML of save image '%s' must keep the name, UUID, OS "
                       "type, vCPUs and memory of domain '%s'"), path, old_def->name);
        return FALSE;
    }
    if (!(xml = xvmDomainDefFormat(new_def, XVM_DOMAIN_XML_SECURE | XVM_DOMAIN_XML_INACTIVE,
                                   error)))
        return FALSE;
    img_flags = apply_state_flags(img_flags & XVM_SAVE_IMAGE_PAUSED, flags)
                    ? (img_flags | XVM_SAVE_IMAGE_PAUSED) : (img_flags & ~XVM_SAVE_IMAGE_PAUSED);
    return xvmSaveImageRewrite(path, xml, img_flags, error);
}
