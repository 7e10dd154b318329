/*
 * Fuzz target: the native Xen configuration parsers (src/conf part B).
 *
 * The first byte picks what the rest of the input is:
 *   0  an xl.cfg file      (xvmDomainDefFromNative "xen-xl")
 *   1  an xm file          (xvmDomainDefFromNative "xen-xm")
 *   2  the xl.cfg / xm syntax alone (xvmXenConfParse)
 *   3  one xl disk specification (xvmXenDiskSpecParse)
 * Any input: a result or an XVM_CONF_ERROR with a message, never a crash,
 * leak or hang. Whatever parses must also survive the way back:
 *   - a parsed tree formats, and the text parses back to a tree that
 *     formats to the same text;
 *   - a definition read from xl/xm formats as domain XML that parses back,
 *     and converts to native text that reads back to a definition whose
 *     native text is the same (the canonical form is a fixed point);
 *   - a disk spec turned into a disk writes a canonical spec that reads
 *     back to the same canonical spec.
 * A broken invariant aborts.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_conf.h"
#include "xen_config.h"
#include "xen_disk_spec.h"
#include "xen_native.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
checkError(const GError *error)
{
    if (!error || error->domain != XVM_CONF_ERROR || !error->message || !*error->message) {
        fprintf(stderr, "failure without a proper XVM_CONF_ERROR\n");
        abort();
    }
}

static void
fuzzSyntax(const char *text, size_t len)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(xvmXenConf) conf = xvmXenConfParse(text, len, "fuzz.cfg", &error);
    g_autoptr(xvmXenConf) again = NULL;
    g_autofree char *first = NULL;
    g_autofree char *second = NULL;

    if (!conf) {
        checkError(error);
        return;
    }
    first = xvmXenConfFormat(conf);
    again = xvmXenConfParse(first, strlen(first), "again.cfg", &error);
    if (!again) {
        fprintf(stderr, "formatted config does not parse back: %s\n%s\n", error->message, first);
        abort();
    }
    second = xvmXenConfFormat(again);
    if (strcmp(first, second) != 0) {
        fprintf(stderr, "not a fixed point:\n--- first\n%s--- second\n%s", first, second);
        abort();
    }
}

static void
fuzzNative(const char *format, const char *text)
{
    g_autoptr(GError) error = NULL;
    xvmXenNativeExtras policy;
    g_autoptr(xvmDomainDef) def = xvmDomainDefFromNative(format, text, -1, &policy, &error);
    g_autoptr(xvmDomainDef) reparsed = NULL;
    g_autoptr(xvmDomainDef) def2 = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *native1 = NULL;
    g_autofree char *native2 = NULL;

    if (!def) {
        checkError(error);
        return;
    }
    xml = xvmDomainDefFormat(def, XVM_DOMAIN_XML_INACTIVE | XVM_DOMAIN_XML_SECURE, &error);
    if (!xml) {
        fprintf(stderr, "a definition from %s does not format: %s\n", format, error->message);
        abort();
    }
    reparsed = xvmDomainDefParseString(xml, -1, XVM_DOMAIN_PARSE_INACTIVE, &error);
    if (!reparsed) {
        fprintf(stderr, "its XML does not parse back: %s\n%s\n", error->message, xml);
        abort();
    }
    native1 = xvmDomainDefToNative(format, def, &policy, &error);
    if (!native1) {
        /* a first conversion may meet something the format cannot write
         * (and that is reported); what it writes must be stable */
        checkError(error);
        return;
    }
    def2 = xvmDomainDefFromNative(format, native1, -1, &policy, &error);
    if (!def2) {
        fprintf(stderr, "written %s does not read back: %s\n%s\n", format, error->message, native1);
        abort();
    }
    native2 = xvmDomainDefToNative(format, def2, &policy, &error);
    if (!native2 || strcmp(native1, native2) != 0) {
        fprintf(stderr, "%s not a fixed point:\n--- first\n%s--- second\n%s", format, native1,
                native2 ? native2 : error->message);
        abort();
    }
}

static void
fuzzDiskSpec(const char *text)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(xvmDomainDiskDef) disk = NULL;
    g_autoptr(xvmDomainDiskDef) disk2 = NULL;
    g_autofree char *first = NULL;
    g_autofree char *second = NULL;
    xvmXenDiskSpec spec;

    if (!xvmXenDiskSpecParse(text, &spec, &error)) {
        checkError(error);
        return;
    }
    disk = xvmXenDiskSpecToDef(&spec, &error);
    xvmXenDiskSpecClear(&spec);
    if (!disk) {
        checkError(error);
        return;
    }
    if (!(first = xvmXenDiskSpecFormat(disk, &error))) {
        checkError(error);
        return;
    }
    if (!xvmXenDiskSpecParse(first, &spec, &error)) {
        fprintf(stderr, "written spec does not read back: %s\n%s\n", error->message, first);
        abort();
    }
    disk2 = xvmXenDiskSpecToDef(&spec, &error);
    xvmXenDiskSpecClear(&spec);
    if (!disk2 || !(second = xvmXenDiskSpecFormat(disk2, &error)) || strcmp(first, second) != 0) {
        fprintf(stderr, "disk spec not a fixed point: %s -> %s\n", first, second ? second : "(error)");
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = NULL;

    if (size < 1)
        return 0;
    /* the native entry points take NUL-terminated text */
    text = g_strndup((const char *)data + 1, size - 1);
    switch (data[0] % 4) {
    case 0:
        fuzzNative(XVM_NATIVE_FORMAT_XL, text);
        break;
    case 1:
        fuzzNative(XVM_NATIVE_FORMAT_XM, text);
        break;
    case 2:
        fuzzSyntax((const char *)data + 1, size - 1);
        break;
    case 3:
        fuzzDiskSpec(text);
        break;
    }
    return 0;
}
