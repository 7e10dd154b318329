/*
 * caps_writer.c: see caps_writer.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "caps_writer.h"
#include "domain_conf.h"

#define W(call) do { if (!cw->failed && (call) < 0) cw->failed = TRUE; } while (0)

void
xvmCapsWriterInit(xvmCapsWriter *cw)
{
    cw->failed = FALSE;
    cw->buf = xmlBufferCreate();
    cw->w = cw->buf ? xmlNewTextWriterMemory(cw->buf, 0) : NULL;
    if (!cw->w) {
        cw->failed = TRUE;
        return;
    }
    W(xmlTextWriterSetIndent(cw->w, 1));
    W(xmlTextWriterSetIndentString(cw->w, BAD_CAST "  "));
    W(xmlTextWriterSetQuoteChar(cw->w, '\''));
}

void
xvmCapsWriterStart(xvmCapsWriter *cw, const char *element)
{
    W(xmlTextWriterStartElement(cw->w, BAD_CAST element));
}

/* libxml2 does not escape the quote character when it is an apostrophe,
 * so attribute values are escaped here and written raw. */
static char *
escapeAttr(const char *s)
{
    GString *out = g_string_new(NULL);

    for (; *s; s++) {
        switch (*s) {
        case '&': g_string_append(out, "&amp;"); break;
        case '<': g_string_append(out, "&lt;"); break;
        case '>': g_string_append(out, "&gt;"); break;
        case '\'': g_string_append(out, "&apos;"); break;
        case '"': g_string_append(out, "&quot;"); break;
        case '\n': g_string_append(out, "&#10;"); break;
        case '\r': g_string_append(out, "&#13;"); break;
        case '\t': g_string_append(out, "&#9;"); break;
        default: g_string_append_c(out, *s);
        }
    }
    return g_string_free(out, FALSE);
}

void
xvmCapsWriterAttr(xvmCapsWriter *cw, const char *name, const char *fmt, ...)
{
    g_autofree char *val = NULL;
    g_autofree char *esc = NULL;
    va_list ap;

    va_start(ap, fmt);
    val = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    esc = escapeAttr(val);
    W(xmlTextWriterStartAttribute(cw->w, BAD_CAST name));
    W(xmlTextWriterWriteRaw(cw->w, BAD_CAST esc));
    W(xmlTextWriterEndAttribute(cw->w));
}

void
xvmCapsWriterEnd(xvmCapsWriter *cw)
{
    W(xmlTextWriterEndElement(cw->w));
}

void
xvmCapsWriterElement(xvmCapsWriter *cw, const char *element, const char *fmt, ...)
{
    g_autofree char *val = NULL;
    va_list ap;

    va_start(ap, fmt);
    val = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    W(xmlTextWriterWriteElement(cw->w, BAD_CAST element, BAD_CAST val));
}

void
xvmCapsWriterText(xvmCapsWriter *cw, const char *fmt, ...)
{
    g_autofree char *val = NULL;
    va_list ap;

    va_start(ap, fmt);
    val = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    W(xmlTextWriterWriteString(cw->w, BAD_CAST val));
}

void
xvmCapsWriterEmpty(xvmCapsWriter *cw, const char *element)
{
    xvmCapsWriterStart(cw, element);
    xvmCapsWriterEnd(cw);
}

char *
xvmCapsWriterFinish(xvmCapsWriter *cw, GError **error)
{
    char *out = NULL;

    if (cw->w) {
        W(xmlTextWriterEndDocument(cw->w));
        W(xmlTextWriterFlush(cw->w));
        xmlFreeTextWriter(cw->w);
        cw->w = NULL;
    }
    if (!cw->failed && cw->buf) {
        const char *content = (const char *)xmlBufferContent(cw->buf);
        out = g_strdup(content ? content : "");
        if (!g_str_has_suffix(out, "\n")) {
            char *tmp = g_strconcat(out, "\n", NULL);
            g_free(out);
            out = tmp;
        }
    } else {
        g_set_error_literal(error, XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR,
                            _("failed to write the capabilities XML"));
    }
    if (cw->buf)
        xmlBufferFree(cw->buf);
    cw->buf = NULL;
    return out;
}
