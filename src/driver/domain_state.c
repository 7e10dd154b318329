/*
 * domain_state.c: names of libvirt's domain states and reasons.
 *
 * The tables are indexed by libvirt's own enum values (designated
 * initialisers) and sized by its *_LAST sentinels, so a libvirt release
 * that adds a reason leaves a NULL slot here (reported as out of range)
 * instead of shifting every name.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define VIR_ENUM_SENTINELS   /* the *_LAST values, before any libvirt header */
#include "domain_state.h"

#include <string.h>

static const char *const state_names[VIR_DOMAIN_LAST] = {
    [VIR_DOMAIN_NOSTATE] = "nostate",
    [VIR_DOMAIN_RUNNING] = "running",
    [VIR_DOMAIN_BLOCKED] = "blocked",
    [VIR_DOMAIN_PAUSED] = "paused",
    [VIR_DOMAIN_SHUTDOWN] = "shutdown",
    [VIR_DOMAIN_SHUTOFF] = "shutoff",
    [VIR_DOMAIN_CRASHED] = "crashed",
    [VIR_DOMAIN_PMSUSPENDED] = "pmsuspended",
};

static const char *const nostate_reasons[VIR_DOMAIN_NOSTATE_LAST] = {
    [VIR_DOMAIN_NOSTATE_UNKNOWN] = "unknown",
};

static const char *const running_reasons[VIR_DOMAIN_RUNNING_LAST] = {
    [VIR_DOMAIN_RUNNING_UNKNOWN] = "unknown",
    [VIR_DOMAIN_RUNNING_BOOTED] = "booted",
    [VIR_DOMAIN_RUNNING_MIGRATED] = "migrated",
    [VIR_DOMAIN_RUNNING_RESTORED] = "restored",
    [VIR_DOMAIN_RUNNING_FROM_SNAPSHOT] = "from snapshot",
    [VIR_DOMAIN_RUNNING_UNPAUSED] = "unpaused",
    [VIR_DOMAIN_RUNNING_MIGRATION_CANCELED] = "migration canceled",
    [VIR_DOMAIN_RUNNING_SAVE_CANCELED] = "save canceled",
    [VIR_DOMAIN_RUNNING_WAKEUP] = "wakeup",
    [VIR_DOMAIN_RUNNING_CRASHED] = "crashed",
    [VIR_DOMAIN_RUNNING_POSTCOPY] = "post-copy",
    [VIR_DOMAIN_RUNNING_POSTCOPY_FAILED] = "post-copy failed",
};

static const char *const blocked_reasons[VIR_DOMAIN_BLOCKED_LAST] = {
    [VIR_DOMAIN_BLOCKED_UNKNOWN] = "unknown",
};

static const char *const paused_reasons[VIR_DOMAIN_PAUSED_LAST] = {
    [VIR_DOMAIN_PAUSED_UNKNOWN] = "unknown",
    [VIR_DOMAIN_PAUSED_USER] = "user",
    [VIR_DOMAIN_PAUSED_MIGRATION] = "migration",
    [VIR_DOMAIN_PAUSED_SAVE] = "save",
    [VIR_DOMAIN_PAUSED_DUMP] = "dump",
    [VIR_DOMAIN_PAUSED_IOERROR] = "ioerror",
    [VIR_DOMAIN_PAUSED_WATCHDOG] = "watchdog",
    [VIR_DOMAIN_PAUSED_FROM_SNAPSHOT] = "from snapshot",
    [VIR_DOMAIN_PAUSED_SHUTTING_DOWN] = "shutdown",
    [VIR_DOMAIN_PAUSED_SNAPSHOT] = "snapshot",
    [VIR_DOMAIN_PAUSED_CRASHED] = "panicked",
    [VIR_DOMAIN_PAUSED_STARTING_UP] = "starting up",
    [VIR_DOMAIN_PAUSED_POSTCOPY] = "post-copy",
    [VIR_DOMAIN_PAUSED_POSTCOPY_FAILED] = "post-copy failed",
};

static const char *const shutdown_reasons[VIR_DOMAIN_SHUTDOWN_LAST] = {
    [VIR_DOMAIN_SHUTDOWN_UNKNOWN] = "unknown",
    [VIR_DOMAIN_SHUTDOWN_USER] = "user",
};

static const char *const shutoff_reasons[VIR_DOMAIN_SHUTOFF_LAST] = {
    [VIR_DOMAIN_SHUTOFF_UNKNOWN] = "unknown",
    [VIR_DOMAIN_SHUTOFF_SHUTDOWN] = "shutdown",
    [VIR_DOMAIN_SHUTOFF_DESTROYED] = "destroyed",
    [VIR_DOMAIN_SHUTOFF_CRASHED] = "crashed",
    [VIR_DOMAIN_SHUTOFF_MIGRATED] = "migrated",
    [VIR_DOMAIN_SHUTOFF_SAVED] = "saved",
    [VIR_DOMAIN_SHUTOFF_FAILED] = "failed",
    [VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT] = "from snapshot",
    [VIR_DOMAIN_SHUTOFF_DAEMON] = "daemon",
};

static const char *const crashed_reasons[VIR_DOMAIN_CRASHED_LAST] = {
    [VIR_DOMAIN_CRASHED_UNKNOWN] = "unknown",
    [VIR_DOMAIN_CRASHED_PANICKED] = "panicked",
};

static const char *const pmsuspended_reasons[VIR_DOMAIN_PMSUSPENDED_LAST] = {
    [VIR_DOMAIN_PMSUSPENDED_UNKNOWN] = "unknown",
};

typedef struct {
    const char *const *names;
    int count;
} ReasonTable;

#define REASONS(t) { t, G_N_ELEMENTS(t) }
static const ReasonTable reason_tables[VIR_DOMAIN_LAST] = {
    [VIR_DOMAIN_NOSTATE] = REASONS(nostate_reasons),
    [VIR_DOMAIN_RUNNING] = REASONS(running_reasons),
    [VIR_DOMAIN_BLOCKED] = REASONS(blocked_reasons),
    [VIR_DOMAIN_PAUSED] = REASONS(paused_reasons),
    [VIR_DOMAIN_SHUTDOWN] = REASONS(shutdown_reasons),
    [VIR_DOMAIN_SHUTOFF] = REASONS(shutoff_reasons),
    [VIR_DOMAIN_CRASHED] = REASONS(crashed_reasons),
    [VIR_DOMAIN_PMSUSPENDED] = REASONS(pmsuspended_reasons),
};
#undef REASONS

static int
lookup(const char *const *names, int count, const char *str)
{
    if (!str)
        return -1;
    for (int i = 0; i < count; i++) {
        if (names[i] && strcmp(names[i], str) == 0)
            return i;
    }
    return -1;
}

const char *
xvmDomainStateToString(int state)
{
    if (state < 0 || state >= VIR_DOMAIN_LAST)
        return NULL;
    return state_names[state];
}

int
xvmDomainStateFromString(const char *str)
{
    return lookup(state_names, VIR_DOMAIN_LAST, str);
}

const char *
xvmDomainStateReasonToString(int state, int reason)
{
    if (state < 0 || state >= VIR_DOMAIN_LAST)
        return NULL;
    if (reason < 0 || reason >= reason_tables[state].count)
        return NULL;
    return reason_tables[state].names[reason];
}

int
xvmDomainStateReasonFromString(int state, const char *str)
{
    if (state < 0 || state >= VIR_DOMAIN_LAST)
        return -1;
    return lookup(reason_tables[state].names, reason_tables[state].count, str);
}

gboolean
xvmDomainStateReasonIsValid(int state, int reason)
{
    return xvmDomainStateReasonToString(state, reason) != NULL;
}
