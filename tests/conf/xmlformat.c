/*
 * xvm-conf-xmlformat: parse a domain XML file and print it back in
 * canonical form (used by the virt-xml-validate test and by hand).
 *
 *   xvm-conf-xmlformat [--live] [--secure] [--inactive] FILE
 *
 * --live      parse live data (id, ttys, ports) instead of ignoring it
 * --secure    include passwords
 * --inactive  format the inactive form
 * On error prints "VIR_ERR_xxx (N): message" on stderr and exits 1.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "domain_conf.h"
#include "conf_test_util.h"

int
main(int argc, char **argv)
{
    unsigned int parse_flags = XVM_DOMAIN_PARSE_INACTIVE;
    unsigned int xml_flags = 0;
    const char *file = NULL;
    g_autofree char *xml = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    g_autoptr(xvmDomainDef) def = NULL;
    g_autofree char *out = NULL;

    setlocale(LC_ALL, "");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--live") == 0)
            parse_flags &= ~(unsigned int)XVM_DOMAIN_PARSE_INACTIVE;
        else if (strcmp(argv[i], "--secure") == 0)
            xml_flags |= XVM_DOMAIN_XML_SECURE;
        else if (strcmp(argv[i], "--inactive") == 0)
            xml_flags |= XVM_DOMAIN_XML_INACTIVE;
        else if (!file)
            file = argv[i];
        else
            file = NULL, i = argc;
    }
    if (!file) {
        fprintf(stderr, "usage: %s [--live] [--secure] [--inactive] FILE\n", argv[0]);
        return 2;
    }
    if (!g_file_get_contents(file, &xml, &len, &error)) {
        fprintf(stderr, "%s\n", error->message);
        return 2;
    }
    if (!(def = xvmDomainDefParseString(xml, (gssize)len, parse_flags, &error)) ||
        !(out = xvmDomainDefFormat(def, xml_flags, &error))) {
        fprintf(stderr, "%s (%d): %s\n", confTestErrorName(error->code), error->code,
                error->message);
        return 1;
    }
    fputs(out, stdout);
    return 0;
}
