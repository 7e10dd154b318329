/*
 * mac.h: Ethernet MAC addresses for guest interfaces.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define XVM_MAC_BUFLEN 6
#define XVM_MAC_STRING_BUFLEN 18    /* "xx:xx:xx:xx:xx:xx" + NUL */

typedef struct {
    guint8 addr[XVM_MAC_BUFLEN];
} xvmMac;

/* Xen's OUI, used for generated addresses. */
#define XVM_MAC_XEN_PREFIX_0 0x00
#define XVM_MAC_XEN_PREFIX_1 0x16
#define XVM_MAC_XEN_PREFIX_2 0x3e

/* "xx:xx:xx:xx:xx:xx" (1 or 2 hex digits per byte, ':' separators), as
 * libvirt's virMacAddrParse. */
gboolean xvmMacParse(const char *str, xvmMac *mac);
/* Lower case, two digits per byte. */
void xvmMacFormat(const xvmMac *mac, char buf[XVM_MAC_STRING_BUFLEN]);
/* 00:16:3e:xx:xx:xx with random low 3 bytes (top bit of byte 3 clear, as
 * Xen's tools do). */
void xvmMacGenerateXen(xvmMac *mac);
gboolean xvmMacIsMulticast(const xvmMac *mac);
gboolean xvmMacIsNull(const xvmMac *mac);
gboolean xvmMacEqual(const xvmMac *a, const xvmMac *b);

G_END_DECLS
