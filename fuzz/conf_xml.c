/*
 * Fuzz target: libvirt domain XML (src/conf).
 *
 * Any input: the parser must return a definition or an XVM_CONF_ERROR,
 * never crash, leak or hang. Every definition it returns must format, in
 * every flag combination, and the output must parse back and format to
 * itself (the canonical form is a fixed point): a difference aborts.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "domain_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_error(const GError *error)
{
    if (!error || error->domain != XVM_CONF_ERROR || !error->message ||
        !*error->message) {
        fprintf(stderr, "failure without a proper XVM_CONF_ERROR\n");
        abort();
    }
}

static void
check_fixed_point(const xvmDomainDef *def, unsigned int parse_flags, unsigned int xml_flags)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *first = xvmDomainDefFormat(def, xml_flags, &error);
    g_autoptr(xvmDomainDef) again = NULL;
    g_autofree char *second = NULL;

    if (!first) {
        fprintf(stderr, "a parsed definition does not format: %s\n", error->message);
        abort();
    }
    again = xvmDomainDefParseString(first, -1, parse_flags, &error);
    if (!again) {
        fprintf(stderr, "formatted XML does not parse back: %s\n%s\n", error->message, first);
        abort();
    }
    second = xvmDomainDefFormat(again, xml_flags, &error);
    if (!second || strcmp(first, second) != 0) {
        fprintf(stderr, "not a fixed point:\n--- first\n%s\n--- second\n%s\n",
                first, second ? second : "(null)");
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned int parse_flags[] = { XVM_DOMAIN_PARSE_INACTIVE, 0 };

    if (size > XVM_DOMAIN_XML_MAX_BYTES + 1)
        return 0;
    for (gsize i = 0; i < G_N_ELEMENTS(parse_flags); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(xvmDomainDef) def =
            xvmDomainDefParseString((const char *)data, (gssize)size, parse_flags[i], &error);

        if (!def) {
            check_error(error);
            continue;
        }
        check_fixed_point(def, parse_flags[i], 0);
        check_fixed_point(def, parse_flags[i], XVM_DOMAIN_XML_SECURE);
        check_fixed_point(def, parse_flags[i], XVM_DOMAIN_XML_INACTIVE);
        /* a deep copy formats the same as the original */
        {
            g_autoptr(xvmDomainDef) copy = xvmDomainDefCopy(def);
            g_autofree char *a = xvmDomainDefFormat(def, XVM_DOMAIN_XML_SECURE, NULL);
            g_autofree char *b = xvmDomainDefFormat(copy, XVM_DOMAIN_XML_SECURE, NULL);
            if (!a || !b || strcmp(a, b) != 0)
                abort();
        }
    }
    return 0;
}
