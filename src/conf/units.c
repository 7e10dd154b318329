/*
 * units.c: memory sizes with libvirt's units, stored in KiB.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_conf.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>

/* Largest size in bytes accepted: libvirt refuses what does not fit a
 * signed 64-bit byte count. */
#define XVM_MEMORY_MAX_BYTES ((guint64)G_MAXINT64)

static gboolean
unit_scale(const char *unit, guint64 *scale)
{
    static const struct {
        char letter;
        guint power;
    } powers[] = {
        { 'k', 1 }, { 'm', 2 }, { 'g', 3 }, { 't', 4 }, { 'p', 5 }, { 'e', 6 },
    };
    guint64 base;
    char c;

    if (!unit || !*unit) {
        *scale = 1024;           /* default: KiB */
        return TRUE;
    }
    if (strcmp(unit, "b") == 0 || strcmp(unit, "bytes") == 0) {
        *scale = 1;
        return TRUE;
    }
    c = g_ascii_tolower(unit[0]);
    /* X, XiB: binary; XB: decimal (as libvirt's virScaleInteger) */
    if (unit[1] == '\0' || strcmp(unit + 1, "iB") == 0)
        base = 1024;
    else if (strcmp(unit + 1, "B") == 0)
        base = 1000;
    else
        return FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(powers); i++) {
        if (powers[i].letter == c) {
            guint64 s = 1;
            for (guint j = 0; j < powers[i].power; j++)
                s *= base;
            *scale = s;
            return TRUE;
        }
    }
    return FALSE;
}

gboolean
xvmParseScaledKiB(const char *what, const char *value, const char *unit,
                  guint64 *kib, GError **error)
{
    guint64 scale, v, bytes;
    char *end = NULL;
    const char *p = value;

    if (!value) {
        xvmConfError(error, VIR_ERR_XML_ERROR, _("missing value for <%s>"), what);
        return FALSE;
    }
    while (g_ascii_isspace(*p))
        p++;
    /* strtoull would silently accept "-1" */
    if (!g_ascii_isdigit(*p)) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("invalid value '%s' for <%s>: expected a non-negative integer"),
                     value, what);
        return FALSE;
    }
    errno = 0;
    v = g_ascii_strtoull(p, &end, 10);
    while (end && g_ascii_isspace(*end))
        end++;
    if (errno != 0 || !end || *end != '\0') {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("invalid value '%s' for <%s>: expected a non-negative integer"),
                     value, what);
        return FALSE;
    }
    if (!unit_scale(unit, &scale)) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("unknown memory unit '%s' for <%s>"), unit, what);
        return FALSE;
    }
    if (v > XVM_MEMORY_MAX_BYTES / scale) {
        xvmConfError(error, VIR_ERR_XML_ERROR,
                     _("value '%s %s' for <%s> is too large"),
                     value, unit ? unit : "KiB", what);
        return FALSE;
    }
    bytes = v * scale;
    *kib = bytes / 1024 + (bytes % 1024 ? 1 : 0);
    return TRUE;
}
