/*
 * atomic_file.h: replace a file so that a crash or kill -9 at any moment
 * leaves either the old or the new complete file, never a mix.
 *
 * The new content goes to a temporary file in the same directory
 * (PATH.tmp-XXXXXX), is fsync'ed, renamed over PATH (atomic within one
 * file system), and the directory is fsync'ed so the rename itself is
 * durable. A crash before the rename leaves a stale temporary file, which
 * the owner of the directory deletes when it next loads it
 * (xvmAtomicFileIsTemp).
 *
 * Errors: XVM_CONF_ERROR, VIR_ERR_SYSTEM_ERROR, naming the file and errno.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The whole replacement, as described above. `mode` is the new file's
 * permission bits (before the umask). */
gboolean xvmAtomicFileWrite(const char *path, const char *data, gsize len,
                            int mode, GError **error);

/* The two halves of xvmAtomicFileWrite, for callers (and tests) that need
 * the point in between: Prepare writes and fsyncs a temporary file next
 * to `path` and returns its name; Commit renames it over `path` and
 * fsyncs the directory (on failure the temporary file is removed). */
char *xvmAtomicFilePrepare(const char *path, const char *data, gsize len,
                           int mode, GError **error);
gboolean xvmAtomicFileCommit(const char *tmp_path, const char *path,
                             GError **error);

/* Make `path` a symbolic link to `target`, replacing what was there, with
 * the same rename-then-fsync-directory sequence. */
gboolean xvmAtomicSymlink(const char *target, const char *path, GError **error);

/* Remove `path` (absent is fine) and fsync its directory. */
gboolean xvmAtomicFileRemove(const char *path, GError **error);

/* TRUE when the base name `name` is one of the temporary names above. */
gboolean xvmAtomicFileIsTemp(const char *name);

G_END_DECLS
