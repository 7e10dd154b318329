/*
 * uuid.c: domain UUIDs.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "uuid.h"

#include <string.h>

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

gboolean
xvmUuidParse(const char *str, xvmUuid *uuid)
{
    xvmUuid tmp;
    const char *p = str;
    guint i;
    gboolean all_ff = TRUE;

    if (!str)
        return FALSE;
    while (*p == ' ')
        p++;
    for (i = 0; i < XVM_UUID_BUFLEN; i++) {
        int hi, lo;
        /* libvirt accepts '-' anywhere between pairs of hex digits */
        while (*p == '-')
            p++;
        if ((hi = hexval(p[0])) < 0 || (lo = hexval(p[1])) < 0)
            return FALSE;
        tmp.bytes[i] = (guint8)((hi << 4) | lo);
        if (tmp.bytes[i] != 0xff)
            all_ff = FALSE;
        p += 2;
    }
    while (*p == ' ')
        p++;
    if (*p != '\0')
        return FALSE;
    if (xvmUuidIsNull(&tmp) || all_ff)
        return FALSE;
    *uuid = tmp;
    return TRUE;
}

void
xvmUuidFormat(const xvmUuid *uuid, char buf[XVM_UUID_STRING_BUFLEN])
{
    const guint8 *b = uuid->bytes;
    g_snprintf(buf, XVM_UUID_STRING_BUFLEN,
               "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
               b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
               b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

void
xvmUuidGenerate(xvmUuid *uuid)
{
    /* GLib's uuid generator reads the system RNG and sets version 4 and
     * the RFC 4122 variant. */
    g_autofree char *s = g_uuid_string_random();
    if (!xvmUuidParse(s, uuid))
        g_error("g_uuid_string_random returned an unparsable UUID");
}

gboolean
xvmUuidIsNull(const xvmUuid *uuid)
{
    for (guint i = 0; i < XVM_UUID_BUFLEN; i++)
        if (uuid->bytes[i])
            return FALSE;
    return TRUE;
}

gboolean
xvmUuidEqual(const xvmUuid *a, const xvmUuid *b)
{
    return memcmp(a->bytes, b->bytes, XVM_UUID_BUFLEN) == 0;
}
