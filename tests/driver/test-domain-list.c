/*
 * test-domain-list.c: domain objects and the domain list — libvirt's
 * define / create rules, lifecycle bookkeeping, lookups, listing filters,
 * counts, scale, concurrency.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define VIR_ENUM_SENTINELS
#include <libvirt/libvirt.h>
#include <libxml/parser.h>

#include "domain_job.h"
#include "domain_list.h"
#include "domain_state.h"
#include "driver_test_util.h"

static xvmDomainObj *
define(xvmDomainList *doms, const char *name, const char *uuid)
{
    g_autoptr(xvmDomainDef) def = driverTestDef(name, uuid);
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj = xvmDomainListAdd(doms, &def, 0, NULL, &err);

    g_assert_no_error(err);
    g_assert_nonnull(obj);
    g_assert_null(def);
    return obj;
}

/* Define and unlock, keeping nothing. */
static void
define_quiet(xvmDomainList *doms, const char *name)
{
    xvmDomainObj *obj = define(doms, name, NULL);

    xvmDomainObjEndAPI(&obj);
}

static void
start(xvmDomainList *doms, xvmDomainObj *obj, int domid)
{
    g_autoptr(GError) err = NULL;

    g_assert_nonnull(xvmDomainObjPrepareLiveDef(obj, &err));
    g_assert_no_error(err);
    g_assert_true(xvmDomainListSetActive(doms, obj, domid, VIR_DOMAIN_RUNNING,
                                         VIR_DOMAIN_RUNNING_BOOTED, &err));
    g_assert_no_error(err);
}

static void
test_state_names(void)
{
    g_assert_cmpstr(xvmDomainStateToString(VIR_DOMAIN_RUNNING), ==, "running");
    g_assert_cmpstr(xvmDomainStateToString(VIR_DOMAIN_PMSUSPENDED), ==, "pmsuspended");
    g_assert_null(xvmDomainStateToString(VIR_DOMAIN_LAST));
    g_assert_null(xvmDomainStateToString(-1));
    g_assert_cmpstr(xvmDomainStateReasonToString(VIR_DOMAIN_SHUTOFF,
                                                 VIR_DOMAIN_SHUTOFF_DESTROYED), ==,
                    "destroyed");
    g_assert_cmpstr(xvmDomainStateReasonToString(VIR_DOMAIN_PAUSED,
                                                 VIR_DOMAIN_PAUSED_STARTING_UP), ==,
                    "starting up");
    g_assert_null(xvmDomainStateReasonToString(VIR_DOMAIN_CRASHED, VIR_DOMAIN_CRASHED_LAST));
    g_assert_false(xvmDomainStateReasonIsValid(VIR_DOMAIN_SHUTDOWN, 2));
    g_assert_cmpint(xvmDomainStateFromString("bogus"), ==, -1);
    g_assert_cmpint(xvmDomainStateReasonFromString(VIR_DOMAIN_RUNNING, "destroyed"), ==, -1);
    g_assert_cmpint(xvmDomainStateReasonFromString(42, "unknown"), ==, -1);

    /* Every named state and reason reads back as itself. */
    for (int s = 0; s < VIR_DOMAIN_LAST; s++) {
        g_assert_cmpint(xvmDomainStateFromString(xvmDomainStateToString(s)), ==, s);
        for (int r = 0; xvmDomainStateReasonIsValid(s, r); r++)
            g_assert_cmpint(xvmDomainStateReasonFromString(
                                s, xvmDomainStateReasonToString(s, r)), ==, r);
    }
}

static void
test_define_new(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj = define(doms, "alpha", NULL);
    xvmDomainObj *found;
    xvmUuid uuid = obj->uuid;
    int reason;

    g_assert_cmpstr(obj->name, ==, "alpha");
    g_assert_true(xvmDomainObjIsPersistent(obj));
    g_assert_false(xvmDomainObjIsActive(obj));
    g_assert_cmpint(obj->domid, ==, -1);
    g_assert_cmpint(xvmDomainObjGetState(obj, &reason), ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_SHUTOFF_UNKNOWN);
    g_assert_true(xvmDomainObjGetDef(obj) == xvmDomainObjGetPersistentDef(obj));
    g_assert_false(obj->autostart || obj->has_managed_save || obj->has_been_started);
    xvmDomainObjEndAPI(&obj);
    g_assert_null(obj);

    found = xvmDomainListFindByName(doms, "alpha", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(found->name, ==, "alpha");
    xvmDomainObjEndAPI(&found);
    found = xvmDomainListFindByUUID(doms, &uuid, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(found->name, ==, "alpha");
    xvmDomainObjEndAPI(&found);

    g_assert_null(xvmDomainListFindByName(doms, "beta", &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_NO_DOMAIN);
    g_assert_cmpstr(err->message, ==, "no domain with matching name 'beta'");
    g_clear_error(&err);
    g_assert_null(xvmDomainListFindByID(doms, 1, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_NO_DOMAIN);
    g_assert_cmpstr(err->message, ==, "no domain with matching id 1");
    g_clear_error(&err);
    g_assert_null(xvmDomainListFindByID(doms, -1, NULL));
    uuid.bytes[0] ^= 0xff;
    g_assert_null(xvmDomainListFindByUUID(doms, &uuid, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_NO_DOMAIN);
    g_assert_true(g_str_has_prefix(err->message, "no domain with matching uuid '"));
}

static void
test_define_replace(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    g_autoptr(xvmDomainDef) def = driverTestDef("alpha", NULL);
    g_autoptr(xvmDomainDef) old = NULL;
    g_autoptr(GError) err = NULL;
    xvmDomainObj *first = define(doms, "alpha", NULL);
    xvmDomainObj *second;
    xvmDomainDef *first_def = xvmDomainObjGetPersistentDef(first);

    xvmDomainObjUnlock(first);                /* keep the reference */
    def->memory = 524288;
    second = xvmDomainListAdd(doms, &def, 0, &old, &err);
    g_assert_no_error(err);
    g_assert_true(second == first);           /* the same object */
    g_assert_null(def);
    g_assert_true(old == first_def);          /* the replaced config */
    g_assert_cmpuint(xvmDomainObjGetPersistentDef(second)->memory, ==, 524288);
    g_assert_cmpuint(xvmDomainListCount(doms, FALSE), ==, 1);
    xvmDomainObjEndAPI(&second);
    xvmDomainObjUnref(first);
}

static void
test_define_conflicts(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    g_autoptr(GError) err = NULL;
    char alpha_uuid[XVM_UUID_STRING_BUFLEN];
    g_autofree char *msg = NULL;
    xvmDomainObj *obj = define(doms, "alpha", NULL);
    xvmDomainDef *def;

    xvmDomainObjEndAPI(&obj);
    driverTestNameUuid("alpha", alpha_uuid);

    /* Same name, another uuid. */
    def = driverTestDef("alpha", "11111111-2222-4333-8444-555555555555");
    g_assert_null(xvmDomainListAdd(doms, &def, 0, NULL, &err));
    g_assert_nonnull(def);                   /* still the caller's */
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    msg = g_strdup_printf("domain 'alpha' already exists with uuid %s", alpha_uuid);
    g_assert_cmpstr(err->message, ==, msg);
    g_clear_error(&err);
    g_clear_pointer(&msg, g_free);
    /* The same, as createXML. */
    g_assert_null(xvmDomainListAdd(doms, &def, XVM_DOMAIN_LIST_ADD_LIVE, NULL, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    xvmDomainDefFree(def);

    /* Same uuid, another name: the message names the existing domain. */
    def = driverTestDef("beta", alpha_uuid);
    g_assert_null(xvmDomainListAdd(doms, &def, 0, NULL, &err));
    g_assert_nonnull(def);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    msg = g_strdup_printf("domain 'alpha' is already defined with uuid %s", alpha_uuid);
    g_assert_cmpstr(err->message, ==, msg);
    g_clear_error(&err);
    xvmDomainDefFree(def);

    /* Nothing changed. */
    g_assert_cmpuint(xvmDomainListCount(doms, FALSE), ==, 1);
    g_assert_null(xvmDomainListFindByName(doms, "beta", NULL));
}

static void
test_define_while_running(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    g_autoptr(xvmDomainDef) def = driverTestDef("alpha", NULL);
    g_autoptr(xvmDomainDef) old = NULL;
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj = define(doms, "alpha", NULL);
    xvmDomainObj *defined;
    xvmDomainDef *live;

    start(doms, obj, 7);
    live = xvmDomainObjGetDef(obj);
    g_assert_true(live != xvmDomainObjGetPersistentDef(obj));
    g_assert_cmpint(live->id, ==, 7);
    g_assert_true(obj->has_been_started);
    xvmDomainObjUnlock(obj);

    /* virsh define while running: the next config, the live one stays. */
    def->memory = 1048576;
    defined = xvmDomainListAdd(doms, &def, 0, &old, &err);
    g_assert_no_error(err);
    g_assert_true(defined == obj);
    g_assert_nonnull(old);
    g_assert_true(xvmDomainObjGetDef(obj) == live);
    g_assert_cmpuint(live->memory, ==, 262144);
    g_assert_cmpuint(xvmDomainObjGetPersistentDef(obj)->memory, ==, 1048576);

    /* Stop: the new config is what remains and what the next start uses. */
    g_assert_false(xvmDomainListSetInactive(doms, obj, VIR_DOMAIN_SHUTOFF_SHUTDOWN));
    g_assert_false(xvmDomainObjIsActive(obj));
    g_assert_cmpuint(xvmDomainObjGetDef(obj)->memory, ==, 1048576);
    live = xvmDomainObjPrepareLiveDef(obj, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(live->memory, ==, 1048576);
    g_assert_true(live != xvmDomainObjGetPersistentDef(obj));
    xvmDomainObjEndAPI(&defined);
    xvmDomainObjUnref(obj);
}

static void
test_create_transient(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    g_autoptr(xvmDomainDef) def = driverTestDef("temp", NULL);
    g_autoptr(xvmDomainDef) again = driverTestDef("temp", NULL);
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj = xvmDomainListAdd(doms, &def, XVM_DOMAIN_LIST_ADD_LIVE, NULL, &err);
    xvmDomainObj *found;
    int reason;

    g_assert_no_error(err);
    g_assert_false(xvmDomainObjIsPersistent(obj));
    g_assert_false(xvmDomainObjIsActive(obj));
    xvmDomainObjUnlock(obj);

    /* A second createXML while the first is being started. */
    g_assert_null(xvmDomainListAdd(doms, &again, XVM_DOMAIN_LIST_ADD_LIVE, NULL, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_assert_cmpstr(err->message, ==, "domain 'temp' is already being started");
    g_clear_error(&err);

    xvmDomainObjLock(obj);
    start(doms, obj, 12);
    xvmDomainObjUnlock(obj);

    g_assert_null(xvmDomainListAdd(doms, &again, XVM_DOMAIN_LIST_ADD_LIVE, NULL, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_assert_cmpstr(err->message, ==, "domain 'temp' is already active");
    g_clear_error(&err);

    found = xvmDomainListFindByID(doms, 12, &err);
    g_assert_no_error(err);
    g_assert_true(found == obj);
    xvmDomainObjUnref(obj);                  /* the reference from Add */
    g_assert_cmpuint(xvmDomainListCount(doms, TRUE), ==, 1);

    /* Stop: a transient domain leaves the list; our reference keeps it. */
    g_assert_true(xvmDomainListSetInactive(doms, found, VIR_DOMAIN_SHUTOFF_DESTROYED));
    g_assert_cmpint(xvmDomainObjGetState(found, &reason), ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_SHUTOFF_DESTROYED);
    g_assert_cmpstr(xvmDomainObjGetDef(found)->name, ==, "temp");
    g_assert_cmpint(xvmDomainObjGetDef(found)->id, ==, -1);
    xvmDomainObjEndAPI(&found);
    g_assert_null(xvmDomainListFindByName(doms, "temp", NULL));
    g_assert_null(xvmDomainListFindByID(doms, 12, NULL));
    g_assert_cmpuint(xvmDomainListCount(doms, TRUE) + xvmDomainListCount(doms, FALSE), ==, 0);

    /* The name and uuid are free again. */
    obj = xvmDomainListAdd(doms, &again, 0, NULL, &err);
    g_assert_no_error(err);
    g_assert_true(xvmDomainObjIsPersistent(obj));
    xvmDomainObjEndAPI(&obj);
}

static void
test_create_over_persistent(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    g_autoptr(xvmDomainDef) def = driverTestDef("alpha", NULL);
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj = define(doms, "alpha", NULL);
    xvmDomainObj *created;

    xvmDomainObjUnlock(obj);
    def->memory = 131072;
    created = xvmDomainListAdd(doms, &def, XVM_DOMAIN_LIST_ADD_LIVE, NULL, &err);
    g_assert_no_error(err);
    g_assert_true(created == obj);
    /* createXML runs the given definition; the persistent config stays. */
    g_assert_cmpuint(xvmDomainObjGetDef(obj)->memory, ==, 131072);
    g_assert_cmpuint(xvmDomainObjGetPersistentDef(obj)->memory, ==, 262144);
    g_assert_true(xvmDomainObjPrepareLiveDef(obj, &err) == xvmDomainObjGetDef(obj));
    g_assert_true(xvmDomainListSetActive(doms, obj, 3, VIR_DOMAIN_RUNNING,
                                         VIR_DOMAIN_RUNNING_BOOTED, &err));
    g_assert_false(xvmDomainListSetInactive(doms, obj, VIR_DOMAIN_SHUTOFF_SHUTDOWN));
    g_assert_cmpuint(xvmDomainObjGetDef(obj)->memory, ==, 262144);
    xvmDomainObjEndAPI(&created);
    xvmDomainObjUnref(obj);
}

/* A createXML over a persistent domain whose start (or any job) is under
 * way: its live definition, which the job's holder uses unlocked, stays. */
static void
test_create_while_job(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    g_autoptr(xvmDomainDef) def = driverTestDef("alpha", NULL);
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj = define(doms, "alpha", NULL);
    xvmDomainObj *created;
    const xvmDomainDef *live;

    g_assert_true(xvmDomainObjBeginJob(obj, "start", 1000, &err));
    live = xvmDomainObjPrepareLiveDef(obj, &err);
    g_assert_nonnull(live);
    xvmDomainObjUnlock(obj);
    g_assert_null(xvmDomainListAdd(doms, &def, XVM_DOMAIN_LIST_ADD_LIVE, NULL, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_assert_cmpstr(err->message, ==, "domain 'alpha' is busy (start in progress)");
    g_clear_error(&err);
    g_assert_nonnull(def);
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainObjGetDef(obj) == live);
    xvmDomainObjEndJob(obj);
    xvmDomainObjUnlock(obj);
    /* Once the job is over, the createXML goes through. */
    created = xvmDomainListAdd(doms, &def, XVM_DOMAIN_LIST_ADD_LIVE, NULL, &err);
    g_assert_no_error(err);
    g_assert_true(created == obj);
    g_assert_null(def);
    xvmDomainObjEndAPI(&created);
    xvmDomainObjUnref(obj);
}

static void
test_define_transient_then_undefine(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    g_autoptr(xvmDomainDef) def = driverTestDef("temp", NULL);
    g_autoptr(xvmDomainDef) persist = driverTestDef("temp", NULL);
    g_autoptr(xvmDomainDef) old = NULL;
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj = xvmDomainListAdd(doms, &def, XVM_DOMAIN_LIST_ADD_LIVE, NULL, &err);
    xvmDomainObj *defined;

    g_assert_no_error(err);
    start(doms, obj, 4);
    xvmDomainObjUnlock(obj);

    /* Defining a running transient domain makes it persistent. */
    defined = xvmDomainListAdd(doms, &persist, 0, &old, &err);
    g_assert_no_error(err);
    g_assert_true(defined == obj);
    g_assert_null(old);
    g_assert_true(xvmDomainObjIsPersistent(obj));
    xvmDomainObjSetAutostart(obj, TRUE);

    /* Undefine while running: transient again, gone once stopped. */
    xvmDomainObjMakeTransient(obj);
    g_assert_false(xvmDomainObjIsPersistent(obj));
    g_assert_false(obj->autostart);
    g_assert_true(xvmDomainObjIsActive(obj));
    g_assert_true(xvmDomainListSetInactive(doms, obj, VIR_DOMAIN_SHUTOFF_SHUTDOWN));
    g_assert_null(xvmDomainListFindByName(doms, "temp", NULL));
    xvmDomainObjEndAPI(&defined);
    xvmDomainObjUnref(obj);
}

static void
test_active_bookkeeping(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    g_autoptr(GError) err = NULL;
    xvmDomainObj *a = define(doms, "a", NULL);
    xvmDomainObj *b = define(doms, "b", NULL);
    int reason;

    start(doms, a, 5);
    g_assert_false(xvmDomainListSetActive(doms, a, 6, VIR_DOMAIN_RUNNING,
                                          VIR_DOMAIN_RUNNING_BOOTED, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);

    g_assert_nonnull(xvmDomainObjPrepareLiveDef(b, NULL));
    g_assert_null(xvmDomainObjPrepareLiveDef(a, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_clear_error(&err);
    g_assert_false(xvmDomainListSetActive(doms, b, 5, VIR_DOMAIN_RUNNING,
                                          VIR_DOMAIN_RUNNING_BOOTED, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_assert_cmpstr(err->message, ==, "domain id 5 of domain 'b' already belongs to domain 'a'");
    g_clear_error(&err);
    for (guint i = 0; i < 3; i++) {
        int bad[] = { 0, -3, XVM_DOMID_MAX + 1 };

        g_assert_false(xvmDomainListSetActive(doms, b, bad[i], VIR_DOMAIN_RUNNING,
                                              VIR_DOMAIN_RUNNING_BOOTED, &err));
        g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR);
        g_clear_error(&err);
    }
    g_assert_false(xvmDomainObjIsActive(b));

    /* Abandoned start: back to shut off, no live definition. */
    g_assert_false(xvmDomainListSetInactive(doms, b, VIR_DOMAIN_SHUTOFF_FAILED));
    g_assert_true(xvmDomainObjGetDef(b) == xvmDomainObjGetPersistentDef(b));
    g_assert_cmpint(xvmDomainObjGetState(b, &reason), ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_SHUTOFF_FAILED);
    g_assert_false(b->has_been_started);

    /* State changes within the active life. */
    xvmDomainObjSetState(a, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    g_assert_cmpint(xvmDomainObjGetState(a, &reason), ==, VIR_DOMAIN_PAUSED);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_PAUSED_USER);
    /* A reason of another state, or SHUTOFF without stopping: refused. */
    g_test_expect_message("xvm-driver", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
    xvmDomainObjSetState(a, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_LAST);
    g_test_assert_expected_messages();
    g_test_expect_message("xvm-driver", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
    xvmDomainObjSetState(a, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
    g_test_assert_expected_messages();
    g_assert_cmpint(xvmDomainObjGetState(a, NULL), ==, VIR_DOMAIN_PAUSED);

    /* The domid is free again after a stop. */
    g_assert_false(xvmDomainListSetInactive(doms, a, VIR_DOMAIN_SHUTOFF_DESTROYED));
    g_assert_null(xvmDomainListFindByID(doms, 5, NULL));
    start(doms, b, 5);
    xvmDomainObjEndAPI(&a);
    xvmDomainObjEndAPI(&b);
}

static void
test_remove_while_referenced(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    g_autoptr(xvmDomainDef) def = driverTestDef("alpha", NULL);
    g_autoptr(GError) err = NULL;
    xvmDomainObj *worker = define(doms, "alpha", NULL);
    xvmDomainObj *undef;

    /* A worker holds the object, unlocked, during a slow operation... */
    xvmDomainObjUnlock(worker);
    /* ...while another thread undefines it. */
    undef = xvmDomainListFindByName(doms, "alpha", &err);
    g_assert_no_error(err);
    xvmDomainListRemove(doms, undef);
    xvmDomainListRemove(doms, undef);                 /* idempotent */
    xvmDomainObjEndAPI(&undef);

    g_assert_null(xvmDomainListFindByName(doms, "alpha", NULL));
    g_assert_cmpuint(xvmDomainListCount(doms, FALSE), ==, 0);
    /* The worker's object and its definition are intact. */
    xvmDomainObjLock(worker);
    g_assert_true(worker->removing);
    g_assert_cmpstr(xvmDomainObjGetDef(worker)->name, ==, "alpha");
    xvmDomainObjEndAPI(&worker);

    /* A define of the same domain while the removal is under way (the
     * object is marked but still listed) is refused as libvirt does. */
    worker = define(doms, "alpha", NULL);
    worker->removing = TRUE;
    xvmDomainObjUnlock(worker);
    g_assert_null(xvmDomainListAdd(doms, &def, 0, NULL, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(err->message, ==, "domain 'alpha' is already being removed");
    g_clear_error(&err);
    g_assert_null(xvmDomainListFindByName(doms, "alpha", NULL));
    xvmDomainObjUnref(worker);
}

/* The main loop's lookups: a busy object or list gives up at once
 * (busy, no error, no reference kept); otherwise they answer as the
 * waiting ones do. */
static void
test_try_lookups(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(GArray) ids = NULL;
    xvmDomainObj *a = define(doms, "alpha", NULL);
    xvmDomainObj *b = define(doms, "beta", NULL);
    xvmDomainObj *found;
    xvmUuid uuid_a = a->uuid;
    gboolean busy = TRUE;
    gint refs;

    start(doms, a, 7);
    xvmDomainObjUnlock(a);
    xvmDomainObjUnlock(b);

    /* Free: found, locked and referenced. */
    found = xvmDomainListTryFindByName(doms, "alpha", &busy, &err);
    g_assert_no_error(err);
    g_assert_false(busy);
    g_assert_true(found == a);
    xvmDomainObjEndAPI(&found);
    busy = TRUE;
    found = xvmDomainListTryFindByID(doms, 7, &busy, &err);
    g_assert_true(found == a && !busy);
    xvmDomainObjEndAPI(&found);
    busy = TRUE;
    found = xvmDomainListTryFindByUUID(doms, &uuid_a, &busy, &err);
    g_assert_true(found == a && !busy);
    xvmDomainObjEndAPI(&found);
    g_assert_no_error(err);

    /* Absent: not busy, libvirt's error. */
    g_assert_null(xvmDomainListTryFindByName(doms, "gamma", &busy, &err));
    g_assert_false(busy);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_NO_DOMAIN);
    g_assert_cmpstr(err->message, ==, "no domain with matching name 'gamma'");
    g_clear_error(&err);
    g_assert_null(xvmDomainListTryFindByID(doms, 8, &busy, &err));
    g_assert_false(busy);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_NO_DOMAIN);
    g_clear_error(&err);

    /* alpha locked by someone else (a define writing its file): every
     * way to it is busy, with no error and no reference left behind. */
    xvmDomainObjLock(a);
    refs = g_atomic_int_get(&a->refs);
    g_assert_null(xvmDomainListTryFindByName(doms, "alpha", &busy, &err));
    g_assert_true(busy);
    busy = FALSE;
    g_assert_null(xvmDomainListTryFindByUUID(doms, &uuid_a, &busy, &err));
    g_assert_true(busy);
    busy = FALSE;
    g_assert_null(xvmDomainListTryFindByID(doms, 7, &busy, &err));
    g_assert_true(busy);
    busy = FALSE;
    g_assert_null(xvmDomainListExportFull(doms, 0, NULL, &busy, &err));
    g_assert_true(busy);
    g_assert_no_error(err);
    g_assert_cmpint(g_atomic_int_get(&a->refs), ==, refs);
    /* beta is not. */
    found = xvmDomainListTryFindByName(doms, "beta", &busy, &err);
    g_assert_true(found == b && !busy);
    xvmDomainObjEndAPI(&found);
    /* Bad flags are an error, not busy. */
    g_assert_null(xvmDomainListExportFull(doms, 1u << 30, NULL, &busy, &err));
    g_assert_false(busy);
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&err);
    xvmDomainObjUnlock(a);

    all = xvmDomainListExportFull(doms, VIR_CONNECT_LIST_DOMAINS_INACTIVE, NULL, &busy,
                                  &err);
    g_assert_no_error(err);
    g_assert_false(busy);
    g_assert_cmpuint(all->len, ==, 1);
    g_assert_true(g_ptr_array_index(all, 0) == b);
    g_clear_pointer(&all, g_ptr_array_unref);
    /* With the domids as listed. */
    all = xvmDomainListExportFull(doms, 0, &ids, &busy, &err);
    g_assert_cmpuint(all->len, ==, 2);
    g_assert_true(g_ptr_array_index(all, 0) == a && g_ptr_array_index(all, 1) == b);
    g_assert_cmpuint(ids->len, ==, 2);
    g_assert_cmpint(g_array_index(ids, int, 0), ==, 7);
    g_assert_cmpint(g_array_index(ids, int, 1), ==, -1);
    /* The array's, the list's and ours (from define): none leaked. */
    g_assert_cmpint(g_atomic_int_get(&b->refs), ==, 3);
    xvmDomainObjUnref(a);
    xvmDomainObjUnref(b);
}

/* ---- jobs ----------------------------------------------------------------- */

typedef struct {
    xvmDomainObj *obj;      /* referenced for the waiter */
    gint acquired;          /* atomic: the waiter owns the job */
    GError *error;          /* the waiter's failure */
} JobWaiter;

static gpointer
wait_for_job(gpointer data)
{
    JobWaiter *w = data;
    xvmDomainObj *obj = g_steal_pointer(&w->obj);

    xvmDomainObjLock(obj);
    if (xvmDomainObjBeginJob(obj, "shutdown", XVM_DOMAIN_JOB_WAIT_MS, &w->error)) {
        g_atomic_int_set(&w->acquired, 1);
        xvmDomainObjEndJob(obj);
    }
    xvmDomainObjEndAPI(&obj);
    return NULL;
}

static void
test_job_timeout(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj = define(doms, "alpha", NULL);

    g_assert_true(xvmDomainObjBeginJob(obj, "start", 0, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(obj->job, ==, "start");
    g_assert_false(xvmDomainObjBeginJob(obj, "destroy", 50, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_TIMEOUT);
    g_assert_cmpstr(err->message, ==, "cannot acquire state change lock (held by start)");
    g_assert_cmpstr(obj->job, ==, "start");
    xvmDomainObjEndJob(obj);
    g_assert_null(obj->job);
    g_assert_true(xvmDomainObjBeginJob(obj, "destroy", 0, NULL));
    xvmDomainObjEndJob(obj);
    xvmDomainObjEndAPI(&obj);
}

static void
test_job_wait(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    xvmDomainObj *obj = define(doms, "alpha", NULL);
    JobWaiter w = { xvmDomainObjRef(obj), 0, NULL };
    xvmDomainObj *reader;
    GThread *thread;

    g_assert_true(xvmDomainObjBeginJob(obj, "start", 0, NULL));
    xvmDomainObjUnlock(obj);                   /* the slow part */
    thread = g_thread_new("waiter", wait_for_job, &w);
    g_usleep(100 * 1000);
    g_assert_cmpint(g_atomic_int_get(&w.acquired), ==, 0);
    /* Readers are not held up by the job. */
    reader = xvmDomainListFindByName(doms, "alpha", NULL);
    g_assert_cmpstr(reader->job, ==, "start");
    xvmDomainObjEndAPI(&reader);

    xvmDomainObjLock(obj);
    xvmDomainObjEndJob(obj);
    xvmDomainObjUnlock(obj);
    g_thread_join(thread);
    g_assert_no_error(w.error);
    g_assert_cmpint(g_atomic_int_get(&w.acquired), ==, 1);
    xvmDomainObjUnref(obj);
}

static void
test_job_removed_while_waiting(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    xvmDomainObj *obj = define(doms, "alpha", NULL);
    JobWaiter w = { xvmDomainObjRef(obj), 0, NULL };
    GThread *thread;

    g_assert_true(xvmDomainObjBeginJob(obj, "undefine", 0, NULL));
    xvmDomainObjUnlock(obj);
    thread = g_thread_new("waiter", wait_for_job, &w);
    g_usleep(100 * 1000);
    xvmDomainObjLock(obj);
    xvmDomainListRemove(doms, obj);
    xvmDomainObjEndJob(obj);
    xvmDomainObjEndAPI(&obj);
    g_thread_join(thread);
    g_assert_error(w.error, XVM_CONF_ERROR, VIR_ERR_NO_DOMAIN);
    g_assert_cmpint(g_atomic_int_get(&w.acquired), ==, 0);
    g_clear_error(&w.error);
}

/* ---- listing -------------------------------------------------------------- */

typedef struct {
    xvmDomainList *doms;
} ListFixture;

/*
 * run      persistent, running              autostart
 * pause    persistent, paused
 * down     persistent, shut off             autostart
 * saved    persistent, shut off, managed save
 * trans    transient, running
 * crash    persistent, crashed (other)
 * halting  transient, shutting down (other)
 */
static void
list_setup(ListFixture *f, gconstpointer data)
{
    const char *names[] = { "run", "pause", "down", "saved", "crash" };
    xvmDomainObj *obj;
    xvmDomainDef *def;

    f->doms = xvmDomainListNew();
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        define_quiet(f->doms, names[i]);

    obj = xvmDomainListFindByName(f->doms, "run", NULL);
    start(f->doms, obj, 1);
    xvmDomainObjSetAutostart(obj, TRUE);
    xvmDomainObjEndAPI(&obj);
    obj = xvmDomainListFindByName(f->doms, "pause", NULL);
    start(f->doms, obj, 2);
    xvmDomainObjSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    xvmDomainObjEndAPI(&obj);
    obj = xvmDomainListFindByName(f->doms, "down", NULL);
    xvmDomainObjSetAutostart(obj, TRUE);
    xvmDomainObjEndAPI(&obj);
    obj = xvmDomainListFindByName(f->doms, "saved", NULL);
    xvmDomainObjSetManagedSave(obj, TRUE);
    xvmDomainObjEndAPI(&obj);
    obj = xvmDomainListFindByName(f->doms, "crash", NULL);
    start(f->doms, obj, 3);
    xvmDomainObjSetState(obj, VIR_DOMAIN_CRASHED, VIR_DOMAIN_CRASHED_PANICKED);
    xvmDomainObjEndAPI(&obj);

    def = driverTestDef("trans", NULL);
    obj = xvmDomainListAdd(f->doms, &def, XVM_DOMAIN_LIST_ADD_LIVE, NULL, NULL);
    start(f->doms, obj, 4);
    xvmDomainObjEndAPI(&obj);
    def = driverTestDef("halting", NULL);
    obj = xvmDomainListAdd(f->doms, &def, XVM_DOMAIN_LIST_ADD_LIVE, NULL, NULL);
    start(f->doms, obj, 5);
    xvmDomainObjSetState(obj, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTDOWN_USER);
    xvmDomainObjEndAPI(&obj);
}

static void
list_teardown(ListFixture *f, gconstpointer data)
{
    xvmDomainListFree(f->doms);
}

static char *
export_names(xvmDomainList *doms, unsigned int flags)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) objs = xvmDomainListExport(doms, flags, &err);
    g_autoptr(GString) s = g_string_new(NULL);

    g_assert_no_error(err);
    for (guint i = 0; i < objs->len; i++) {
        const xvmDomainObj *obj = g_ptr_array_index(objs, i);

        g_string_append_printf(s, "%s%s", i ? " " : "", obj->name);
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

static void
test_list_filters(ListFixture *f, gconstpointer data)
{
    static const struct {
        unsigned int flags;
        const char *names;       /* sorted */
    } cases[] = {
        { 0, "crash down halting pause run saved trans" },
        { VIR_CONNECT_LIST_DOMAINS_ACTIVE, "crash halting pause run trans" },
        { VIR_CONNECT_LIST_DOMAINS_INACTIVE, "down saved" },
        { VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE,
          "crash down halting pause run saved trans" },
        { VIR_CONNECT_LIST_DOMAINS_PERSISTENT, "crash down pause run saved" },
        { VIR_CONNECT_LIST_DOMAINS_TRANSIENT, "halting trans" },
        { VIR_CONNECT_LIST_DOMAINS_RUNNING, "run trans" },
        { VIR_CONNECT_LIST_DOMAINS_PAUSED, "pause" },
        { VIR_CONNECT_LIST_DOMAINS_SHUTOFF, "down saved" },
        { VIR_CONNECT_LIST_DOMAINS_OTHER, "crash halting" },
        { VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_PAUSED,
          "pause run trans" },
        { VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE, "saved" },
        { VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE,
          "crash down halting pause run trans" },
        { VIR_CONNECT_LIST_DOMAINS_AUTOSTART, "down run" },
        { VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART, "crash halting pause saved trans" },
        { VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT, "" },
        { VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT,
          "crash down halting pause run saved trans" },
        { VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT, "" },
        { VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT,
          "crash down halting pause run saved trans" },
        /* Groups combine with AND. */
        { VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_PERSISTENT,
          "crash pause run" },
        { VIR_CONNECT_LIST_DOMAINS_INACTIVE | VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART,
          "saved" },
        { VIR_CONNECT_LIST_DOMAINS_TRANSIENT | VIR_CONNECT_LIST_DOMAINS_OTHER, "halting" },
        { VIR_CONNECT_LIST_DOMAINS_AUTOSTART | VIR_CONNECT_LIST_DOMAINS_ACTIVE |
          VIR_CONNECT_LIST_DOMAINS_RUNNING, "run" },
        { VIR_CONNECT_LIST_DOMAINS_PERSISTENT | VIR_CONNECT_LIST_DOMAINS_TRANSIENT |
          VIR_CONNECT_LIST_DOMAINS_SHUTOFF | VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE,
          "down" },
        { VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT | VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT |
          VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE, "saved" },
    };
    g_autoptr(GError) err = NULL;

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = export_names(f->doms, cases[i].flags);

        g_test_message("flags 0x%x", cases[i].flags);
        g_assert_cmpstr(got, ==, cases[i].names);
    }

    g_assert_null(xvmDomainListExport(f->doms, 1u << 20, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_INVALID_ARG);
    g_assert_cmpstr(err->message, ==,
                    "unsupported flags (0x100000) in function virConnectListAllDomains");
}

static void
test_list_counts(ListFixture *f, gconstpointer data)
{
    g_autoptr(GArray) ids = xvmDomainListGetActiveIDs(f->doms, 100);
    g_autoptr(GArray) two = xvmDomainListGetActiveIDs(f->doms, 2);
    g_auto(GStrv) names = xvmDomainListGetInactiveNames(f->doms, 100);
    g_auto(GStrv) one = xvmDomainListGetInactiveNames(f->doms, 1);
    g_auto(GStrv) none = xvmDomainListGetInactiveNames(f->doms, 0);
    g_autofree char *joined = g_strjoinv(" ", names);
    xvmDomainObj *obj;

    g_assert_cmpuint(xvmDomainListCount(f->doms, TRUE), ==, 5);
    g_assert_cmpuint(xvmDomainListCount(f->doms, FALSE), ==, 2);
    g_assert_cmpuint(ids->len, ==, 5);
    for (guint i = 0; i < ids->len; i++)
        g_assert_cmpint(g_array_index(ids, int, i), ==, (int)i + 1);
    g_assert_cmpuint(two->len, ==, 2);
    g_assert_cmpint(g_array_index(two, int, 1), ==, 2);
    g_assert_cmpstr(joined, ==, "down saved");
    g_assert_cmpuint(g_strv_length(one), ==, 1);
    g_assert_cmpstr(one[0], ==, "down");
    g_assert_cmpuint(g_strv_length(none), ==, 0);

    /* Counts follow stops and removals. */
    obj = xvmDomainListFindByName(f->doms, "trans", NULL);
    g_assert_true(xvmDomainListSetInactive(f->doms, obj, VIR_DOMAIN_SHUTOFF_SHUTDOWN));
    xvmDomainObjEndAPI(&obj);
    obj = xvmDomainListFindByName(f->doms, "run", NULL);
    g_assert_false(xvmDomainListSetInactive(f->doms, obj, VIR_DOMAIN_SHUTOFF_SHUTDOWN));
    xvmDomainObjEndAPI(&obj);
    g_assert_cmpuint(xvmDomainListCount(f->doms, TRUE), ==, 3);
    g_assert_cmpuint(xvmDomainListCount(f->doms, FALSE), ==, 3);
}

/* ---- scale ---------------------------------------------------------------- */

#define MANY 5000

static void
test_many_domains(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    g_autoptr(GTimer) timer = g_timer_new();
    g_autoptr(GPtrArray) all = NULL;
    xvmUuid *uuids = g_new(xvmUuid, MANY);

    for (int i = 0; i < MANY; i++) {
        g_autofree char *name = g_strdup_printf("guest-%05d", i);
        xvmDomainObj *obj = define(doms, name, NULL);

        uuids[i] = obj->uuid;
        if (i % 2)
            start(doms, obj, i);                 /* domids 1, 3, ... */
        xvmDomainObjEndAPI(&obj);
    }
    g_test_message("defined %d domains in %.3f s", MANY, g_timer_elapsed(timer, NULL));

    g_timer_start(timer);
    for (int i = 0; i < MANY; i++) {
        g_autofree char *name = g_strdup_printf("guest-%05d", i);
        xvmDomainObj *obj = xvmDomainListFindByName(doms, name, NULL);

        g_assert_nonnull(obj);
        g_assert_cmpstr(obj->name, ==, name);
        xvmDomainObjEndAPI(&obj);
        obj = xvmDomainListFindByUUID(doms, &uuids[i], NULL);
        g_assert_cmpstr(obj->name, ==, name);
        xvmDomainObjEndAPI(&obj);
        obj = xvmDomainListFindByID(doms, i, NULL);
        if (i % 2) {
            g_assert_cmpstr(obj->name, ==, name);
            xvmDomainObjEndAPI(&obj);
        } else {
            g_assert_null(obj);
        }
    }
    g_test_message("%d lookups by name, uuid and id in %.3f s", 3 * MANY,
                   g_timer_elapsed(timer, NULL));

    g_assert_cmpuint(xvmDomainListCount(doms, TRUE), ==, MANY / 2);
    g_assert_cmpuint(xvmDomainListCount(doms, FALSE), ==, MANY / 2);
    all = xvmDomainListExport(doms, 0, NULL);
    g_assert_cmpuint(all->len, ==, MANY);
    for (guint i = 1; i < all->len; i++)
        g_assert_cmpint(g_strcmp0(((xvmDomainObj *)all->pdata[i - 1])->name,
                                  ((xvmDomainObj *)all->pdata[i])->name), <, 0);
    g_free(uuids);
}

/* ---- concurrency ---------------------------------------------------------- */

#define THREADS 4
#define ROUNDS 300

/* Each thread defines, starts, stops and undefines its own domains while
 * looking up and listing everyone's; nothing may crash, leak or deadlock
 * and the list ends empty. */
static gpointer
churn(gpointer data)
{
    xvmDomainList *doms = ((gpointer *)data)[0];
    int t = GPOINTER_TO_INT(((gpointer *)data)[1]);

    for (int r = 0; r < ROUNDS; r++) {
        g_autofree char *name = g_strdup_printf("t%d-%d", t, r % 7);
        g_autofree char *other = g_strdup_printf("t%d-%d", (t + 1) % THREADS, r % 7);
        g_autoptr(GPtrArray) listed = NULL;
        xvmDomainObj *obj = define(doms, name, NULL);

        start(doms, obj, 1 + t * ROUNDS + r);
        xvmDomainObjEndAPI(&obj);
        if ((obj = xvmDomainListFindByName(doms, other, NULL)))
            xvmDomainObjEndAPI(&obj);
        listed = xvmDomainListExport(doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE, NULL);
        g_assert_nonnull(listed);

        obj = xvmDomainListFindByName(doms, name, NULL);
        g_assert_nonnull(obj);
        xvmDomainListSetInactive(doms, obj, VIR_DOMAIN_SHUTOFF_DESTROYED);
        xvmDomainListRemove(doms, obj);
        xvmDomainObjEndAPI(&obj);
    }
    return NULL;
}

static void
test_concurrent(void)
{
    g_autoptr(xvmDomainList) doms = xvmDomainListNew();
    GThread *threads[THREADS];
    gpointer args[THREADS][2];

    for (int t = 0; t < THREADS; t++) {
        args[t][0] = doms;
        args[t][1] = GINT_TO_POINTER(t);
        threads[t] = g_thread_new("churn", churn, args[t]);
    }
    for (int t = 0; t < THREADS; t++)
        g_thread_join(threads[t]);
    g_assert_cmpuint(xvmDomainListCount(doms, TRUE), ==, 0);
    g_assert_cmpuint(xvmDomainListCount(doms, FALSE), ==, 0);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* libxml2 initialises its globals from the main thread, before the
     * concurrent test parses in several threads (xvmd must do the same). */
    xmlInitParser();

    g_test_add_func("/driver/state/names", test_state_names);
    g_test_add_func("/driver/list/define-new", test_define_new);
    g_test_add_func("/driver/list/define-replace", test_define_replace);
    g_test_add_func("/driver/list/define-conflicts", test_define_conflicts);
    g_test_add_func("/driver/list/define-while-running", test_define_while_running);
    g_test_add_func("/driver/list/create-transient", test_create_transient);
    g_test_add_func("/driver/list/create-over-persistent", test_create_over_persistent);
    g_test_add_func("/driver/list/create-while-job", test_create_while_job);
    g_test_add_func("/driver/list/define-transient-then-undefine",
                    test_define_transient_then_undefine);
    g_test_add_func("/driver/list/active-bookkeeping", test_active_bookkeeping);
    g_test_add_func("/driver/list/remove-while-referenced", test_remove_while_referenced);
    g_test_add_func("/driver/list/try-lookups", test_try_lookups);
    g_test_add_func("/driver/job/timeout", test_job_timeout);
    g_test_add_func("/driver/job/wait", test_job_wait);
    g_test_add_func("/driver/job/removed-while-waiting", test_job_removed_while_waiting);
    g_test_add("/driver/list/filters", ListFixture, NULL, list_setup,
               test_list_filters, list_teardown);
    g_test_add("/driver/list/counts", ListFixture, NULL, list_setup,
               test_list_counts, list_teardown);
    g_test_add_func("/driver/list/many-domains", test_many_domains);
    g_test_add_func("/driver/list/concurrent", test_concurrent);
    return g_test_run();
}
