/* The ACPI tables hv_xen gives a PVH guest, read back as a guest's ACPI
 * code reads them: the RSDP's checksums and its XSDT, every table's
 * checksum and length, the FADT hardware-reduced pointing at the DSDT,
 * the MADT with one enabled local APIC per vCPU (APIC id 2 x vCPU), all
 * within the blob at PVH_ACPI_TABLES. */
#include <string.h>
#include <glib.h>

#include "hv_xen_acpi.h"

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* The table at guest address addr, checked: signature, length within
 * the blob, checksum. */
static const uint8_t *table(GByteArray *t, uint64_t addr, const char *sig)
{
	const uint8_t *p;
	uint32_t len;

	g_assert_cmpuint(addr, >=, PVH_ACPI_TABLES);
	g_assert_cmpuint(addr - PVH_ACPI_TABLES + 36, <=, t->len);
	g_assert_cmpuint(addr % 16, ==, 0);
	p = t->data + (addr - PVH_ACPI_TABLES);
	g_assert_cmpmem(p, 4, sig, 4);
	len = get32(p + 4);
	g_assert_cmpuint(len, >=, 36);
	g_assert_cmpuint(addr - PVH_ACPI_TABLES + len, <=, t->len);
	g_assert_cmpuint(sum(p, len), ==, 0);
	return p;
}

static void check(unsigned int nr_vcpus)
{
	g_autoptr(GByteArray) r = NULL;
	g_autoptr(GByteArray) t = NULL;
	const uint8_t *xsdt, *fadt = NULL, *madt = NULL, *dsdt;
	uint32_t n;

	hv_pvh_acpi_build(nr_vcpus, &r, &t);
	g_assert_cmpuint(r->len, ==, 36);
	g_assert_cmpmem(r->data, 8, "RSD PTR ", 8);
	g_assert_cmpuint(sum(r->data, 20), ==, 0);
	g_assert_cmpuint(sum(r->data, 36), ==, 0);
	g_assert_cmpuint(r->data[15], ==, 2);
	g_assert_cmpuint(get32(r->data + 20), ==, 36);
	/* The tables' pages end before the local APIC and the special pages. */
	g_assert_cmpuint(PVH_ACPI_RSDP + r->len, <=, PVH_ACPI_TABLES);
	g_assert_cmpuint(PVH_ACPI_TABLES + t->len, <=, 0xfee00000ull);

	xsdt = table(t, get64(r->data + 24), "XSDT");
	n = (get32(xsdt + 4) - 36) / 8;
	g_assert_cmpuint(n, ==, 2);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t a = get64(xsdt + 36 + 8 * i);
		const uint8_t *p = t->data + (a - PVH_ACPI_TABLES);

		if (!memcmp(p, "FACP", 4))
			fadt = table(t, a, "FACP");
		else
			madt = table(t, a, "APIC");
	}
	g_assert_nonnull(fadt);
	g_assert_nonnull(madt);

	/* FADT: hardware-reduced, both DSDT pointers at the DSDT, no VGA
	 * and no CMOS RTC, no FACS. */
	g_assert_cmpuint(get32(fadt + 4), >=, 244);
	g_assert_true(get32(fadt + 112) & (1u << 20));
	g_assert_cmpuint(fadt[109] & 0x24, ==, 0x24);
	g_assert_cmpuint(get32(fadt + 36), ==, 0);
	g_assert_cmpuint(get64(fadt + 132), ==, 0);
	g_assert_cmpuint(get32(fadt + 40), ==, get64(fadt + 140));
	dsdt = table(t, get64(fadt + 140), "DSDT");
	g_assert_cmpuint(get32(dsdt + 4), ==, 36);

	/* MADT: the local APIC at 0xfee00000, nothing but local APICs. */
	g_assert_cmpuint(get32(madt + 36), ==, 0xfee00000u);
	g_assert_cmpuint(get32(madt + 4), ==, 44 + 8 * nr_vcpus);
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		const uint8_t *e = madt + 44 + 8 * i;

		g_assert_cmpuint(e[0], ==, 0);
		g_assert_cmpuint(e[1], ==, 8);
		g_assert_cmpuint(e[2], ==, i);
		g_assert_cmpuint(e[3], ==, 2 * i);
		g_assert_cmpuint(get32(e + 4), ==, 1);
	}
}

static void test_one(void) { check(1); }
static void test_two(void) { check(2); }
static void test_max(void) { check(PVH_ACPI_MAX_VCPUS); }

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hv/pvh-acpi/one-vcpu", test_one);
	g_test_add_func("/hv/pvh-acpi/two-vcpus", test_two);
	g_test_add_func("/hv/pvh-acpi/max-vcpus", test_max);
	return g_test_run();
}
