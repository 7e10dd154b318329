/* A private xenstored for a test: started on a socket in a fresh
 * temporary directory (-N --socket DIR/socket), stopped by pid.
 * The daemon's path comes from $XSCLIENT_XENSTORED (set by meson). */
#ifndef XSCLIENT_TEST_DAEMON_H
#define XSCLIENT_TEST_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>

struct test_daemon {
	pid_t pid;
	char *dir;
	char *socket;
};

/* Fails the test when the daemon does not answer within 10 s. extra:
 * NULL-terminated extra options, or NULL. */
void test_daemon_start(struct test_daemon *d, const char *const *extra);
/* SIGTERM, waits; the daemon must exit with status 0. */
void test_daemon_stop(struct test_daemon *d);
/* SIGKILL, waits (the daemon "crashes"). */
void test_daemon_kill(struct test_daemon *d);
/* Removes the directory. */
void test_daemon_cleanup(struct test_daemon *d);

#endif
