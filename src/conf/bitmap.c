/*
 * bitmap.c: CPU sets.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bitmap.h"

#include <string.h>

xvmBitmap *
xvmBitmapNew(guint nbits)
{
    xvmBitmap *b = g_new0(xvmBitmap, 1);
    b->nbits = nbits;
    b->map = g_new0(guint8, (nbits + 7) / 8 + 1);
    return b;
}

void
xvmBitmapFree(xvmBitmap *bitmap)
{
    if (!bitmap)
        return;
    g_free(bitmap->map);
    g_free(bitmap);
}

xvmBitmap *
xvmBitmapCopy(const xvmBitmap *bitmap)
{
    xvmBitmap *b;
    if (!bitmap)
        return NULL;
    b = xvmBitmapNew(bitmap->nbits);
    memcpy(b->map, bitmap->map, (bitmap->nbits + 7) / 8);
    return b;
}

gboolean
xvmBitmapSet(xvmBitmap *bitmap, guint bit)
{
    if (bit >= bitmap->nbits)
        return FALSE;
    bitmap->map[bit / 8] |= (guint8)(1u << (bit % 8));
    return TRUE;
}

gboolean
xvmBitmapClear(xvmBitmap *bitmap, guint bit)
{
    if (bit >= bitmap->nbits)
        return FALSE;
    bitmap->map[bit / 8] &= (guint8)~(1u << (bit % 8));
    return TRUE;
}

gboolean
xvmBitmapIsSet(const xvmBitmap *bitmap, guint bit)
{
    if (bit >= bitmap->nbits)
        return FALSE;
    return (bitmap->map[bit / 8] >> (bit % 8)) & 1;
}

gboolean
xvmBitmapIsEmpty(const xvmBitmap *bitmap)
{
    return xvmBitmapCount(bitmap) == 0;
}

guint
xvmBitmapCount(const xvmBitmap *bitmap)
{
    guint n = 0;
    for (guint i = 0; i < bitmap->nbits; i++)
        n += xvmBitmapIsSet(bitmap, i);
    return n;
}

gboolean
xvmBitmapEqual(const xvmBitmap *a, const xvmBitmap *b)
{
    guint n = MAX(a->nbits, b->nbits);
    for (guint i = 0; i < n; i++)
        if (xvmBitmapIsSet(a, i) != xvmBitmapIsSet(b, i))
            return FALSE;
    return TRUE;
}

/* Unsigned decimal < max; advances *p. */
static gboolean
parse_id(const char **p, guint max, guint *out)
{
    guint64 v = 0;
    const char *s = *p;
    if (!g_ascii_isdigit(*s))
        return FALSE;
    while (g_ascii_isdigit(*s)) {
        v = v * 10 + (guint)(*s - '0');
        if (v >= max)
            return FALSE;
        s++;
    }
    *p = s;
    *out = (guint)v;
    return TRUE;
}

xvmBitmap *
xvmBitmapParse(const char *str, guint max_bits)
{
    g_autoptr(xvmBitmap) b = NULL;
    const char *p = str;

    if (!str || max_bits == 0)
        return NULL;
    b = xvmBitmapNew(max_bits);
    for (;;) {
        gboolean neg = FALSE;
        guint lo, hi;

        while (g_ascii_isspace(*p))
            p++;
        if (*p == '^') {
            neg = TRUE;
            p++;
        }
        if (!parse_id(&p, max_bits, &lo))
            return NULL;
        hi = lo;
        if (*p == '-') {
            if (neg)
                return NULL;
            p++;
            if (!parse_id(&p, max_bits, &hi) || hi < lo)
                return NULL;
        }
        for (guint i = lo; i <= hi; i++) {
            if (neg)
                xvmBitmapClear(b, i);
            else
                xvmBitmapSet(b, i);
        }
        while (g_ascii_isspace(*p))
            p++;
        if (*p == '\0')
            break;
        if (*p != ',')
            return NULL;
        p++;
    }
    if (xvmBitmapIsEmpty(b))
        return NULL;
    return g_steal_pointer(&b);
}

char *
xvmBitmapFormat(const xvmBitmap *bitmap)
{
    GString *s = g_string_new(NULL);
    guint i = 0;

    while (i < bitmap->nbits) {
        guint start;
        if (!xvmBitmapIsSet(bitmap, i)) {
            i++;
            continue;
        }
        start = i;
        while (i + 1 < bitmap->nbits && xvmBitmapIsSet(bitmap, i + 1))
            i++;
        if (s->len)
            g_string_append_c(s, ',');
        if (start == i)
            g_string_append_printf(s, "%u", start);
        else
            g_string_append_printf(s, "%u-%u", start, i);
        i++;
    }
    return g_string_free(s, FALSE);
}
