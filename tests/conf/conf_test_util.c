/*
 * conf_test_util.c: helpers shared by the conf tests.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf_test_util.h"

#include <string.h>
#include <libvirt/virterror.h>

#define E(x) { #x, x }
static const struct {
    const char *name;
    int code;
} errors[] = {
    E(VIR_ERR_OK), E(VIR_ERR_INTERNAL_ERROR), E(VIR_ERR_NO_SUPPORT),
    E(VIR_ERR_INVALID_ARG), E(VIR_ERR_XML_ERROR), E(VIR_ERR_XML_DETAIL),
    E(VIR_ERR_INVALID_MAC), E(VIR_ERR_CONFIG_UNSUPPORTED),
    E(VIR_ERR_XML_INVALID_SCHEMA), E(VIR_ERR_CONF_SYNTAX),
    E(VIR_ERR_SYSTEM_ERROR), E(VIR_ERR_OVERFLOW),
};

const char *
confTestErrorName(int code)
{
    for (gsize i = 0; i < G_N_ELEMENTS(errors); i++)
        if (errors[i].code == code)
            return errors[i].name;
    return "VIR_ERR_?";
}

int
confTestErrorCode(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(errors); i++)
        if (strcmp(errors[i].name, name) == 0)
            return errors[i].code;
    return -1;
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
confTestListFiles(const char *dir, const char *suffix)
{
    GPtrArray *names = g_ptr_array_new();
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    if (d) {
        while ((name = g_dir_read_name(d)))
            if (g_str_has_suffix(name, suffix))
                g_ptr_array_add(names, g_strdup(name));
        g_dir_close(d);
    }
    g_ptr_array_sort(names, cmp_str);
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}
