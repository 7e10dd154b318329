/*
 * driver_autostart.c: starting the autostart domains when the driver
 * opens (libvirt's autostart; Solaris xVM's on_xend_start = start), each
 * on a worker, in name order. A domain already running or started since
 * the daemon started (has_been_started) is skipped; a failure is logged
 * and the others go on.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "driver.h"

#include <glib/gi18n.h>

#include "domain_lifecycle.h"
#include "driver_internal.h"

static void
autostart_one(xvmDriver *drv, gpointer data)
{
    xvmDomainObj *obj = data;
    g_autoptr(GError) err = NULL;

    xvmDomainObjLock(obj);
    if (obj->autostart && !obj->has_been_started && !xvmDomainObjIsActive(obj) &&
        !obj->removing) {
        g_info("autostarting domain '%s'", obj->name);
        if (!xvmDomainStart(drv, obj, 0, &err))
            g_warning(_("cannot autostart domain '%s': %s"), obj->name, err->message);
    }
    xvmDomainObjUnlock(obj);
}

void
xvmDriverAutostart(xvmDriver *drv)
{
    g_autoptr(GPtrArray) doms =
        xvmDomainListExport(drv->domains, VIR_CONNECT_LIST_DOMAINS_INACTIVE |
                                          VIR_CONNECT_LIST_DOMAINS_AUTOSTART, NULL);

    for (guint i = 0; doms && i < doms->len; i++)
        xvmDriverSubmit(drv, autostart_one, xvmDomainObjRef(g_ptr_array_index(doms, i)),
                        (GDestroyNotify)xvmDomainObjUnref);
}
