/*
 * domain_capabilities.h: the <domainCapabilities> document
 * (virConnectGetDomainCapabilities, `virsh domcapabilities`) of the Xen
 * driver, in the form libvirt's libxl driver gives it: per machine
 * (xenpv, xenpvh, xenfv), the emulator path, the vCPU limit, the HVM
 * loaders, the disk/graphics/video/hostdev enums and the (absent) CPU
 * modes and launch-security features.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* libxl's limits: HVM_MAX_VCPUS of Xen's hvm_info_table.h, and the figure
 * libvirt uses for PV and PVH, for which Xen reports none. */
#define XVM_DOMCAPS_HVM_MAX_VCPUS 128
#define XVM_DOMCAPS_PV_MAX_VCPUS  512

typedef struct {
    /* emulator when the caller names none (NULL: XVM_XEN_DEFAULT_EMULATOR) */
    const char *default_emulator;
    /* loaders offered to xenfv guests, NULL-terminated
     * (NULL: hvmloader and OVMF at their default paths) */
    const char *const *firmwares;
    /* host device assignment the driver implements */
    gboolean hostdev_pci;
    gboolean hostdev_usb;
} xvmDomainCapsOptions;

/* The document for the arguments of virConnectGetDomainCapabilities, each
 * optional as there: @emulatorbin (absolute path), @arch ("x86_64" default,
 * or "i686"), @machine ("xenpv" default, "xenpvh", "xenfv"), @virttype
 * ("xen" default).  @options may be NULL.  Errors: XVM_CONF_ERROR,
 * VIR_ERR_INVALID_ARG for an argument the driver does not serve. */
char *xvmDomainCapabilitiesFormat(const char *emulatorbin, const char *arch,
                                  const char *machine, const char *virttype,
                                  const xvmDomainCapsOptions *options, GError **error);
