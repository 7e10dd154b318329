/* See sysinfo.h. */
#include <stdbool.h>
#include <string.h>
#include <glib.h>

#include "sysinfo.h"

struct dmi_entry {
	const char *name;    /* libvirt's entry name */
	const char *file;    /* the DMI attribute */
};

struct dmi_section {
	const char *element;
	const struct dmi_entry *entries;
};

/* libvirt's order (virsysinfo.c). */
static const struct dmi_entry bios[] = {
	{ "vendor", "bios_vendor" }, { "version", "bios_version" },
	{ "date", "bios_date" }, { "release", "bios_release" }, { NULL, NULL },
};
static const struct dmi_entry system_[] = {
	{ "manufacturer", "sys_vendor" }, { "product", "product_name" },
	{ "version", "product_version" }, { "serial", "product_serial" },
	{ "uuid", "product_uuid" }, { "sku", "product_sku" },
	{ "family", "product_family" }, { NULL, NULL },
};
static const struct dmi_entry board[] = {
	{ "manufacturer", "board_vendor" }, { "product", "board_name" },
	{ "version", "board_version" }, { "serial", "board_serial" },
	{ "asset", "board_asset_tag" }, { NULL, NULL },
};
static const struct dmi_entry chassis[] = {
	{ "manufacturer", "chassis_vendor" }, { "version", "chassis_version" },
	{ "serial", "chassis_serial" }, { "asset", "chassis_asset_tag" }, { NULL, NULL },
};
static const struct dmi_section sections[] = {
	{ "bios", bios }, { "system", system_ }, { "baseBoard", board },
	{ "chassis", chassis },
};

/* A DMI attribute is a short line of text; anything longer is not one. */
#define DMI_VALUE_MAX 4096

static char *read_value(const char *dir, const char *file)
{
	g_autofree char *path = g_build_filename(dir, file, NULL);
	g_autofree char *text = NULL;
	gsize len;

	if (!g_file_get_contents(path, &text, &len, NULL) || len > DMI_VALUE_MAX ||
	    !g_utf8_validate(text, len, NULL) || memchr(text, '\0', len))
		return NULL;
	g_strstrip(text);
	if (!*text)
		return NULL;
	return g_steal_pointer(&text);
}

char *xvmd_sysinfo_format(const char *dmi_dir)
{
	GString *out = g_string_new("<sysinfo type='smbios'>\n");
	bool any = false;

	for (gsize i = 0; i < G_N_ELEMENTS(sections); i++) {
		GString *sec = g_string_new(NULL);

		for (const struct dmi_entry *e = sections[i].entries; e->name; e++) {
			g_autofree char *v = read_value(dmi_dir, e->file);
			g_autofree char *esc = NULL;

			if (!v)
				continue;
			esc = g_markup_escape_text(v, -1);
			g_string_append_printf(sec, "    <entry name='%s'>%s</entry>\n",
					       e->name, esc);
		}
		if (sec->len) {
			g_string_append_printf(out, "  <%s>\n%s  </%s>\n", sections[i].element,
					       sec->str, sections[i].element);
			any = true;
		}
		g_string_free(sec, TRUE);
	}
	if (!any) {
		g_string_free(out, TRUE);
		return g_strdup("<sysinfo type='smbios'/>\n");
	}
	g_string_append(out, "</sysinfo>\n");
	return g_string_free(out, FALSE);
}
