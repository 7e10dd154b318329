/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xsnull - the floor for xenstore benchmarks: a server on a unix socket
 * that answers every xenstore request at once with an empty reply of the
 * same type, req_id and tx_id.  TRANSACTION_START is answered "1" so that
 * clients proceed.  No store, no watches, no checks beyond framing.
 *
 * I/O as a good server does it: one thread, epoll, non-blocking sockets;
 * each readable connection is read in one large batch, every complete
 * request in it is answered into the connection's output buffer, and the
 * buffer goes out in one write().
 *
 * usage: xsnull [--socket PATH] [-F PIDFILE] [-N]
 *   --socket PATH  (default $XENSTORED_PATH, else /var/run/xenstored/socket)
 *   -F PIDFILE     write our pid there once the socket is listening
 *   -N             accepted for symmetry with xenstored (never forks anyway)
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

#define HDR_LEN   ((uint32_t)sizeof(struct xsd_sockmsg))
#define RBUF_SIZE (256u * 1024)

struct client {
    int fd;
    char *rbuf;
    size_t rlen;
    char *wbuf;
    size_t wlen, woff, wcap;
    bool out_armed;
};

static volatile sig_atomic_t stop;
static int ep;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void client_close(struct client *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->rbuf);
    free(c->wbuf);
    free(c);
}

/* Returns false when the connection must be closed. */
static bool client_flush(struct client *c)
{
    while (c->woff < c->wlen) {
        ssize_t n = write(c->fd, c->wbuf + c->woff, c->wlen - c->woff);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                if (!c->out_armed) {
                    struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT,
                                              .data.ptr = c };
                    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                    c->out_armed = true;
                }
                return true;
            }
            return false;
        }
        c->woff += (size_t)n;
    }
    c->woff = c->wlen = 0;
    if (c->out_armed) {
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->out_armed = false;
    }
    return true;
}

static bool reply(struct client *c, const struct xsd_sockmsg *req)
{
    static const char txid[] = "1";
    uint32_t len = req->type == XS_TRANSACTION_START ? sizeof(txid) : 0;
    if (c->wlen + HDR_LEN + len > c->wcap) {
        if (c->woff) {
            memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
            c->wlen -= c->woff;
            c->woff = 0;
        }
        size_t cap = c->wcap ? c->wcap : 64 * 1024;
        while (cap < c->wlen + HDR_LEN + len)
            cap *= 2;
        char *nb = realloc(c->wbuf, cap);
        if (!nb)
            return false;
        c->wbuf = nb;
        c->wcap = cap;
    }
    struct xsd_sockmsg h = { .type = req->type, .req_id = req->req_id,
                             .tx_id = req->tx_id, .len = len };
    memcpy(c->wbuf + c->wlen, &h, HDR_LEN);
    if (len)
        memcpy(c->wbuf + c->wlen + HDR_LEN, txid, len);
    c->wlen += HDR_LEN + len;
    return true;
}

static bool client_read(struct client *c)
{
    ssize_t n = read(c->fd, c->rbuf + c->rlen, RBUF_SIZE - c->rlen);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    if (n == 0)
        return false;
    c->rlen += (size_t)n;
    size_t off = 0;
    while (c->rlen - off >= HDR_LEN) {
        struct xsd_sockmsg h;
        memcpy(&h, c->rbuf + off, HDR_LEN);
        if (h.len > XENSTORE_PAYLOAD_MAX)
            return false;                /* protocol violation: drop */
        if (c->rlen - off < HDR_LEN + h.len)
            break;
        if (!reply(c, &h))
            return false;
        off += HDR_LEN + h.len;
    }
    if (off) {
        memmove(c->rbuf, c->rbuf + off, c->rlen - off);
        c->rlen -= off;
    }
    return client_flush(c);
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {
        { "socket", required_argument, NULL, 's' },
        { "pid-file", required_argument, NULL, 'F' },
        { "no-fork", no_argument, NULL, 'N' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    const char *path = NULL, *pidfile = NULL;
    int ch;
    while ((ch = getopt_long(argc, argv, "F:Nh", lo, NULL)) != -1) {
        switch (ch) {
        case 's': path = optarg; break;
        case 'F': pidfile = optarg; break;
        case 'N': break;
        case 'h':
            printf("usage: %s [--socket PATH] [-F PIDFILE] [-N]\n", argv[0]);
            return 0;
        default:
            fprintf(stderr, "usage: %s [--socket PATH] [-F PIDFILE] [-N]\n",
                    argv[0]);
            return 2;
        }
    }
    if (!path)
        path = getenv("XENSTORED_PATH");
    if (!path || !*path)
        path = "/var/run/xenstored/socket";

    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) {
        perror("xsnull: socket");
        return 1;
    }
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(sun.sun_path)) {
        fprintf(stderr, "xsnull: socket path too long\n");
        return 1;
    }
    strcpy(sun.sun_path, path);
    unlink(path);
    if (bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
        listen(lfd, 1024) < 0) {
        fprintf(stderr, "xsnull: %s: %s\n", path, strerror(errno));
        return 1;
    }
    chmod(path, 0600);
    if (pidfile) {
        FILE *f = fopen(pidfile, "w");
        if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f)) {
            fprintf(stderr, "xsnull: %s: %s\n", pidfile, strerror(errno));
            return 1;
        }
    }

    ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event lev = { .events = EPOLLIN, .data.ptr = NULL };
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev) < 0) {
        perror("xsnull: epoll");
        return 1;
    }

    struct epoll_event evs[256];
    while (!stop) {
        int n = epoll_wait(ep, evs, 256, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("xsnull: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            struct client *c = evs[i].data.ptr;
            if (!c) {
                for (;;) {
                    int fd = accept4(lfd, NULL, NULL,
                                     SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0)
                        break;
                    c = calloc(1, sizeof(*c));
                    if (c)
                        c->rbuf = malloc(RBUF_SIZE);
                    if (!c || !c->rbuf) {
                        close(fd);
                        free(c);
                        continue;
                    }
                    c->fd = fd;
                    struct epoll_event ev = { .events = EPOLLIN,
                                              .data.ptr = c };
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
                        client_close(c);
                }
                continue;
            }
            bool ok = true;
            if (evs[i].events & EPOLLOUT)
                ok = client_flush(c);
            if (ok && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                ok = client_read(c);
            if (!ok)
                client_close(c);
        }
    }
    unlink(path);
    if (pidfile)
        unlink(pidfile);
    return 0;
}
