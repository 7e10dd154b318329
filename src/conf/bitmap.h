/*
 * bitmap.h: CPU sets ("0-3,^2,8") as used by <vcpu cpuset=...> and
 * <vcpupin cpuset=...>, formatted as libvirt's virBitmapFormat does
 * ("0-1,3,8").
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
    guint nbits;       /* capacity */
    guint8 *map;       /* nbits / 8 rounded up */
} xvmBitmap;

xvmBitmap *xvmBitmapNew(guint nbits);
void xvmBitmapFree(xvmBitmap *bitmap);
xvmBitmap *xvmBitmapCopy(const xvmBitmap *bitmap);
gboolean xvmBitmapSet(xvmBitmap *bitmap, guint bit);    /* FALSE: out of range */
gboolean xvmBitmapClear(xvmBitmap *bitmap, guint bit);  /* FALSE: out of range */
gboolean xvmBitmapIsSet(const xvmBitmap *bitmap, guint bit);
gboolean xvmBitmapIsEmpty(const xvmBitmap *bitmap);
guint xvmBitmapCount(const xvmBitmap *bitmap);
gboolean xvmBitmapEqual(const xvmBitmap *a, const xvmBitmap *b);

/* Parse a cpuset: comma-separated N, N-M, ^N (exclusion), whitespace
 * allowed around items. Every id must be < max_bits. Returns NULL on a
 * syntax error, an id out of range, or an empty result. */
xvmBitmap *xvmBitmapParse(const char *str, guint max_bits);
/* Ranges, ascending: "0-1,3". "" for an empty bitmap. */
char *xvmBitmapFormat(const xvmBitmap *bitmap);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmBitmap, xvmBitmapFree)

G_END_DECLS
