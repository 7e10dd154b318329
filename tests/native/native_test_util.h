/*
 * native_test_util.h: helpers of the native-format and capabilities tests.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* tests/confdata (XVM_CONFDATA in the environment). */
const char *nativeTestDataDir(void);
/* The file's contents (the test fails if it cannot be read). */
char *nativeTestRead(const char *path);
/* Compares @actual with the file at @path byte for byte; on a difference,
 * prints the first differing line of each.  With XVM_TEST_REGENERATE=1 in
 * the environment, (re)writes the file instead and passes. */
gboolean nativeTestCompare(const char *path, const char *actual);
/* Checks @error against an expectation file: its first line is the error
 * code's name, its second the exact message. */
gboolean nativeTestCheckError(const char *errfile, const GError *error);
/* Runs virt-xml-validate FILE SCHEMA on @doc; FALSE (with its output
 * printed) if it does not validate.  A missing validator fails the test. */
gboolean nativeTestValidate(const char *doc, const char *schema);
