/*
 * caps_writer.h: a small libxml2 xmlTextWriter wrapper for the
 * capabilities documents: libvirt's layout (two-space indentation,
 * attributes in single quotes, no XML declaration), errors collected
 * once and reported at the end.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/xmlwriter.h>

typedef struct {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    gboolean failed;
} xvmCapsWriter;

void xvmCapsWriterInit(xvmCapsWriter *cw);
void xvmCapsWriterStart(xvmCapsWriter *cw, const char *element);
void xvmCapsWriterAttr(xvmCapsWriter *cw, const char *name, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
void xvmCapsWriterEnd(xvmCapsWriter *cw);
/* <element>text</element> */
void xvmCapsWriterElement(xvmCapsWriter *cw, const char *element, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
/* Text inside the current element (after its attributes). */
void xvmCapsWriterText(xvmCapsWriter *cw, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* <element/> */
void xvmCapsWriterEmpty(xvmCapsWriter *cw, const char *element);
/* Returns the document (ending in a newline) and frees the writer; on any
 * earlier failure returns NULL with XVM_CONF_ERROR / VIR_ERR_INTERNAL_ERROR. */
char *xvmCapsWriterFinish(xvmCapsWriter *cw, GError **error);
