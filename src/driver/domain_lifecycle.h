/*
 * domain_lifecycle.h: starting and stopping domains — the driver's
 * virDomainCreate*, virDomainDestroy*, virDomainShutdown*,
 * virDomainReboot, virDomainSuspend and virDomainResume.
 *
 * Calling convention (as libvirt's drivers): the caller looks the domain
 * up (xvmDomainListFind*: locked and referenced), calls one of these,
 * and releases it with xvmDomainObjEndAPI(). Each takes the domain's job
 * itself (domain_job.h) and returns with the object locked, whatever the
 * outcome. They block (see driver.h's threading model): call them from a
 * worker thread, never from the main loop.
 *
 * Events (xvmDriverEmitLifecycle), as libvirt's libxl driver emits them:
 *   start               STARTED BOOTED; then SUSPENDED PAUSED when paused
 *   destroy             STOPPED DESTROYED
 *   suspend / resume    SUSPENDED PAUSED / RESUMED UNPAUSED
 *   shutdown, reboot    none at once: the guest acts, and what it does
 *                       comes through VIRQ_DOM_EXC (domain_events.c)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "driver.h"

G_BEGIN_DECLS

/* virDomainCreateWithFlags: boot the inactive domain from its persistent
 * definition. Flags: VIR_DOMAIN_START_PAUSED (stay paused: the devices'
 * backends are ready, the guest has not run), VIR_DOMAIN_START_FORCE_BOOT
 * (boot fresh: a managed save image is discarded). A domain with a
 * managed save image is restored from it instead of booted
 * (domain_save.h: STARTED RESTORED, the image removed once it runs).
 * When a backend fails
 * (a missing disk image) the start fails with VIR_ERR_INTERNAL_ERROR and
 * the backend's reason; the half-built domain is destroyed and everything
 * written for it removed. VIR_ERR_OPERATION_INVALID when already running. */
gboolean xvmDomainStart(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags,
                        GError **error);

/* virDomainCreateXML: define a transient domain from `xml` and start it
 * (VIR_DOMAIN_START_PAUSED accepted). Returns it locked and referenced;
 * on failure NULL and nothing is left behind (a persistent config of the
 * same domain stays as it was). */
xvmDomainObj *xvmDomainCreateXML(xvmDriver *drv, const char *xml, unsigned int flags,
                                 GError **error);

/* virDomainDestroyFlags: kill the domain now (reason destroyed). With
 * VIR_DOMAIN_DESTROY_GRACEFUL the guest is asked to power off first and
 * given the driver's graceful_timeout_ms; if it does not, the domain is not
 * killed and VIR_ERR_OPERATION_TIMEOUT is returned (libvirt's semantics
 * of the flag). A transient domain leaves the list. */
gboolean xvmDomainDestroy(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags,
                          GError **error);

/* virDomainShutdownFlags / virDomainReboot: write control/shutdown =
 * "poweroff" / "reboot" and return. Flags: 0 or the PARAVIRT method
 * (VIR_DOMAIN_SHUTDOWN_PARAVIRT, VIR_DOMAIN_REBOOT_PARAVIRT), the only
 * one Xen PV guests have. */
gboolean xvmDomainShutdown(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags,
                           GError **error);
gboolean xvmDomainReboot(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags,
                         GError **error);

/* virDomainSuspend / virDomainResume: pause and unpause the vCPUs (no-op
 * when already in that state). VIR_ERR_OPERATION_INVALID when the domain
 * is not running (shut off, or kept after shutting down or crashing). */
gboolean xvmDomainSuspend(xvmDriver *drv, xvmDomainObj *obj, GError **error);
gboolean xvmDomainResume(xvmDriver *drv, xvmDomainObj *obj, GError **error);

G_END_DECLS
