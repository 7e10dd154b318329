/*
 * test-native-golden.c: golden-file tests of the xl and xm converters.
 *
 * tests/confdata/{xl,xm}/NAME.cfg <-> NAME.xml, both directions:
 *   native -> definition -> domain XML   == NAME.xml (byte for byte)
 *   NAME.xml -> definition -> native     == NAME.cfg (byte for byte)
 *   and NAME.xml validates against libvirt's domain schema.
 * tests/confdata/{xl,xm}/input/NAME.cfg -> NAME.xml: other spellings of
 *   the same settings (positional disks, old keys, comments, ...), one way,
 *   whose XML must then convert to native and back to the same XML.
 * tests/confdata/{xl,xm}/error/NAME.cfg: refused, with the code and
 *   message of NAME.err.
 * tests/confdata/{xl,xm}/error-xml/NAME.xml: valid domain XML that the
 *   format cannot express, refused with NAME.err.
 *
 * XVM_TEST_REGENERATE=1 rewrites the expected files from the output.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "domain_conf.h"
#include "conf_test_util.h"
#include "native_test_util.h"
#include "xen_native.h"

typedef struct {
    const char *format;  /* "xen-xl", "xen-xm" */
    char *dir;
    char *name;          /* base name, no suffix */
} Case;

static char *
casePath(const Case *c, const char *suffix)
{
    g_autofree char *file = g_strconcat(c->name, suffix, NULL);
    return g_build_filename(c->dir, file, NULL);
}

static char *
nativeToXml(const char *format, const char *cfg, const char *source, GError **error)
{
    xvmXenNativeExtras extras;
    g_autoptr(xvmDomainDef) def = xvmDomainDefFromNative(format, cfg, -1, &extras, error);

    (void)source;
    if (!def)
        return NULL;
    return xvmDomainDefFormat(def, XVM_DOMAIN_XML_INACTIVE | XVM_DOMAIN_XML_SECURE, error);
}

static char *
xmlToNative(const char *format, const char *xml, GError **error)
{
    g_autoptr(xvmDomainDef) def = xvmDomainDefParseString(xml, -1, XVM_DOMAIN_PARSE_INACTIVE,
                                                          error);
    if (!def)
        return NULL;
    return xvmDomainDefToNative(format, def, NULL, error);
}

/* native -> XML */
static void
testToXml(gconstpointer data)
{
    const Case *c = data;
    g_autofree char *cfgPath = casePath(c, ".cfg");
    g_autofree char *xmlPath = casePath(c, ".xml");
    g_autofree char *cfg = nativeTestRead(cfgPath);
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = nativeToXml(c->format, cfg, cfgPath, &err);

    g_assert_no_error(err);
    g_assert_true(nativeTestCompare(xmlPath, xml));
}

/* XML -> native */
static void
testToNative(gconstpointer data)
{
    const Case *c = data;
    g_autofree char *cfgPath = casePath(c, ".cfg");
    g_autofree char *xmlPath = casePath(c, ".xml");
    g_autofree char *xml = nativeTestRead(xmlPath);
    g_autoptr(GError) err = NULL;
    g_autofree char *cfg = xmlToNative(c->format, xml, &err);

    g_assert_no_error(err);
    g_assert_true(nativeTestCompare(cfgPath, cfg));
}

/* XML -> native -> XML gives the same XML (for input/ cases, whose .cfg
 * is not canonical) */
static void
testStable(gconstpointer data)
{
    const Case *c = data;
    g_autofree char *xmlPath = casePath(c, ".xml");
    g_autofree char *xml = nativeTestRead(xmlPath);
    g_autoptr(GError) err = NULL;
    g_autofree char *cfg = xmlToNative(c->format, xml, &err);
    g_autofree char *again = NULL;

    g_assert_no_error(err);
    again = nativeToXml(c->format, cfg, "roundtrip", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(again, ==, xml);
}

static void
testSchema(gconstpointer data)
{
    const Case *c = data;
    g_autofree char *xmlPath = casePath(c, ".xml");
    g_autofree char *xml = nativeTestRead(xmlPath);

    g_assert_true(nativeTestValidate(xml, "domain"));
}

static void
testCfgError(gconstpointer data)
{
    const Case *c = data;
    g_autofree char *cfgPath = casePath(c, ".cfg");
    g_autofree char *errPath = casePath(c, ".err");
    g_autofree char *cfg = nativeTestRead(cfgPath);
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = nativeToXml(c->format, cfg, cfgPath, &err);

    g_assert_null(xml);
    g_assert_true(nativeTestCheckError(errPath, err));
}

static void
testXmlError(gconstpointer data)
{
    const Case *c = data;
    g_autofree char *xmlPath = casePath(c, ".xml");
    g_autofree char *errPath = casePath(c, ".err");
    g_autofree char *xml = nativeTestRead(xmlPath);
    g_autoptr(GError) err = NULL;
    g_autofree char *cfg = xmlToNative(c->format, xml, &err);

    g_assert_null(cfg);
    g_assert_true(nativeTestCheckError(errPath, err));
}

static void
caseFree(gpointer data)
{
    Case *c = data;
    g_free(c->dir);
    g_free(c->name);
    g_free(c);
}

static GPtrArray *cases;

static void
addCases(const char *dialect, const char *format, const char *sub, const char *suffix,
         const char *const *tests, const GTestDataFunc *funcs, gsize ntests)
{
    g_autofree char *dir = g_build_filename(nativeTestDataDir(), dialect, sub, NULL);
    g_auto(GStrv) files = confTestListFiles(dir, suffix);
    gsize i, t;

    for (i = 0; files[i]; i++) {
        Case *c = g_new0(Case, 1);
        c->format = format;
        c->dir = g_strdup(dir);
        c->name = g_strndup(files[i], strlen(files[i]) - strlen(suffix));
        g_ptr_array_add(cases, c);
        for (t = 0; t < ntests; t++) {
            g_autofree char *path = g_strdup_printf("/native/%s/%s%s%s/%s", dialect,
                                                    sub ? sub : "", sub ? "/" : "",
                                                    c->name, tests[t]);
            g_test_add_data_func(path, c, funcs[t]);
        }
    }
}

int
main(int argc, char **argv)
{
    static const char *const pairTests[] = { "to-xml", "to-native", "schema" };
    static const GTestDataFunc pairFuncs[] = { testToXml, testToNative, testSchema };
    static const char *const inputTests[] = { "to-xml", "stable" };
    static const GTestDataFunc inputFuncs[] = { testToXml, testStable };
    static const char *const errTests[] = { "refused" };
    static const GTestDataFunc cfgErrFuncs[] = { testCfgError };
    static const GTestDataFunc xmlErrFuncs[] = { testXmlError };
    static const struct { const char *dialect, *format; } dialects[] = {
        { "xl", XVM_NATIVE_FORMAT_XL },
        { "xm", XVM_NATIVE_FORMAT_XM },
    };
    gsize d;
    int rc;

    g_test_init(&argc, &argv, NULL);
    cases = g_ptr_array_new_with_free_func(caseFree);
    for (d = 0; d < G_N_ELEMENTS(dialects); d++) {
        addCases(dialects[d].dialect, dialects[d].format, NULL, ".cfg", pairTests, pairFuncs, 3);
        addCases(dialects[d].dialect, dialects[d].format, "input", ".cfg", inputTests, inputFuncs, 2);
        addCases(dialects[d].dialect, dialects[d].format, "error", ".cfg", errTests, cfgErrFuncs, 1);
        addCases(dialects[d].dialect, dialects[d].format, "error-xml", ".xml", errTests, xmlErrFuncs, 1);
    }
    rc = g_test_run();
    g_ptr_array_unref(cases);
    return rc;
}
