/* hv_xen_acpi: the ACPI tables of a PVH guest (what libxl builds with
 * libacpi for PVH): an RSDP, an XSDT, a hardware-reduced FADT, an empty
 * DSDT and a MADT with one local APIC per vCPU (APIC id 2 x vCPU, as
 * Xen's HVM vCPUs have) and no I/O APIC (PVH emulates only the local
 * APIC). Without them Linux finds no MADT and runs on its boot vCPU.
 *
 * The tables are one blob loaded at PVH_ACPI_TABLES; the RSDP, which the
 * PVH start info points at, is another at PVH_ACPI_RSDP. Both lie in
 * the MMIO hole below the local APIC, in pages the builder populates. */
#ifndef XVM_HV_XEN_ACPI_H
#define XVM_HV_XEN_ACPI_H

#include <glib.h>
#include <stdint.h>

#define PVH_ACPI_RSDP   0xfc000000ull
#define PVH_ACPI_TABLES 0xfc001000ull
/* More would not fit the MADT's length in one page's worth of tables. */
#define PVH_ACPI_MAX_VCPUS 128

/* The RSDP (36 bytes) and the tables for nr_vcpus (1..PVH_ACPI_MAX_VCPUS). */
void hv_pvh_acpi_build(unsigned int nr_vcpus, GByteArray **rsdp, GByteArray **tables);

#endif
