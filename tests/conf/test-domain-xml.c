/*
 * test-domain-xml: golden files of tests/confdata/xml/.
 *
 * For every NAME.xml (not *.out.xml): parse, format, and compare byte for
 * byte with NAME.out.xml if it exists (non-canonical input), else with
 * NAME.xml itself (round trip). Then parse the output again and check it
 * formats to itself (the canonical form is a fixed point).
 *
 * Flags come from the name:
 *   *-live*            parse and format live data (id, ttys, ports)
 *   *-live2inactive*   parse live data, format with XVM_DOMAIN_XML_INACTIVE
 *   *-secure*          format with XVM_DOMAIN_XML_SECURE (passwords)
 * otherwise the document is parsed and formatted as an inactive config.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <locale.h>
#include <string.h>

#include "domain_conf.h"
#include "conf_test_util.h"

static const char *datadir;

static void
flags_for(const char *name, unsigned int *parse_flags, unsigned int *xml_flags)
{
    *parse_flags = XVM_DOMAIN_PARSE_INACTIVE;
    *xml_flags = 0;
    if (strstr(name, "-live2inactive")) {
        *parse_flags = 0;
        *xml_flags |= XVM_DOMAIN_XML_INACTIVE;
    } else if (strstr(name, "-live")) {
        *parse_flags = 0;
    }
    if (strstr(name, "-secure"))
        *xml_flags |= XVM_DOMAIN_XML_SECURE;
}

static void
test_golden(gconstpointer data)
{
    const char *name = data;
    g_autofree char *in_path = g_build_filename(datadir, name, NULL);
    g_autofree char *base = g_strndup(name, strlen(name) - strlen(".xml"));
    g_autofree char *out_name = g_strconcat(base, ".out.xml", NULL);
    g_autofree char *out_path = g_build_filename(datadir, out_name, NULL);
    g_autofree char *in = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *actual = NULL;
    g_autofree char *again = NULL;
    g_autoptr(xvmDomainDef) def = NULL;
    g_autoptr(xvmDomainDef) def2 = NULL;
    g_autoptr(GError) error = NULL;
    unsigned int parse_flags, xml_flags;

    flags_for(name, &parse_flags, &xml_flags);
    g_assert_true(g_file_get_contents(in_path, &in, NULL, NULL));
    if (!g_file_get_contents(out_path, &expected, NULL, NULL))
        expected = g_strdup(in);

    def = xvmDomainDefParseString(in, -1, parse_flags, &error);
    if (!def)
        g_error("%s: %s (%d): %s", name, confTestErrorName(error->code), error->code,
                error->message);
    actual = xvmDomainDefFormat(def, xml_flags, &error);
    g_assert_no_error(error);
    g_assert_nonnull(actual);
    if (strcmp(actual, expected) != 0)
        g_test_message("%s: formatted output:\n%s", name, actual);
    g_assert_cmpstr(actual, ==, expected);

    /* fixed point: the canonical form parses back to the same document */
    def2 = xvmDomainDefParseString(actual, -1, parse_flags, &error);
    g_assert_no_error(error);
    again = xvmDomainDefFormat(def2, xml_flags, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(again, ==, actual);
}

int
main(int argc, char **argv)
{
    g_auto(GStrv) files = NULL;
    guint n = 0;

    setlocale(LC_ALL, "");
    g_test_init(&argc, &argv, NULL);
    datadir = g_getenv("XVM_CONFDATA");
    g_assert_nonnull(datadir);
    datadir = g_build_filename(datadir, "xml", NULL);
    files = confTestListFiles(datadir, ".xml");
    for (guint i = 0; files[i]; i++) {
        g_autofree char *path = NULL;
        if (g_str_has_suffix(files[i], ".out.xml"))
            continue;
        path = g_strdup_printf("/conf/xml/golden/%s", files[i]);
        g_test_add_data_func(path, files[i], test_golden);
        n++;
    }
    /* the suite itself must not silently shrink */
    if (n < 40)
        g_error("only %u golden files in %s, expected at least 40", n, datadir);
    return g_test_run();
}
