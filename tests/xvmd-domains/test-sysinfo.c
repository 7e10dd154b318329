/* xvmd's <sysinfo type='smbios'> from a DMI directory (src/xvmd/sysinfo.c):
 * libvirt's sections and entry names in its order, values trimmed and
 * escaped, absent/empty/oversized/binary attributes left out, and the empty
 * document of a machine without DMI. */
#include <glib.h>
#include <glib/gstdio.h>

#include "sysinfo.h"

static char *make_dir(void)
{
	g_autoptr(GError) err = NULL;
	char *dir = g_dir_make_tmp("xvmd-sysinfo-XXXXXX", &err);

	g_assert_no_error(err);
	return dir;
}

static void put(const char *dir, const char *file, const char *text, gssize len)
{
	g_autofree char *path = g_build_filename(dir, file, NULL);
	g_autoptr(GError) err = NULL;

	g_file_set_contents(path, text, len, &err);
	g_assert_no_error(err);
}

static void rm_dir(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(dir, name, NULL);

		g_unlink(p);
	}
	g_rmdir(dir);
}

static void test_full(void)
{
	g_autofree char *dir = make_dir();
	g_autofree char *big = g_strnfill(5000, 'x');
	g_autofree char *doc = NULL;

	put(dir, "bios_vendor", "SeaBIOS\n", -1);
	put(dir, "bios_version", " 1.16.0 \n", -1);
	put(dir, "bios_date", "04/01/2014\n", -1);
	put(dir, "sys_vendor", "Q<E>M&U 'x'\n", -1);
	put(dir, "product_name", "\n", -1);              /* empty: left out */
	put(dir, "product_uuid", "4c4c4544-0053-3610-8048-b2c04f4e4432\n", -1);
	put(dir, "product_family", big, -1);             /* not an attribute */
	put(dir, "board_name", "a\0b", 3);               /* binary */
	put(dir, "chassis_vendor", "\xff\xfe", 2);       /* not UTF-8 */
	doc = xvmd_sysinfo_format(dir);
	g_assert_cmpstr(doc, ==,
		"<sysinfo type='smbios'>\n"
		"  <bios>\n"
		"    <entry name='vendor'>SeaBIOS</entry>\n"
		"    <entry name='version'>1.16.0</entry>\n"
		"    <entry name='date'>04/01/2014</entry>\n"
		"  </bios>\n"
		"  <system>\n"
		"    <entry name='manufacturer'>Q&lt;E&gt;M&amp;U &apos;x&apos;</entry>\n"
		"    <entry name='uuid'>4c4c4544-0053-3610-8048-b2c04f4e4432</entry>\n"
		"  </system>\n"
		"</sysinfo>\n");
	rm_dir(dir);
}

static void test_none(void)
{
	g_autofree char *dir = make_dir();
	g_autofree char *missing = g_build_filename(dir, "absent", NULL);
	g_autofree char *doc = xvmd_sysinfo_format(dir);
	g_autofree char *doc2 = xvmd_sysinfo_format(missing);

	g_assert_cmpstr(doc, ==, "<sysinfo type='smbios'/>\n");
	g_assert_cmpstr(doc2, ==, "<sysinfo type='smbios'/>\n");
	rm_dir(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sysinfo/full", test_full);
	g_test_add_func("/sysinfo/none", test_none);
	return g_test_run();
}
