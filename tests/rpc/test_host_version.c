/* Xen's version as libvirt's libxl driver counts it (src/xvmd/host.c). */
#include <string.h>
#include <glib.h>

#include "host.h"

static void check(unsigned int major, unsigned int minor, const char *extra, uint64_t want)
{
	struct hv_version v = { .major = major, .minor = minor };

	g_strlcpy(v.extra, extra, sizeof(v.extra));
	g_assert_cmpuint(xvmd_host_version_number(&v), ==, want);
}

static void test_version(void)
{
	check(4, 17, ".0", 4017000);
	check(4, 17, ".3", 4017003);
	check(4, 17, ".12-pre", 4017012);
	check(4, 17, "-sim", 4017000);
	check(4, 17, "", 4017000);
	check(4, 19, "-rc", 4019000);
	check(4, 2, ".", 4002000);
	/* Out-of-range parts cannot spill into the next one. */
	check(4, 1234, ".5678", 4999999);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/xvmd/host/version", test_version);
	return g_test_run();
}
