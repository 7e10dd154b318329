/*
 * domain_job.c: per-domain jobs (see domain_job.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_job.h"

#include <glib/gi18n.h>

gboolean
xvmDomainObjBeginJob(xvmDomainObj *obj, const char *what, guint timeout_ms,
                     GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;

    g_return_val_if_fail(what != NULL, FALSE);

    while (obj->job) {
        if (!g_cond_wait_until(&obj->job_cond, &obj->lock, deadline) && obj->job) {
            xvmConfError(error, VIR_ERR_OPERATION_TIMEOUT,
                         _("cannot acquire state change lock (held by %s)"), obj->job);
            return FALSE;
        }
    }
    if (obj->removing) {
        xvmConfError(error, VIR_ERR_NO_DOMAIN,
                     _("no domain with matching name '%s'"), obj->name);
        return FALSE;
    }
    obj->job = what;
    return TRUE;
}

void
xvmDomainObjEndJob(xvmDomainObj *obj)
{
    g_return_if_fail(obj->job != NULL);
    obj->job = NULL;
    g_cond_broadcast(&obj->job_cond);
}
