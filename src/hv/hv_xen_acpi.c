/* hv_xen_acpi: a PVH guest's ACPI tables (see hv_xen_acpi.h).
 *
 * Invariants: every table's bytes sum to 0 (its checksum), the RSDP's
 * first 20 bytes and its whole 36 bytes too; the tables' addresses are
 * PVH_ACPI_TABLES plus their offset in the blob, each 16-byte aligned;
 * all values are little-endian (x86). */
#include "hv_xen_acpi.h"

#include <string.h>

#define HDR_LEN 36
#define FADT_LEN 268                    /* ACPI 5.0 FADT (revision 5) */
#define FADT_FLAG_HW_REDUCED (1u << 20)
#define BOOT_NO_VGA (1u << 2)
#define BOOT_NO_CMOS_RTC (1u << 5)
#define LAPIC_BASE 0xfee00000u

static void put16(GByteArray *b, size_t off, uint16_t v)
{
	b->data[off] = v & 0xff;
	b->data[off + 1] = v >> 8;
}

static void put32(GByteArray *b, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b->data[off + i] = (v >> (8 * i)) & 0xff;
}

static void put64(GByteArray *b, size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b->data[off + i] = (v >> (8 * i)) & 0xff;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* Appends a zeroed table of len bytes at a 16-byte boundary with its
 * header (checksum left 0); returns its offset. */
static size_t add_table(GByteArray *b, const char sig[4], size_t len, uint8_t rev)
{
	static const uint8_t zero[16];
	size_t off;

	if (b->len % 16)
		g_byte_array_append(b, zero, 16 - b->len % 16);
	off = b->len;
	g_byte_array_set_size(b, off + len);
	memset(b->data + off, 0, len);
	memcpy(b->data + off, sig, 4);
	put32(b, off + 4, (uint32_t)len);
	b->data[off + 8] = rev;
	memcpy(b->data + off + 10, "XVM   ", 6);        /* OEM id */
	memcpy(b->data + off + 16, "XVMPVH  ", 8);      /* OEM table id */
	put32(b, off + 24, 1);                          /* OEM revision */
	memcpy(b->data + off + 28, "XVM ", 4);          /* creator id */
	put32(b, off + 32, 1);                          /* creator revision */
	return off;
}

static void seal(GByteArray *b, size_t off)
{
	uint32_t len = b->data[off + 4] | b->data[off + 5] << 8 |
		       b->data[off + 6] << 16 | (uint32_t)b->data[off + 7] << 24;

	b->data[off + 9] = 0;
	b->data[off + 9] = (uint8_t)-sum(b->data + off, len);
}

void hv_pvh_acpi_build(unsigned int nr_vcpus, GByteArray **rsdp, GByteArray **tables)
{
	GByteArray *t = g_byte_array_new();
	GByteArray *r = g_byte_array_sized_new(36);
	size_t dsdt, fadt, madt, xsdt;

	g_return_if_fail(nr_vcpus >= 1 && nr_vcpus <= PVH_ACPI_MAX_VCPUS);

	/* DSDT: no AML (no devices to describe). */
	dsdt = add_table(t, "DSDT", HDR_LEN, 2);
	seal(t, dsdt);

	/* FADT: hardware-reduced (no PM registers, no SCI, no FACS), no
	 * VGA, no CMOS RTC. */
	fadt = add_table(t, "FACP", FADT_LEN, 5);
	put32(t, fadt + 40, (uint32_t)(PVH_ACPI_TABLES + dsdt));   /* DSDT */
	put16(t, fadt + 109, BOOT_NO_VGA | BOOT_NO_CMOS_RTC);      /* IAPC_BOOT_ARCH */
	put32(t, fadt + 112, FADT_FLAG_HW_REDUCED);                /* Flags */
	put64(t, fadt + 140, PVH_ACPI_TABLES + dsdt);              /* X_DSDT */
	seal(t, fadt);

	/* MADT: the local APIC's address, no legacy PICs (flags 0), one
	 * enabled processor local APIC per vCPU. */
	madt = add_table(t, "APIC", HDR_LEN + 8 + 8 * nr_vcpus, 3);
	put32(t, madt + 36, LAPIC_BASE);
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		size_t e = madt + HDR_LEN + 8 + 8 * i;

		t->data[e] = 0;                         /* processor local APIC */
		t->data[e + 1] = 8;
		t->data[e + 2] = (uint8_t)i;            /* ACPI processor UID */
		t->data[e + 3] = (uint8_t)(2 * i);      /* APIC id */
		put32(t, e + 4, 1);                     /* enabled */
	}
	seal(t, madt);

	xsdt = add_table(t, "XSDT", HDR_LEN + 2 * 8, 1);
	put64(t, xsdt + HDR_LEN, PVH_ACPI_TABLES + fadt);
	put64(t, xsdt + HDR_LEN + 8, PVH_ACPI_TABLES + madt);
	seal(t, xsdt);

	/* RSDP, ACPI 2.0+: the XSDT only (no RSDT). */
	g_byte_array_set_size(r, 36);
	memset(r->data, 0, 36);
	memcpy(r->data, "RSD PTR ", 8);
	memcpy(r->data + 9, "XVM   ", 6);
	r->data[15] = 2;                                /* revision */
	put32(r, 20, 36);                               /* length */
	put64(r, 24, PVH_ACPI_TABLES + xsdt);
	r->data[8] = (uint8_t)-sum(r->data, 20);
	r->data[32] = (uint8_t)-sum(r->data, 36);

	*rsdp = r;
	*tables = t;
}
