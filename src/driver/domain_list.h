/*
 * domain_list.h: every domain the driver knows, indexed by name, UUID and
 * (while running) hypervisor domain id. Lookups are hash-table lookups;
 * only listing walks the whole collection.
 *
 * Locking
 *   One reader/writer lock protects the three indexes. Lock order is
 *   object lock -> list lock: functions taking an object that the caller
 *   has locked (SetActive, SetInactive, Remove) take the list lock inside;
 *   no function takes an object lock while it holds the list lock, so an
 *   operation that keeps an object locked for a long time (a worker thread
 *   starting a guest) never stalls lookups of other domains.
 *
 * Objects returned by Add and the Find functions are referenced and
 * locked: release them with xvmDomainObjEndAPI().
 *
 * Errors are GErrors in XVM_CONF_ERROR with libvirt's codes and, for the
 * define conflicts, libvirt's messages (virdomainobjlist.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "domain_obj.h"

G_BEGIN_DECLS

/* Xen domain ids the driver manages: 1 .. DOMID_FIRST_RESERVED - 1
 * (<xen/xen.h>: 0x7FF0 and above are special, 0 is dom0). */
#define XVM_DOMID_MIN 1
#define XVM_DOMID_MAX 0x7FEF
/* The host's own domain (dom0), listed but not managed. */
#define XVM_DOMID_HOST 0

typedef struct _xvmDomainList xvmDomainList;

xvmDomainList *xvmDomainListNew(void);
/* Drops the list's references; objects still referenced elsewhere live on. */
void xvmDomainListFree(xvmDomainList *doms);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainList, xvmDomainListFree)

typedef enum {
    /* createXML: *def describes a domain about to be started. It becomes
     * the live definition (a persistent config of the same domain is kept
     * for later starts). Refused when the domain is already active
     * (VIR_ERR_OPERATION_INVALID "domain 'X' is already active"), exists
     * only as a transient domain being started, or while its job is held
     * (VIR_ERR_OPERATION_INVALID "domain 'X' is busy (JOB in progress)"):
     * the job's holder may be using the live definition unlocked. Without
     * this flag *def is
     * a define: it becomes the persistent definition. */
    XVM_DOMAIN_LIST_ADD_LIVE = 1 << 0,
} xvmDomainListAddFlags;

/*
 * Add or update a domain with libvirt's rules:
 *   new name, new uuid          -> a new object
 *   same uuid, same name        -> the existing object; a define replaces
 *                                  its persistent definition (the old one
 *                                  goes to *old_def, NULL if it had none)
 *   same name, other uuid       -> VIR_ERR_OPERATION_FAILED
 *                                  "domain 'X' already exists with uuid U"
 *   same uuid, other name       -> VIR_ERR_OPERATION_FAILED
 *                                  "domain 'X' is already defined with uuid U"
 *   object being removed        -> VIR_ERR_OPERATION_FAILED
 *                                  "domain 'X' is already being removed"
 * On success takes ownership of *def (sets it to NULL) and returns the
 * object locked and referenced. On failure *def is untouched.
 * old_def may be NULL (the old definition is then freed).
 */
xvmDomainObj *xvmDomainListAdd(xvmDomainList *doms, xvmDomainDef **def,
                               unsigned int flags, xvmDomainDef **old_def,
                               GError **error);

/* Remove `obj` (locked and referenced by the caller, who keeps both) from
 * every index. Marks it `removing` first: concurrent lookups stop
 * returning it. Idempotent. */
void xvmDomainListRemove(xvmDomainList *doms, xvmDomainObj *obj);

/* Lookups: the object locked and referenced, or NULL with
 * VIR_ERR_NO_DOMAIN ("no domain with matching name 'X'", "... uuid 'U'",
 * "... id N") when absent or being removed. error may be NULL. */
xvmDomainObj *xvmDomainListFindByName(xvmDomainList *doms, const char *name,
                                      GError **error);
xvmDomainObj *xvmDomainListFindByUUID(xvmDomainList *doms, const xvmUuid *uuid,
                                      GError **error);
xvmDomainObj *xvmDomainListFindByID(xvmDomainList *doms, int domid,
                                    GError **error);

/* The same for the main loop, which must never wait: when the list or
 * the object is locked by another thread they give up at once and return
 * NULL with *busy set, *error untouched (look again where waiting is
 * allowed). Otherwise *busy is FALSE and they answer as above. */
xvmDomainObj *xvmDomainListTryFindByName(xvmDomainList *doms, const char *name,
                                         gboolean *busy, GError **error);
xvmDomainObj *xvmDomainListTryFindByUUID(xvmDomainList *doms, const xvmUuid *uuid,
                                         gboolean *busy, GError **error);
xvmDomainObj *xvmDomainListTryFindByID(xvmDomainList *doms, int domid,
                                       gboolean *busy, GError **error);

/* The object (locked by the caller) is now running as hypervisor domain
 * `domid` in `state`/`reason` (not SHUTOFF). Needs a live definition
 * (xvmDomainObjPrepareLiveDef or ADD_LIVE), sets its id, indexes the
 * domid and sets has_been_started. Fails with VIR_ERR_INTERNAL_ERROR when
 * domid is out of range or belongs to another domain, and with
 * VIR_ERR_OPERATION_INVALID when the object is already active. */
gboolean xvmDomainListSetActive(xvmDomainList *doms, xvmDomainObj *obj,
                                int domid, virDomainState state, int reason,
                                GError **error);

/* Domain-0: adds *def (taking it) as a transient domain running as
 * XVM_DOMID_HOST, RUNNING/BOOTED, the way libxl lists dom0. Fails as
 * xvmDomainListAdd does, and with VIR_ERR_OPERATION_INVALID when that
 * domain, or another domain 0, is already listed. Returns it locked and
 * referenced. */
xvmDomainObj *xvmDomainListAddHost(xvmDomainList *doms, xvmDomainDef **def,
                                   GError **error);

/* The object (locked by the caller) has stopped, or its start was
 * abandoned: drops the domid and the live definition, state SHUTOFF with
 * `shutoff_reason`. A transient domain has no definition left and is
 * removed from the list (the caller's reference keeps the object valid):
 * returns TRUE in that case. */
gboolean xvmDomainListSetInactive(xvmDomainList *doms, xvmDomainObj *obj,
                                  virDomainShutoffReason shutoff_reason);

/* virConnectListAllDomains: every VIR_CONNECT_LIST_DOMAINS_* flag with
 * libvirt's semantics (within a group, e.g. ACTIVE|INACTIVE, a domain
 * matching any flag passes; groups combine with AND; no flag of a group
 * means no filtering by it). This driver keeps no snapshots or
 * checkpoints: HAS_SNAPSHOT / HAS_CHECKPOINT match nothing, NO_* match
 * everything. Unknown flags: VIR_ERR_INVALID_ARG.
 * Returns referenced (unlocked) objects sorted by name; the array frees
 * its references. */
GPtrArray *xvmDomainListExport(xvmDomainList *doms, unsigned int flags,
                               GError **error);
/* The same, and with ids non-NULL *ids: each returned object's domid
 * when it was filtered (an int GArray, in the same order). With busy
 * non-NULL it never waits (the main loop): NULL with *busy set, *error
 * untouched, as soon as a lock it needs is held by another thread. */
GPtrArray *xvmDomainListExportFull(xvmDomainList *doms, unsigned int flags,
                                   GArray **ids, gboolean *busy, GError **error);

/* virConnectNumOfDomains / NumOfDefinedDomains: constant time. */
guint xvmDomainListCount(xvmDomainList *doms, gboolean active);
/* virConnectListDomains: up to `max` ids of active domains, ascending. */
GArray *xvmDomainListGetActiveIDs(xvmDomainList *doms, guint max);
/* virConnectListDefinedDomains: up to `max` names of inactive domains,
 * sorted; a NULL-terminated vector. */
GStrv xvmDomainListGetInactiveNames(xvmDomainList *doms, guint max);

G_END_DECLS
