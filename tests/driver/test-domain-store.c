/*
 * test-domain-store.c: persistent configs, autostart links and status
 * files — round trips, atomic replacement, stale temporary files, bad
 * files skipped with a warning.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "atomic_file.h"
#include "domain_config_store.h"
#include "domain_define.h"
#include "domain_state.h"
#include "driver_test_util.h"

typedef struct {
    char *tmp;
    char *state;
    char *run;
    xvmDomainConfigStore *store;
    xvmDomainList *doms;
} Fixture;

static void
setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;

    f->tmp = driverTestMkTemp();
    f->state = g_build_filename(f->tmp, "state", "xen", NULL);
    f->run = g_build_filename(f->tmp, "run", NULL);
    f->store = xvmDomainConfigStoreNew(f->state, f->run, &err);
    g_assert_no_error(err);
    f->doms = xvmDomainListNew();
}

static void
teardown(Fixture *f, gconstpointer data)
{
    xvmDomainListFree(f->doms);
    xvmDomainConfigStoreFree(f->store);
    driverTestRmTree(f->tmp);
    g_free(f->state);
    g_free(f->run);
    g_free(f->tmp);
}

/* A fresh list loaded from the fixture's state directory. */
static xvmDomainList *
reload(Fixture *f, guint expected)
{
    xvmDomainList *doms = xvmDomainListNew();

    g_assert_cmpuint(xvmDomainConfigLoadAll(f->store, doms), ==, expected);
    return doms;
}

static char *
format_inactive(const xvmDomainDef *def)
{
    g_autoptr(GError) err = NULL;
    char *xml = xvmDomainDefFormat(def, XVM_DOMAIN_XML_INACTIVE | XVM_DOMAIN_XML_SECURE, &err);

    g_assert_no_error(err);
    return xml;
}

/* Define `name` as virsh define does: list, then config file. */
static xvmDomainObj *
define_saved(Fixture *f, const char *name)
{
    g_autoptr(xvmDomainDef) def = driverTestDef(name, NULL);
    g_autoptr(GError) err = NULL;
    xvmDomainObj *obj = xvmDomainListAdd(f->doms, &def, 0, NULL, &err);

    g_assert_no_error(err);
    g_assert_true(xvmDomainConfigSave(f->store, xvmDomainObjGetPersistentDef(obj), &err));
    g_assert_no_error(err);
    return obj;
}

static char *
read_file(const char *path)
{
    g_autoptr(GError) err = NULL;
    char *contents = NULL;

    g_file_get_contents(path, &contents, NULL, &err);
    g_assert_no_error(err);
    return contents;
}

static void
write_file(const char *path, const char *contents)
{
    g_autoptr(GError) err = NULL;

    g_file_set_contents(path, contents, -1, &err);
    g_assert_no_error(err);
}

static void
test_config_roundtrip(Fixture *f, gconstpointer data)
{
    const char *names[] = { "alpha", "beta", "gamma with space", "ünïcode" };
    g_autoptr(GError) err = NULL;

    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        xvmDomainObj *obj = define_saved(f, names[i]);
        g_autofree char *path = xvmDomainConfigStoreConfigPath(f->store, names[i]);
        g_autofree char *want = format_inactive(xvmDomainObjGetPersistentDef(obj));
        g_autofree char *got = read_file(path);
        struct stat st;

        g_assert_cmpstr(got, ==, want);
        g_assert_nonnull(strstr(got, "passwd='s3cret'"));     /* secure */
        g_assert_cmpint(g_stat(path, &st), ==, 0);
        g_assert_cmpint(st.st_mode & 0777, ==, 0600);
        xvmDomainObjEndAPI(&obj);
    }

    {
        g_autoptr(xvmDomainList) loaded = reload(f, G_N_ELEMENTS(names));

        for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
            xvmDomainObj *orig = xvmDomainListFindByName(f->doms, names[i], NULL);
            xvmDomainObj *back = xvmDomainListFindByName(loaded, names[i], &err);
            g_autofree char *want = format_inactive(xvmDomainObjGetPersistentDef(orig));
            g_autofree char *got = NULL;

            g_assert_no_error(err);
            got = format_inactive(xvmDomainObjGetPersistentDef(back));
            g_assert_cmpstr(got, ==, want);
            g_assert_true(xvmUuidEqual(&orig->uuid, &back->uuid));
            g_assert_true(xvmDomainObjIsPersistent(back));
            g_assert_false(xvmDomainObjIsActive(back));
            g_assert_false(back->autostart);
            xvmDomainObjEndAPI(&orig);
            xvmDomainObjEndAPI(&back);
        }
    }
}

static void
test_autostart(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *link = xvmDomainConfigStoreAutostartPath(f->store, "alpha");
    g_autofree char *config = xvmDomainConfigStoreConfigPath(f->store, "alpha");
    g_autofree char *target = NULL;
    xvmDomainObj *obj = define_saved(f, "alpha");

    xvmDomainObjEndAPI(&obj);
    obj = define_saved(f, "beta");
    xvmDomainObjEndAPI(&obj);

    g_assert_true(xvmDomainConfigSetAutostart(f->store, "alpha", TRUE, &err));
    g_assert_no_error(err);
    g_assert_true(xvmDomainConfigSetAutostart(f->store, "alpha", TRUE, &err));  /* again */
    g_assert_no_error(err);
    g_assert_true(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    target = g_file_read_link(link, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(target, ==, config);
    g_assert_true(g_path_is_absolute(target));
    g_assert_cmpuint(driverTestCountTemps(f->state), ==, 0);

    {
        g_autoptr(xvmDomainList) loaded = reload(f, 2);
        xvmDomainObj *a = xvmDomainListFindByName(loaded, "alpha", NULL);
        xvmDomainObj *b = xvmDomainListFindByName(loaded, "beta", NULL);

        g_assert_true(a->autostart);
        g_assert_false(b->autostart);
        xvmDomainObjEndAPI(&a);
        xvmDomainObjEndAPI(&b);
    }

    /* A managed save image is seen at load. */
    {
        g_autofree char *image = xvmDomainConfigStoreManagedSavePath(f->store, "beta");
        g_autoptr(xvmDomainList) loaded = NULL;
        xvmDomainObj *a, *b;

        g_assert_true(g_str_has_prefix(image, f->state));
        g_assert_true(g_str_has_suffix(image, "/save/beta.save"));
        write_file(image, "image");
        loaded = reload(f, 2);
        a = xvmDomainListFindByName(loaded, "alpha", NULL);
        b = xvmDomainListFindByName(loaded, "beta", NULL);
        g_assert_false(a->has_managed_save);
        g_assert_true(b->has_managed_save);
        xvmDomainObjEndAPI(&a);
        xvmDomainObjEndAPI(&b);
        g_unlink(image);
    }

    /* A link that leads to another domain's config is not autostart. */
    {
        g_autofree char *beta_link = xvmDomainConfigStoreAutostartPath(f->store, "beta");
        g_autoptr(xvmDomainList) loaded = NULL;
        xvmDomainObj *b;

        g_assert_cmpint(symlink(config, beta_link), ==, 0);
        loaded = reload(f, 2);
        b = xvmDomainListFindByName(loaded, "beta", NULL);
        g_assert_false(b->autostart);
        xvmDomainObjEndAPI(&b);
        g_unlink(beta_link);
    }

    g_assert_true(xvmDomainConfigSetAutostart(f->store, "alpha", FALSE, &err));
    g_assert_false(g_file_test(link, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK));
    g_assert_true(xvmDomainConfigSetAutostart(f->store, "alpha", FALSE, &err));
    g_assert_no_error(err);

    /* Undefine removes link and config; undefining again is harmless. */
    g_assert_true(xvmDomainConfigSetAutostart(f->store, "alpha", TRUE, &err));
    g_assert_true(xvmDomainConfigDelete(f->store, "alpha", &err));
    g_assert_no_error(err);
    g_assert_false(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    g_assert_false(g_file_test(config, G_FILE_TEST_EXISTS));
    g_assert_true(xvmDomainConfigDelete(f->store, "alpha", &err));
    g_assert_no_error(err);
    {
        g_autoptr(xvmDomainList) loaded = reload(f, 1);
    }
}

static void
test_relative_dirs(void)
{
    g_autofree char *tmp = driverTestMkTemp();
    g_autofree char *cwd = g_get_current_dir();
    g_autoptr(GError) err = NULL;
    g_autoptr(xvmDomainConfigStore) store = NULL;
    g_autoptr(xvmDomainDef) def = driverTestDef("alpha", NULL);
    g_autofree char *link = NULL;
    g_autofree char *target = NULL;

    g_assert_cmpint(g_chdir(tmp), ==, 0);
    store = xvmDomainConfigStoreNew("state", "run", &err);
    g_assert_no_error(err);
    g_assert_true(xvmDomainConfigSave(store, def, &err));
    g_assert_true(xvmDomainConfigSetAutostart(store, "alpha", TRUE, &err));
    g_assert_no_error(err);
    link = xvmDomainConfigStoreAutostartPath(store, "alpha");
    target = g_file_read_link(link, &err);
    g_assert_no_error(err);
    g_assert_true(g_path_is_absolute(target));
    g_assert_true(g_str_has_prefix(target, tmp));
    g_assert_cmpint(g_chdir(cwd), ==, 0);
    driverTestRmTree(tmp);
}

/* A crash between writing the new file and renaming it over the old one:
 * the old one is intact, the temporary file is ignored, then cleaned. */
static void
test_atomic_interrupted(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *path = xvmDomainConfigStoreConfigPath(f->store, "alpha");
    g_autofree char *old_xml = NULL;
    g_autofree char *tmp = NULL;
    g_autofree char *tmp_run = NULL;
    g_autofree char *status_path = xvmDomainConfigStoreStatusPath(f->store, "alpha");
    xvmDomainObj *obj = define_saved(f, "alpha");
    xvmDomainDef *def = xvmDomainObjGetPersistentDef(obj);
    g_autofree char *new_xml = NULL;

    old_xml = read_file(path);
    def->memory = 2097152;
    new_xml = format_inactive(def);
    g_assert_cmpstr(new_xml, !=, old_xml);

    tmp = xvmAtomicFilePrepare(path, new_xml, strlen(new_xml), 0600, &err);
    g_assert_no_error(err);
    g_assert_true(xvmAtomicFileIsTemp(strrchr(tmp, '/') + 1));
    /* A temporary file in RUN too, and a half-written one in autostart. */
    tmp_run = xvmAtomicFilePrepare(status_path, "<domstatus", 10, 0600, &err);
    g_assert_no_error(err);
    {
        g_autofree char *half = g_build_filename(f->state, "autostart",
                                                 "alpha.xml.tmp-Ab12Cd", NULL);
        g_autofree char *image = g_build_filename(f->state, "save",
                                                  "alpha.save.tmp-Ef34Gh", NULL);

        write_file(half, "garbage");
        /* And a managed save image cut short. */
        write_file(image, "LibvirtXlSave");
    }
    /* "Crash" here. */
    g_assert_cmpuint(driverTestCountTemps(f->state), ==, 1);

    {
        g_autofree char *now = read_file(path);
        g_autoptr(xvmDomainList) loaded = NULL;
        g_autoptr(GPtrArray) statuses = NULL;
        g_autofree char *autostart_dir = g_build_filename(f->state, "autostart", NULL);
        g_autofree char *save_dir = g_build_filename(f->state, "save", NULL);
        xvmDomainObj *back;

        g_assert_cmpstr(now, ==, old_xml);
        loaded = reload(f, 1);                    /* no warning: temp ignored */
        back = xvmDomainListFindByName(loaded, "alpha", NULL);
        g_assert_cmpuint(xvmDomainObjGetPersistentDef(back)->memory, ==, 262144);
        xvmDomainObjEndAPI(&back);
        g_assert_cmpuint(driverTestCountTemps(f->state), ==, 0);
        g_assert_cmpuint(driverTestCountTemps(autostart_dir), ==, 0);
        g_assert_cmpuint(driverTestCountTemps(save_dir), ==, 0);
        g_assert_false(g_file_test(tmp, G_FILE_TEST_EXISTS));

        statuses = xvmDomainStatusLoadAll(f->store);
        g_assert_cmpuint(statuses->len, ==, 0);
        g_assert_cmpuint(driverTestCountTemps(f->run), ==, 0);
    }

    /* The same two steps completed replace the file. */
    g_clear_pointer(&tmp, g_free);
    tmp = xvmAtomicFilePrepare(path, new_xml, strlen(new_xml), 0600, &err);
    g_assert_true(xvmAtomicFileCommit(tmp, path, &err));
    g_assert_no_error(err);
    {
        g_autofree char *now = read_file(path);

        g_assert_cmpstr(now, ==, new_xml);
    }
    xvmDomainObjEndAPI(&obj);
}

static void
test_atomic_errors(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *missing = g_build_filename(f->tmp, "no", "such", "x.xml", NULL);
    g_autofree char *path = g_build_filename(f->tmp, "x.xml", NULL);
    g_autofree char *tmp = NULL;

    g_assert_false(xvmAtomicFileWrite(missing, "x", 1, 0600, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_assert_nonnull(strstr(err->message, "No such file or directory"));
    g_clear_error(&err);

    /* A failed rename leaves no temporary file behind. */
    tmp = xvmAtomicFilePrepare(path, "x", 1, 0600, &err);
    g_assert_no_error(err);
    g_assert_false(xvmAtomicFileCommit(tmp, missing, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_clear_error(&err);
    g_assert_false(g_file_test(tmp, G_FILE_TEST_EXISTS));

    /* Only our temporary names are temporary. */
    g_assert_true(xvmAtomicFileIsTemp("a.xml.tmp-Zz09aB"));
    g_assert_false(xvmAtomicFileIsTemp("a.xml"));
    g_assert_false(xvmAtomicFileIsTemp("a.xml.tmp-Zz09aB.xml"));
    g_assert_false(xvmAtomicFileIsTemp("a.xml.tmp-Zz09a"));
    g_assert_false(xvmAtomicFileIsTemp("a.xml.tmp-Zz.9aB"));
    g_assert_false(xvmAtomicFileIsTemp(".tmp-Zz09aB"));
}

static void
expect_skip(const char *what)
{
    g_autofree char *pattern = g_strdup_printf("skipping domain %s *", what);

    g_test_expect_message("xvm-driver", G_LOG_LEVEL_WARNING, pattern);
}

static void
test_bad_configs_skipped(Fixture *f, gconstpointer data)
{
    g_autofree char *good = driverTestDomainXML("good", NULL, 1, 262144);
    g_autofree char *other = driverTestDomainXML("other", NULL, 1, 262144);
    g_autofree char *dup_uuid = NULL;
    g_autofree char *path = NULL;
    char uuid[XVM_UUID_STRING_BUFLEN];
    int fd;

    /* good.xml is fine; the others are each wrong in one way. */
    path = g_build_filename(f->state, "good.xml", NULL);
    write_file(path, good);
    g_free(path);
    path = g_build_filename(f->state, "garbage.xml", NULL);
    write_file(path, "this is not XML <<<");
    g_free(path);
    path = g_build_filename(f->state, "half.xml", NULL);
    {
        g_autofree char *half = driverTestDomainXML("half", NULL, 1, 262144);

        half[strlen(half) / 2] = '\0';
        write_file(path, half);
    }
    g_free(path);
    path = g_build_filename(f->state, "renamed.xml", NULL);   /* holds "other" */
    write_file(path, other);
    g_free(path);
    driverTestNameUuid("good", uuid);                        /* good's uuid again */
    dup_uuid = driverTestDomainXML("twin", uuid, 1, 262144);
    path = g_build_filename(f->state, "twin.xml", NULL);
    write_file(path, dup_uuid);
    g_free(path);
    path = g_build_filename(f->state, "invalid.xml", NULL);  /* parses, fails validation */
    write_file(path, "<domain type='kvm'><name>invalid</name><memory>1</memory>"
                     "<os><type>linux</type></os></domain>");
    g_free(path);
    path = g_build_filename(f->state, "fifo.xml", NULL);
    g_assert_cmpint(mkfifo(path, 0600), ==, 0);
    g_free(path);
    path = g_build_filename(f->state, "dir.xml", NULL);
    g_assert_cmpint(g_mkdir(path, 0700), ==, 0);
    g_free(path);
    path = g_build_filename(f->state, "huge.xml", NULL);
    fd = g_open(path, O_WRONLY | O_CREAT, 0600);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, XVM_DOMAIN_XML_MAX_BYTES + 1), ==, 0);
    close(fd);
    g_free(path);
    path = g_build_filename(f->state, "link.xml", NULL);
    g_assert_cmpint(symlink("good.xml", path), ==, 0);
    g_free(path);
    path = g_build_filename(f->state, "empty.xml", NULL);
    write_file(path, "");
    g_free(path);
    path = g_build_filename(f->state, "notes.txt", NULL);    /* not a config */
    write_file(path, "ignored");

    /* In name order: dir, empty, fifo, garbage, half, huge, invalid,
     * link, renamed, twin. */
    for (guint i = 0; i < 10; i++)
        expect_skip("config");
    {
        g_autoptr(xvmDomainList) loaded = reload(f, 1);
        xvmDomainObj *obj = xvmDomainListFindByName(loaded, "good", NULL);

        g_test_assert_expected_messages();
        g_assert_nonnull(obj);
        xvmDomainObjEndAPI(&obj);
        g_assert_cmpuint(xvmDomainListCount(loaded, FALSE), ==, 1);
    }
}

/* ---- status --------------------------------------------------------------- */

static void
start(Fixture *f, xvmDomainObj *obj, int domid)
{
    g_autoptr(GError) err = NULL;

    g_assert_nonnull(xvmDomainObjPrepareLiveDef(obj, &err));
    g_assert_true(xvmDomainListSetActive(f->doms, obj, domid, VIR_DOMAIN_RUNNING,
                                         VIR_DOMAIN_RUNNING_BOOTED, &err));
    g_assert_no_error(err);
    g_assert_true(xvmDomainStatusSave(f->store, obj, &err));
    g_assert_no_error(err);
}

static char *
format_live(const xvmDomainDef *def)
{
    g_autoptr(GError) err = NULL;
    char *xml = xvmDomainDefFormat(def, XVM_DOMAIN_XML_SECURE, &err);

    g_assert_no_error(err);
    return xml;
}

static void
test_status_roundtrip(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) statuses = NULL;
    g_autofree char *status_path = xvmDomainConfigStoreStatusPath(f->store, "alpha");
    g_autofree char *live_xml = NULL;
    g_autofree char *contents = NULL;
    xvmDomainObj *alpha = define_saved(f, "alpha");
    xvmDomainObj *trans;
    xvmDomainDef *def = driverTestDef("trans", NULL);

    start(f, alpha, 17);
    xvmDomainObjSetState(alpha, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    g_assert_true(xvmDomainStatusSave(f->store, alpha, &err));
    live_xml = format_live(xvmDomainObjGetDef(alpha));
    contents = read_file(status_path);
    g_assert_true(g_str_has_prefix(contents,
                  "<domstatus state='paused' reason='user' domid='17'>\n<domain type='xen' id='17'>"));
    g_assert_true(g_str_has_suffix(contents, "</domain>\n</domstatus>\n"));

    trans = xvmDomainListAdd(f->doms, &def, XVM_DOMAIN_LIST_ADD_LIVE, NULL, &err);
    g_assert_no_error(err);
    start(f, trans, 18);

    /* Daemon restart: configs first, then statuses. */
    {
        g_autoptr(xvmDomainList) loaded = reload(f, 1);
        xvmDomainObj *obj;
        g_autofree char *back_xml = NULL;
        xvmDomainStatus *st;
        int reason;

        statuses = xvmDomainStatusLoadAll(f->store);
        g_assert_cmpuint(statuses->len, ==, 2);
        st = g_ptr_array_index(statuses, 0);             /* sorted: alpha */
        g_assert_cmpstr(st->def->name, ==, "alpha");
        g_assert_cmpint(st->domid, ==, 17);
        g_assert_cmpint(st->state, ==, VIR_DOMAIN_PAUSED);
        g_assert_cmpint(st->reason, ==, VIR_DOMAIN_PAUSED_USER);
        g_assert_cmpint(st->def->id, ==, 17);
        back_xml = format_live(st->def);
        g_assert_cmpstr(back_xml, ==, live_xml);

        /* The hypervisor still runs it: reattach. */
        obj = xvmDomainStatusAttach(loaded, st, &err);
        g_assert_no_error(err);
        g_assert_true(xvmDomainObjIsActive(obj));
        g_assert_true(xvmDomainObjIsPersistent(obj));
        g_assert_true(obj->has_been_started);
        g_assert_cmpint(xvmDomainObjGetState(obj, &reason), ==, VIR_DOMAIN_PAUSED);
        g_assert_cmpint(reason, ==, VIR_DOMAIN_PAUSED_USER);
        g_clear_pointer(&back_xml, g_free);
        back_xml = format_live(xvmDomainObjGetDef(obj));
        g_assert_cmpstr(back_xml, ==, live_xml);
        xvmDomainObjEndAPI(&obj);

        obj = xvmDomainListFindByID(loaded, 17, &err);
        g_assert_no_error(err);
        g_assert_cmpstr(obj->name, ==, "alpha");
        xvmDomainObjEndAPI(&obj);

        /* The transient one comes back transient. */
        st = g_ptr_array_index(statuses, 1);
        obj = xvmDomainStatusAttach(loaded, st, &err);
        g_assert_no_error(err);
        g_assert_false(xvmDomainObjIsPersistent(obj));
        g_assert_cmpint(obj->domid, ==, 18);
        xvmDomainObjEndAPI(&obj);

        /* Attaching twice is refused and changes nothing. */
        g_clear_pointer(&statuses, g_ptr_array_unref);
        statuses = xvmDomainStatusLoadAll(f->store);
        g_assert_null(xvmDomainStatusAttach(loaded, g_ptr_array_index(statuses, 0), &err));
        g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
        g_clear_error(&err);
        g_assert_cmpuint(xvmDomainListCount(loaded, TRUE), ==, 2);
    }

    /* Stop: the status goes away. */
    g_assert_true(xvmDomainStatusDelete(f->store, "alpha", &err));
    g_assert_no_error(err);
    g_assert_false(g_file_test(status_path, G_FILE_TEST_EXISTS));
    g_assert_true(xvmDomainStatusDelete(f->store, "alpha", &err));
    g_clear_pointer(&statuses, g_ptr_array_unref);
    statuses = xvmDomainStatusLoadAll(f->store);
    g_assert_cmpuint(statuses->len, ==, 1);
    xvmDomainObjEndAPI(&alpha);
    xvmDomainObjEndAPI(&trans);
}

/* A status document around the live XML of a domain named `name`. */
static char *
status_doc(const char *attrs, const char *name, const char *inner_extra)
{
    g_autofree char *xml = driverTestDomainXML(name, NULL, 1, 262144);
    g_autoptr(GError) err = NULL;
    g_autoptr(xvmDomainDef) def = xvmDomainDefParseString(xml, -1, 0, &err);
    g_autofree char *live = NULL;

    g_assert_no_error(err);
    def->id = 9;
    live = format_live(def);
    return g_strdup_printf("<domstatus %s>\n%s%s</domstatus>\n", attrs, live,
                           inner_extra ? inner_extra : "");
}

static void
test_status_bad(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *attrs;
        const char *extra;
        int code;
        const char *message;        /* a substring */
    } cases[] = {
        { "state='running' reason='booted' domid='9'", NULL, -1, NULL },    /* good */
        { "state='shutoff' reason='destroyed' domid='9'", NULL,
          VIR_ERR_XML_ERROR, "invalid domain state 'shutoff'" },
        { "state='sleeping' reason='booted' domid='9'", NULL,
          VIR_ERR_XML_ERROR, "invalid domain state 'sleeping'" },
        { "state='running' reason='user' domid='9'", NULL,
          VIR_ERR_XML_ERROR, "invalid reason 'user' for domain state 'running'" },
        { "state='running' reason='booted' domid='0'", NULL,
          VIR_ERR_XML_ERROR, "invalid domain id '0'" },
        { "state='running' reason='booted' domid='32752'", NULL,
          VIR_ERR_XML_ERROR, "invalid domain id '32752'" },
        { "state='running' reason='booted' domid='9x'", NULL,
          VIR_ERR_XML_ERROR, "invalid domain id '9x'" },
        { "state='running' reason='booted' domid='99999999999999999999'", NULL,
          VIR_ERR_XML_ERROR, "invalid domain id" },
        { "state='running' reason='booted' domid='8'", NULL,
          VIR_ERR_XML_ERROR, "domain id 9 of <domain> differs from domid 8" },
        { "state='running' reason='booted'", NULL,
          VIR_ERR_XML_ERROR, "missing attribute 'domid'" },
        { "reason='booted' domid='9'", NULL,
          VIR_ERR_XML_ERROR, "missing attribute 'state'" },
        { "state='running' reason='booted' domid='9'", "<domain/>\n",
          VIR_ERR_XML_ERROR, "unexpected element <domain> in <domstatus>" },
        { "state='running' reason='booted' domid='9'", "<extra/>\n",
          VIR_ERR_XML_ERROR, "unexpected element <extra>" },
    };
    static const struct {
        const char *doc;
        int code;
        const char *message;
    } raw[] = {
        { "", VIR_ERR_XML_ERROR, "0 bytes" },
        { "<domstatus", VIR_ERR_XML_DETAIL, "malformed domain status document" },
        { "<domstatus state='running' reason='booted' domid='9'/>",
          VIR_ERR_XML_ERROR, "<domstatus> has no <domain>" },
        { "<status/>", VIR_ERR_XML_ERROR, "unexpected root element <status>" },
        { "<!DOCTYPE domstatus [<!ENTITY x 'y'>]><domstatus/>",
          VIR_ERR_XML_ERROR, "<!DOCTYPE>" },
        { "<domstatus state='running' reason='booted' domid='9'>"
          "<domain type='xen'><name>x</name></domain></domstatus>",
          VIR_ERR_XML_ERROR, NULL },                  /* the domain parser's */
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *doc = status_doc(cases[i].attrs, "alpha", cases[i].extra);
        g_autoptr(GError) err = NULL;
        g_autoptr(xvmDomainStatus) st = xvmDomainStatusParse(doc, strlen(doc), &err);

        g_test_message("case %u: %s", i, cases[i].attrs);
        if (cases[i].code < 0) {
            g_assert_no_error(err);
            g_assert_nonnull(st);
            continue;
        }
        g_assert_null(st);
        g_assert_error(err, XVM_CONF_ERROR, cases[i].code);
        g_assert_nonnull(strstr(err->message, cases[i].message));
    }
    for (guint i = 0; i < G_N_ELEMENTS(raw); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(xvmDomainStatus) st = xvmDomainStatusParse(raw[i].doc, strlen(raw[i].doc),
                                                             &err);

        g_test_message("raw %u", i);
        g_assert_null(st);
        g_assert_error(err, XVM_CONF_ERROR, raw[i].code);
        if (raw[i].message)
            g_assert_nonnull(strstr(err->message, raw[i].message));
    }

    /* On disk: bad ones skipped with a warning, the good one loads. */
    {
        g_autofree char *good = status_doc(cases[0].attrs, "good", NULL);
        g_autofree char *wrong_name = status_doc(cases[0].attrs, "other", NULL);
        g_autofree char *bad = status_doc(cases[1].attrs, "bad", NULL);
        g_autofree char *p1 = xvmDomainConfigStoreStatusPath(f->store, "good");
        g_autofree char *p2 = xvmDomainConfigStoreStatusPath(f->store, "renamed");
        g_autofree char *p3 = xvmDomainConfigStoreStatusPath(f->store, "bad");
        g_autoptr(GPtrArray) statuses = NULL;

        write_file(p1, good);
        write_file(p2, wrong_name);
        write_file(p3, bad);
        expect_skip("status");
        expect_skip("status");
        statuses = xvmDomainStatusLoadAll(f->store);
        g_test_assert_expected_messages();
        g_assert_cmpuint(statuses->len, ==, 1);
        g_assert_cmpstr(((xvmDomainStatus *)statuses->pdata[0])->def->name, ==, "good");
        /* Left in place for inspection. */
        g_assert_true(g_file_test(p3, G_FILE_TEST_EXISTS));
    }
}

/* ---- define / undefine / autostart ------------------------------------- */

static xvmDomainObj *
define_ok(Fixture *f, xvmDomainDef *def, gboolean expect_replaced)
{
    g_autoptr(GError) err = NULL;
    gboolean replaced = !expect_replaced;
    xvmDomainObj *obj = xvmDomainDefine(f->doms, f->store, &def, &replaced, &err);

    g_assert_no_error(err);
    g_assert_nonnull(obj);
    g_assert_null(def);
    g_assert_cmpint(replaced, ==, expect_replaced);
    return obj;
}

static guint64
config_memory(Fixture *f, const char *name)
{
    g_autofree char *path = xvmDomainConfigStoreConfigPath(f->store, name);
    g_autofree char *xml = read_file(path);
    g_autoptr(GError) err = NULL;
    g_autoptr(xvmDomainDef) def = xvmDomainDefParseString(xml, -1, XVM_DOMAIN_PARSE_INACTIVE,
                                                          &err);

    g_assert_no_error(err);
    return def->memory;
}

static void
test_define_undefine(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *config = xvmDomainConfigStoreConfigPath(f->store, "alpha");
    g_autofree char *link = xvmDomainConfigStoreAutostartPath(f->store, "alpha");
    xvmDomainDef *def = driverTestDef("alpha", NULL);
    xvmDomainObj *obj = define_ok(f, def, FALSE);
    xvmDomainObj *again;

    g_assert_cmpuint(config_memory(f, "alpha"), ==, 262144);
    xvmDomainObjEndAPI(&obj);
    def = driverTestDef("alpha", NULL);
    def->memory = 524288;
    again = define_ok(f, def, TRUE);
    g_assert_cmpuint(config_memory(f, "alpha"), ==, 524288);
    g_assert_cmpuint(xvmDomainObjGetPersistentDef(again)->memory, ==, 524288);
    obj = g_steal_pointer(&again);

    g_assert_true(xvmDomainSetAutostart(f->store, obj, TRUE, &err));
    g_assert_no_error(err);
    g_assert_true(obj->autostart);
    g_assert_true(g_file_test(link, G_FILE_TEST_IS_SYMLINK));

    /* Undefine an inactive domain: files and object gone. */
    g_assert_true(xvmDomainUndefine(f->doms, f->store, obj, &err));
    g_assert_no_error(err);
    g_assert_false(g_file_test(config, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    g_assert_null(xvmDomainListFindByName(f->doms, "alpha", NULL));
    xvmDomainObjEndAPI(&obj);

    /* Undefine a running domain: it runs on, transient, until it stops. */
    obj = define_ok(f, driverTestDef("alpha", NULL), FALSE);
    g_assert_nonnull(xvmDomainObjPrepareLiveDef(obj, NULL));
    g_assert_true(xvmDomainListSetActive(f->doms, obj, 3, VIR_DOMAIN_RUNNING,
                                         VIR_DOMAIN_RUNNING_BOOTED, NULL));
    g_assert_true(xvmDomainUndefine(f->doms, f->store, obj, &err));
    g_assert_false(g_file_test(config, G_FILE_TEST_EXISTS));
    g_assert_false(xvmDomainObjIsPersistent(obj));
    g_assert_true(xvmDomainObjIsActive(obj));

    /* Transient: neither undefine nor autostart. */
    g_assert_false(xvmDomainUndefine(f->doms, f->store, obj, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_assert_cmpstr(err->message, ==, "cannot undefine transient domain");
    g_clear_error(&err);
    g_assert_false(xvmDomainSetAutostart(f->store, obj, TRUE, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_INVALID);
    g_assert_cmpstr(err->message, ==, "cannot set autostart for transient domain");
    g_clear_error(&err);
    g_assert_false(g_file_test(link, G_FILE_TEST_IS_SYMLINK));

    g_assert_true(xvmDomainListSetInactive(f->doms, obj, VIR_DOMAIN_SHUTOFF_SHUTDOWN));
    g_assert_null(xvmDomainListFindByName(f->doms, "alpha", NULL));
    xvmDomainObjEndAPI(&obj);
}

/* The config cannot be written: the list is left as it was. */
static void
test_define_rollback(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *long_name = g_strnfill(300, 'n');       /* > NAME_MAX */
    g_autofree char *config = xvmDomainConfigStoreConfigPath(f->store, "alpha");
    xvmDomainDef *def = driverTestDef(long_name, NULL);
    xvmDomainObj *obj;

    /* A new domain: not listed afterwards, *def still the caller's. */
    g_assert_null(xvmDomainDefine(f->doms, f->store, &def, NULL, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_clear_error(&err);
    g_assert_null(def);                                      /* taken */
    g_assert_null(xvmDomainListFindByName(f->doms, long_name, NULL));
    g_assert_cmpuint(xvmDomainListCount(f->doms, FALSE), ==, 0);

    /* An update: the previous definition is back. Turning the config
     * file into a directory makes the rename fail. */
    obj = define_ok(f, driverTestDef("alpha", NULL), FALSE);
    xvmDomainObjUnlock(obj);
    g_assert_cmpint(g_unlink(config), ==, 0);
    g_assert_cmpint(g_mkdir(config, 0700), ==, 0);
    def = driverTestDef("alpha", NULL);
    def->memory = 1048576;
    g_assert_null(xvmDomainDefine(f->doms, f->store, &def, NULL, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_clear_error(&err);
    xvmDomainObjLock(obj);
    g_assert_true(xvmDomainObjIsPersistent(obj));
    g_assert_cmpuint(xvmDomainObjGetPersistentDef(obj)->memory, ==, 262144);
    g_assert_cmpuint(driverTestCountTemps(f->state), ==, 0);

    /* An undefine that cannot remove the config changes nothing. */
    g_assert_false(xvmDomainUndefine(f->doms, f->store, obj, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_clear_error(&err);
    g_assert_true(xvmDomainObjIsPersistent(obj));
    g_assert_false(obj->removing);
    g_assert_cmpint(g_rmdir(config), ==, 0);
    g_assert_true(xvmDomainUndefine(f->doms, f->store, obj, &err));
    g_assert_no_error(err);
    xvmDomainObjEndAPI(&obj);

    /* Defining a running transient domain: transient again. */
    def = driverTestDef("alpha", NULL);
    obj = xvmDomainListAdd(f->doms, &def, XVM_DOMAIN_LIST_ADD_LIVE, NULL, &err);
    g_assert_no_error(err);
    g_assert_true(xvmDomainListSetActive(f->doms, obj, 4, VIR_DOMAIN_RUNNING,
                                         VIR_DOMAIN_RUNNING_BOOTED, &err));
    xvmDomainObjUnlock(obj);
    g_assert_cmpint(g_mkdir(config, 0700), ==, 0);
    def = driverTestDef("alpha", NULL);
    g_assert_null(xvmDomainDefine(f->doms, f->store, &def, NULL, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_clear_error(&err);
    g_assert_null(def);
    xvmDomainObjLock(obj);
    g_assert_false(xvmDomainObjIsPersistent(obj));
    g_assert_true(xvmDomainObjIsActive(obj));
    xvmDomainObjEndAPI(&obj);

    /* A conflict: nothing listed, *def taken all the same. */
    def = driverTestDef("alpha", "11111111-2222-4333-8444-555555555555");
    g_assert_null(xvmDomainDefine(f->doms, f->store, &def, NULL, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_null(def);
}

static void
test_store_dir_errors(void)
{
    g_autofree char *tmp = driverTestMkTemp();
    g_autofree char *file = g_build_filename(tmp, "file", NULL);
    g_autofree char *under = g_build_filename(file, "state", NULL);
    g_autoptr(GError) err = NULL;

    write_file(file, "x");
    g_assert_null(xvmDomainConfigStoreNew(under, tmp, &err));
    g_assert_error(err, XVM_CONF_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_assert_nonnull(strstr(err->message, "cannot create directory"));
    driverTestRmTree(tmp);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
    ADD("/driver/store/config-roundtrip", test_config_roundtrip);
    ADD("/driver/store/autostart", test_autostart);
    ADD("/driver/store/atomic-interrupted", test_atomic_interrupted);
    ADD("/driver/store/atomic-errors", test_atomic_errors);
    ADD("/driver/store/bad-configs-skipped", test_bad_configs_skipped);
    ADD("/driver/store/status-roundtrip", test_status_roundtrip);
    ADD("/driver/store/status-bad", test_status_bad);
    ADD("/driver/store/define-undefine", test_define_undefine);
    ADD("/driver/store/define-rollback", test_define_rollback);
#undef ADD
    g_test_add_func("/driver/store/relative-dirs", test_relative_dirs);
    g_test_add_func("/driver/store/dir-errors", test_store_dir_errors);
    return g_test_run();
}
