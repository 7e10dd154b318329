/*
 * Fuzz target: the domain status document RUN/NAME.xml (src/driver
 * domain_status.c), which a restarted xvmd reads back.
 *
 * Any input: the reader must return a status or an XVM_CONF_ERROR, never
 * crash, leak or hang. A status it accepts must reattach to an empty
 * domain list, format, and parse back to the same document (the format is
 * a fixed point): a difference aborts.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "domain_status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static G_GNUC_NORETURN void
fail(const char *what, const char *detail)
{
    fprintf(stderr, "%s: %s\n", what, detail ? detail : "");
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(xvmDomainStatus) status = NULL;
    g_autoptr(xvmDomainStatus) again = NULL;
    g_autoptr(xvmDomainList) doms = NULL;
    g_autoptr(xvmDomainList) doms_again = NULL;
    g_autofree char *first = NULL;
    g_autofree char *second = NULL;
    xvmDomainObj *obj;

    status = xvmDomainStatusParse((const char *)data, size, &error);
    if (!status) {
        if (!error || error->domain != XVM_CONF_ERROR || !error->message || !*error->message)
            fail("failure without a proper XVM_CONF_ERROR", NULL);
        return 0;
    }

    doms = xvmDomainListNew();
    if (!(obj = xvmDomainStatusAttach(doms, status, &error)))
        fail("an accepted status does not attach", error->message);
    first = xvmDomainStatusFormat(obj, &error);
    xvmDomainObjEndAPI(&obj);
    if (!first)
        fail("an attached status does not format", error->message);

    if (!(again = xvmDomainStatusParse(first, strlen(first), &error)))
        fail("a formatted status does not parse back", error->message);
    doms_again = xvmDomainListNew();
    if (!(obj = xvmDomainStatusAttach(doms_again, again, &error)))
        fail("a formatted status does not attach", error->message);
    second = xvmDomainStatusFormat(obj, &error);
    xvmDomainObjEndAPI(&obj);
    if (!second || strcmp(first, second) != 0)
        fail("the status format is not a fixed point", first);
    return 0;
}
