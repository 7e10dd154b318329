/*
 * xen_native.c: domxml-from-native / domxml-to-native for xen-xl, xen-xm.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "xen_config.h"
#include "xen_native.h"
#include "xen_xl.h"
#include "xen_xm.h"

static gboolean
knownFormat(const char *format, gboolean *xl, GError **error)
{
    if (format && strcmp(format, XVM_NATIVE_FORMAT_XL) == 0) {
        *xl = TRUE;
        return TRUE;
    }
    if (format && strcmp(format, XVM_NATIVE_FORMAT_XM) == 0) {
        *xl = FALSE;
        return TRUE;
    }
    xvmConfError(error, VIR_ERR_INVALID_ARG, _("unsupported config type %s"),
                 format ? format : "(null)");
    return FALSE;
}

xvmDomainDef *
xvmDomainDefFromNative(const char *format, const char *config, gssize len,
                       xvmXenNativeExtras *extras, GError **error)
{
    g_autoptr(xvmXenConf) conf = NULL;
    gboolean xl;

    if (!knownFormat(format, &xl, error))
        return NULL;
    if (!config) {
        xvmConfError(error, VIR_ERR_INVALID_ARG, "%s", _("no configuration given"));
        return NULL;
    }
    if (len < 0)
        len = strnlen(config, XVM_XEN_CONF_MAX_BYTES + 1);
    if (!(conf = xvmXenConfParse(config, len, xl ? "xl.cfg" : "xm.cfg", error)))
        return NULL;
    return xl ? xvmXenParseXL(conf, extras, error) : xvmXenParseXM(conf, extras, error);
}

char *
xvmDomainDefToNative(const char *format, const xvmDomainDef *def,
                     const xvmXenNativeExtras *extras, GError **error)
{
    g_autoptr(xvmXenConf) conf = NULL;
    gboolean xl;

    if (!knownFormat(format, &xl, error))
        return NULL;
    conf = xl ? xvmXenFormatXL(def, extras, error) : xvmXenFormatXM(def, extras, error);
    if (!conf)
        return NULL;
    return xvmXenConfFormat(conf);
}

char *
xvmDomainXMLFromNative(const char *format, const char *config, GError **error)
{
    xvmXenNativeExtras extras;
    g_autoptr(xvmDomainDef) def = xvmDomainDefFromNative(format, config, -1, &extras, error);

    if (!def)
        return NULL;
    /* with the VNC/SPICE passwords: the caller gave them in the config */
    return xvmDomainDefFormat(def, XVM_DOMAIN_XML_INACTIVE | XVM_DOMAIN_XML_SECURE, error);
}

char *
xvmDomainXMLToNative(const char *format, const char *xml, GError **error)
{
    g_autoptr(xvmDomainDef) def = NULL;
    gboolean xl;

    if (!knownFormat(format, &xl, error))
        return NULL;
    if (!(def = xvmDomainDefParseString(xml, -1, XVM_DOMAIN_PARSE_INACTIVE, error)))
        return NULL;
    return xvmDomainDefToNative(format, def, NULL, error);
}
