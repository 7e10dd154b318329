/*
 * domain_hotplug.h: adding and removing a domain's disks and network
 * interfaces — the driver's virDomainAttachDeviceFlags,
 * virDomainDetachDeviceFlags and virDomainUpdateDeviceFlags, as
 * libvirt's libxl driver has them.
 *
 * Calling convention as domain_lifecycle.h: the caller looks the domain
 * up (locked, referenced); each takes the domain's job and returns with
 * the object locked. They block (xenstore handshakes): workers only.
 *
 * Flags: VIR_DOMAIN_AFFECT_LIVE, VIR_DOMAIN_AFFECT_CONFIG, both, or
 * neither (VIR_DOMAIN_AFFECT_CURRENT: live when the domain runs, else
 * its config). VIR_ERR_OPERATION_INVALID for LIVE on a domain that does
 * not run and CONFIG on a transient one.
 *
 * Devices: <disk type='file'|'block' device='disk'> with a xen bus
 * target (xvdX) and <interface type='bridge'|'ethernet'> live; in the
 * config any disk or interface the definition accepts. Other devices are
 * refused with VIR_ERR_CONFIG_UNSUPPORTED, as libxl does.
 *
 * Live (domain_device_xs.h): the device's backend and frontend are
 * written in one transaction and followed through the XenbusState
 * handshake; a backend or a guest that refuses fails the call with its
 * reason and leaves nothing behind. Detaching closes the backend, waits
 * for the guest's frontend to close, and removes both. The live
 * definition (dumpxml) and the status file change only when the device
 * really came or went.
 * Config: a copy of the persistent definition is changed, validated as
 * a whole and written (atomically) before it replaces the old one.
 * With both flags the config is checked before the live change, and
 * written after it (libvirt's order): a failed live change leaves the
 * config as it was.
 *
 * Errors, as libxl's: a disk target or MAC already there
 * (VIR_ERR_OPERATION_FAILED live, VIR_ERR_INVALID_ARG config, "target
 * xvdb already exists" / "network device with mac M already exists"),
 * a device not there ("disk xvdb not found" VIR_ERR_OPERATION_FAILED
 * live, "no target device xvdb" VIR_ERR_INVALID_ARG config, "no device
 * matching MAC address M found" VIR_ERR_DEVICE_MISSING), more than one
 * interface matching an interface without <mac>
 * (VIR_ERR_OPERATION_FAILED).
 *
 * Removing a device live emits VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED with
 * the device's name (a disk's target, an interface's MAC).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "driver.h"

G_BEGIN_DECLS

gboolean xvmDomainAttachDevice(xvmDriver *drv, xvmDomainObj *obj, const char *xml,
                               unsigned int flags, GError **error);
gboolean xvmDomainDetachDevice(xvmDriver *drv, xvmDomainObj *obj, const char *xml,
                               unsigned int flags, GError **error);
/* virDomainUpdateDeviceFlags: the media of a cdrom (its <source>, or
 * none: ejected) in the config; live media changes are refused
 * (VIR_ERR_OPERATION_UNSUPPORTED). */
gboolean xvmDomainUpdateDevice(xvmDriver *drv, xvmDomainObj *obj, const char *xml,
                               unsigned int flags, GError **error);

G_END_DECLS
