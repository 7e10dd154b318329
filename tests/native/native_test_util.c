/*
 * native_test_util.c: see native_test_util.h.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libvirt/virterror.h>

#include "conf_test_util.h"
#include "native_test_util.h"

const char *
nativeTestDataDir(void)
{
    const char *dir = g_getenv("XVM_CONFDATA");

    g_assert_nonnull(dir);
    return dir;
}

char *
nativeTestRead(const char *path)
{
    g_autoptr(GError) err = NULL;
    char *data = NULL;

    if (!g_file_get_contents(path, &data, NULL, &err))
        g_error("cannot read %s: %s", path, err->message);
    return data;
}

static char *
lineAt(const char *s, gsize off)
{
    const char *start = s + off, *end;

    while (start > s && start[-1] != '\n')
        start--;
    end = strchr(start, '\n');
    return end ? g_strndup(start, end - start) : g_strdup(start);
}

gboolean
nativeTestCompare(const char *path, const char *actual)
{
    g_autofree char *expected = NULL;
    gsize i;

    if (g_strcmp0(g_getenv("XVM_TEST_REGENERATE"), "1") == 0) {
        g_autoptr(GError) err = NULL;
        if (!g_file_set_contents(path, actual, -1, &err))
            g_error("cannot write %s: %s", path, err->message);
        return TRUE;
    }
    expected = nativeTestRead(path);
    if (strcmp(expected, actual) == 0)
        return TRUE;
    for (i = 0; expected[i] && expected[i] == actual[i]; i++)
        ;
    {
        g_autofree char *e = lineAt(expected, i);
        g_autofree char *a = lineAt(actual, i);
        g_printerr("%s differs at byte %" G_GSIZE_FORMAT ":\n- %s\n+ %s\nwhole output:\n%s",
                   path, i, e, a, actual);
    }
    return FALSE;
}

gboolean
nativeTestCheckError(const char *errfile, const GError *error)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    const char *name;

    if (!error) {
        g_printerr("%s: expected an error, got success\n", errfile);
        return FALSE;
    }
    if (g_strcmp0(g_getenv("XVM_TEST_REGENERATE"), "1") == 0) {
        g_autofree char *out = g_strdup_printf("%s\n%s\n", confTestErrorName(error->code),
                                               error->message);
        g_file_set_contents(errfile, out, -1, NULL);
        return TRUE;
    }
    text = nativeTestRead(errfile);
    lines = g_strsplit(text, "\n", 3);
    name = confTestErrorName(error->code);
    if (!lines[0] || !lines[1] || g_strcmp0(lines[0], name) != 0 ||
        strcmp(lines[1], error->message) != 0) {
        g_printerr("%s: expected\n  %s: %s\ngot\n  %s (%d): %s\n", errfile,
                   lines[0] ? lines[0] : "", lines[0] && lines[1] ? lines[1] : "",
                   name ? name : "?", error->code, error->message);
        return FALSE;
    }
    return TRUE;
}

gboolean
nativeTestValidate(const char *doc, const char *schema)
{
    g_autofree char *validator = g_find_program_in_path("virt-xml-validate");
    g_autofree char *tmp = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) gerr = NULL;
    int fd, status = -1;

    /* scripts/install-deps.sh installs it (libvirt-clients): a missing
     * validator is a failure, never a silent pass. */
    if (!validator)
        g_error("virt-xml-validate is not installed (package libvirt-clients)");
    fd = g_file_open_tmp("xvm-native-XXXXXX.xml", &tmp, &gerr);
    g_assert_no_error(gerr);
    g_assert_true(write(fd, doc, strlen(doc)) == (gssize)strlen(doc));
    close(fd);
    {
        const char *argv[] = { validator, tmp, schema, NULL };
        if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                          &out, &err, &status, &gerr))
            g_error("cannot run %s: %s", validator, gerr->message);
    }
    g_unlink(tmp);
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_printerr("virt-xml-validate %s failed:\n%s%s\ndocument:\n%s", schema, out, err, doc);
        return FALSE;
    }
    return TRUE;
}
