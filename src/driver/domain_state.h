/*
 * domain_state.h: libvirt's domain states and their per-state reasons
 * (virDomainState, virDomainRunningReason, ... from <libvirt/libvirt-domain.h>)
 * as the strings libvirt itself writes in its status files
 * (<domstatus state='running' reason='booted'>).
 *
 * The numbers are libvirt's; this file only names them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/* "nostate", "running", ... "pmsuspended"; NULL when out of range. */
const char *xvmDomainStateToString(int state);
/* -1 when unknown. */
int xvmDomainStateFromString(const char *str);

/* Reason names of `state` ("booted", "destroyed", "from snapshot", ...);
 * NULL when the state or the reason is out of range. */
const char *xvmDomainStateReasonToString(int state, int reason);
/* -1 when the state is out of range or the reason unknown for it. */
int xvmDomainStateReasonFromString(int state, const char *str);

/* TRUE when `state` is a virDomainState and `reason` one of its reasons. */
gboolean xvmDomainStateReasonIsValid(int state, int reason);

G_END_DECLS
