/*
 * capabilities.c: the host capabilities document of a Xen host.
 * See capabilities.h for what is advertised and why.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "capabilities.h"
#include "caps_writer.h"
#include "domain_conf.h"

static gboolean G_GNUC_PRINTF(3, 4)
physError(GError **error, int code, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, XVM_CONF_ERROR, code, _("invalid host description: %s"), msg);
    return FALSE;
}

static gboolean
isFeatureName(const char *s)
{
    if (!s || !*s)
        return FALSE;
    for (; *s; s++)
        if (!g_ascii_isalnum(*s) && *s != '-' && *s != '_')
            return FALSE;
    return TRUE;
}

gboolean
xvmPhysInfoValidate(const xvmPhysInfo *info, GError **error)
{
    g_autofree gboolean *seenCpu = NULL;
    gsize i, j;

    if (!info || !info->arch)
        return physError(error, VIR_ERR_INTERNAL_ERROR, "%s", _("no host architecture"));
    if (strcmp(info->arch, "x86_64") != 0)
        return physError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                         _("host architecture '%s' is not supported (only x86_64)"), info->arch);
    if (info->nr_cpus == 0 || info->nr_cpus > XVM_PHYS_MAX_CPUS)
        return physError(error, VIR_ERR_INTERNAL_ERROR,
                         _("%u CPUs (expected 1 to %d)"), info->nr_cpus, XVM_PHYS_MAX_CPUS);
    if (info->sockets == 0 || info->cores_per_socket == 0 || info->threads_per_core == 0 ||
        (guint64)info->sockets * info->cores_per_socket * info->threads_per_core != info->nr_cpus)
        return physError(error, VIR_ERR_INTERNAL_ERROR,
                         _("topology of %u sockets, %u cores and %u threads does not make %u CPUs"),
                         info->sockets, info->cores_per_socket, info->threads_per_core,
                         info->nr_cpus);
    if (info->free_kib > info->total_kib)
        return physError(error, VIR_ERR_INTERNAL_ERROR, "%s",
                         _("more free memory than memory"));
    if ((info->cpu_model && !*info->cpu_model) || (info->cpu_vendor && !*info->cpu_vendor))
        return physError(error, VIR_ERR_INTERNAL_ERROR, "%s", _("empty CPU model or vendor"));
    if (info->host_uuid && !g_uuid_string_is_valid(info->host_uuid))
        return physError(error, VIR_ERR_INTERNAL_ERROR, _("malformed host UUID '%s'"),
                         info->host_uuid);
    if ((info->emulator && !g_path_is_absolute(info->emulator)) ||
        (info->hvmloader && !g_path_is_absolute(info->hvmloader)))
        return physError(error, VIR_ERR_INTERNAL_ERROR, "%s",
                         _("emulator and loader paths must be absolute"));
    if (info->cpu_features) {
        for (i = 0; info->cpu_features[i]; i++) {
            if (i >= XVM_PHYS_MAX_FEATURES)
                return physError(error, VIR_ERR_INTERNAL_ERROR,
                                 _("more than %d CPU features"), XVM_PHYS_MAX_FEATURES);
            if (!isFeatureName(info->cpu_features[i]))
                return physError(error, VIR_ERR_INTERNAL_ERROR,
                                 _("malformed CPU feature name '%s'"), info->cpu_features[i]);
        }
    }

    if (info->ncells > XVM_PHYS_MAX_CELLS)
        return physError(error, VIR_ERR_INTERNAL_ERROR, _("more than %d NUMA cells"),
                         XVM_PHYS_MAX_CELLS);
    if (info->ncells && !info->cells)
        return physError(error, VIR_ERR_INTERNAL_ERROR, "%s", _("NUMA cells missing"));
    seenCpu = g_new0(gboolean, info->nr_cpus);
    for (i = 0; i < info->ncells; i++) {
        const xvmPhysNumaCell *cell = &info->cells[i];

        for (j = 0; j < i; j++)
            if (info->cells[j].id == cell->id)
                return physError(error, VIR_ERR_INTERNAL_ERROR,
                                 _("NUMA cell %u listed twice"), cell->id);
        if (cell->free_kib > cell->memory_kib)
            return physError(error, VIR_ERR_INTERNAL_ERROR,
                             _("NUMA cell %u has more free memory than memory"), cell->id);
        if (cell->ndistances != 0 && cell->ndistances != info->ncells)
            return physError(error, VIR_ERR_INTERNAL_ERROR,
                             _("NUMA cell %u has %" G_GSIZE_FORMAT " distances for %" G_GSIZE_FORMAT " cells"),
                             cell->id, cell->ndistances, info->ncells);
        if (cell->ndistances && !cell->distances)
            return physError(error, VIR_ERR_INTERNAL_ERROR,
                             _("NUMA cell %u: distances missing"), cell->id);
        if (cell->ncpus && !cell->cpus)
            return physError(error, VIR_ERR_INTERNAL_ERROR,
                             _("NUMA cell %u: CPUs missing"), cell->id);
        for (j = 0; j < cell->ncpus; j++) {
            unsigned int id = cell->cpus[j].id;
            if (id >= info->nr_cpus)
                return physError(error, VIR_ERR_INTERNAL_ERROR,
                                 _("CPU %u of NUMA cell %u is beyond the %u CPUs"),
                                 id, cell->id, info->nr_cpus);
            if (seenCpu[id])
                return physError(error, VIR_ERR_INTERNAL_ERROR,
                                 _("CPU %u listed twice"), id);
            seenCpu[id] = TRUE;
        }
    }
    return TRUE;
}

char *
xvmFormatCpuSet(const unsigned int *cpus, gsize n)
{
    g_autofree unsigned int *sorted = g_memdup2(cpus, n * sizeof(*cpus));
    GString *out = g_string_new(NULL);
    gsize i = 0, j, k;

    /* insertion sort: sets are small */
    for (j = 1; j < n; j++) {
        unsigned int v = sorted[j];
        for (k = j; k > 0 && sorted[k - 1] > v; k--)
            sorted[k] = sorted[k - 1];
        sorted[k] = v;
    }
    while (i < n) {
        j = i;
        while (j + 1 < n && (sorted[j + 1] == sorted[j] || sorted[j + 1] == sorted[j] + 1))
            j++;
        if (out->len)
            g_string_append_c(out, ',');
        if (sorted[j] == sorted[i])
            g_string_append_printf(out, "%u", sorted[i]);
        else
            g_string_append_printf(out, "%u-%u", sorted[i], sorted[j]);
        i = j + 1;
    }
    return g_string_free(out, FALSE);
}

const char *
xvmCapsDefaultMachine(const char *os_type)
{
    if (!os_type)
        return NULL;
    if (strcmp(os_type, "xen") == 0 || strcmp(os_type, "linux") == 0)
        return "xenpv";
    if (strcmp(os_type, "xenpvh") == 0)
        return "xenpvh";
    if (strcmp(os_type, "hvm") == 0)
        return "xenfv";
    return NULL;
}

static void
formatHostCpu(xvmCapsWriter *cw, const xvmPhysInfo *info)
{
    gsize i;

    xvmCapsWriterStart(cw, "cpu");
    xvmCapsWriterElement(cw, "arch", "%s", info->arch);
    if (info->cpu_model)
        xvmCapsWriterElement(cw, "model", "%s", info->cpu_model);
    if (info->cpu_vendor)
        xvmCapsWriterElement(cw, "vendor", "%s", info->cpu_vendor);
    xvmCapsWriterStart(cw, "topology");
    xvmCapsWriterAttr(cw, "sockets", "%u", info->sockets);
    xvmCapsWriterAttr(cw, "dies", "1");
    xvmCapsWriterAttr(cw, "cores", "%u", info->cores_per_socket);
    xvmCapsWriterAttr(cw, "threads", "%u", info->threads_per_core);
    xvmCapsWriterEnd(cw);
    for (i = 0; info->cpu_features && info->cpu_features[i]; i++) {
        xvmCapsWriterStart(cw, "feature");
        xvmCapsWriterAttr(cw, "name", "%s", info->cpu_features[i]);
        xvmCapsWriterEnd(cw);
    }
    xvmCapsWriterStart(cw, "pages");
    xvmCapsWriterAttr(cw, "unit", "KiB");
    xvmCapsWriterAttr(cw, "size", "4");
    xvmCapsWriterEnd(cw);
    xvmCapsWriterEnd(cw);
}

static void
formatCellCpus(xvmCapsWriter *cw, const xvmPhysNumaCell *cell,
               const xvmPhysNumaCell *cells, gsize ncells)
{
    gsize i, c, k;

    xvmCapsWriterStart(cw, "cpus");
    xvmCapsWriterAttr(cw, "num", "%" G_GSIZE_FORMAT, cell->ncpus);
    for (i = 0; i < cell->ncpus; i++) {
        const xvmPhysCpu *cpu = &cell->cpus[i];
        g_autoptr(GArray) sib = g_array_new(FALSE, FALSE, sizeof(unsigned int));
        g_autofree char *siblings = NULL;

        /* thread siblings: same socket and core, on any cell */
        for (c = 0; c < ncells; c++)
            for (k = 0; k < cells[c].ncpus; k++)
                if (cells[c].cpus[k].socket_id == cpu->socket_id &&
                    cells[c].cpus[k].die_id == cpu->die_id &&
                    cells[c].cpus[k].core_id == cpu->core_id)
                    g_array_append_val(sib, cells[c].cpus[k].id);
        siblings = xvmFormatCpuSet((const unsigned int *)sib->data, sib->len);

        xvmCapsWriterStart(cw, "cpu");
        xvmCapsWriterAttr(cw, "id", "%u", cpu->id);
        xvmCapsWriterAttr(cw, "socket_id", "%u", cpu->socket_id);
        xvmCapsWriterAttr(cw, "die_id", "%u", cpu->die_id);
        xvmCapsWriterAttr(cw, "core_id", "%u", cpu->core_id);
        xvmCapsWriterAttr(cw, "siblings", "%s", siblings);
        xvmCapsWriterEnd(cw);
    }
    xvmCapsWriterEnd(cw);
}

static void
formatTopology(xvmCapsWriter *cw, const xvmPhysInfo *info)
{
    g_autofree xvmPhysCpu *cpus = NULL;
    xvmPhysNumaCell single = { 0 };
    const xvmPhysNumaCell *cells = info->cells;
    gsize ncells = info->ncells;
    gsize i, j;

    if (ncells == 0) {
        /* One cell with every CPU, numbered socket by socket. */
        unsigned int perSocket = info->cores_per_socket * info->threads_per_core;
        cpus = g_new0(xvmPhysCpu, info->nr_cpus);
        for (i = 0; i < info->nr_cpus; i++) {
            cpus[i].id = i;
            cpus[i].socket_id = i / perSocket;
            cpus[i].core_id = (i % perSocket) / info->threads_per_core;
        }
        single.memory_kib = info->total_kib;
        single.free_kib = info->free_kib;
        single.ncpus = info->nr_cpus;
        single.cpus = cpus;
        cells = &single;
        ncells = 1;
    }

    xvmCapsWriterStart(cw, "topology");
    xvmCapsWriterStart(cw, "cells");
    xvmCapsWriterAttr(cw, "num", "%" G_GSIZE_FORMAT, ncells);
    for (i = 0; i < ncells; i++) {
        const xvmPhysNumaCell *cell = &cells[i];

        xvmCapsWriterStart(cw, "cell");
        xvmCapsWriterAttr(cw, "id", "%u", cell->id);
        xvmCapsWriterStart(cw, "memory");
        xvmCapsWriterAttr(cw, "unit", "KiB");
        xvmCapsWriterText(cw, "%" G_GUINT64_FORMAT, cell->memory_kib);
        xvmCapsWriterEnd(cw);
        if (cell->ndistances) {
            xvmCapsWriterStart(cw, "distances");
            for (j = 0; j < cell->ndistances; j++) {
                xvmCapsWriterStart(cw, "sibling");
                xvmCapsWriterAttr(cw, "id", "%u", cells[j].id);
                xvmCapsWriterAttr(cw, "value", "%u", cell->distances[j]);
                xvmCapsWriterEnd(cw);
            }
            xvmCapsWriterEnd(cw);
        }
        formatCellCpus(cw, cell, cells, ncells);
        xvmCapsWriterEnd(cw);
    }
    xvmCapsWriterEnd(cw);
    xvmCapsWriterEnd(cw);
}

typedef struct {
    const char *os_type;
    const char *arch;
    unsigned int wordsize;
    const char *machine;
    gboolean loader;
    gboolean pae, nonpae, hvmFeatures, hap;
} guestDesc;

static void
formatGuest(xvmCapsWriter *cw, const xvmPhysInfo *info, const guestDesc *g)
{
    xvmCapsWriterStart(cw, "guest");
    xvmCapsWriterElement(cw, "os_type", "%s", g->os_type);
    xvmCapsWriterStart(cw, "arch");
    xvmCapsWriterAttr(cw, "name", "%s", g->arch);
    xvmCapsWriterElement(cw, "wordsize", "%u", g->wordsize);
    xvmCapsWriterElement(cw, "emulator", "%s",
                         info->emulator ? info->emulator : XVM_XEN_DEFAULT_EMULATOR);
    if (g->loader)
        xvmCapsWriterElement(cw, "loader", "%s",
                             info->hvmloader ? info->hvmloader : XVM_XEN_DEFAULT_HVMLOADER);
    xvmCapsWriterElement(cw, "machine", "%s", g->machine);
    xvmCapsWriterStart(cw, "domain");
    xvmCapsWriterAttr(cw, "type", "xen");
    xvmCapsWriterEnd(cw);
    xvmCapsWriterEnd(cw);

    if (g->pae || g->nonpae || g->hvmFeatures || g->hap) {
        xvmCapsWriterStart(cw, "features");
        if (g->pae)
            xvmCapsWriterEmpty(cw, "pae");
        if (g->nonpae)
            xvmCapsWriterEmpty(cw, "nonpae");
        if (g->hvmFeatures) {
            xvmCapsWriterStart(cw, "acpi");
            xvmCapsWriterAttr(cw, "default", "on");
            xvmCapsWriterAttr(cw, "toggle", "yes");
            xvmCapsWriterEnd(cw);
            xvmCapsWriterStart(cw, "apic");
            xvmCapsWriterAttr(cw, "default", "on");
            xvmCapsWriterAttr(cw, "toggle", "no");
            xvmCapsWriterEnd(cw);
        }
        if (g->hap) {
            xvmCapsWriterStart(cw, "hap");
            xvmCapsWriterAttr(cw, "default", "on");
            xvmCapsWriterAttr(cw, "toggle", "yes");
            xvmCapsWriterEnd(cw);
        }
        xvmCapsWriterEnd(cw);
    }
    xvmCapsWriterEnd(cw);
}

char *
xvmCapabilitiesFormat(const xvmPhysInfo *info, GError **error)
{
    xvmCapsWriter cw;

    if (!xvmPhysInfoValidate(info, error))
        return NULL;

    xvmCapsWriterInit(&cw);
    xvmCapsWriterStart(&cw, "capabilities");

    xvmCapsWriterStart(&cw, "host");
    if (info->host_uuid)
        xvmCapsWriterElement(&cw, "uuid", "%s", info->host_uuid);
    formatHostCpu(&cw, info);
    xvmCapsWriterEmpty(&cw, "power_management");
    xvmCapsWriterStart(&cw, "iommu");
    xvmCapsWriterAttr(&cw, "support", "%s", info->iommu ? "yes" : "no");
    xvmCapsWriterEnd(&cw);
    if (info->live_migration) {
        xvmCapsWriterStart(&cw, "migration_features");
        xvmCapsWriterEmpty(&cw, "live");
        xvmCapsWriterEnd(&cw);
    }
    formatTopology(&cw, info);
    xvmCapsWriterEnd(&cw);

    /* In the order Xen reports them (xen-3.0-x86_64 xen-3.0-x86_32p
     * hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64), PVH last. */
    if (info->pv) {
        const guestDesc g = { "xen", "x86_64", 64, "xenpv", FALSE, FALSE, FALSE, FALSE, FALSE };
        formatGuest(&cw, info, &g);
    }
    if (info->pv32) {
        const guestDesc g = { "xen", "i686", 32, "xenpv", FALSE, TRUE, FALSE, FALSE, FALSE };
        formatGuest(&cw, info, &g);
    }
    if (info->hvm) {
        const guestDesc g32 = { "hvm", "i686", 32, "xenfv", TRUE, TRUE, TRUE, TRUE, info->hap };
        const guestDesc g64 = { "hvm", "x86_64", 64, "xenfv", TRUE, FALSE, FALSE, TRUE, info->hap };
        formatGuest(&cw, info, &g32);
        formatGuest(&cw, info, &g64);
    }
    if (info->pvh) {
        const guestDesc g = { "xen", "x86_64", 64, "xenpvh", FALSE, FALSE, FALSE, FALSE, info->hap };
        formatGuest(&cw, info, &g);
    }

    xvmCapsWriterEnd(&cw);
    return xvmCapsWriterFinish(&cw, error);
}
