/*
 * test-domain-invalid: every NAME.xml of tests/confdata/xml-invalid/ must
 * be refused with the error of NAME.err:
 *
 *   line 1: the libvirt error code name (VIR_ERR_XML_ERROR, ...)
 *   line 2: the exact message
 *
 * Each document must be refused for its own reason: no two .err files may
 * hold the same message.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <locale.h>
#include <string.h>

#include "domain_conf.h"
#include "conf_test_util.h"

static const char *datadir;

static void
test_invalid(gconstpointer data)
{
    const char *name = data;
    g_autofree char *path = g_build_filename(datadir, name, NULL);
    g_autofree char *base = g_strndup(name, strlen(name) - strlen(".xml"));
    g_autofree char *err_name = g_strconcat(base, ".err", NULL);
    g_autofree char *err_path = g_build_filename(datadir, err_name, NULL);
    g_autofree char *xml = NULL;
    g_autofree char *err = NULL;
    g_auto(GStrv) lines = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    g_autoptr(xvmDomainDef) def = NULL;
    int code;

    g_assert_true(g_file_get_contents(path, &xml, &len, NULL));
    if (!g_file_get_contents(err_path, &err, NULL, NULL))
        g_error("%s: missing %s", name, err_name);
    lines = g_strsplit(err, "\n", 3);
    g_assert_nonnull(lines[0]);
    g_assert_nonnull(lines[1]);
    code = confTestErrorCode(lines[0]);
    if (code < 0)
        g_error("%s: unknown error code name '%s'", err_name, lines[0]);

    /* live parse: the id attribute and other live data are checked too */
    def = xvmDomainDefParseString(xml, (gssize)len, 0, &error);
    if (def) {
        g_autofree char *out = xvmDomainDefFormat(def, XVM_DOMAIN_XML_SECURE, NULL);
        g_error("%s was accepted:\n%s", name, out ? out : "");
    }
    g_assert_nonnull(error);
    g_assert_true(error->domain == XVM_CONF_ERROR);
    if (error->code != code || strcmp(error->message, lines[1]) != 0)
        g_test_message("%s: got %s: %s", name, confTestErrorName(error->code), error->message);
    g_assert_cmpstr(confTestErrorName(error->code), ==, lines[0]);
    g_assert_cmpstr(error->message, ==, lines[1]);
}

static void
test_messages_unique(gconstpointer data)
{
    char **files = (char **)data;
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    for (guint i = 0; files[i]; i++) {
        g_autofree char *base = g_strndup(files[i], strlen(files[i]) - strlen(".xml"));
        g_autofree char *err_path = g_strdup_printf("%s/%s.err", datadir, base);
        g_autofree char *err = NULL;
        g_auto(GStrv) lines = NULL;
        const char *other;

        g_assert_true(g_file_get_contents(err_path, &err, NULL, NULL));
        lines = g_strsplit(err, "\n", 3);
        g_assert_nonnull(lines[1]);
        if ((other = g_hash_table_lookup(seen, lines[1])))
            g_error("%s and %s expect the same message '%s'", other, files[i], lines[1]);
        g_hash_table_insert(seen, g_strdup(lines[1]), g_strdup(files[i]));
    }
}

int
main(int argc, char **argv)
{
    char **files;
    guint n = 0;
    int ret;

    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);
    datadir = g_getenv("XVM_CONFDATA");
    g_assert_nonnull(datadir);
    datadir = g_build_filename(datadir, "xml-invalid", NULL);
    files = confTestListFiles(datadir, ".xml");
    for (guint i = 0; files[i]; i++) {
        g_autofree char *path = g_strdup_printf("/conf/xml/invalid/%s", files[i]);
        g_test_add_data_func(path, files[i], test_invalid);
        n++;
    }
    if (n < 40)
        g_error("only %u invalid documents in %s, expected at least 40", n, datadir);
    g_test_add_data_func("/conf/xml/invalid/messages-unique", files, test_messages_unique);
    ret = g_test_run();
    g_strfreev(files);
    return ret;
}
