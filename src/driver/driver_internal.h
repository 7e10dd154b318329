/*
 * driver_internal.h: the pieces of starting and stopping a domain that
 * other operations reuse (save and restore, restarts, host shutdown),
 * and the driver's start-up and shut-down steps.
 *
 * Convention of the xvmDomain*Job functions: called with the object
 * locked and its job held by the caller; they release the lock during
 * slow work and return with it held again.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "driver.h"
#include "xs_conn.h"

G_BEGIN_DECLS

/* How a started instance comes to life. */
typedef struct {
    gboolean paused;                 /* leave it paused (PAUSED/USER) */
    virDomainRunningReason reason;   /* else RUNNING with this reason */
    virDomainEventStartedDetailType detail;  /* STARTED's detail */
} xvmStartHow;

/* ---- domain_start.c ------------------------------------------------- */

/* Boot the inactive object from a copy of its persistent definition (or
 * the live one given by createXML): xvmDomainObjPrepareLiveDef,
 * xvmDomainCreateJob, the build (kernel, memory), xvmDomainStartFinish.
 * On failure nothing is left: the object is inactive (SHUTOFF/FAILED; a
 * transient one left the list). Restore follows the same steps with
 * hv_domain_restore() in place of the build. */
gboolean xvmDomainStartJob(xvmDriver *drv, xvmDomainObj *obj, const xvmStartHow *how,
                           GError **error);

/* createXML and restore: *def (taken) becomes the live definition of
 * its domain, returned locked, referenced and with its job (`job`) held.
 * A known domain must be inactive (VIR_ERR_OPERATION_INVALID "domain 'X'
 * is already active") and of the same name; its job is taken before the
 * definition is set, so that a start or restore under way keeps its own.
 * An unknown one is added as transient (xvmDomainListAdd's conflicts).
 * Undo a failure after it with xvmDomainStartAbortJob. */
xvmDomainObj *xvmDomainAddLiveJob(xvmDriver *drv, xvmDomainDef **def, const char *job,
                                  GError **error);

/* The object has its live definition (PrepareLiveDef): refuses what
 * cannot boot (no kernel for PV/PVH, devices the backends cannot serve)
 * before anything exists, then creates the hypervisor domain (type, UUID,
 * vCPUs; paused, empty), makes the object active with it,
 * PAUSED/STARTING_UP, and sets its maximum memory. On failure the
 * object may be active already: undo with xvmDomainStartAbortJob. */
gboolean xvmDomainCreateJob(xvmDriver *drv, xvmDomainObj *obj, hv_t *hv, GError **error);

/* A start (or restore) that failed after PrepareLiveDef: tears down what
 * exists and leaves the object SHUTOFF/FAILED (a transient one leaves the
 * list). */
void xvmDomainStartAbortJob(xvmDriver *drv, xvmDomainObj *obj);

/* The second half of a start, shared with restore: the hypervisor domain
 * `domid` exists (the object is active with it, PAUSED/STARTING_UP) and
 * holds the guest (built or restored, giving `res`). Writes the xenstore
 * tree in one transaction, introduces the domain to xenstored, waits for
 * the backends, applies vCPU pinning and the scheduler weight, unpauses
 * (unless how->paused), sets the state, saves the status and emits
 * STARTED (+ SUSPENDED PAUSED). On failure the caller aborts
 * (xvmDomainStartAbortJob). */
gboolean xvmDomainStartFinish(xvmDriver *drv, xvmDomainObj *obj, hv_t *hv,
                              const struct hv_build_result *res,
                              const xvmStartHow *how, GError **error);

/* ---- domain_save.c -------------------------------------------------- */

/* A start of the inactive object (job held) that has a managed save
 * image: restore from it (paused: VIR_DOMAIN_START_PAUSED, or saved
 * paused), STARTED RESTORED; the image is removed once the domain runs.
 * When the image cannot be used the start fails and the image stays (as
 * libvirt: managedsave-remove or VIR_DOMAIN_START_FORCE_BOOT get rid of
 * it). */
gboolean xvmDomainStartManagedJob(xvmDriver *drv, xvmDomainObj *obj, gboolean paused,
                                  GError **error);

/* VIR_DOMAIN_START_FORCE_BOOT: the object's managed save image (locked,
 * job held) is discarded. */
gboolean xvmDomainManagedSaveDiscardJob(xvmDriver *drv, xvmDomainObj *obj, GError **error);

/* ---- domain_stop.c -------------------------------------------------- */

/* Kill hypervisor domain `domid` (already gone is fine), remove its
 * xenstore trees (/local/domain/N, /vm/UUID, dom0's backend and error
 * directories of its devices), release it from xenstored, and wait up to
 * XVM_DRIVER_DESTROY_WAIT_MS for it to leave the hypervisor's table.
 * Failures are logged: whatever can be removed is. No object involved. */
void xvmDomainTeardown(xvmDriver *drv, guint32 domid, const xvmUuid *uuid);

/* The object is active: xvmDomainTeardown, its status file removed, then
 * inactive with `reason`. No event. Returns TRUE when the object was
 * transient and left the list. */
gboolean xvmDomainStopJob(xvmDriver *drv, xvmDomainObj *obj,
                          virDomainShutoffReason reason);

/* ---- domain_events.c ------------------------------------------------ */

/* Watch VIRQ_DOM_EXC on the driver's context / stop watching. */
gboolean xvmDriverEventsStart(xvmDriver *drv, GError **error);
void xvmDriverEventsStop(xvmDriver *drv);
/* Look at every domain on a worker soon (coalesced). */
void xvmDriverQueueScan(xvmDriver *drv);
/* The domain (locked, job held, active) is shut down or gone in the
 * hypervisor (*info, from xvmDriverWaitShutdown or a scan): apply its
 * <on_poweroff>/<on_reboot>/<on_crash>, with the events. Suspend-reason
 * shutdowns are left alone (save's business). */
void xvmDomainHandleShutdownJob(xvmDriver *drv, xvmDomainObj *obj,
                                const struct hv_dominfo *info);

/* ---- driver_reconnect.c --------------------------------------------- */

/* Open, step 2: statuses against the hypervisor; Domain-0. */
gboolean xvmDriverReconnect(xvmDriver *drv, GError **error);

/* ---- driver_autostart.c --------------------------------------------- */

/* Queue a start of every inactive autostart domain not started yet. */
void xvmDriverAutostart(xvmDriver *drv);

/* ---- driver_host_shutdown.c ----------------------------------------- */

/* XVM_DRIVER_HOST_SHUTDOWN_SHUTDOWN: power off every running domain,
 * waiting up to the configured timeout. */
void xvmDriverShutdownAll(xvmDriver *drv);

G_END_DECLS
