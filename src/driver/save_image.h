/*
 * save_image.h: the file virDomainSave writes and virDomainRestore reads.
 *
 *   offset 0   xvmSaveImageHeader (64 bytes, host byte order), laid out
 *              as libvirt's libxl driver's libxlSavefileHeader: magic
 *              "libvirt-xml\n \0 \r", version, xml_len; then our flags
 *              word in the first of libxl's unused words
 *   offset 64  the domain XML (xml_len bytes, its terminating NUL
 *              included)
 *   then       the hypervisor's save stream (hv_domain_save), to the end
 *              of the file
 *
 * A file is untrusted input: every field is checked before it is used,
 * and a file that is not one of ours, truncated or inconsistent gives
 * libvirt's errors (VIR_ERR_INVALID_ARG for a wrong magic, as libxl;
 * VIR_ERR_OPERATION_FAILED for the rest; VIR_ERR_SYSTEM_ERROR when it
 * cannot be opened), never a crash.
 *
 * Files are written next to their final name (NAME.tmp-XXXXXX, mode
 * 0600: the XML holds secrets) and renamed over it once complete
 * (atomic_file.h), so a reader never sees half an image.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "domain_conf.h"

G_BEGIN_DECLS

#define XVM_SAVE_IMAGE_MAGIC "libvirt-xml\n \0 \r"
/* 2: libxl's version for its migration stream v2; ours carries flags. */
#define XVM_SAVE_IMAGE_VERSION 2

/* Header flags. */
enum {
    /* Restore leaves the domain paused (it was paused when saved, or
     * saved with VIR_DOMAIN_SAVE_PAUSED). */
    XVM_SAVE_IMAGE_PAUSED = 1u << 0,
};

typedef struct {
    char magic[sizeof(XVM_SAVE_IMAGE_MAGIC) - 1];
    guint32 version;
    guint32 xml_len;                /* XML bytes, NUL included */
    guint32 flags;                  /* XVM_SAVE_IMAGE_* */
    guint32 unused[9];              /* zero */
} xvmSaveImageHeader;

G_STATIC_ASSERT(sizeof(xvmSaveImageHeader) == 64);

/* Creates the temporary file that becomes `path` (mode 0600) and writes
 * the header and `xml` into it. Returns its descriptor, positioned where
 * the hypervisor's stream goes, and its name in *tmp_path; -1 on error
 * (VIR_ERR_SYSTEM_ERROR / VIR_ERR_OPERATION_FAILED). */
int xvmSaveImageCreate(const char *path, const char *xml, guint32 flags,
                       char **tmp_path, GError **error);

/* The stream is written into the descriptor of xvmSaveImageCreate:
 * flush it to disk, close it and rename the file over `path`. On
 * failure (or with ok == FALSE, for a save that failed) the temporary
 * file is removed. Closes fd in every case. */
gboolean xvmSaveImageCommit(int fd, const char *tmp_path, const char *path,
                            gboolean ok, GError **error);

/* Opens `path`, checks its header and reads its XML. Returns the
 * descriptor positioned at the hypervisor's stream, with the XML in
 * *xml and the header's flags in *flags; -1 with *error on failure. */
int xvmSaveImageOpen(const char *path, char **xml, guint32 *flags, GError **error);

/* xvmSaveImageOpen, and the XML parsed (inactive, as define parses it). */
int xvmSaveImageLoad(const char *path, xvmDomainDef **def, guint32 *flags,
                     GError **error);

/* Replaces the XML and flags of the image at `path`, its stream kept
 * (virDomainSaveImageDefineXML), atomically. */
gboolean xvmSaveImageRewrite(const char *path, const char *xml, guint32 flags,
                             GError **error);

G_END_DECLS
