/*
 * domain_job.h: one state-changing operation at a time per domain, without
 * holding the object lock through slow work (libvirt's domain "jobs").
 *
 * An operation that changes a domain (start, shutdown, define, undefine,
 * attach...) and may take long (hypercalls, xenstore handshakes, waiting
 * for a guest) does:
 *
 *     obj = xvmDomainListFindByName(...)           locked, referenced
 *     xvmDomainObjBeginJob(obj, "start", WAIT, &err) may wait, lock released
 *     ... check state, prepare ...
 *     xvmDomainObjUnlock(obj);  slow work;  xvmDomainObjLock(obj);
 *     ... record the result ...
 *     xvmDomainObjEndJob(obj);
 *     xvmDomainObjEndAPI(&obj);
 *
 * While a job is held, other jobs on the same domain wait; readers
 * (dumpxml, list, info) only take the lock and never wait for the job, so
 * they see the state as of before or after each locked section.
 * Invariants: job != NULL iff a thread holds the job; that thread holds a
 * reference to the object.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "domain_obj.h"

G_BEGIN_DECLS

/* How long a job waits for the previous one by default (libvirt: 30 s). */
#define XVM_DOMAIN_JOB_WAIT_MS 30000

/* With `obj` locked: wait (the lock released meanwhile) up to timeout_ms
 * for the current job to end, then own the job, named `what` (a static
 * string: the operation, shown to whoever waits). Fails with
 * VIR_ERR_OPERATION_TIMEOUT "cannot acquire state change lock (held by
 * WHAT)" on timeout, and with VIR_ERR_NO_DOMAIN when the domain was
 * removed (undefined) while waiting. Returns with `obj` locked either way. */
gboolean xvmDomainObjBeginJob(xvmDomainObj *obj, const char *what, guint timeout_ms,
                              GError **error);

/* With `obj` locked, by the job's owner: end it, wake the waiters. */
void xvmDomainObjEndJob(xvmDomainObj *obj);

G_END_DECLS
