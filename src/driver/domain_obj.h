/*
 * domain_obj.h: one domain known to the driver — its identity, its
 * definitions and its state.
 *
 * Definitions
 *   persistent_def  the inactive configuration (what STATE/NAME.xml holds
 *                   and `virsh dumpxml --inactive` shows). NULL for a
 *                   transient domain. Defining a running domain replaces it
 *                   and the new config applies at the next start: this is
 *                   libvirt's "newDef" (libvirt keeps the persistent config
 *                   of a running domain in vm->newDef; here it lives in
 *                   persistent_def in every state, so there is no second
 *                   copy to keep in step).
 *   live_def        the definition of the running instance (id == domid),
 *                   set from a copy of persistent_def when a start begins
 *                   (xvmDomainObjPrepareLiveDef) or given by createXML
 *                   (xvmDomainListAdd with XVM_DOMAIN_LIST_ADD_LIVE);
 *                   dropped when the domain stops.
 *
 * Invariants (hold whenever the lock is free)
 *   - persistent_def or live_def is non-NULL; both carry `name` and `uuid`.
 *   - persistent  <=>  persistent_def != NULL.
 *   - active      <=>  domid >= 0; then live_def != NULL,
 *                      live_def->id == domid and state != VIR_DOMAIN_SHUTOFF.
 *   - inactive    =>   state == VIR_DOMAIN_SHUTOFF.
 *   - reason is a reason of state (xvmDomainStateReasonIsValid).
 *   - autostart   =>   persistent.
 *
 * Locking and lifetime
 *   Each object has its own mutex; every field below "protected by lock"
 *   is read and written with it held. `name` and `uuid` never change and
 *   may be read without it. `domid` is written with both the object lock
 *   and the list lock held (domain_list.c keeps an index by domid), so
 *   either lock suffices to read it.
 *   Lock order: object lock, then list lock; never an object lock while
 *   holding the list lock (see domain_list.h).
 *   The lock is held for short sections only: an operation that changes
 *   the domain and takes time owns the object's job (domain_job.h) and
 *   releases the lock during the slow part.
 *   Objects are reference counted: the list holds one reference, every
 *   lookup returns another. An operation that holds a reference keeps the
 *   object (and its definitions) alive through a concurrent undefine; it
 *   then finds `removing` set.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "domain_conf.h"

G_BEGIN_DECLS

typedef struct _xvmDomainObj xvmDomainObj;

struct _xvmDomainObj {
    GMutex lock;
    gint refs;                       /* atomic (g_atomic_int_*) */

    /* Immutable. */
    char *name;
    xvmUuid uuid;

    /* Protected by lock (domid: see above). */
    int domid;                       /* hypervisor domain id; -1: inactive */
    xvmDomainDef *persistent_def;    /* NULL: transient */
    xvmDomainDef *live_def;          /* NULL unless active or starting */
    virDomainState state;
    int reason;                      /* a reason enum of `state` */
    gboolean autostart;              /* STATE/autostart/NAME.xml exists */
    gboolean has_managed_save;       /* a managed save image exists */
    gboolean has_been_started;       /* ran (or was found running) since
                                        this daemon started: the autostart
                                        pass skips it */
    gboolean removing;               /* being removed from the list: lookups
                                        no longer return it */
    const char *job;                 /* the state-changing operation under
                                        way, NULL: none (domain_job.h) */
    GCond job_cond;                  /* signalled when job ends */
};

/* A new, unlisted object holding `def` as its persistent (live == FALSE)
 * or live (live == TRUE) definition; takes ownership of *def. Shut off
 * with reason VIR_DOMAIN_SHUTOFF_UNKNOWN, one reference, unlocked.
 * Objects in use are created by xvmDomainListAdd; this is its building
 * block. */
xvmDomainObj *xvmDomainObjNew(xvmDomainDef **def, gboolean live);

xvmDomainObj *xvmDomainObjRef(xvmDomainObj *obj);
void xvmDomainObjUnref(xvmDomainObj *obj);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainObj, xvmDomainObjUnref)

void xvmDomainObjLock(xvmDomainObj *obj);
/* The lock if it is free at once (the main loop, which never waits). */
gboolean xvmDomainObjTryLock(xvmDomainObj *obj);
void xvmDomainObjUnlock(xvmDomainObj *obj);
/* End of an operation on an object returned locked and referenced by a
 * lookup: unlock, drop the reference, *obj = NULL. NULL-safe. */
void xvmDomainObjEndAPI(xvmDomainObj **obj);

/* The accessors below need the object lock. */
gboolean xvmDomainObjIsActive(const xvmDomainObj *obj);
gboolean xvmDomainObjIsPersistent(const xvmDomainObj *obj);
/* The definition that describes the domain now: live_def when set
 * (running or starting), else persistent_def. Never NULL. Owned by obj. */
xvmDomainDef *xvmDomainObjGetDef(const xvmDomainObj *obj);
/* persistent_def (NULL for a transient domain). Owned by obj. */
xvmDomainDef *xvmDomainObjGetPersistentDef(const xvmDomainObj *obj);
virDomainState xvmDomainObjGetState(const xvmDomainObj *obj, int *reason);

/* Change state and reason without starting or stopping (running <->
 * paused, shutdown in progress, crashed...). For an active object the
 * state must not be SHUTOFF; an inactive one only takes SHUTOFF (use
 * xvmDomainListSetActive / xvmDomainListSetInactive to cross). A reason
 * that does not belong to the state is a programming error: refused with
 * a critical warning. */
void xvmDomainObjSetState(xvmDomainObj *obj, virDomainState state, int reason);

/* Replace the persistent definition with *def (taking ownership; name and
 * uuid must be the object's). The previous one goes to *old_def (NULL
 * when the domain was transient) or is freed when old_def is NULL. A
 * running domain keeps running its live_def: the new config applies at
 * the next start. */
void xvmDomainObjAssignPersistentDef(xvmDomainObj *obj, xvmDomainDef **def,
                                     xvmDomainDef **old_def);

/* Drop the persistent definition (undefine of a running domain, or undo of
 * a failed define): the object becomes transient and loses autostart.
 * Only valid while live_def is set (an object must keep a definition);
 * an inactive object is removed with xvmDomainListRemove instead. */
void xvmDomainObjMakeTransient(xvmDomainObj *obj);

/* Start of a start: make live_def a copy of persistent_def unless a live
 * definition is already there (createXML), and return it (owned by obj).
 * Fails with VIR_ERR_OPERATION_INVALID when the domain is already
 * active. Undo with xvmDomainListSetInactive. */
xvmDomainDef *xvmDomainObjPrepareLiveDef(xvmDomainObj *obj, GError **error);

void xvmDomainObjSetAutostart(xvmDomainObj *obj, gboolean autostart);
void xvmDomainObjSetManagedSave(xvmDomainObj *obj, gboolean present);

G_END_DECLS
