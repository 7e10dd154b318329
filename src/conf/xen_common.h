/*
 * xen_common.h: the part of the xl.cfg and xm conversions that both share
 * (identity, memory, vCPUs, lifecycle, HVM features, clock, emulator,
 * graphics, network interfaces, serial ports, inputs, video), following
 * libvirt's src/libxl/xen_common.c.  Used by xen_xl.c and xen_xm.c only.
 *
 * Policy for settings, as libvirt's converters: a setting this layer does
 * not know is ignored (xl and xm files carry many tool-only settings);
 * a setting it knows but whose value has no form in xvmDomainDef is
 * refused with VIR_ERR_CONFIG_UNSUPPORTED rather than dropped.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "domain_conf.h"
#include "xen_config.h"
#include "xen_native_extras.h"

typedef enum {
    XVM_XEN_DIALECT_XL,
    XVM_XEN_DIALECT_XM,
} xvmXenDialect;

/* Name, UUID, os type, memory, vCPUs, lifecycle actions, HVM features,
 * clock, device model, graphics, interfaces, serial/console, inputs,
 * video, xenbus limits: everything but the boot method and the disks. */
gboolean xvmXenParseCommon(const xvmXenConf *conf, xvmDomainDef *def,
                           xvmXenDialect dialect, GError **error);

/* cpu_weight into <cputune><shares> of @def; cpu_cap into @extras (which
 * may be NULL: then a cpu_cap is refused, as there is nowhere to put it). */
gboolean xvmXenParseSchedParams(const xvmXenConf *conf, xvmDomainDef *def,
                                xvmXenNativeExtras *extras, GError **error);
gboolean xvmXenFormatSchedParams(xvmXenConf *conf, const xvmDomainDef *def,
                                 const xvmXenNativeExtras *extras, GError **error);

/* HVM boot order ("boot = 'dc'"). */
gboolean xvmXenParseBootOrder(const xvmXenConf *conf, xvmDomainDef *def, GError **error);
void xvmXenFormatBootOrder(xvmXenConf *conf, const xvmDomainDef *def);

/* PV command line from cmdline (xl only), or root= and extra=. */
gboolean xvmXenParseCmdline(const xvmXenConf *conf, gboolean allow_cmdline,
                            char **cmdline, GError **error);

/* Refuses settings that are known but have no xvmDomainDef form. */
gboolean xvmXenRefuseSettings(const xvmXenConf *conf, const char *const *names,
                              GError **error);

/* The formatting counterparts, each writing its settings in the canonical
 * order documented in xen_xl.c:
 *   Identity   name, uuid
 *   Resources  memory, maxmem, vcpus, maxvcpus, cpus
 *   SchedParams cpu_weight, cpu_cap
 *   Features   (HVM) pae, acpi, apic, hap, viridian, rtc_timeoffset;
 *              localtime
 *   Lifecycle  on_poweroff, on_reboot, on_crash
 *   Emulator   device_model_override (xl) / device_model (xm)
 *   Nets       vif
 *   Graphics   vfb (PV) or sdl/vnc/spice settings (HVM), vga, videoram,
 *              usb, usbdevice
 *   CharDevs   (HVM) parallel, serial
 *   Xenbus     max_grant_frames, max_event_channels */
gboolean xvmXenFormatIdentity(xvmXenConf *conf, const xvmDomainDef *def, GError **error);
gboolean xvmXenFormatResources(xvmXenConf *conf, const xvmDomainDef *def, GError **error);
gboolean xvmXenFormatFeatures(xvmXenConf *conf, const xvmDomainDef *def, GError **error);
gboolean xvmXenFormatLifecycle(xvmXenConf *conf, const xvmDomainDef *def, GError **error);
void xvmXenFormatEmulator(xvmXenConf *conf, const xvmDomainDef *def, xvmXenDialect dialect);
/* disk = [ ... ]: each disk formatted by the dialect's format_disk. */
typedef char *(*xvmXenDiskFormatter)(const xvmDomainDiskDef *disk, GError **error);
gboolean xvmXenFormatDisks(xvmXenConf *conf, const xvmDomainDef *def,
                           xvmXenDiskFormatter format_disk, GError **error);
gboolean xvmXenFormatNets(xvmXenConf *conf, const xvmDomainDef *def,
                          xvmXenDialect dialect, GError **error);
gboolean xvmXenFormatGraphics(xvmXenConf *conf, const xvmDomainDef *def,
                              xvmXenDialect dialect, GError **error);
gboolean xvmXenFormatCharDevs(xvmXenConf *conf, const xvmDomainDef *def,
                              xvmXenDialect dialect, GError **error);
void xvmXenFormatXenbus(xvmXenConf *conf, const xvmDomainDef *def);
