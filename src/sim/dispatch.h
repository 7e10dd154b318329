/* One request of simhv's protocol (src/hv/simhv_proto.h), from its bytes
 * to its reply: the parser and dispatcher of untrusted input, apart from
 * the socket so that the fuzzer drives it directly. */
#ifndef SIM_DISPATCH_H
#define SIM_DISPATCH_H

#include <stddef.h>

#include "machine.h"
#include "simhv_proto.h"

struct dispatch_reply {
	unsigned char buf[SIMHV_MSG_MAX];   /* struct simhv_reply + body */
	size_t len;
	int fds[SIMHV_MAX_FDS];             /* the caller sends and closes them */
	unsigned int nfds;
};

/* Handles the request msg (len bytes, header included) of the client
 * owner, with the descriptors it sent (closed here, whatever happens). */
void dispatch_request(struct machine *m, const void *owner,
		      const unsigned char *msg, size_t len,
		      int *fds, unsigned int nfds, struct dispatch_reply *rep);

#endif
