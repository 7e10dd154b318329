/* A raw libvirt RPC client for tests; see wire.h. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "wire.h"

int wire_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpuint(strlen(path), <, sizeof(addr.sun_path));
	strcpy(addr.sun_path, path);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		g_error("connect %s: %s", path, g_strerror(errno));
	return fd;
}

bool wire_write(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

void wire_send(int fd, uint32_t prog, uint32_t vers, int proc, int type, uint32_t serial,
	       int status, xdrproc_t filter, const void *payload)
{
	xvm_net_header h = { prog, vers, proc, type, serial, status };
	g_autoptr(rpc_message) m = rpc_message_encode(&h, filter, payload, NULL);

	g_assert_nonnull(m);
	g_assert_true(wire_write(fd, m->data, m->len));
}

void wire_call(int fd, int proc, uint32_t serial, xdrproc_t filter, const void *args)
{
	wire_send(fd, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, proc, XVM_NET_CALL,
		  serial, XVM_NET_OK, filter, args);
}

void wire_frame_free(wire_frame *f)
{
	if (!f)
		return;
	g_free(f->data);
	g_free(f);
}

/* Reads exactly len bytes; false on EOF or timeout. */
static bool read_full(int fd, uint8_t *buf, size_t len, int timeout_ms)
{
	while (len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, timeout_ms) <= 0)
			return false;
		n = recv(fd, buf, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

wire_frame *wire_recv(int fd, int timeout_ms)
{
	g_autoptr(wire_frame) f = g_new0(wire_frame, 1);
	uint8_t word[RPC_LEN_SIZE];
	uint32_t total;

	if (!read_full(fd, word, sizeof(word), timeout_ms))
		return NULL;
	g_assert_true(rpc_frame_length(word, &total, NULL));
	f->data = g_malloc(total);
	f->len = total;
	memcpy(f->data, word, sizeof(word));
	if (!read_full(fd, f->data + RPC_LEN_SIZE, total - RPC_LEN_SIZE, timeout_ms))
		return NULL;
	g_assert_true(rpc_header_decode(f->data, f->len, &f->hdr));
	return g_steal_pointer(&f);
}

bool wire_wait_eof(int fd, int timeout_ms)
{
	uint8_t buf[4096];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, timeout_ms) <= 0)
			return false;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return true;
		if (n < 0 && errno != EINTR)
			return false;
	}
}

void wire_decode(const wire_frame *f, xdrproc_t filter, void *out)
{
	g_assert_true(rpc_payload_decode(f->data, f->len, filter, out));
}

static wire_frame *recv_reply(int fd, uint32_t serial)
{
	for (;;) {
		wire_frame *f = wire_recv(fd, 30000);

		g_assert_nonnull(f);
		if (f->hdr.type == XVM_NET_REPLY) {
			g_assert_cmpuint(f->hdr.serial, ==, serial);
			return f;
		}
		wire_frame_free(f);
	}
}

void wire_expect_ok(int fd, uint32_t serial, xdrproc_t filter, void *ret)
{
	g_autoptr(wire_frame) f = recv_reply(fd, serial);

	if (f->hdr.status != XVM_NET_OK) {
		xvm_net_error e = { 0 };

		wire_decode(f, (xdrproc_t)xdr_xvm_net_error, &e);
		g_error("call %u failed: code %d: %s", serial, e.code,
			e.message ? *e.message : "(no message)");
	}
	if (filter)
		wire_decode(f, filter, ret);
	else
		g_assert_cmpuint(f->len, ==, RPC_FRAME_MIN);
}

char *wire_expect_error(int fd, uint32_t serial, int code)
{
	g_autoptr(wire_frame) f = recv_reply(fd, serial);
	xvm_net_error e = { 0 };
	char *msg;

	g_assert_cmpint(f->hdr.status, ==, XVM_NET_ERROR);
	wire_decode(f, (xdrproc_t)xdr_xvm_net_error, &e);
	g_assert_cmpint(e.code, ==, code);
	g_assert_cmpint(e.level, ==, 2 /* VIR_ERR_ERROR */);
	g_assert_nonnull(e.message);
	msg = g_strdup(*e.message);
	xdr_free((xdrproc_t)xdr_xvm_net_error, (char *)&e);
	return msg;
}

void wire_open(int fd, const char *uri, unsigned int flags, uint32_t serial)
{
	char *name = (char *)uri;
	remote_connect_open_args args = { .name = uri ? &name : NULL, .flags = flags };

	wire_call(fd, REMOTE_PROC_CONNECT_OPEN, serial,
		  (xdrproc_t)xdr_remote_connect_open_args, &args);
	wire_expect_ok(fd, serial, NULL, NULL);
}
