/*
 * domain_resources.h: a domain's vCPUs, memory and credit-scheduler
 * parameters, live and in its persistent definition — the driver's
 * virDomainSetVcpusFlags, GetVcpusFlags, GetVcpus, PinVcpuFlags,
 * GetVcpuPinInfo, SetMemoryFlags, Get/SetSchedulerParametersFlags, with
 * the rules of libvirt's libxl driver.
 *
 * Calling convention: as domain_lifecycle.h (the caller looks the domain
 * up and ends the API; each function returns with the object locked).
 * Changes take the domain's job; queries only the lock.
 *
 * Where a change goes (VIR_DOMAIN_AFFECT_*, equal to VIR_DOMAIN_VCPU_* and
 * VIR_DOMAIN_MEM_* LIVE and CONFIG):
 *   CURRENT (0)  LIVE when the domain runs, else CONFIG
 *   LIVE         the running instance: the hypervisor and xenstore, and
 *                the live definition (dumpxml, dominfo) with it;
 *                VIR_ERR_OPERATION_INVALID "domain is not running" when
 *                it does not run
 *   CONFIG       the persistent definition, written to the config store;
 *                VIR_ERR_OPERATION_INVALID for a transient domain
 *   both         every check of both first, then live, then the config.
 * (libxl's SetVcpusFlags refuses CURRENT; here it is resolved as its
 * SetMemoryFlags and PinVcpuFlags resolve it.)
 *
 * Live changes reach the guest through xenstore, as libxl's: the vCPUs
 * through cpu/N/availability ("online" for N < count, "offline" above),
 * the balloon through memory/target (KiB, less the video RAM). The guest
 * acts on them when it runs: the call does not wait for it. Domain-0 is
 * not the driver's to change (VIR_ERR_OPERATION_INVALID); its figures
 * can be read.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "driver.h"

G_BEGIN_DECLS

/* Xen's default credit weight, what a domain without <cputune><shares>
 * runs with. */
#define XVM_SCHED_CREDIT_DEFAULT_WEIGHT 256

/* ---- helpers shared by the changes (domain_modify.c) ----------------- */

/* With the lock: resolves CURRENT in *flags (VIR_DOMAIN_AFFECT_*) and
 * refuses LIVE of an inactive domain and CONFIG of a transient one, as
 * libvirt's virDomainObjUpdateModificationImpact. */
gboolean xvmDomainModificationImpact(const xvmDomainObj *obj, unsigned int *flags,
                                     GError **error);

/* With the lock and the job, persistent domain: validates *next (a
 * changed copy of the persistent definition), writes it to the config
 * store and makes it the persistent definition (taking it). On failure
 * nothing changed. */
gboolean xvmDomainCommitPersistentDef(xvmDriver *drv, xvmDomainObj *obj,
                                      xvmDomainDef **next, GError **error);

/* ---- vCPUs (domain_vcpu.c) -------------------------------------------- */

/* virDomainSetVcpusFlags. Flags: VIR_DOMAIN_VCPU_LIVE, _CONFIG, _MAXIMUM
 * (the maximum, CONFIG only: MAXIMUM with LIVE is VIR_ERR_INVALID_ARG
 * "invalid flag combination"). nvcpus 0, or above the maximum (the
 * definition's; for MAXIMUM the host's CPUs, as libxl's), is
 * VIR_ERR_INVALID_ARG. A lower maximum drops the <vcpupin> of the vCPUs
 * that go and lowers the current count with it. */
gboolean xvmDomainSetVcpus(xvmDriver *drv, xvmDomainObj *obj, guint nvcpus,
                           unsigned int flags, GError **error);

/* virDomainGetVcpusFlags: the current (or with VIR_DOMAIN_VCPU_MAXIMUM
 * the maximum) vCPU count of the live or persistent definition; exactly
 * one of LIVE and CONFIG after resolving CURRENT. -1 with *error. */
int xvmDomainGetVcpuCount(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags,
                          GError **error);

typedef struct {
    guint number;
    int state;                   /* virVcpuState */
    guint64 cpu_time_ns;
    int cpu;                     /* physical CPU it runs or last ran on */
} xvmVcpuInfo;

/* virDomainGetVcpus of a running domain: vCPUs 0 to min(maxinfo, its
 * maximum) - 1 from the hypervisor (offline, running or blocked; CPU
 * time; physical CPU) and, when cpumaps is given, each one's hard
 * affinity in cpumaps + i * maplen (bit n of byte n / 8, truncated to
 * maplen bytes; the caller zeroes the buffer). Returns how many, or -1. */
int xvmDomainGetVcpuInfo(xvmDriver *drv, xvmDomainObj *obj, xvmVcpuInfo *info,
                         int maxinfo, guint8 *cpumaps, int maplen, GError **error);

/* virDomainPinVcpuFlags (VIR_DOMAIN_AFFECT_*): vCPU `vcpu` (online in
 * the definition changed, else VIR_ERR_INVALID_ARG "vcpu 'N' is not
 * active") to the physical CPUs of cpumap (maplen bytes; empty, or CPUs
 * past XVM_CPUSET_MAX_CPUS: VIR_ERR_INVALID_ARG). Live: the hypervisor's
 * hard affinity, and <vcpupin> in the live definition; config: <vcpupin>
 * in the persistent one. */
gboolean xvmDomainPinVcpu(xvmDriver *drv, xvmDomainObj *obj, guint vcpu,
                          const guint8 *cpumap, gsize maplen, unsigned int flags,
                          GError **error);

/* virDomainGetVcpuPinInfo (VIR_DOMAIN_AFFECT_*): for vCPUs 0 to
 * min(ncpumaps, maximum) - 1 of the live or persistent definition, its
 * <vcpupin>, else <vcpu cpuset>, else every host CPU, in cpumaps + i *
 * maplen (the caller zeroes it). Returns how many, or -1. */
int xvmDomainGetVcpuPinInfo(xvmDriver *drv, xvmDomainObj *obj, int ncpumaps,
                            guint8 *cpumaps, int maplen, unsigned int flags,
                            GError **error);

/* ---- memory (domain_memory.c) ----------------------------------------- */

/* virDomainSetMemoryFlags, KiB. Flags: VIR_DOMAIN_MEM_LIVE, _CONFIG,
 * _MAXIMUM.
 *   without MAXIMUM  the balloon target: live, memory/target (the guest
 *                    follows it); config, <currentMemory>. Above the
 *                    maximum of the definition changed: VIR_ERR_INVALID_ARG
 *                    "cannot set memory higher than max memory".
 *   MAXIMUM          live, the hypervisor's ceiling (hv_domain_set_max_mem)
 *                    and memory/static-max, refused below the current
 *                    target as libxl's libxl_domain_setmaxmem refuses it;
 *                    config, <memory>, <currentMemory> lowered with it.
 * kib 0 is VIR_ERR_INVALID_ARG. */
gboolean xvmDomainSetMemory(xvmDriver *drv, xvmDomainObj *obj, guint64 kib,
                            unsigned int flags, GError **error);

/* ---- the credit scheduler (domain_sched.c) ---------------------------- */

typedef struct {
    gboolean has_weight;
    guint weight;                /* 1 to 65535 */
    gboolean has_cap;
    guint cap;                   /* percent of one CPU, 0: none; at most
                                    100 per vCPU */
} xvmSchedCredit;

/* virDomainGetSchedulerParametersFlags (VIR_DOMAIN_AFFECT_*; also
 * VIR_TYPED_PARAM_STRING_OKAY, trivially: no parameter is a string).
 * Live: weight and cap from the hypervisor. Config: the weight only,
 * <cputune><shares> or Xen's default XVM_SCHED_CREDIT_DEFAULT_WEIGHT:
 * the cap has no place in libvirt's domain XML for Xen (libxl keeps
 * neither in its configs; <shares> is what it boots with). */
gboolean xvmDomainGetSchedCredit(xvmDriver *drv, xvmDomainObj *obj, unsigned int flags,
                                 xvmSchedCredit *out, GError **error);

/* virDomainSetSchedulerParametersFlags (VIR_DOMAIN_AFFECT_*): the fields
 * given. A weight out of 1..65535 or a cap over 100 per vCPU is
 * VIR_ERR_INVALID_ARG. Live: the hypervisor, and the weight in the live
 * definition's <shares>; config: the weight as <cputune><shares>; a cap
 * for the config is VIR_ERR_ARGUMENT_UNSUPPORTED (see above). */
gboolean xvmDomainSetSchedCredit(xvmDriver *drv, xvmDomainObj *obj,
                                 const xvmSchedCredit *in, unsigned int flags,
                                 GError **error);

G_END_DECLS
