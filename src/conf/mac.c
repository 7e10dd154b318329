/*
 * mac.c: Ethernet MAC addresses.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mac.h"

#include <string.h>

gboolean
xvmMacParse(const char *str, xvmMac *mac)
{
    xvmMac tmp;
    const char *p = str;

    if (!str)
        return FALSE;
    for (guint i = 0; i < XVM_MAC_BUFLEN; i++) {
        guint v = 0, ndigits = 0;
        while (g_ascii_isxdigit(*p) && ndigits < 2) {
            v = v * 16 + (guint)g_ascii_xdigit_value(*p);
            p++;
            ndigits++;
        }
        if (ndigits == 0)
            return FALSE;
        tmp.addr[i] = (guint8)v;
        if (i < XVM_MAC_BUFLEN - 1) {
            if (*p != ':')
                return FALSE;
            p++;
        }
    }
    if (*p != '\0')
        return FALSE;
    *mac = tmp;
    return TRUE;
}

void
xvmMacFormat(const xvmMac *mac, char buf[XVM_MAC_STRING_BUFLEN])
{
    const guint8 *a = mac->addr;
    g_snprintf(buf, XVM_MAC_STRING_BUFLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
               a[0], a[1], a[2], a[3], a[4], a[5]);
}

void
xvmMacGenerateXen(xvmMac *mac)
{
    guint32 r = g_random_int();
    mac->addr[0] = XVM_MAC_XEN_PREFIX_0;
    mac->addr[1] = XVM_MAC_XEN_PREFIX_1;
    mac->addr[2] = XVM_MAC_XEN_PREFIX_2;
    mac->addr[3] = (guint8)((r >> 16) & 0x7f);
    mac->addr[4] = (guint8)((r >> 8) & 0xff);
    mac->addr[5] = (guint8)(r & 0xff);
}

gboolean
xvmMacIsMulticast(const xvmMac *mac)
{
    return (mac->addr[0] & 1) != 0;
}

gboolean
xvmMacIsNull(const xvmMac *mac)
{
    for (guint i = 0; i < XVM_MAC_BUFLEN; i++)
        if (mac->addr[i])
            return FALSE;
    return TRUE;
}

gboolean
xvmMacEqual(const xvmMac *a, const xvmMac *b)
{
    return memcmp(a->addr, b->addr, XVM_MAC_BUFLEN) == 0;
}
