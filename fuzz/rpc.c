/*
 * libFuzzer target: the libvirt RPC server's framing, header checks and
 * dispatch (src/rpc), in-process: the input is what one client writes on
 * its socket, the server is xvmd's (REMOTE connection procedures,
 * KEEPALIVE), and the client half-closes after the input.
 *
 * Input: one flags byte, then the bytes of the connection.
 *   flags bit 0: the client came in on the read-only socket.
 *
 * The server must survive anything, answer or drop the client, and be
 * left with no client afterwards (LeakSanitizer checks the memory).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib.h>

#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static GMainContext *ctx;
static rpc_server *srv;

/* Reads what the server wrote, so that it never blocks on a full socket. */
static void drain(int fd)
{
	char buf[65536];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fds[2];
	size_t off = 1;

	if (size < 1)
		return 0;
	if (!srv) {
		ctx = g_main_context_new();
		srv = rpc_server_new(ctx);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
		return 0;
	g_main_context_push_thread_default(ctx);
	rpc_server_add_client_fd(srv, fds[0], data[0] & 1);
	/* Written piecewise, with the server running in between. */
	while (off < size) {
		ssize_t n = send(fds[1], data + off, size - off, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n <= 0 && rpc_server_client_count(srv) == 0)
			break;
		if (n > 0)
			off += (size_t)n;
		g_main_context_iteration(ctx, FALSE);
		drain(fds[1]);
	}
	shutdown(fds[1], SHUT_WR);
	/* Until the server let the client go (calls on workers included). */
	for (int i = 0; rpc_server_client_count(srv) > 0 && i < 100000; i++) {
		g_main_context_iteration(ctx, i > 100);
		drain(fds[1]);
	}
	g_assert_cmpuint(rpc_server_client_count(srv), ==, 0);
	/* Replies of worker calls that finish after the client left. */
	while (g_main_context_iteration(ctx, FALSE))
		;
	drain(fds[1]);
	close(fds[1]);
	g_main_context_pop_thread_default(ctx);
	return 0;
}
