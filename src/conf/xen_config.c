/*
 * xen_config.c: the xl.cfg / xm key/value tree: construction, typed
 * accessors with libvirt's error codes, and the canonical writer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "domain_conf.h"
#include "xen_config.h"

static void
settingFree(gpointer data)
{
    xvmXenConfSetting *set = data;

    if (!set)
        return;
    g_free(set->name);
    xvmXenConfValueFree(set->value);
    g_free(set);
}

xvmXenConf *
xvmXenConfNew(const char *source)
{
    xvmXenConf *conf = g_new0(xvmXenConf, 1);

    conf->source = g_strdup(source ? source : "config");
    conf->settings = g_ptr_array_new_with_free_func(settingFree);
    conf->index = g_hash_table_new(g_str_hash, g_str_equal);
    return conf;
}

void
xvmXenConfFree(xvmXenConf *conf)
{
    if (!conf)
        return;
    g_hash_table_unref(conf->index);
    g_ptr_array_unref(conf->settings);
    g_free(conf->source);
    g_free(conf);
}

void
xvmXenConfValueFree(xvmXenConfValue *value)
{
    if (!value)
        return;
    g_free(value->str);
    if (value->items)
        g_ptr_array_unref(value->items);
    g_free(value);
}

xvmXenConfValue *
xvmXenConfValueNewString(const char *str)
{
    xvmXenConfValue *v = g_new0(xvmXenConfValue, 1);

    v->type = XVM_XEN_CONF_STRING;
    v->str = g_strdup(str ? str : "");
    return v;
}

xvmXenConfValue *
xvmXenConfValueNewNumber(gint64 num)
{
    xvmXenConfValue *v = g_new0(xvmXenConfValue, 1);

    v->type = XVM_XEN_CONF_NUMBER;
    v->num = num;
    v->str = g_strdup_printf("%" G_GINT64_FORMAT, num);
    return v;
}

xvmXenConfValue *
xvmXenConfValueNewList(void)
{
    xvmXenConfValue *v = g_new0(xvmXenConfValue, 1);

    v->type = XVM_XEN_CONF_LIST;
    v->items = g_ptr_array_new_with_free_func((GDestroyNotify)xvmXenConfValueFree);
    return v;
}

void
xvmXenConfSet(xvmXenConf *conf, const char *name, xvmXenConfValue *value)
{
    xvmXenConfSetting *set = g_hash_table_lookup(conf->index, name);

    if (set) {
        xvmXenConfValueFree(set->value);
        set->value = value;
        set->line = value->line;
        return;
    }
    set = g_new0(xvmXenConfSetting, 1);
    set->name = g_strdup(name);
    set->line = value->line;
    set->value = value;
    g_ptr_array_add(conf->settings, set);
    g_hash_table_insert(conf->index, set->name, set);
}

void
xvmXenConfSetString(xvmXenConf *conf, const char *name, const char *str)
{
    xvmXenConfSet(conf, name, xvmXenConfValueNewString(str));
}

void
xvmXenConfSetNumber(xvmXenConf *conf, const char *name, gint64 num)
{
    xvmXenConfSet(conf, name, xvmXenConfValueNewNumber(num));
}

void
xvmXenConfListAppendString(xvmXenConfValue *list, const char *str)
{
    g_ptr_array_add(list->items, xvmXenConfValueNewString(str));
}

void
xvmXenConfSetStringList(xvmXenConf *conf, const char *name, const char *const *items)
{
    xvmXenConfValue *list = xvmXenConfValueNewList();

    for (; items && *items; items++)
        xvmXenConfListAppendString(list, *items);
    xvmXenConfSet(conf, name, list);
}

const xvmXenConfSetting *
xvmXenConfLookup(const xvmXenConf *conf, const char *name)
{
    return g_hash_table_lookup(conf->index, name);
}

const xvmXenConfValue *
xvmXenConfGet(const xvmXenConf *conf, const char *name)
{
    const xvmXenConfSetting *set = xvmXenConfLookup(conf, name);

    return set ? set->value : NULL;
}

void
xvmXenConfSetError(GError **error, const xvmXenConf *conf, const char *name,
                   int code, const char *fmt, ...)
{
    const xvmXenConfSetting *set = xvmXenConfLookup(conf, name);
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (set && set->line)
        g_set_error(error, XVM_CONF_ERROR, code, "%s:%u: %s", conf->source, set->line, msg);
    else
        g_set_error(error, XVM_CONF_ERROR, code, "%s: %s", conf->source, msg);
}

static int
malformed(GError **error, const xvmXenConf *conf, const char *name, const char *why)
{
    xvmXenConfSetError(error, conf, name, VIR_ERR_INTERNAL_ERROR,
                       _("config value %s was malformed: %s"), name, why);
    return -1;
}

int
xvmXenConfGetString(const xvmXenConf *conf, const char *name, char **out, GError **error)
{
    const xvmXenConfValue *v = xvmXenConfGet(conf, name);

    if (!v)
        return 0;
    /* xl reads every atom as text, so a bare number is also a string. */
    if (v->type == XVM_XEN_CONF_LIST)
        return malformed(error, conf, name, _("expected a string, not a list"));
    *out = g_strdup(v->str);
    return 1;
}

/* Accepts a number, or a string holding a decimal number (as libvirt). */
static int
getInteger(const xvmXenConf *conf, const char *name, gboolean allowNeg,
           gint64 *sout, guint64 *uout, GError **error)
{
    const xvmXenConfValue *v = xvmXenConfGet(conf, name);

    if (!v)
        return 0;
    if (v->type == XVM_XEN_CONF_NUMBER) {
        if (v->num < 0 && !allowNeg)
            return malformed(error, conf, name, _("expected a number not below 0"));
        if (sout)
            *sout = v->num;
        if (uout)
            *uout = (guint64)v->num;
        return 1;
    }
    if (v->type == XVM_XEN_CONF_STRING) {
        g_autoptr(GError) perr = NULL;
        if (allowNeg) {
            gint64 n;
            if (!g_ascii_string_to_signed(v->str, 10, G_MININT64, G_MAXINT64, &n, &perr))
                return malformed(error, conf, name, _("expected a number"));
            if (sout)
                *sout = n;
        } else {
            guint64 n;
            if (!g_ascii_string_to_unsigned(v->str, 10, 0, G_MAXINT64, &n, &perr))
                return malformed(error, conf, name, v->str[0] == '-'
                                 ? _("expected a number not below 0") : _("expected a number"));
            if (uout)
                *uout = n;
        }
        return 1;
    }
    return malformed(error, conf, name, _("expected a number, not a list"));
}

int
xvmXenConfGetUInt64(const xvmXenConf *conf, const char *name, guint64 *out, GError **error)
{
    return getInteger(conf, name, FALSE, NULL, out, error);
}

int
xvmXenConfGetInt64(const xvmXenConf *conf, const char *name, gint64 *out, GError **error)
{
    return getInteger(conf, name, TRUE, out, NULL, error);
}

int
xvmXenConfGetBool(const xvmXenConf *conf, const char *name, gboolean *out, GError **error)
{
    gint64 n = 0;
    int rc = getInteger(conf, name, TRUE, &n, NULL, error);

    if (rc == 1)
        *out = n != 0;
    return rc;
}

int
xvmXenConfGetStringList(const xvmXenConf *conf, const char *name,
                        gboolean allow_string, GStrv *out, GError **error)
{
    const xvmXenConfValue *v = xvmXenConfGet(conf, name);
    g_autoptr(GStrvBuilder) b = NULL;
    guint i;

    if (!v)
        return 0;
    if (v->type != XVM_XEN_CONF_LIST) {
        if (!allow_string || v->type != XVM_XEN_CONF_STRING)
            return malformed(error, conf, name, _("expected a list of strings"));
        b = g_strv_builder_new();
        g_strv_builder_add(b, v->str);
        *out = g_strv_builder_end(b);
        return 1;
    }
    b = g_strv_builder_new();
    for (i = 0; i < v->items->len; i++) {
        const xvmXenConfValue *item = g_ptr_array_index(v->items, i);
        if (item->type != XVM_XEN_CONF_STRING)
            return malformed(error, conf, name, _("expected a list of strings"));
        g_strv_builder_add(b, item->str);
    }
    *out = g_strv_builder_end(b);
    return 1;
}

/* ---- writer ---- */

static gboolean
needsEscape(const char *s, char quote)
{
    for (; *s; s++) {
        unsigned char c = *s;
        if (c == quote || c == '\\' || c < 0x20 || c == 0x7f)
            return TRUE;
    }
    return FALSE;
}

static void
formatString(GString *out, const char *s)
{
    const char *p;

    if (!needsEscape(s, '"')) {
        g_string_append_printf(out, "\"%s\"", s);
        return;
    }
    if (!needsEscape(s, '\'')) {
        g_string_append_printf(out, "'%s'", s);
        return;
    }
    g_string_append_c(out, '"');
    for (p = s; *p; p++) {
        unsigned char c = *p;
        switch (c) {
        case '"': g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\t': g_string_append(out, "\\t"); break;
        case '\r': g_string_append(out, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                g_string_append_printf(out, "\\x%02x", c);
            else
                g_string_append_c(out, c);
        }
    }
    g_string_append_c(out, '"');
}

static void
formatValue(GString *out, const xvmXenConfValue *v)
{
    guint i;

    switch (v->type) {
    case XVM_XEN_CONF_STRING:
        formatString(out, v->str);
        break;
    case XVM_XEN_CONF_NUMBER:
        g_string_append_printf(out, "%" G_GINT64_FORMAT, v->num);
        break;
    case XVM_XEN_CONF_LIST:
        g_string_append_c(out, '[');
        for (i = 0; i < v->items->len; i++) {
            g_string_append(out, i ? ", " : " ");
            formatValue(out, g_ptr_array_index(v->items, i));
        }
        g_string_append(out, " ]");
        break;
    }
}

char *
xvmXenConfFormat(const xvmXenConf *conf)
{
    GString *out = g_string_new(NULL);
    guint i;

    for (i = 0; i < conf->settings->len; i++) {
        const xvmXenConfSetting *set = g_ptr_array_index(conf->settings, i);
        g_string_append_printf(out, "%s = ", set->name);
        formatValue(out, set->value);
        g_string_append_c(out, '\n');
    }
    return g_string_free(out, FALSE);
}
