/* The driver on the simulated stack, for the lifecycle tests: the three
 * daemons (stack.h), a main loop on its own thread (VIRQ_DOM_EXC, event
 * delivery, as in xvmd), the driver opened on state and run directories
 * of the stack's temporary directory, and the events it delivers in a
 * queue the test reads in order. */
#pragma once

#include <glib.h>

#include "driver.h"
#include "stack.h"

typedef struct {
    struct stack s;
    GMainContext *ctx;
    GMainLoop *loop;
    GThread *thread;
    GAsyncQueue *events;        /* char*: "NAME EVENT DETAIL" */
    char *state_dir, *run_dir;
    xvmDriver *drv;
    guint graceful_ms;          /* the driver's graceful_timeout_ms; 0: default */
    guint suspend_ms;           /* the driver's suspend_timeout_ms; 0: default */
    guint backend_ms;           /* the driver's backend_timeout_ms; 0: default */
} LcEnv;

typedef struct {
    const char *name;
    const char *cmdline;        /* NULL: "" */
    const char *disk;           /* image path; NULL: no disk */
    gboolean net;
    const char *on_poweroff, *on_reboot, *on_crash;   /* NULL: libvirt's defaults */
    const char *disk_driver;    /* <driver name= type=> attributes; NULL: none */
    gboolean no_kernel;
} LcGuest;

void lc_env_start(LcEnv *env);
void lc_env_stop(LcEnv *env);

/* Opens the driver (env->drv) on the env's directories. */
void lc_driver_open(LcEnv *env, gboolean autostart, xvmDriverHostShutdown policy);
void lc_driver_close(LcEnv *env);

char *lc_guest_xml(LcEnv *env, const LcGuest *g);
/* Defines the guest; returns its object unlocked and referenced. */
xvmDomainObj *lc_define(LcEnv *env, const LcGuest *g);
/* Defines the domain of `xml` likewise. */
xvmDomainObj *lc_define_xml(LcEnv *env, const char *xml);
/* A disk image of 4 MiB in the stack's directory. */
char *lc_disk(LcEnv *env, const char *name);

/* Pops the next event within 20 s and checks it. */
void lc_expect_event(LcEnv *env, const char *name, int event, int detail);
/* Pops the next event within 20 s: DEVICE_REMOVED of `alias`. */
void lc_expect_device_removed(LcEnv *env, const char *name, const char *alias);
/* Drops the events queued so far. */
void lc_drain_events(LcEnv *env);
/* No event arrives within ms. */
void lc_expect_no_event(LcEnv *env, guint ms);

/* The object's state, domid (locking it). */
virDomainState lc_state(xvmDomainObj *obj, int *reason, int *domid);
/* The object's domid (locking it). */
int lc_domid(xvmDomainObj *obj);
/* Starts (xvmDomainStart with flags) / destroys the domain, locking
 * it; any failure fails the test. */
void lc_start(LcEnv *env, xvmDomainObj *obj, unsigned int flags);
void lc_destroy(LcEnv *env, xvmDomainObj *obj);
/* Every frontend and backend of the running guest Connected. */
void lc_assert_connected(LcEnv *env, int domid, gboolean disk, gboolean net);
/* Nothing of domain `domid` / `uuid` left: not in the hypervisor's
 * table, no xenstore entry. */
void lc_assert_gone(LcEnv *env, int domid, const xvmUuid *uuid);
