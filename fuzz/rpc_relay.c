/*
 * libFuzzer target: the relay's side of an upstream connection
 * (src/rpc/relay.c), in-process: the input is what "libvirtd" writes on
 * the upstream socket, to a server whose client opened its connection and
 * made relayed calls (a pool listing, a volume download with its stream).
 *
 * Input: one flags byte, then the upstream's bytes.
 *   flags bit 0: the client came in on the read-only socket.
 *   flags bit 1: the client ends the download (STREAM OK, then a hole)
 *                after the upstream's bytes.
 *   flags bit 2: the client sends CONNECT_CLOSE after them.
 *
 * The server must survive anything the upstream says, pass on or drop
 * it, and be left with no client and no upstream connection afterwards
 * (LeakSanitizer checks the memory).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib.h>

#include "message.h"
#include "remote_protocol.h"
#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static GMainContext *ctx;
static rpc_server *srv;
static int listen_fd = -1;
static char *socket_dir, *socket_path;

/* libvirt's procedure numbers of the calls made. */
enum { LIST_ALL_STORAGE_POOLS = 281, STORAGE_VOL_DOWNLOAD = 209 };

static void drain(int fd)
{
	char buf[65536];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

static void send_frame(int fd, int proc, int type, uint32_t serial, int status,
		       xdrproc_t filter, const void *payload)
{
	xvm_net_header h = { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, proc, type, serial,
			     status };
	g_autoptr(rpc_message) m = rpc_message_encode(&h, filter, payload, NULL);

	if (m && send(fd, m->data, m->len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		return;   /* the server dropped the client: fine */
}

/* The upstream socket and its directory go with the process. */
static void remove_socket(void)
{
	unlink(socket_path);
	rmdir(socket_dir);
}

static void setup(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	socket_dir = g_dir_make_tmp("fuzz-relay-XXXXXX", NULL);
	g_assert_nonnull(socket_dir);
	socket_path = g_build_filename(socket_dir, "libvirt-sock", NULL);
	g_assert_cmpuint(strlen(socket_path), <, sizeof(addr.sun_path));
	strcpy(addr.sun_path, socket_path);
	atexit(remove_socket);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	g_assert_cmpint(listen_fd, >=, 0);
	g_assert_cmpint(bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
	g_assert_cmpint(listen(listen_fd, 16), ==, 0);
	ctx = g_main_context_new();
	srv = rpc_server_new(ctx);
	rpc_server_set_relay(srv, socket_path, false);
}

static void run_loop(int client, int upstream, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		g_main_context_iteration(ctx, FALSE);
		drain(client);
		if (upstream >= 0)
			drain(upstream);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *uri = (char *)"xen:///system";
	remote_connect_open_args open_args = { .name = &uri };
	int zero = 0;
	int fds[2];
	int up = -1;
	size_t off = 1;

	if (size < 1)
		return 0;
	if (!srv)
		setup();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
		return 0;
	g_main_context_push_thread_default(ctx);
	rpc_server_add_client_fd(srv, fds[0], data[0] & 1);

	send_frame(fds[1], REMOTE_PROC_CONNECT_OPEN, XVM_NET_CALL, 1, XVM_NET_OK,
		   (xdrproc_t)xdr_remote_connect_open_args, &open_args);
	send_frame(fds[1], LIST_ALL_STORAGE_POOLS, XVM_NET_CALL, 2, XVM_NET_OK,
		   (xdrproc_t)xdr_int, &zero);
	send_frame(fds[1], STORAGE_VOL_DOWNLOAD, XVM_NET_CALL, 3, XVM_NET_OK,
		   (xdrproc_t)xdr_int, &zero);
	for (int i = 0; i < 100 && up < 0; i++) {
		run_loop(fds[1], -1, 1);
		up = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	}

	/* The upstream's bytes, written piecewise, the server running. */
	while (up >= 0 && off < size) {
		ssize_t n = send(up, data + off, size - off, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n <= 0)
			break;
		off += (size_t)n;
		run_loop(fds[1], up, 2);
	}
	run_loop(fds[1], up, 10);
	if (data[0] & 2) {
		send_frame(fds[1], STORAGE_VOL_DOWNLOAD, XVM_NET_STREAM, 3, XVM_NET_OK,
			   NULL, NULL);
		send_frame(fds[1], STORAGE_VOL_DOWNLOAD, XVM_NET_STREAM_HOLE, 3, XVM_NET_OK,
			   (xdrproc_t)xdr_int, &zero);
	}
	if (data[0] & 4)
		send_frame(fds[1], REMOTE_PROC_CONNECT_CLOSE, XVM_NET_CALL, 4, XVM_NET_OK,
			   NULL, NULL);
	run_loop(fds[1], up, 10);

	/* The client goes; so must its upstream connections. */
	shutdown(fds[1], SHUT_WR);
	for (int i = 0; rpc_server_client_count(srv) > 0 && i < 100000; i++) {
		g_main_context_iteration(ctx, i > 100);
		drain(fds[1]);
	}
	g_assert_cmpuint(rpc_server_client_count(srv), ==, 0);
	while (g_main_context_iteration(ctx, FALSE))
		;
	if (up >= 0) {
		char buf[4096];
		ssize_t n;

		/* EOF (or a reset): xvmd closed its side. */
		while ((n = recv(up, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			;
		g_assert_true(n == 0 || errno != EAGAIN);
		close(up);
	}
	/* Other upstream connections the client made (after a failure). */
	while ((up = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		close(up);
	close(fds[1]);
	g_main_context_pop_thread_default(ctx);
	return 0;
}
