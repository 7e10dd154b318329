/* Messages over xvm-simhv's SOCK_SEQPACKET socket, with file descriptors
 * (SCM_RIGHTS): the framing both ends share (simhv_proto.h says what the
 * messages hold). Plain C, no GLib: xenstored links it.
 *
 * Errors: -1 with errno set. */
#ifndef XVM_SIMHV_CONN_H
#define XVM_SIMHV_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A blocking, close-on-exec connection to the daemon at path. */
int simhv_connect(const char *path);

/* Sends one message: head then body (either may be empty) with nfds
 * descriptors (at most SIMHV_MAX_FDS). Never blocks with flags
 * MSG_DONTWAIT (EAGAIN then). */
int simhv_send(int sock, const void *head, size_t head_len,
	       const void *body, size_t body_len,
	       const int *fds, unsigned int nfds, int flags);

/* Receives one message into buf: its length (0: the peer closed), or -1.
 * fds[0..SIMHV_MAX_FDS) get the descriptors received (close-on-exec; -1
 * past *nfds). A message longer than cap or with more descriptors than
 * SIMHV_MAX_FDS is EMSGSIZE, and what came with it is closed. */
ssize_t simhv_recv(int sock, void *buf, size_t cap, int *fds,
		   unsigned int *nfds, int flags);

/* One round trip of a client. On success 0: out gets the reply body
 * (*out_len: in, its size; out, the bytes received) and out_fds the
 * descriptors (exactly want_fds, else EPROTO). On failure -1 with errno:
 * the daemon's error code, with its message copied into msg (NUL-
 * terminated, truncated to msg_size), or a transport error (msg says
 * which). */
int simhv_call(int sock, uint32_t op, const void *req, size_t req_len,
	       const int *fds, unsigned int nfds,
	       void *out, size_t *out_len, int *out_fds, unsigned int want_fds,
	       char *msg, size_t msg_size);

#endif
