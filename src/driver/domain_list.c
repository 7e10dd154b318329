/*
 * domain_list.c: the collection of domain objects (see domain_list.h).
 *
 * Invariants (with the list lock free)
 *   - by_uuid holds one reference to each listed object (its value destroy
 *     function drops it); by_name and by_domid borrow that reference.
 *   - An object is in by_uuid iff it is in by_name; keys are the object's
 *     own immutable `uuid` and `name`.
 *   - An object is in by_domid under key domid iff its domid >= 0.
 *   - by_domid's size is the number of active domains.
 *   - by_order holds exactly the objects of by_name (borrowed), sorted by
 *     name (strcmp): listing walks it and never sorts.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_list.h"

#include <string.h>
#include <glib/gi18n.h>

#include "domain_state.h"

struct _xvmDomainList {
    GRWLock lock;
    GHashTable *by_uuid;     /* const xvmUuid * -> xvmDomainObj * (owned ref) */
    GHashTable *by_name;     /* const char *    -> xvmDomainObj * */
    GHashTable *by_domid;    /* GINT_TO_POINTER(domid) -> xvmDomainObj * */
    GPtrArray *by_order;     /* xvmDomainObj *, by name */
};

/* Where an object named `name` is, or would go, in by_order. */
static guint
order_index(xvmDomainList *doms, const char *name)
{
    guint lo = 0, hi = doms->by_order->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        const xvmDomainObj *o = g_ptr_array_index(doms->by_order, mid);

        if (strcmp(o->name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static guint
uuid_hash(gconstpointer key)
{
    const guint8 *b = ((const xvmUuid *)key)->bytes;
    guint h = 2166136261u;                  /* FNV-1a over all 16 bytes */

    for (gsize i = 0; i < XVM_UUID_BUFLEN; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static gboolean
uuid_equal(gconstpointer a, gconstpointer b)
{
    return xvmUuidEqual(a, b);
}

xvmDomainList *
xvmDomainListNew(void)
{
    xvmDomainList *doms = g_new0(xvmDomainList, 1);

    g_rw_lock_init(&doms->lock);
    doms->by_uuid = g_hash_table_new_full(uuid_hash, uuid_equal, NULL,
                                          (GDestroyNotify)xvmDomainObjUnref);
    doms->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    doms->by_domid = g_hash_table_new(g_direct_hash, g_direct_equal);
    doms->by_order = g_ptr_array_new();
    return doms;
}

void
xvmDomainListFree(xvmDomainList *doms)
{
    if (!doms)
        return;
    g_ptr_array_unref(doms->by_order);
    g_hash_table_destroy(doms->by_domid);
    g_hash_table_destroy(doms->by_name);
    g_hash_table_destroy(doms->by_uuid);
    g_rw_lock_clear(&doms->lock);
    g_free(doms);
}

/* Lock a referenced object found in an index (list lock already
 * released); NULL, reference dropped, when it is being removed. With
 * busy, only if the lock is free: else NULL with *busy set. */
static xvmDomainObj *
lock_found(xvmDomainObj *obj, gboolean *busy)
{
    if (!obj)
        return NULL;
    if (busy) {
        if (!xvmDomainObjTryLock(obj)) {
            *busy = TRUE;
            xvmDomainObjUnref(obj);
            return NULL;
        }
    } else {
        xvmDomainObjLock(obj);
    }
    if (obj->removing)
        xvmDomainObjEndAPI(&obj);
    return obj;
}

/* The list's read lock; with busy, only if free at once (else FALSE and
 * *busy set). */
static gboolean
read_lock(xvmDomainList *doms, gboolean *busy)
{
    if (!busy) {
        g_rw_lock_reader_lock(&doms->lock);
        return TRUE;
    }
    if (g_rw_lock_reader_trylock(&doms->lock))
        return TRUE;
    *busy = TRUE;
    return FALSE;
}

/* busy NULL: may wait; else never does (see the Try functions). */
static xvmDomainObj *
find_ref(xvmDomainList *doms, GHashTable *index, gconstpointer key, gboolean *busy)
{
    xvmDomainObj *obj;

    if (busy)
        *busy = FALSE;
    if (!read_lock(doms, busy))
        return NULL;
    obj = g_hash_table_lookup(index, key);
    if (obj)
        xvmDomainObjRef(obj);
    g_rw_lock_reader_unlock(&doms->lock);
    return lock_found(obj, busy);
}

static xvmDomainObj *
find_by_name(xvmDomainList *doms, const char *name, gboolean *busy, GError **error)
{
    xvmDomainObj *obj = name ? find_ref(doms, doms->by_name, name, busy) : NULL;

    if (!obj && !(busy && *busy))
        xvmConfError(error, VIR_ERR_NO_DOMAIN,
                     _("no domain with matching name '%s'"), name ? name : "");
    return obj;
}

static xvmDomainObj *
find_by_uuid(xvmDomainList *doms, const xvmUuid *uuid, gboolean *busy, GError **error)
{
    xvmDomainObj *obj = find_ref(doms, doms->by_uuid, uuid, busy);

    if (!obj && !(busy && *busy)) {
        char uuidstr[XVM_UUID_STRING_BUFLEN];

        xvmUuidFormat(uuid, uuidstr);
        xvmConfError(error, VIR_ERR_NO_DOMAIN,
                     _("no domain with matching uuid '%s'"), uuidstr);
    }
    return obj;
}

static xvmDomainObj *
find_by_id(xvmDomainList *doms, int domid, gboolean *busy, GError **error)
{
    xvmDomainObj *obj = NULL;

    if (busy)
        *busy = FALSE;
    if (domid >= 0)
        obj = find_ref(doms, doms->by_domid, GINT_TO_POINTER(domid), busy);
    if (!obj && !(busy && *busy))
        xvmConfError(error, VIR_ERR_NO_DOMAIN,
                     _("no domain with matching id %d"), domid);
    return obj;
}

xvmDomainObj *
xvmDomainListFindByName(xvmDomainList *doms, const char *name, GError **error)
{
    return find_by_name(doms, name, NULL, error);
}

xvmDomainObj *
xvmDomainListFindByUUID(xvmDomainList *doms, const xvmUuid *uuid, GError **error)
{
    return find_by_uuid(doms, uuid, NULL, error);
}

xvmDomainObj *
xvmDomainListFindByID(xvmDomainList *doms, int domid, GError **error)
{
    return find_by_id(doms, domid, NULL, error);
}

xvmDomainObj *
xvmDomainListTryFindByName(xvmDomainList *doms, const char *name, gboolean *busy,
                           GError **error)
{
    *busy = FALSE;
    return find_by_name(doms, name, busy, error);
}

xvmDomainObj *
xvmDomainListTryFindByUUID(xvmDomainList *doms, const xvmUuid *uuid, gboolean *busy,
                           GError **error)
{
    return find_by_uuid(doms, uuid, busy, error);
}

xvmDomainObj *
xvmDomainListTryFindByID(xvmDomainList *doms, int domid, gboolean *busy,
                         GError **error)
{
    return find_by_id(doms, domid, busy, error);
}

/* The existing object `obj` (referenced, unlocked) has the uuid and name
 * of *def: apply the define or createXML to it. */
static xvmDomainObj *
add_to_existing(xvmDomainObj *obj, xvmDomainDef **def, unsigned int flags,
                xvmDomainDef **old_def, GError **error)
{
    xvmDomainObjLock(obj);
    if (obj->removing) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("domain '%s' is already being removed"), obj->name);
        goto error;
    }
    if (flags & XVM_DOMAIN_LIST_ADD_LIVE) {
        if (xvmDomainObjIsActive(obj)) {
            xvmConfError(error, VIR_ERR_OPERATION_INVALID,
                         _("domain '%s' is already active"), obj->name);
            goto error;
        }
        if (!xvmDomainObjIsPersistent(obj)) {
            xvmConfError(error, VIR_ERR_OPERATION_INVALID,
                         _("domain '%s' is already being started"), obj->name);
            goto error;
        }
        /* The holder of a job (a start of this very domain, say) uses
         * the live definition with the lock dropped: it is replaced only
         * when nobody holds the job. */
        if (obj->job) {
            xvmConfError(error, VIR_ERR_OPERATION_INVALID,
                         _("domain '%s' is busy (%s in progress)"), obj->name, obj->job);
            goto error;
        }
        xvmDomainDefFree(obj->live_def);
        obj->live_def = g_steal_pointer(def);
    } else {
        xvmDomainObjAssignPersistentDef(obj, def, old_def);
    }
    return obj;

 error:
    xvmDomainObjEndAPI(&obj);
    return NULL;
}

/* Undo xvmDomainObjNew for an object that was never listed: *def gets
 * its definition back. */
static void
discard_new(xvmDomainObj *obj, xvmDomainDef **def)
{
    *def = obj->live_def ? g_steal_pointer(&obj->live_def)
                         : g_steal_pointer(&obj->persistent_def);
    xvmDomainObjEndAPI(&obj);
}

xvmDomainObj *
xvmDomainListAdd(xvmDomainList *doms, xvmDomainDef **def, unsigned int flags,
                 xvmDomainDef **old_def, GError **error)
{
    char uuidstr[XVM_UUID_STRING_BUFLEN];
    xvmDomainObj *existing;
    xvmDomainObj *obj;

    g_return_val_if_fail(def && *def && (*def)->name, NULL);
    if (old_def)
        *old_def = NULL;

    /* The object a new domain would be, locked before the list lock is
     * taken (lock order); discarded if the domain exists. */
    obj = xvmDomainObjNew(def, (flags & XVM_DOMAIN_LIST_ADD_LIVE) != 0);
    xvmDomainObjLock(obj);

    g_rw_lock_writer_lock(&doms->lock);

    if ((existing = g_hash_table_lookup(doms->by_uuid, &obj->uuid))) {
        if (strcmp(existing->name, obj->name) != 0) {
            xvmUuidFormat(&existing->uuid, uuidstr);
            xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                         _("domain '%s' is already defined with uuid %s"),
                         existing->name, uuidstr);
            g_rw_lock_writer_unlock(&doms->lock);
            discard_new(obj, def);
            return NULL;
        }
        xvmDomainObjRef(existing);
        g_rw_lock_writer_unlock(&doms->lock);
        discard_new(obj, def);
        return add_to_existing(existing, def, flags, old_def, error);
    }

    if ((existing = g_hash_table_lookup(doms->by_name, obj->name))) {
        xvmUuidFormat(&existing->uuid, uuidstr);
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("domain '%s' already exists with uuid %s"),
                     obj->name, uuidstr);
        g_rw_lock_writer_unlock(&doms->lock);
        discard_new(obj, def);
        return NULL;
    }

    g_hash_table_insert(doms->by_uuid, &obj->uuid, xvmDomainObjRef(obj));  /* list's */
    g_hash_table_insert(doms->by_name, obj->name, obj);
    g_ptr_array_insert(doms->by_order, (gint)order_index(doms, obj->name), obj);
    g_rw_lock_writer_unlock(&doms->lock);
    return obj;                                                 /* caller's ref */
}

/* With the list write lock held. */
static void
remove_locked(xvmDomainList *doms, xvmDomainObj *obj)
{
    guint at;

    if (g_hash_table_lookup(doms->by_uuid, &obj->uuid) != obj)
        return;
    at = order_index(doms, obj->name);
    g_assert(at < doms->by_order->len && g_ptr_array_index(doms->by_order, at) == obj);
    g_ptr_array_remove_index(doms->by_order, at);
    if (obj->domid >= 0)
        g_hash_table_remove(doms->by_domid, GINT_TO_POINTER(obj->domid));
    g_hash_table_remove(doms->by_name, obj->name);
    g_hash_table_remove(doms->by_uuid, &obj->uuid);    /* drops the list's ref */
}

void
xvmDomainListRemove(xvmDomainList *doms, xvmDomainObj *obj)
{
    obj->removing = TRUE;
    g_rw_lock_writer_lock(&doms->lock);
    remove_locked(doms, obj);
    g_rw_lock_writer_unlock(&doms->lock);
}

gboolean
xvmDomainListSetActive(xvmDomainList *doms, xvmDomainObj *obj, int domid,
                       virDomainState state, int reason, GError **error)
{
    xvmDomainObj *holder;

    g_return_val_if_fail(state != VIR_DOMAIN_SHUTOFF &&
                         xvmDomainStateReasonIsValid(state, reason), FALSE);
    g_return_val_if_fail(obj->live_def != NULL, FALSE);

    if (xvmDomainObjIsActive(obj)) {
        xvmConfError(error, VIR_ERR_OPERATION_INVALID,
                     _("domain '%s' is already active"), obj->name);
        return FALSE;
    }
    if (domid < XVM_DOMID_MIN || domid > XVM_DOMID_MAX) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                     _("domain id %d of domain '%s' is out of range"),
                     domid, obj->name);
        return FALSE;
    }

    g_rw_lock_writer_lock(&doms->lock);
    holder = g_hash_table_lookup(doms->by_domid, GINT_TO_POINTER(domid));
    if (holder) {
        xvmConfError(error, VIR_ERR_INTERNAL_ERROR,
                     _("domain id %d of domain '%s' already belongs to domain '%s'"),
                     domid, obj->name, holder->name);
        g_rw_lock_writer_unlock(&doms->lock);
        return FALSE;
    }
    /* Only a listed object gets indexed: one removed meanwhile (undefine
     * racing a start) runs unlisted until it stops. */
    if (g_hash_table_lookup(doms->by_uuid, &obj->uuid) == obj)
        g_hash_table_insert(doms->by_domid, GINT_TO_POINTER(domid), obj);
    obj->domid = domid;
    g_rw_lock_writer_unlock(&doms->lock);

    obj->live_def->id = domid;
    obj->state = state;
    obj->reason = reason;
    obj->has_been_started = TRUE;
    return TRUE;
}

xvmDomainObj *
xvmDomainListAddHost(xvmDomainList *doms, xvmDomainDef **def, GError **error)
{
    xvmDomainObj *obj = xvmDomainListAdd(doms, def, XVM_DOMAIN_LIST_ADD_LIVE, NULL, error);
    xvmDomainObj *holder;

    if (!obj)
        return NULL;
    g_rw_lock_writer_lock(&doms->lock);
    holder = g_hash_table_lookup(doms->by_domid, GINT_TO_POINTER(XVM_DOMID_HOST));
    if (holder || xvmDomainObjIsActive(obj)) {
        g_rw_lock_writer_unlock(&doms->lock);
        xvmConfError(error, VIR_ERR_OPERATION_INVALID,
                     _("domain id %d is already listed as domain '%s'"), XVM_DOMID_HOST,
                     holder ? holder->name : obj->name);
        if (!xvmDomainObjIsActive(obj))
            xvmDomainListSetInactive(doms, obj, VIR_DOMAIN_SHUTOFF_UNKNOWN);
        xvmDomainObjEndAPI(&obj);
        return NULL;
    }
    g_hash_table_insert(doms->by_domid, GINT_TO_POINTER(XVM_DOMID_HOST), obj);
    obj->domid = XVM_DOMID_HOST;
    g_rw_lock_writer_unlock(&doms->lock);

    obj->live_def->id = XVM_DOMID_HOST;
    obj->state = VIR_DOMAIN_RUNNING;
    obj->reason = VIR_DOMAIN_RUNNING_BOOTED;
    obj->has_been_started = TRUE;
    return obj;
}

gboolean
xvmDomainListSetInactive(xvmDomainList *doms, xvmDomainObj *obj,
                         virDomainShutoffReason shutoff_reason)
{
    gboolean removed = FALSE;

    g_return_val_if_fail(xvmDomainStateReasonIsValid(VIR_DOMAIN_SHUTOFF,
                                                     shutoff_reason), FALSE);

    g_rw_lock_writer_lock(&doms->lock);
    if (obj->domid >= 0 &&
        g_hash_table_lookup(doms->by_domid, GINT_TO_POINTER(obj->domid)) == obj)
        g_hash_table_remove(doms->by_domid, GINT_TO_POINTER(obj->domid));
    obj->domid = -1;
    if (!xvmDomainObjIsPersistent(obj)) {
        obj->removing = TRUE;
        remove_locked(doms, obj);
        removed = TRUE;
    }
    g_rw_lock_writer_unlock(&doms->lock);

    /* A transient object keeps its last definition for the caller's
     * remaining use (events, messages); it is unlisted. */
    if (!removed)
        g_clear_pointer(&obj->live_def, xvmDomainDefFree);
    else if (obj->live_def)
        obj->live_def->id = -1;
    obj->state = VIR_DOMAIN_SHUTOFF;
    obj->reason = shutoff_reason;
    return removed;
}

/* ---- listing ---------------------------------------------------------- */

#define FILTER_ACTIVE      (VIR_CONNECT_LIST_DOMAINS_ACTIVE | \
                            VIR_CONNECT_LIST_DOMAINS_INACTIVE)
#define FILTER_PERSISTENT  (VIR_CONNECT_LIST_DOMAINS_PERSISTENT | \
                            VIR_CONNECT_LIST_DOMAINS_TRANSIENT)
#define FILTER_STATE       (VIR_CONNECT_LIST_DOMAINS_RUNNING | \
                            VIR_CONNECT_LIST_DOMAINS_PAUSED | \
                            VIR_CONNECT_LIST_DOMAINS_SHUTOFF | \
                            VIR_CONNECT_LIST_DOMAINS_OTHER)
#define FILTER_MANAGEDSAVE (VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE | \
                            VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE)
#define FILTER_AUTOSTART   (VIR_CONNECT_LIST_DOMAINS_AUTOSTART | \
                            VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART)
#define FILTER_SNAPSHOT    (VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT | \
                            VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT)
#define FILTER_CHECKPOINT  (VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT | \
                            VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT)
#define FILTER_ALL         (FILTER_ACTIVE | FILTER_PERSISTENT | FILTER_STATE | \
                            FILTER_MANAGEDSAVE | FILTER_AUTOSTART | \
                            FILTER_SNAPSHOT | FILTER_CHECKPOINT)

/* A group of flags `group` in `flags` filters when any of its flags is
 * set; the object passes when the flag for its side (`yes` / `no`) is
 * among them. */
static gboolean
group_passes(unsigned int flags, unsigned int group, unsigned int yes_flag,
             gboolean value)
{
    if (!(flags & group))
        return TRUE;
    return (flags & (value ? yes_flag : (group & ~yes_flag))) != 0;
}

/* With the object locked. */
static gboolean
matches_filter(const xvmDomainObj *obj, unsigned int flags)
{
    int state = obj->state;
    unsigned int state_flag;

    if (!group_passes(flags, FILTER_ACTIVE, VIR_CONNECT_LIST_DOMAINS_ACTIVE,
                      xvmDomainObjIsActive(obj)) ||
        !group_passes(flags, FILTER_PERSISTENT, VIR_CONNECT_LIST_DOMAINS_PERSISTENT,
                      xvmDomainObjIsPersistent(obj)) ||
        !group_passes(flags, FILTER_MANAGEDSAVE, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE,
                      obj->has_managed_save) ||
        !group_passes(flags, FILTER_AUTOSTART, VIR_CONNECT_LIST_DOMAINS_AUTOSTART,
                      obj->autostart) ||
        !group_passes(flags, FILTER_SNAPSHOT, VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT,
                      FALSE) ||
        !group_passes(flags, FILTER_CHECKPOINT, VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT,
                      FALSE))
        return FALSE;

    if (!(flags & FILTER_STATE))
        return TRUE;
    switch (state) {
    case VIR_DOMAIN_RUNNING: state_flag = VIR_CONNECT_LIST_DOMAINS_RUNNING; break;
    case VIR_DOMAIN_PAUSED:  state_flag = VIR_CONNECT_LIST_DOMAINS_PAUSED;  break;
    case VIR_DOMAIN_SHUTOFF: state_flag = VIR_CONNECT_LIST_DOMAINS_SHUTOFF; break;
    default:                 state_flag = VIR_CONNECT_LIST_DOMAINS_OTHER;   break;
    }
    return (flags & state_flag) != 0;
}

/* busy NULL: may wait; else never does. ids: see xvmDomainListExportFull. */
static GPtrArray *
export(xvmDomainList *doms, unsigned int flags, GArray **ids, gboolean *busy,
       GError **error)
{
    g_autoptr(GPtrArray) result = NULL;
    g_autoptr(GArray) domids = NULL;
    xvmDomainObj **all;
    guint n;

    if (busy)
        *busy = FALSE;
    if (flags & ~(unsigned int)FILTER_ALL) {
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("unsupported flags (0x%x) in function %s"),
                     flags & ~(unsigned int)FILTER_ALL, "virConnectListAllDomains");
        return NULL;
    }

    /* References under the list lock, in name order; filters under each
     * object's lock afterwards (lock order). */
    if (!read_lock(doms, busy))
        return NULL;
    n = doms->by_order->len;
    all = g_new(xvmDomainObj *, MAX(n, 1));
    for (guint i = 0; i < n; i++)
        all[i] = xvmDomainObjRef(g_ptr_array_index(doms->by_order, i));
    g_rw_lock_reader_unlock(&doms->lock);

    result = g_ptr_array_new_full(n, (GDestroyNotify)xvmDomainObjUnref);
    if (ids)
        domids = g_array_sized_new(FALSE, FALSE, sizeof(int), n);
    for (guint i = 0; i < n; i++) {
        xvmDomainObj *obj = all[i];

        if (!busy) {
            xvmDomainObjLock(obj);
        } else if (!xvmDomainObjTryLock(obj)) {
            *busy = TRUE;
            for (; i < n; i++)
                xvmDomainObjUnref(all[i]);
            g_free(all);
            return NULL;
        }
        if (!obj->removing && matches_filter(obj, flags)) {
            if (domids)
                g_array_append_val(domids, obj->domid);
            g_ptr_array_add(result, obj);       /* the reference moves */
            obj = NULL;
        }
        xvmDomainObjUnlock(all[i]);
        xvmDomainObjUnref(obj);
    }
    g_free(all);
    if (ids)
        *ids = g_steal_pointer(&domids);
    return g_steal_pointer(&result);
}

GPtrArray *
xvmDomainListExport(xvmDomainList *doms, unsigned int flags, GError **error)
{
    return export(doms, flags, NULL, NULL, error);
}

GPtrArray *
xvmDomainListExportFull(xvmDomainList *doms, unsigned int flags, GArray **ids,
                        gboolean *busy, GError **error)
{
    return export(doms, flags, ids, busy, error);
}

guint
xvmDomainListCount(xvmDomainList *doms, gboolean active)
{
    guint n;

    g_rw_lock_reader_lock(&doms->lock);
    n = g_hash_table_size(doms->by_domid);
    if (!active)
        n = g_hash_table_size(doms->by_uuid) - n;
    g_rw_lock_reader_unlock(&doms->lock);
    return n;
}

static gint
compare_int(gconstpointer a, gconstpointer b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

GArray *
xvmDomainListGetActiveIDs(xvmDomainList *doms, guint max)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(int));
    GHashTableIter iter;
    gpointer key;

    g_rw_lock_reader_lock(&doms->lock);
    g_hash_table_iter_init(&iter, doms->by_domid);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        int id = GPOINTER_TO_INT(key);
        g_array_append_val(ids, id);
    }
    g_rw_lock_reader_unlock(&doms->lock);

    /* Sorted before truncating: the first `max` ids, not any `max`. */
    g_array_sort(ids, compare_int);
    if (ids->len > max)
        g_array_set_size(ids, max);
    return ids;
}

GStrv
xvmDomainListGetInactiveNames(xvmDomainList *doms, guint max)
{
    GPtrArray *names = g_ptr_array_new();

    /* Already in name order: the first `max`, not any `max`. */
    g_rw_lock_reader_lock(&doms->lock);
    for (guint i = 0; i < doms->by_order->len && names->len < max; i++) {
        const xvmDomainObj *obj = g_ptr_array_index(doms->by_order, i);

        if (obj->domid < 0)               /* readable under the list lock */
            g_ptr_array_add(names, g_strdup(obj->name));
    }
    g_rw_lock_reader_unlock(&doms->lock);

    g_ptr_array_add(names, NULL);
    return (GStrv)g_ptr_array_free(names, FALSE);
}
