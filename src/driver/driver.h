/*
 * driver.h: the hypervisor driver of xvmd — its context and the small
 * internal API every domain operation builds on.
 *
 * What it holds
 *   - the domain list and the config store (domain_list.h,
 *     domain_config_store.h): every domain, Domain-0 included;
 *   - the hypervisor (hv.h), lent to one thread at a time
 *     (xvmDriverHvAcquire/Release: hv.h allows one hv_t per thread);
 *   - where xenstored listens: each operation opens its own connection
 *     (driver_xs.h), so that no xenstore client is shared between threads;
 *   - the main context: the VIRQ_DOM_EXC watch (domain_events.c) and the
 *     delivery of domain events to the sink the RPC layer registers;
 *   - a pool of worker threads for what the driver starts by itself
 *     (reactions to guests shutting down, restarts, autostart).
 *
 * Threading model
 *   The operations (domain_lifecycle.h and the ones built on this header)
 *   block: hypercalls, xenstore round trips, waiting for backends or for
 *   a guest. xvmd's RPC layer runs them on its worker threads
 *   (RPC_PROC_SLOW); tests call them from their own thread. They never
 *   need the main loop to make progress (their xenstore connection runs
 *   on a private GMainContext), so a thread may call them whether or not
 *   the main loop runs. The main loop thread itself only watches
 *   VIRQ_DOM_EXC and delivers events: it never waits for a job or for a
 *   guest.
 *   Per domain, state changes are serialised by the domain's job
 *   (domain_job.h); the object lock is held for short sections only.
 *
 * Events
 *   Emitted with xvmDriverEmitLifecycle() from any thread, in the order
 *   of the calls; delivered to the sink on the main context, one at a
 *   time, never from inside the call that emitted them.
 *
 * Errors are GErrors in XVM_CONF_ERROR with libvirt's virErrorNumber
 * codes and translated messages, as in the rest of src/driver.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "xvm/hv.h"
#include "domain_config_store.h"
#include "domain_job.h"
#include "domain_list.h"
#include "domain_obj.h"

G_BEGIN_DECLS

/* Domain-0, as libxl lists it: id XVM_DOMID_HOST (domain_list.h), this
 * name, running, transient; it can be neither started nor destroyed. */
#define XVM_DOMAIN0_NAME "Domain-0"

/* One domain event, as the RPC layer sends it to clients. */
typedef struct {
    int event_id;                   /* VIR_DOMAIN_EVENT_ID_LIFECYCLE */
    char *name;
    xvmUuid uuid;
    int id;                         /* domid when emitted, -1: inactive */
    int event;                      /* LIFECYCLE: virDomainEventType */
    int detail;                     /* LIFECYCLE: its detail enum */
    char *dev_alias;                /* DEVICE_REMOVED: the device */
} xvmDomainEvent;

typedef void (*xvmDomainEventFunc)(const xvmDomainEvent *event, void *opaque);

/* How long a start waits for the backends of its devices (hotplug). */
#define XVM_DRIVER_BACKEND_TIMEOUT_MS 20000
/* How long a destroy waits for the domain to leave the hypervisor's table
 * (a dying domain stays until every mapping of its pages is gone). */
#define XVM_DRIVER_DESTROY_WAIT_MS 10000
/* Graceful destroy (VIR_DOMAIN_DESTROY_GRACEFUL): how long the guest has
 * to shut itself down before it is killed. */
#define XVM_DRIVER_GRACEFUL_WAIT_MS 10000
/* Save: how long the guest has to suspend itself (control/shutdown =
 * "suspend") before the save is given up and the guest left running
 * (libxl waits 60 s as well). */
#define XVM_DRIVER_SUSPEND_WAIT_MS 60000

/* What closing the driver (xvmd stopping, the host going down) does to
 * the domains still running. */
typedef enum {
    /* Leave them running; their status files stay and the next xvmd
     * attaches them again. */
    XVM_DRIVER_HOST_SHUTDOWN_LEAVE = 0,
    /* Ask each to shut down (control/shutdown = poweroff), wait for them
     * up to host_shutdown_timeout_s, apply their <on_poweroff>; the ones
     * still running after the timeout are left running. */
    XVM_DRIVER_HOST_SHUTDOWN_SHUTDOWN,
} xvmDriverHostShutdown;

typedef struct {
    const char *hv_spec;            /* hv_open(): "sim:PATH", "xen", NULL */
    const char *xenstored_path;     /* xenstored's unix socket */
    const char *state_dir;          /* configs (domain_config_store.h) */
    const char *run_dir;            /* status files */
    GMainContext *context;          /* NULL: the default main context */
    gboolean autostart;             /* start the autostart domains at open */
    xvmDriverHostShutdown host_shutdown;
    guint host_shutdown_timeout_s;  /* 0: 60 s */
    guint backend_timeout_ms;       /* 0: XVM_DRIVER_BACKEND_TIMEOUT_MS */
    guint graceful_timeout_ms;      /* 0: XVM_DRIVER_GRACEFUL_WAIT_MS */
    guint suspend_timeout_ms;       /* 0: XVM_DRIVER_SUSPEND_WAIT_MS */
    /* Where the devices' I/O statistics come from (stats_source.h);
     * NULL: xvmStatsSourceDefaultSpec(hv_spec). */
    const char *stats_source;
    /* The event sink from the start (open itself may emit: domains that
     * shut down while no xvmd ran, autostarts); NULL: none yet. */
    xvmDomainEventFunc event_func;
    void *event_opaque;
} xvmDriverConfig;

typedef struct _xvmDriver xvmDriver;
typedef struct _xvmStatsSource xvmStatsSource;
typedef struct _xvmConsoles xvmConsoles;

/* Everything in it is set by xvmDriverOpen and constant until
 * xvmDriverClose, unless said otherwise. */
struct _xvmDriver {
    xvmDriverConfig cfg;            /* strings owned (copies) */
    xvmDomainList *domains;
    xvmDomainConfigStore *store;
    GMainContext *context;          /* referenced */

    /* The hypervisor: handles lent to threads (driver.c). */
    GMutex hv_lock;
    GPtrArray *hv_idle;             /* hv_t*, protected by hv_lock */
    hv_t *hv_exc;                   /* owns the VIRQ_DOM_EXC fd; main loop only */
    GSource *exc_source;

    /* VIRQ_DOM_EXC: a counter bumped, and a condition broadcast, on each
     * (domain_events.c); xvmDriverWaitShutdown waits on it. */
    GMutex exc_lock;
    GCond exc_cond;
    guint64 exc_seq;                /* protected by exc_lock */
    gboolean scan_queued;           /* protected by exc_lock */
    GHashTable *handling;           /* domids whose shutdown is being
                                       handled; protected by exc_lock */

    /* Event delivery (driver_events_queue in driver.c). */
    GMutex event_lock;
    GQueue events;                  /* xvmDomainEvent*, protected by event_lock */
    GSource *event_source;          /* attached while events are queued */
    gboolean events_stopped;        /* closing: events dropped; event_lock */
    xvmDomainEventFunc event_func;  /* protected by event_lock */
    void *event_opaque;

    GThreadPool *workers;
    gboolean closing;               /* atomic: no new work once set */

    xvmStatsSource *stats;          /* domain_stats.h */
    xvmConsoles *consoles;          /* open console sessions (domain_console.h) */
};

/* Opens the hypervisor, loads the configs and statuses, attaches the
 * domains still running (same id and state), drops the status of the
 * ones that are gone (shut off, reason unknown, their xenstore leftovers
 * removed), lists Domain-0, watches VIRQ_DOM_EXC on the context, handles
 * domains that shut down meanwhile, then queues the autostart domains
 * (when cfg->autostart). Blocks; NULL with *error when the hypervisor,
 * xenstored or the directories cannot be used. */
xvmDriver *xvmDriverOpen(const xvmDriverConfig *cfg, GError **error);

/* Applies the host-shutdown policy, stops the watch, event delivery and
 * the workers, frees. Call with no operation running on the driver, from
 * any thread: when another thread runs the main context, it is asked to
 * drop the driver's sources and waited for. Events not delivered by
 * then are dropped. NULL-safe. */
void xvmDriverClose(xvmDriver *drv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDriver, xvmDriverClose)

/* Replaces the sink (NULL: events are dropped). Any thread. */
void xvmDriverSetEventSink(xvmDriver *drv, xvmDomainEventFunc func, void *opaque);

/* Queues a lifecycle event of `obj` (locked): name, uuid and its current
 * domid. Any thread. */
void xvmDriverEmitLifecycle(xvmDriver *drv, const xvmDomainObj *obj,
                            virDomainEventType event, int detail);

/* Queues a VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED event of `obj` (locked)
 * for the device `alias`. Any thread. */
void xvmDriverEmitDeviceRemoved(xvmDriver *drv, const xvmDomainObj *obj,
                                const char *alias);

/* ---- the hypervisor ------------------------------------------------- */

/* A hypervisor handle for the calling thread alone, until it gives it
 * back (an idle one, or a new connection). NULL with *error (VIR_ERR_
 * INTERNAL_ERROR, the hypervisor's message) when none can be opened. */
hv_t *xvmDriverHvAcquire(xvmDriver *drv, GError **error);
void xvmDriverHvRelease(xvmDriver *drv, hv_t *hv);

/* TRUE when the driver runs on a real Xen host (hv_xen): dom0's hotplug
 * work for disks is then the driver's (dom0_block.h). */
gboolean xvmDriverOnXen(xvmDriver *drv);

/* An hv.h error as the driver reports it: VIR_ERR_NO_DOMAIN for ENOENT,
 * else VIR_ERR_INTERNAL_ERROR; the message says what was being done.
 * Takes *hv_err. */
void xvmDriverHvError(GError **error, GError *hv_err, const char *what,
                      const char *name);

/* ---- checks and jobs for API entry points ---------------------------- */

/* xvmDomainObjBeginJob with the default wait (XVM_DOMAIN_JOB_WAIT_MS). */
gboolean xvmDriverBeginJob(xvmDomainObj *obj, const char *what, GError **error);

/* With the lock: VIR_ERR_OPERATION_INVALID "domain is not running"
 * unless active. */
gboolean xvmDriverCheckActive(const xvmDomainObj *obj, GError **error);

/* With the lock: VIR_ERR_OPERATION_INVALID for Domain-0, which the
 * driver does not manage (what: "destroy", "shut down", ...). */
gboolean xvmDriverCheckNotHost(const xvmDomainObj *obj, const char *what,
                               GError **error);

/* With the lock, active object: writes its status file; a failure is
 * logged (the domain runs all the same, as in libvirt). */
void xvmDriverSaveStatus(xvmDriver *drv, const xvmDomainObj *obj);

/* ---- waiting for guests ---------------------------------------------- */

/* Blocks until hypervisor domain `domid` is shut down (any reason,
 * SHUTDOWN_suspend included: what save waits for), dying or gone, or
 * timeout_ms passed. Woken by VIRQ_DOM_EXC, and polls as well, so it
 * works without the main loop. TRUE when it did, with its hv info in
 * *info (flags 0 and ENOENT-gone: info->domid set, flags
 * HV_DOMINF_DYING). FALSE on timeout (*error unset) or with *error when
 * the hypervisor fails. Call without object locks. */
gboolean xvmDriverWaitShutdown(xvmDriver *drv, int domid, guint timeout_ms,
                               struct hv_dominfo *info, GError **error);

/* ---- workers --------------------------------------------------------- */

typedef void (*xvmDriverWorkFunc)(xvmDriver *drv, gpointer data);

/* Runs func(drv, data) on a driver worker thread; destroy(data) after.
 * Refused (destroy called at once, FALSE) once the driver is closing. */
gboolean xvmDriverSubmit(xvmDriver *drv, xvmDriverWorkFunc func, gpointer data,
                         GDestroyNotify destroy);

G_END_DECLS
