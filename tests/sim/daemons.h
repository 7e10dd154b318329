/* Starting the daemons under test in a fresh directory, stopping them by
 * pid (tests/sim). */
#ifndef SIM_TEST_DAEMONS_H
#define SIM_TEST_DAEMONS_H

#include <glib.h>
#include <sys/types.h>

struct daemon {
	GPid pid;
	char *socket;
};

/* Runs argv (NULL-terminated; under valgrind with SIM_TEST_VALGRIND=1)
 * and waits until a unix socket of the given type accepts connections at
 * socket (30 s at most). */
void daemon_start(struct daemon *d, const char *const *argv, const char *socket,
		  int type);
/* SIGTERM, then its exit status must be 0. */
void daemon_stop(struct daemon *d);

/* Polls fd for input, up to ms milliseconds. */
gboolean fd_wait(int fd, int ms);

#endif
