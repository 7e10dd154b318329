/*
 * Fuzz target: one device element, as virDomainAttachDevice and friends
 * take it (xvmDomainDeviceDefParseString, src/conf).
 *
 * Any input: the parser must return a device or an XVM_CONF_ERROR, never
 * crash, leak or hang. A disk or interface it returns is put into a copy
 * of a small domain (as an attach --config does): when that definition
 * validates, it must format, parse back and format to itself.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base_xml[] =
    "<domain type='xen'><name>fuzz</name><memory>65536</memory>"
    "<os><type>linux</type><kernel>/k</kernel></os><devices>"
    "<disk type='file'><source file='/a.img'/><target dev='xvda'/></disk>"
    "<interface type='bridge'><mac address='00:16:3e:00:00:01'/>"
    "<source bridge='xenbr0'/></interface></devices></domain>";

static void
check_error(const GError *error)
{
    if (!error || error->domain != XVM_CONF_ERROR || !error->message ||
        !*error->message) {
        fprintf(stderr, "failure without a proper XVM_CONF_ERROR\n");
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static xvmDomainDef *base;
    g_autofree char *xml = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(xvmDomainDeviceDef) dev = NULL;
    g_autoptr(xvmDomainDef) def = NULL;
    g_autofree char *first = NULL;
    g_autofree char *second = NULL;
    g_autoptr(xvmDomainDef) again = NULL;

    if (!base && !(base = xvmDomainDefParseString(base_xml, -1, 0, NULL)))
        abort();
    if (size > 1 << 20)
        return 0;
    xml = g_strndup((const char *)data, size);
    if (!(dev = xvmDomainDeviceDefParseString(xml, base, XVM_DOMAIN_PARSE_INACTIVE, &error))) {
        check_error(error);
        return 0;
    }
    if (!dev->name)
        abort();
    if (dev->type == XVM_DOMAIN_DEVICE_OTHER) {
        if (dev->disk || dev->net)
            abort();
        return 0;
    }
    if ((dev->type == XVM_DOMAIN_DEVICE_DISK) != (dev->disk != NULL) ||
        (dev->type == XVM_DOMAIN_DEVICE_NET) != (dev->net != NULL))
        abort();
    /* A generated MAC is not one the domain has. */
    if (dev->net && !dev->mac_specified && xvmDomainDefFindNetByMac(base, &dev->net->mac))
        abort();
    def = xvmDomainDefCopy(base);
    if (dev->disk)
        g_ptr_array_add(def->disks, xvmDomainDiskDefCopy(dev->disk));
    else
        g_ptr_array_add(def->nets, xvmDomainNetDefCopy(dev->net));
    if (!xvmDomainDefValidate(def, &error)) {
        check_error(error);
        return 0;
    }
    if (!(first = xvmDomainDefFormat(def, XVM_DOMAIN_XML_SECURE, &error))) {
        fprintf(stderr, "a definition with the device does not format: %s\n",
                error->message);
        abort();
    }
    if (!(again = xvmDomainDefParseString(first, -1, 0, &error))) {
        fprintf(stderr, "formatted XML does not parse back: %s\n%s\n", error->message, first);
        abort();
    }
    second = xvmDomainDefFormat(again, XVM_DOMAIN_XML_SECURE, NULL);
    if (!second || strcmp(first, second) != 0) {
        fprintf(stderr, "not a fixed point:\n--- first\n%s\n--- second\n%s\n", first,
                second ? second : "(null)");
        abort();
    }
    return 0;
}
