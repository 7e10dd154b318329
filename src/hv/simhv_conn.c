/* See simhv_conn.h. */
#include "simhv_conn.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "simhv_proto.h"

int simhv_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	if (!path || strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
		int saved = errno;
		close(s);
		errno = saved;
		return -1;
	}
	return s;
}

int simhv_send(int sock, const void *head, size_t head_len,
	       const void *body, size_t body_len,
	       const int *fds, unsigned int nfds, int flags)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)head, .iov_len = head_len },
		{ .iov_base = (void *)body, .iov_len = body_len },
	};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * SIMHV_MAX_FDS)];
	} ctl;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	if (nfds > SIMHV_MAX_FDS || head_len + body_len > SIMHV_MSG_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	if (nfds) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(sock, &mh, flags | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != head_len + body_len) {
		errno = EIO;   /* a seqpacket send is all or nothing */
		return -1;
	}
	return 0;
}

static void close_fds(int *fds, unsigned int *nfds)
{
	for (unsigned int i = 0; i < SIMHV_MAX_FDS; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
	*nfds = 0;
}

ssize_t simhv_recv(int sock, void *buf, size_t cap, int *fds,
		   unsigned int *nfds, int flags)
{
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	union {
		struct cmsghdr align;
		/* Room for more than we accept, to see (and close) extras. */
		char buf[CMSG_SPACE(sizeof(int) * 16)];
	} ctl;
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	bool too_many = false;
	ssize_t n;

	for (unsigned int i = 0; i < SIMHV_MAX_FDS; i++)
		fds[i] = -1;
	*nfds = 0;
	do
		n = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		size_t k;
		int got[16];

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (k > 16)
			k = 16;
		memcpy(got, CMSG_DATA(c), k * sizeof(int));
		for (size_t i = 0; i < k; i++) {
			if (*nfds < SIMHV_MAX_FDS) {
				fds[(*nfds)++] = got[i];
			} else {
				close(got[i]);
				too_many = true;
			}
		}
	}
	if (too_many || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		close_fds(fds, nfds);
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}

static void set_msg(char *msg, size_t size, const char *text, size_t len)
{
	if (!msg || !size)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(msg, text, len);
	msg[len] = '\0';
}

int simhv_call(int sock, uint32_t op, const void *req, size_t req_len,
	       const int *fds, unsigned int nfds,
	       void *out, size_t *out_len, int *out_fds, unsigned int want_fds,
	       char *msg, size_t msg_size)
{
	struct simhv_hdr h = { .op = op, .len = (uint32_t)req_len };
	static __thread unsigned char buf[SIMHV_MSG_MAX];
	struct simhv_reply rep;
	int got_fds[SIMHV_MAX_FDS];
	unsigned int ngot;
	ssize_t n;
	const char *why;

	if (simhv_send(sock, &h, sizeof(h), req, req_len, fds, nfds, 0)) {
		why = strerror(errno);
		goto transport;
	}
	n = simhv_recv(sock, buf, sizeof(buf), got_fds, &ngot, 0);
	if (n < 0) {
		why = strerror(errno);
		goto transport;
	}
	if (n == 0) {
		why = "xvm-simhv closed the connection";
		errno = ECONNRESET;
		goto transport;
	}
	if ((size_t)n < sizeof(rep)) {
		why = "short reply from xvm-simhv";
		goto protocol;
	}
	memcpy(&rep, buf, sizeof(rep));
	if (rep.len != (size_t)n - sizeof(rep)) {
		why = "reply length mismatch from xvm-simhv";
		goto protocol;
	}
	if (rep.err) {
		close_fds(got_fds, &ngot);
		set_msg(msg, msg_size, (const char *)buf + sizeof(rep), rep.len);
		errno = rep.err > 0 ? rep.err : EPROTO;
		return -1;
	}
	if (ngot != want_fds || rep.len > (out_len ? *out_len : 0)) {
		why = "unexpected reply from xvm-simhv";
		goto protocol;
	}
	if (out_len) {
		if (rep.len)             /* out may be NULL when nothing is due */
			memcpy(out, buf + sizeof(rep), rep.len);
		*out_len = rep.len;
	}
	for (unsigned int i = 0; i < want_fds; i++)
		out_fds[i] = got_fds[i];
	return 0;

protocol:
	close_fds(got_fds, &ngot);
	set_msg(msg, msg_size, why, strlen(why));
	errno = EPROTO;
	return -1;
transport:
	{
		int saved = errno;
		char text[256];
		int len = snprintf(text, sizeof(text), "xvm-simhv: %s", why);
		set_msg(msg, msg_size, text, len > 0 ? (size_t)len : 0);
		errno = saved == EPIPE || saved == ECONNRESET ? EIO : saved;
	}
	return -1;
}
