/*
 * driver_test_util.h: definitions and temporary directories for the
 * driver tests.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "domain_conf.h"

/* The XML of a PV domain `name` with UUID `uuid` (NULL: derived from
 * `name`, so that the same name always has the same UUID), with metadata,
 * a VNC password and `ndisks` disks (a larger document for the crash
 * test). */
char *driverTestDomainXML(const char *name, const char *uuid, guint ndisks,
                          guint64 memory_kib);
/* Parsed as a define would (XVM_DOMAIN_PARSE_INACTIVE); aborts on error. */
xvmDomainDef *driverTestDef(const char *name, const char *uuid);
/* The UUID driverTestDomainXML uses for `name`. */
void driverTestNameUuid(const char *name, char buf[XVM_UUID_STRING_BUFLEN]);

/* A fresh temporary directory, removed (recursively) by driverTestRmTree. */
char *driverTestMkTemp(void);
void driverTestRmTree(const char *dir);
/* Number of entries of `dir` for which xvmAtomicFileIsTemp is TRUE. */
guint driverTestCountTemps(const char *dir);
