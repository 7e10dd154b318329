/*
 * conf_test_util.h: helpers shared by the conf tests.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* "VIR_ERR_XML_ERROR" for VIR_ERR_XML_ERROR, ... NULL if not in the table. */
const char *confTestErrorName(int code);
/* Inverse; -1 if unknown. */
int confTestErrorCode(const char *name);
/* Sorted list of the files in dir ending with suffix (g_strfreev). */
char **confTestListFiles(const char *dir, const char *suffix);
