/* A libvirt RPC client for tests: raw frames over a unix socket, with
 * blocking I/O and timeouts, so tests can send anything, well-formed or
 * not. Failures of the test's own I/O abort the test (g_assert). */
#ifndef XVM_TEST_RPC_WIRE_H
#define XVM_TEST_RPC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "message.h"
#include "net_protocol.h"
#include "remote_protocol.h"

int wire_connect(const char *path);

/* Writes bytes as they are. false when the peer is gone. */
bool wire_write(int fd, const void *buf, size_t len);

/* Frames and writes a message of the REMOTE program. */
void wire_send(int fd, uint32_t prog, uint32_t vers, int proc, int type, uint32_t serial,
	       int status, xdrproc_t filter, const void *payload);
void wire_call(int fd, int proc, uint32_t serial, xdrproc_t filter, const void *args);

/* One received frame. */
typedef struct wire_frame {
	xvm_net_header hdr;
	uint8_t *data;          /* the whole frame */
	size_t len;
} wire_frame;
void wire_frame_free(wire_frame *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(wire_frame, wire_frame_free)

/* The next frame, or NULL on EOF or after timeout_ms without one. */
wire_frame *wire_recv(int fd, int timeout_ms);
/* True when the peer closed the connection within timeout_ms (pending
 * frames are skipped). */
bool wire_wait_eof(int fd, int timeout_ms);

/* Decodes the frame's payload with filter into out (zeroed first). */
void wire_decode(const wire_frame *f, xdrproc_t filter, void *out);

/* Receives the reply to serial (skipping MESSAGEs) and checks it is OK;
 * decodes it into ret when filter is set. */
void wire_expect_ok(int fd, uint32_t serial, xdrproc_t filter, void *ret);
/* Receives the reply to serial and checks it is an error with code;
 * returns its message (g_free). */
char *wire_expect_error(int fd, uint32_t serial, int code);

/* CONNECT_OPEN of uri (NULL: none) with flags; asserts success. */
void wire_open(int fd, const char *uri, unsigned int flags, uint32_t serial);

#endif
