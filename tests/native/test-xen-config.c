/*
 * test-xen-config.c: the xl.cfg / xm syntax (xen_config.h): values,
 * comments, lists, escapes, '+=', repeated names, the writer's canonical
 * form, syntax errors with their line numbers, typed getters, and the
 * limits on file size, list length, string length, nesting and names.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libvirt/virterror.h>

#include "domain_conf.h"
#include "xen_config.h"

static xvmXenConf *
parseOk(const char *text)
{
    g_autoptr(GError) err = NULL;
    xvmXenConf *conf = xvmXenConfParse(text, strlen(text), "t.cfg", &err);

    g_assert_no_error(err);
    g_assert_nonnull(conf);
    return conf;
}

static void
assertSyntaxError(const char *text, const char *message)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(xvmXenConf) conf = xvmXenConfParse(text, strlen(text), "t.cfg", &err);

    g_assert_null(conf);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONF_SYNTAX);
    g_assert_cmpstr(err->message, ==, message);
}

static void
testValues(void)
{
    g_autoptr(xvmXenConf) conf = parseOk(
        "# a comment\n"
        "name = \"guest\"   # trailing comment\n"
        "kernel='/boot/vmlinuz'\n"
        "\n"
        "memory = 1024; vcpus=0x4 ; maxvcpus = 010\n"
        "offset = -3600\n"
        "empty = ''\n"
        "\tindented\t=\t7\r\n");
    const xvmXenConfValue *v;

    g_assert_cmpuint(conf->settings->len, ==, 8);
    v = xvmXenConfGet(conf, "name");
    g_assert_cmpint(v->type, ==, XVM_XEN_CONF_STRING);
    g_assert_cmpstr(v->str, ==, "guest");
    g_assert_cmpuint(v->line, ==, 2);
    g_assert_cmpstr(xvmXenConfGet(conf, "kernel")->str, ==, "/boot/vmlinuz");
    v = xvmXenConfGet(conf, "memory");
    g_assert_cmpint(v->type, ==, XVM_XEN_CONF_NUMBER);
    g_assert_cmpint(v->num, ==, 1024);
    g_assert_cmpuint(v->line, ==, 5);
    /* numbers as strtol(..., 0): hexadecimal and octal */
    g_assert_cmpint(xvmXenConfGet(conf, "vcpus")->num, ==, 4);
    g_assert_cmpint(xvmXenConfGet(conf, "maxvcpus")->num, ==, 8);
    g_assert_cmpint(xvmXenConfGet(conf, "offset")->num, ==, -3600);
    g_assert_cmpstr(xvmXenConfGet(conf, "empty")->str, ==, "");
    g_assert_cmpint(xvmXenConfGet(conf, "indented")->num, ==, 7);
    g_assert_null(xvmXenConfGet(conf, "absent"));
    g_assert_cmpuint(xvmXenConfLookup(conf, "indented")->line, ==, 8);
}

static void
testStrings(void)
{
    g_autoptr(xvmXenConf) conf = parseOk(
        "a = \"say \\\"hi\\\" \\\\ o'k\"\n"
        "b = 'it\\'s \"quoted\"'\n"
        "c = \"tab\\there\\nnewline \\x41\\102 \\a\\b\\f\\r\\v\"\n"
        "d = \"\"\"first\n"
        "second \"quote\" inside\"\"\"\n"
        "e = '''x'''\n"
        "f = \"caf\xc3\xa9\"\n");

    g_assert_cmpstr(xvmXenConfGet(conf, "a")->str, ==, "say \"hi\" \\ o'k");
    g_assert_cmpstr(xvmXenConfGet(conf, "b")->str, ==, "it's \"quoted\"");
    g_assert_cmpstr(xvmXenConfGet(conf, "c")->str, ==, "tab\there\nnewline AB \a\b\f\r\v");
    g_assert_cmpstr(xvmXenConfGet(conf, "d")->str, ==, "first\nsecond \"quote\" inside");
    g_assert_cmpuint(xvmXenConfGet(conf, "d")->line, ==, 4);
    g_assert_cmpstr(xvmXenConfGet(conf, "e")->str, ==, "x");
    /* the setting after a multi-line string has the right line */
    g_assert_cmpuint(xvmXenConfLookup(conf, "e")->line, ==, 6);
    g_assert_cmpstr(xvmXenConfGet(conf, "f")->str, ==, "caf\xc3\xa9");
}

static void
testLists(void)
{
    g_autoptr(xvmXenConf) conf = parseOk(
        "disk = [ 'phy:/dev/vg/a,xvda,w',   # first\n"
        "         # a comment line inside\n"
        "         \"file:/b.img,xvdb,r\",\n"
        "       ]\n"
        "empty = []\n"
        "vnuma = [ [ \"pnode=0\", \"size=512\" ], [ \"pnode=1\", 2 ], ]\n"
        "after = 1\n");
    const xvmXenConfValue *disk = xvmXenConfGet(conf, "disk");
    const xvmXenConfValue *vnuma = xvmXenConfGet(conf, "vnuma");
    const xvmXenConfValue *inner;

    g_assert_cmpint(disk->type, ==, XVM_XEN_CONF_LIST);
    g_assert_cmpuint(disk->items->len, ==, 2);
    g_assert_cmpstr(((xvmXenConfValue *)g_ptr_array_index(disk->items, 1))->str, ==,
                    "file:/b.img,xvdb,r");
    g_assert_cmpuint(((xvmXenConfValue *)g_ptr_array_index(disk->items, 1))->line, ==, 3);
    g_assert_cmpuint(xvmXenConfGet(conf, "empty")->items->len, ==, 0);
    g_assert_cmpuint(vnuma->items->len, ==, 2);
    inner = g_ptr_array_index(vnuma->items, 1);
    g_assert_cmpint(inner->type, ==, XVM_XEN_CONF_LIST);
    g_assert_cmpint(((xvmXenConfValue *)g_ptr_array_index(inner->items, 1))->num, ==, 2);
    g_assert_cmpuint(xvmXenConfLookup(conf, "after")->line, ==, 7);
}

static void
testAppendAndRepeat(void)
{
    g_autoptr(xvmXenConf) conf = parseOk(
        "name = 'first'\n"
        "extra = 'root=/dev/xvda1'\n"
        "extra += ' quiet'\n"
        "vif = [ 'bridge=a' ]\n"
        "vif += [ 'bridge=b' ]\n"
        "fresh += 'x'\n"
        "name = 'second'\n");
    g_autofree char *out = xvmXenConfFormat(conf);

    /* a repeated name keeps its first place and takes the last value */
    g_assert_cmpstr(out, ==,
                    "name = \"second\"\n"
                    "extra = \"root=/dev/xvda1 quiet\"\n"
                    "vif = [ \"bridge=a\", \"bridge=b\" ]\n"
                    "fresh = \"x\"\n");
    g_assert_cmpuint(xvmXenConfLookup(conf, "name")->line, ==, 7);
}

static void
testFormat(void)
{
    g_autoptr(xvmXenConf) conf = xvmXenConfNew(NULL);
    g_autoptr(xvmXenConf) back = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *out = NULL;
    g_autofree char *again = NULL;
    const char *items[] = { "a", "b\"c", NULL };

    xvmXenConfSetString(conf, "plain", "text");
    xvmXenConfSetString(conf, "dquote", "say \"x\"");
    xvmXenConfSetString(conf, "both", "it's \"x\" \\ \n\t\x01");
    xvmXenConfSetNumber(conf, "num", -42);
    xvmXenConfSetStringList(conf, "list", items);
    xvmXenConfSetStringList(conf, "none", NULL);
    out = xvmXenConfFormat(conf);
    g_assert_cmpstr(out, ==,
                    "plain = \"text\"\n"
                    "dquote = 'say \"x\"'\n"
                    "both = \"it's \\\"x\\\" \\\\ \\n\\t\\x01\"\n"
                    "num = -42\n"
                    "list = [ \"a\", 'b\"c' ]\n"
                    "none = [ ]\n");
    /* and it reads back to the same values */
    back = xvmXenConfParse(out, strlen(out), "back", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(xvmXenConfGet(back, "both")->str, ==, "it's \"x\" \\ \n\t\x01");
    again = xvmXenConfFormat(back);
    g_assert_cmpstr(again, ==, out);
}

static void
testSyntaxErrors(void)
{
    assertSyntaxError("name = ", "t.cfg:1: expecting a value for 'name'");
    assertSyntaxError("a = 1\n\nname = \"abc\n", "t.cfg:3: unterminated string");
    assertSyntaxError("x = \"\"\"never\nclosed\n", "t.cfg:1: unterminated string");
    assertSyntaxError("disk = [ 'a',\n  'b'\n", "t.cfg:1: unterminated list (missing ']')");
    assertSyntaxError("disk = [ 'a'\n 'b' ]", "t.cfg:2: expecting ',' or ']' in list, found ''b' ]'");
    assertSyntaxError("memory 512", "t.cfg:1: expecting '=' after 'memory', found '512'");
    assertSyntaxError("\n\n9lives = 1", "t.cfg:3: expecting a setting name, found '9lives = 1'");
    assertSyntaxError("builder = hvm", "t.cfg:1: expecting a value (a quoted string, a number or a list), found 'hvm'");
    assertSyntaxError("memory = 08", "t.cfg:1: malformed number '08'");
    assertSyntaxError("memory = 12M", "t.cfg:1: malformed number '12M'");
    assertSyntaxError("memory = 99999999999999999999", "t.cfg:1: number '99999999999999999999' out of range");
    assertSyntaxError("a = \"\\q\"", "t.cfg:1: invalid character after backslash in quoted string");
    assertSyntaxError("a = \"\\x4\"", "t.cfg:1: invalid hexadecimal escape in quoted string (\\x needs two hex digits)");
    assertSyntaxError("a = \"\\x00\"", "t.cfg:1: NUL character escape in quoted string");
    assertSyntaxError("a = 1 2", "t.cfg:1: expecting a newline or ';' after the value of 'a', found '2'");
    assertSyntaxError("a = [ 1 ]\na += 'x'", "t.cfg:2: '+=' on 'a' needs two strings or two lists");
    assertSyntaxError("a = '\xff\xfe'", "t.cfg:1: string is not valid UTF-8");
    {
        const char nul[] = "a = 'x\0y'";
        g_autoptr(GError) err = NULL;
        g_autoptr(xvmXenConf) conf = xvmXenConfParse(nul, sizeof(nul) - 1, "t.cfg", &err);
        g_assert_null(conf);
        g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONF_SYNTAX);
        g_assert_cmpstr(err->message, ==, "t.cfg:1: NUL character in quoted string");
    }
}

static void
testLimits(void)
{
    g_autoptr(GString) s = g_string_new(NULL);
    g_autofree char *msg = NULL;
    int i;

    /* a string one byte too long, on line 2 */
    g_string_append(s, "ok = 1\nlong = \"");
    for (i = 0; i <= XVM_XEN_CONF_MAX_STRING; i++)
        g_string_append_c(s, 'x');
    g_string_append(s, "\"\n");
    msg = g_strdup_printf("t.cfg:2: string longer than %d bytes", XVM_XEN_CONF_MAX_STRING);
    assertSyntaxError(s->str, msg);
    g_clear_pointer(&msg, g_free);

    /* the longest string is fine */
    g_string_truncate(s, 0);
    g_string_append(s, "long = '");
    for (i = 0; i < XVM_XEN_CONF_MAX_STRING; i++)
        g_string_append_c(s, 'y');
    g_string_append(s, "'");
    {
        g_autoptr(xvmXenConf) conf = parseOk(s->str);
        g_assert_cmpuint(strlen(xvmXenConfGet(conf, "long")->str), ==, XVM_XEN_CONF_MAX_STRING);
    }

    /* '+=' cannot grow a string past the limit either */
    g_string_append(s, "\nlong += 'z'\n");
    msg = g_strdup_printf("t.cfg:2: string longer than %d bytes", XVM_XEN_CONF_MAX_STRING);
    assertSyntaxError(s->str, msg);
    g_clear_pointer(&msg, g_free);

    /* an enormous list */
    g_string_truncate(s, 0);
    g_string_append(s, "disk = [\n");
    for (i = 0; i <= XVM_XEN_CONF_MAX_LIST; i++)
        g_string_append(s, "  'x',\n");
    g_string_append(s, "]\n");
    msg = g_strdup_printf("t.cfg:%d: list with more than %d items",
                          XVM_XEN_CONF_MAX_LIST + 2, XVM_XEN_CONF_MAX_LIST);
    assertSyntaxError(s->str, msg);
    g_clear_pointer(&msg, g_free);

    /* too deep */
    assertSyntaxError("a = [[[[[1]]]]]", "t.cfg:1: lists nested deeper than 4 levels");

    /* a name too long */
    g_string_truncate(s, 0);
    for (i = 0; i <= XVM_XEN_CONF_MAX_NAME; i++)
        g_string_append_c(s, 'n');
    g_string_append(s, " = 1");
    msg = g_strdup_printf("t.cfg:1: setting name longer than %d bytes", XVM_XEN_CONF_MAX_NAME);
    assertSyntaxError(s->str, msg);
    g_clear_pointer(&msg, g_free);

    /* too many settings */
    g_string_truncate(s, 0);
    for (i = 0; i <= XVM_XEN_CONF_MAX_SETTINGS; i++)
        g_string_append_printf(s, "k%d = %d\n", i, i);
    msg = g_strdup_printf("t.cfg:%d: more than %d settings", XVM_XEN_CONF_MAX_SETTINGS + 1,
                          XVM_XEN_CONF_MAX_SETTINGS);
    assertSyntaxError(s->str, msg);
    g_clear_pointer(&msg, g_free);

    /* a huge input, refused before it is looked at */
    {
        gsize len = XVM_XEN_CONF_MAX_BYTES + 1;
        g_autofree char *big = g_malloc(len);
        g_autoptr(GError) err = NULL;
        g_autoptr(xvmXenConf) conf = NULL;

        memset(big, '#', len);
        conf = xvmXenConfParse(big, len, "big.cfg", &err);
        g_assert_null(conf);
        g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONF_SYNTAX);
        g_assert_true(g_str_has_prefix(err->message, "big.cfg: configuration of 1048577 bytes"));
    }
}

static void
testParseFile(void)
{
    g_autofree char *path = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(xvmXenConf) conf = NULL;
    int fd = g_file_open_tmp("xvm-cfg-XXXXXX.cfg", &path, &err);
    g_autofree char *base = NULL;
    g_autofree char *big = NULL;

    g_assert_no_error(err);
    close(fd);
    g_assert_true(g_file_set_contents(path, "name = 'x'\nmemory = 'lots'\n", -1, NULL));
    conf = xvmXenConfParseFile(path, &err);
    g_assert_no_error(err);
    base = g_path_get_basename(path);
    g_assert_cmpstr(conf->source, ==, base);
    g_clear_pointer(&conf, xvmXenConfFree);

    /* a file over the limit is refused without reading it whole */
    big = g_malloc0(XVM_XEN_CONF_MAX_BYTES + 10);
    memset(big, '\n', XVM_XEN_CONF_MAX_BYTES + 9);
    g_assert_true(g_file_set_contents(path, big, XVM_XEN_CONF_MAX_BYTES + 9, NULL));
    conf = xvmXenConfParseFile(path, &err);
    g_assert_null(conf);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_CONF_SYNTAX);
    g_clear_error(&err);
    g_unlink(path);

    conf = xvmXenConfParseFile("/nonexistent/xvm.cfg", &err);
    g_assert_null(conf);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_SYSTEM_ERROR);
}

static void
testGetters(void)
{
    g_autoptr(xvmXenConf) conf = parseOk(
        "s = 'text'\n"
        "n = 12\n"
        "ns = '34'\n"
        "neg = -1\n"
        "bad = 'x1'\n"
        "l = [ 'a', 'b' ]\n"
        "mixed = [ 'a', 1 ]\n");
    g_autoptr(GError) err = NULL;
    g_autofree char *str = NULL;
    g_auto(GStrv) list = NULL;
    guint64 u = 0;
    gint64 i = 0;
    gboolean b = FALSE;

    g_assert_cmpint(xvmXenConfGetString(conf, "s", &str, &err), ==, 1);
    g_assert_cmpstr(str, ==, "text");
    g_clear_pointer(&str, g_free);
    /* a bare number is text too, as xl reads it */
    g_assert_cmpint(xvmXenConfGetString(conf, "n", &str, &err), ==, 1);
    g_assert_cmpstr(str, ==, "12");
    g_assert_cmpint(xvmXenConfGetString(conf, "missing", &str, &err), ==, 0);
    g_assert_cmpint(xvmXenConfGetUInt64(conf, "ns", &u, &err), ==, 1);
    g_assert_cmpuint(u, ==, 34);
    g_assert_cmpint(xvmXenConfGetInt64(conf, "neg", &i, &err), ==, 1);
    g_assert_cmpint(i, ==, -1);
    g_assert_cmpint(xvmXenConfGetBool(conf, "n", &b, &err), ==, 1);
    g_assert_true(b);
    g_assert_cmpint(xvmXenConfGetStringList(conf, "l", FALSE, &list, &err), ==, 1);
    g_assert_cmpuint(g_strv_length(list), ==, 2);
    g_clear_pointer(&list, g_strfreev);
    g_assert_cmpint(xvmXenConfGetStringList(conf, "s", TRUE, &list, &err), ==, 1);
    g_assert_cmpstr(list[0], ==, "text");
    g_assert_no_error(err);

    g_assert_cmpint(xvmXenConfGetUInt64(conf, "neg", &u, &err), ==, -1);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_assert_cmpstr(err->message, ==, "t.cfg:4: config value neg was malformed: expected a number not below 0");
    g_clear_error(&err);
    g_assert_cmpint(xvmXenConfGetBool(conf, "bad", &b, &err), ==, -1);
    g_assert_cmpstr(err->message, ==, "t.cfg:5: config value bad was malformed: expected a number");
    g_clear_error(&err);
    g_assert_cmpint(xvmXenConfGetString(conf, "l", &str, &err), ==, -1);
    g_assert_cmpstr(err->message, ==, "t.cfg:6: config value l was malformed: expected a string, not a list");
    g_clear_error(&err);
    g_assert_cmpint(xvmXenConfGetStringList(conf, "mixed", FALSE, &list, &err), ==, -1);
    g_assert_cmpstr(err->message, ==, "t.cfg:7: config value mixed was malformed: expected a list of strings");
    g_clear_error(&err);
    g_assert_cmpint(xvmXenConfGetStringList(conf, "s", FALSE, &list, &err), ==, -1);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xen-config/values", testValues);
    g_test_add_func("/xen-config/strings", testStrings);
    g_test_add_func("/xen-config/lists", testLists);
    g_test_add_func("/xen-config/append-and-repeat", testAppendAndRepeat);
    g_test_add_func("/xen-config/format", testFormat);
    g_test_add_func("/xen-config/syntax-errors", testSyntaxErrors);
    g_test_add_func("/xen-config/limits", testLimits);
    g_test_add_func("/xen-config/parse-file", testParseFile);
    g_test_add_func("/xen-config/getters", testGetters);
    return g_test_run();
}
