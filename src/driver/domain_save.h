/*
 * domain_save.h: saving domains to a file and restoring them — the
 * driver's virDomainSave*, virDomainRestore*, virDomainManagedSave*,
 * virDomainSaveImage* (save_image.h is the file).
 *
 * Save, as libxl does: control/shutdown = "suspend"; the guest suspends
 * itself (the hypervisor shows it shut down with reason suspend); its
 * state goes into the image (hv_domain_save); the domain is torn down
 * as by a destroy (xenstore trees, backends, the hypervisor domain).
 * A guest that does not suspend within the driver's suspend_timeout_ms
 * has its request withdrawn and keeps running: VIR_ERR_OPERATION_TIMEOUT.
 * A guest that powers off or crashes instead gets its <on_*> action
 * and the save fails. When the state cannot be written the suspend is
 * cancelled (hv_domain_resume) and the guest runs on. The image appears
 * only complete (written aside, renamed).
 *
 * Restore: the image's definition becomes the live one of the domain of
 * its UUID (defined and inactive: it keeps its persistent config; unknown:
 * a new transient domain); then start's steps (domain_start.c) with the
 * stream in place of the kernel: create, restore (hv_domain_restore),
 * the xenstore tree, INTRODUCE, the backends, unpause. Any failure tears
 * down what was created: nothing is left half-built.
 *
 * States and events (libvirt's):
 *   save               SHUTOFF/SAVED; STOPPED SAVED
 *   restore            RUNNING/RESTORED; STARTED RESTORED, then
 *                      SUSPENDED PAUSED when it stays paused
 *                      (PAUSED/USER)
 *
 * Calling convention as domain_lifecycle.h: the object (when there is
 * one) locked and referenced by the caller; each takes the domain's job;
 * returns with the object locked. They block: call from workers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "driver.h"

G_BEGIN_DECLS

/* virDomainSaveFlags into `path` (absolute). Flags: VIR_DOMAIN_SAVE_RUNNING
 * or VIR_DOMAIN_SAVE_PAUSED (the state a restore leaves it in; default:
 * the state it had). dxml (an alternative XML) is refused, as libxl does.
 * VIR_ERR_OPERATION_INVALID when the domain is not running or paused. */
gboolean xvmDomainSave(xvmDriver *drv, xvmDomainObj *obj, const char *path,
                       const char *dxml, unsigned int flags, GError **error);

/* virDomainManagedSave: the same into the driver's image of the domain
 * (STATE/save/NAME.save); the domain then has a managed save image,
 * which its next start restores. Persistent domains only. */
gboolean xvmDomainManagedSave(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags,
                              GError **error);

/* virDomainManagedSaveRemove: the image goes (none: nothing to do). */
gboolean xvmDomainManagedSaveRemove(xvmDriver *drv, xvmDomainObj *obj,
                                    unsigned int flags, GError **error);

/* virDomainRestoreFlags from `path`. Flags: VIR_DOMAIN_SAVE_RUNNING /
 * VIR_DOMAIN_SAVE_PAUSED override the image's state. dxml refused. */
gboolean xvmDomainRestore(xvmDriver *drv, const char *path, const char *dxml,
                          unsigned int flags, GError **error);

/* virDomainSaveImageGetXMLDesc: the image's definition; flags
 * VIR_DOMAIN_SAVE_IMAGE_XML_SECURE (secrets included). */
char *xvmDomainSaveImageGetXMLDesc(xvmDriver *drv, const char *path, unsigned int flags,
                                   GError **error);

/* virDomainSaveImageDefineXML: replace the image's definition with dxml,
 * which must describe the same domain (name, UUID, type, vCPUs, memory);
 * flags VIR_DOMAIN_SAVE_RUNNING / _PAUSED change its saved state. */
gboolean xvmDomainSaveImageDefineXML(xvmDriver *drv, const char *path, const char *dxml,
                                     unsigned int flags, GError **error);

G_END_DECLS
