/*
 * uuid.h: domain UUIDs (RFC 4122), libvirt's textual forms.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define XVM_UUID_BUFLEN 16          /* == VIR_UUID_BUFLEN */
#define XVM_UUID_STRING_BUFLEN 37   /* == VIR_UUID_STRING_BUFLEN */

typedef struct {
    guint8 bytes[XVM_UUID_BUFLEN];
} xvmUuid;

/* Parse the 36-character form (hyphens optional between hex pairs, as
 * libvirt's virUUIDParse: leading/trailing spaces allowed). Refuses the
 * all-zero and all-ones UUIDs. */
gboolean xvmUuidParse(const char *str, xvmUuid *uuid);
/* buf receives "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" and a NUL. */
void xvmUuidFormat(const xvmUuid *uuid, char buf[XVM_UUID_STRING_BUFLEN]);
/* Random version 4 (variant 10xx) UUID from the system RNG. */
void xvmUuidGenerate(xvmUuid *uuid);
gboolean xvmUuidIsNull(const xvmUuid *uuid);
gboolean xvmUuidEqual(const xvmUuid *a, const xvmUuid *b);

G_END_DECLS
