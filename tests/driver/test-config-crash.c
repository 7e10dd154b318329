/*
 * test-config-crash.c: issue 6, "no config file is ever left half
 * written (kill -9 during define, then check)".
 *
 * A child process redefines one domain in a loop, alternating two large
 * definitions; the parent kills it with SIGKILL at a random moment, then
 * checks that the config file parses and is exactly one of the two
 * documents, and that loading the store loads it and removes the
 * temporary file the kill may have left. Repeated ITERATIONS times; at
 * least one kill must have landed while a temporary file existed
 * (otherwise the test did not test the window it is about).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "domain_config_store.h"
#include "driver_test_util.h"

#define ITERATIONS 60
#define NAME "crash-guest"

static xvmDomainDef *
big_def(guint ndisks, guint64 memory)
{
    g_autofree char *xml = driverTestDomainXML(NAME, NULL, ndisks, memory);
    g_autoptr(GError) err = NULL;
    xvmDomainDef *def = xvmDomainDefParseString(xml, -1, XVM_DOMAIN_PARSE_INACTIVE, &err);

    g_assert_no_error(err);
    return def;
}

static char *
format(const xvmDomainDef *def)
{
    return xvmDomainDefFormat(def, XVM_DOMAIN_XML_INACTIVE | XVM_DOMAIN_XML_SECURE, NULL);
}

/* The child: define A, tell the parent, then define B, A, B... forever. */
static G_GNUC_NORETURN void
rewrite_forever(const char *state, const char *run, xvmDomainDef *a, xvmDomainDef *b,
                int ready_fd)
{
    g_autoptr(xvmDomainConfigStore) store = xvmDomainConfigStoreNew(state, run, NULL);

    if (!store || !xvmDomainConfigSave(store, a, NULL) || write(ready_fd, "r", 1) != 1)
        _exit(2);
    for (guint i = 0;; i++) {
        if (!xvmDomainConfigSave(store, i % 2 ? a : b, NULL))
            _exit(3);
    }
}

static void
test_kill9_during_define(void)
{
    g_autofree char *tmp = driverTestMkTemp();
    g_autofree char *state = g_build_filename(tmp, "state", NULL);
    g_autofree char *run = g_build_filename(tmp, "run", NULL);
    g_autoptr(xvmDomainDef) a = big_def(200, 262144);
    g_autoptr(xvmDomainDef) b = big_def(150, 524288);
    g_autofree char *xml_a = format(a);
    g_autofree char *xml_b = format(b);
    g_autoptr(GError) err = NULL;
    g_autoptr(xvmDomainConfigStore) store = xvmDomainConfigStoreNew(state, run, &err);
    g_autofree char *path = xvmDomainConfigStoreConfigPath(store, NAME);
    guint temps_seen = 0, seen_a = 0, seen_b = 0;

    g_assert_no_error(err);
    g_test_message("documents of %zu and %zu bytes", strlen(xml_a), strlen(xml_b));

    for (guint i = 0; i < ITERATIONS; i++) {
        g_autofree char *contents = NULL;
        g_autoptr(xvmDomainDef) parsed = NULL;
        g_autoptr(xvmDomainList) doms = xvmDomainListNew();
        int pipefd[2];
        char c;
        int status;
        pid_t pid;

        g_assert_cmpint(pipe(pipefd), ==, 0);
        pid = fork();
        g_assert_cmpint(pid, >=, 0);
        if (pid == 0) {
            close(pipefd[0]);
            rewrite_forever(state, run, a, b, pipefd[1]);
        }
        close(pipefd[1]);
        g_assert_cmpint(read(pipefd[0], &c, 1), ==, 1);     /* one complete define */
        close(pipefd[0]);
        g_usleep(g_random_int_range(0, 20000));
        g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
        g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
        g_assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

        temps_seen += driverTestCountTemps(state);

        g_file_get_contents(path, &contents, NULL, &err);
        g_assert_no_error(err);
        parsed = xvmDomainDefParseString(contents, -1, XVM_DOMAIN_PARSE_INACTIVE, &err);
        g_assert_no_error(err);
        if (strcmp(contents, xml_a) == 0)
            seen_a++;
        else if (strcmp(contents, xml_b) == 0)
            seen_b++;
        else
            g_assert_not_reached();

        g_assert_cmpuint(xvmDomainConfigLoadAll(store, doms), ==, 1);
        g_assert_cmpuint(driverTestCountTemps(state), ==, 0);
    }
    g_test_message("%u kills: file was A %u times, B %u times; %u left a temporary file",
                   ITERATIONS, seen_a, seen_b, temps_seen);
    g_assert_cmpuint(temps_seen, >, 0);
    driverTestRmTree(tmp);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/driver/store/kill9-during-define", test_kill9_during_define);
    return g_test_run();
}
