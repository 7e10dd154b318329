/*
 * xen_disk_spec.h: xl disk specifications (Xen's
 * docs/misc/xl-disk-configuration.txt), as libxlutil's xlu_disk_parse
 * reads them:
 *
 *   positional   [<target>],[<format>],<vdev>[:<devtype>],[<access>]
 *                (a deprecated prefix such as phy:, file:, tap:aio:,
 *                 raw:, qcow2:, iscsi: drops the <format> position)
 *   keywords     target= (eats the rest, so it comes last), format=,
 *                vdev=, access=, devtype=cdrom|disk, cdrom,
 *                backendtype=phy|tap|qdisk|standalone, backend=, script=,
 *                specification=xen|virtio, direct-io-safe, [no-]discard,
 *                [un]trusted, grant_usage=0|1, colo...
 *
 * and their conversion to and from xvmDomainDiskDef.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "domain_conf.h"

typedef enum {
    XVM_XEN_DISK_FORMAT_UNKNOWN = 0,
    XVM_XEN_DISK_FORMAT_RAW,
    XVM_XEN_DISK_FORMAT_QCOW,
    XVM_XEN_DISK_FORMAT_QCOW2,
    XVM_XEN_DISK_FORMAT_VHD,
    XVM_XEN_DISK_FORMAT_QED,
    XVM_XEN_DISK_FORMAT_EMPTY,
} xvmXenDiskFormat;

typedef enum {
    XVM_XEN_DISK_BACKEND_UNKNOWN = 0,
    XVM_XEN_DISK_BACKEND_PHY,
    XVM_XEN_DISK_BACKEND_TAP,
    XVM_XEN_DISK_BACKEND_QDISK,
    XVM_XEN_DISK_BACKEND_STANDALONE,
} xvmXenDiskBackend;

typedef struct {
    char *target;              /* pdev_path: NULL (none) or "" (empty) */
    xvmXenDiskFormat format;   /* RAW when unspecified, EMPTY for an empty cdrom */
    char *vdev;
    gboolean readwrite;
    gboolean cdrom;
    xvmXenDiskBackend backend;
    char *script;              /* script= or block-<x> from iscsi:/nbd:/drbd: */
    char *backend_domain;      /* backend= */
    gboolean virtio;           /* specification=virtio */
    gboolean colo;             /* colo or colo-* settings */
    /* the first deprecated prefix, for the backend guess: "phy", "file",
     * "tap", "tap2", "aio", "ioemu", "tapdisk", "format" (raw:, qcow2:...),
     * "script" (iscsi:, drbd:...), or NULL */
    const char *prefix;
} xvmXenDiskSpec;

void xvmXenDiskSpecClear(xvmXenDiskSpec *spec);

/* Parses one specification.  Errors: XVM_CONF_ERROR, VIR_ERR_CONF_SYNTAX,
 * "invalid disk specification 'SPEC': WHY". */
gboolean xvmXenDiskSpecParse(const char *str, xvmXenDiskSpec *spec, GError **error);

/* The definition of a disk, as libvirt's xen_xl.c builds it (driver from
 * the backend, block for phy, qemu for a cdrom; the bus is left for
 * xvmDomainDefPostParse to derive from the vdev prefix).  Settings without a libvirt form (script=, backend=,
 * colo, specification=virtio, standalone) are VIR_ERR_CONFIG_UNSUPPORTED. */
xvmDomainDiskDef *xvmXenDiskSpecToDef(const xvmXenDiskSpec *spec, GError **error);

/* The canonical keyword form of a disk, as libvirt writes it:
 * "format=raw,vdev=xvda,access=rw,backendtype=phy,target=/dev/vg/lv"
 * (devtype=cdrom before target, target last). */
char *xvmXenDiskSpecFormat(const xvmDomainDiskDef *disk, GError **error);
