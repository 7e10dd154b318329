/*
 * capabilities.h: the host capabilities document (virConnectGetCapabilities,
 * `virsh capabilities`) of a Xen host, built from a description of the
 * physical machine (xvmPhysInfo) that the hypervisor layer fills in from
 * XEN_SYSCTL_physinfo / topologyinfo / numainfo, or the simulator.
 *
 * What it advertises, following libvirt's libxl driver:
 *   host: CPU arch/model/vendor/topology/features, power management (none),
 *         IOMMU, optional live migration, NUMA cells with their CPUs
 *         (socket, die, core, thread siblings) and memory;
 *   guests: os_type xen   x86_64, machine xenpv  (and i686 with pae when the
 *                         hypervisor runs 32-bit PV guests)
 *           os_type hvm   i686 and x86_64, machine xenfv, loader hvmloader,
 *                         features pae/nonpae (i686), acpi, apic, hap
 *           PVH           x86_64, machine xenpvh, feature hap.
 *   PVH is advertised as machine 'xenpvh' of os_type 'xen': libvirt's own
 *   capability schema (capability.rng, up to 9.x) has no 'xenpvh' os_type,
 *   and <type machine='xenpvh'>xen</type> is the domain XML form libvirt
 *   accepts for PVH too.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#define XVM_XEN_DEFAULT_EMULATOR   "/usr/bin/qemu-system-i386"
#define XVM_XEN_DEFAULT_HVMLOADER  "/usr/lib/xen-4.17/boot/hvmloader"
#define XVM_XEN_DEFAULT_OVMF       "/usr/share/ovmf/OVMF.fd"

/* Most logical CPUs, NUMA cells and CPU features a description may hold. */
#define XVM_PHYS_MAX_CPUS      4096
#define XVM_PHYS_MAX_CELLS     64
#define XVM_PHYS_MAX_FEATURES  512

typedef struct {
    unsigned int id;        /* logical CPU number */
    unsigned int socket_id;
    unsigned int die_id;
    unsigned int core_id;   /* CPUs with the same socket and core are siblings */
} xvmPhysCpu;

typedef struct {
    unsigned int id;
    guint64 memory_kib;     /* memory of the node */
    guint64 free_kib;       /* free memory of the node */
    gsize ncpus;
    xvmPhysCpu *cpus;
    gsize ndistances;       /* 0 or the number of cells */
    unsigned int *distances;/* distance to cell i, in cell order */
} xvmPhysNumaCell;

typedef struct {
    const char *arch;          /* "x86_64" (the only one with guests here) */
    const char *cpu_model;     /* optional, e.g. "Skylake-Client-IBRS" */
    const char *cpu_vendor;    /* optional, e.g. "Intel" */
    const char *const *cpu_features; /* optional, NULL-terminated */
    unsigned int sockets;
    unsigned int cores_per_socket;
    unsigned int threads_per_core;
    unsigned int nr_cpus;      /* online logical CPUs */
    guint64 total_kib;         /* host memory */
    guint64 free_kib;          /* free host memory */
    const char *host_uuid;     /* optional */

    gboolean hvm;              /* hardware virtualisation: HVM guests possible */
    gboolean hap;              /* hardware-assisted paging */
    gboolean pv;               /* 64-bit PV guests */
    gboolean pv32;             /* 32-bit PAE PV guests */
    gboolean pvh;              /* PVH guests */
    gboolean iommu;            /* passthrough (directio) available */
    gboolean live_migration;   /* the driver can migrate live */

    const char *emulator;      /* NULL: XVM_XEN_DEFAULT_EMULATOR */
    const char *hvmloader;     /* NULL: XVM_XEN_DEFAULT_HVMLOADER */

    /* NUMA cells; none: one cell 0 holding every CPU and all memory */
    gsize ncells;
    const xvmPhysNumaCell *cells;
} xvmPhysInfo;

/* Checks that @info is consistent (topology multiplies to nr_cpus, CPU ids
 * below nr_cpus and unique, cells unique, within the limits above).
 * XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR / VIR_ERR_CONFIG_UNSUPPORTED. */
gboolean xvmPhysInfoValidate(const xvmPhysInfo *info, GError **error);

/* The <capabilities> document.  NULL with @error on an invalid @info. */
char *xvmCapabilitiesFormat(const xvmPhysInfo *info, GError **error);

/* Formats a set of CPU numbers as libvirt does ("0-3,8,10-11"). */
char *xvmFormatCpuSet(const unsigned int *cpus, gsize n);

/* The default machine of an os type ("xen", "xenpvh", "hvm"; "linux" is
 * "xen"): "xenpv", "xenpvh", "xenfv"; NULL if unknown. */
const char *xvmCapsDefaultMachine(const char *os_type);
