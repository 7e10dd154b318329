/*
 * xsprobe: a guest-side xenstore probe for the real-Xen test tier.
 *
 * Runs inside a tiny PV guest (static binary in the guest initramfs) and
 * talks to dom0's xenstored through the guest kernel's xenbus device
 * (/dev/xen/xenbus, or /proc/xen/xenbus with xenfs) using the raw
 * <xen/io/xs_wire.h> protocol: every request is a struct xsd_sockmsg
 * header plus payload, every reply likewise; XS_ERROR replies carry the
 * error name ("EACCES", "ENOSPC", ...) as payload.
 *
 * It prints one line per check on stdout (the guest console, hvc0):
 *     XVM-GUEST-XS PASS|FAIL <check> <detail>
 * and finally
 *     XVM-GUEST-XS-END pass=N fail=M
 * dom0's 40-guest-xenstore.sh reads these lines from the guest's console
 * log. For development it also runs on a host against a unix socket
 * (-s PATH): there every client is privileged dom0, so the permission
 * checks are reported as SKIP.
 *
 * Usage: xsprobe [-d DEVICE | -s SOCKET] [-n MAXNODES] [-t SECONDS] [-w WINDOW]
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

#define MAX_EVENTS 16
#define QUOTA_FANOUT 100     /* children per directory in the quota test */
#define QUOTA_WINDOW 8       /* quota test: connections, one request in flight each */

struct reply {
    struct xsd_sockmsg hdr;
    char body[XENSTORE_PAYLOAD_MAX + 1];   /* always NUL-terminated */
};

struct event {
    char path[256];
    char token[64];
};

static int xs_fd = -1;
static uint32_t next_req_id = 1;
static int privileged;                     /* socket mode: we are dom0 */
static unsigned int npass, nfail;
static struct event events[MAX_EVENTS];
static unsigned int nevents;
static const char *current_op = "start";
static unsigned int op_timeout = 30;
static unsigned int quota_window = QUOTA_WINDOW;

static void report(int ok, const char *check, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(int ok, const char *check, const char *fmt, ...)
{
    char detail[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    printf("XVM-GUEST-XS %s %s %s\n", ok ? "PASS" : "FAIL", check, detail);
    fflush(stdout);
    if (ok)
        npass++;
    else
        nfail++;
}

static void skip(const char *check, const char *why)
{
    printf("XVM-GUEST-XS SKIP %s %s\n", check, why);
    fflush(stdout);
}

static void finish(void)
{
    printf("XVM-GUEST-XS-END pass=%u fail=%u\n", npass, nfail);
    fflush(stdout);
}

static void on_alarm(int sig)
{
    char buf[200];
    int n;

    (void)sig;
    /* Async-signal-safe output only. */
    n = snprintf(buf, sizeof(buf),
                 "XVM-GUEST-XS FAIL timeout no reply within %us during %s\n"
                 "XVM-GUEST-XS-END pass=%u fail=%u\n",
                 op_timeout, current_op, npass, nfail + 1);
    if (n > 0)
        (void)!write(STDOUT_FILENO, buf, (size_t)n);
    _exit(3);
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;

    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0) {
            errno = ECONNRESET;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads one message (reply or watch event) into *r. */
static int read_msg(int fd, struct reply *r)
{
    if (read_all(fd, &r->hdr, sizeof(r->hdr)) < 0)
        return -1;
    if (r->hdr.len > XENSTORE_PAYLOAD_MAX) {
        errno = EMSGSIZE;
        return -1;
    }
    if (read_all(fd, r->body, r->hdr.len) < 0)
        return -1;
    r->body[r->hdr.len] = '\0';
    return 0;
}

static void stash_event(const struct reply *r)
{
    const char *path = r->body;
    size_t plen = strnlen(path, r->hdr.len);
    const char *token = plen < r->hdr.len ? path + plen + 1 : "";

    if (nevents < MAX_EVENTS) {
        snprintf(events[nevents].path, sizeof(events[nevents].path), "%s", path);
        snprintf(events[nevents].token, sizeof(events[nevents].token), "%s", token);
        nevents++;
    }
}

/*
 * Sends one request built from nparts NUL-separated parts (the last part
 * gets a NUL only when nul_last) and waits for its reply, stashing any
 * watch events that arrive in between. Returns 0 with *r filled in, or -1
 * on a transport error (errno set).
 */
static int xs_request(uint32_t type, uint32_t tx, struct reply *r,
                      int nparts, const char *const *parts, int nul_last)
{
    char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    struct xsd_sockmsg *h = (struct xsd_sockmsg *)buf;
    size_t len = 0;
    uint32_t id = next_req_id++;

    for (int i = 0; i < nparts; i++) {
        size_t l = strlen(parts[i]) + ((i < nparts - 1 || nul_last) ? 1 : 0);
        if (len + l > XENSTORE_PAYLOAD_MAX) {
            errno = E2BIG;
            return -1;
        }
        memcpy(buf + sizeof(*h) + len, parts[i], l);
        len += l;
    }
    h->type = type;
    h->req_id = id;
    h->tx_id = tx;
    h->len = (uint32_t)len;

    alarm(op_timeout);
    if (write_all(xs_fd, buf, sizeof(*h) + len) < 0) {
        alarm(0);
        return -1;
    }
    for (;;) {
        if (read_msg(xs_fd, r) < 0) {
            alarm(0);
            return -1;
        }
        if (r->hdr.type == XS_WATCH_EVENT) {
            stash_event(r);
            continue;
        }
        break;
    }
    alarm(0);
    if (r->hdr.req_id != id) {
        /* The kernel's xenbus device echoes our req_id; note a mismatch. */
        fprintf(stderr, "xsprobe: reply req_id %u for request %u\n",
                r->hdr.req_id, id);
    }
    return 0;
}

static int is_error(const struct reply *r, const char *name)
{
    return r->hdr.type == XS_ERROR && (name == NULL || strcmp(r->body, name) == 0);
}

/* Describes a reply for the report: "OK", "value 'x'", "error ENOENT". */
static const char *describe(const struct reply *r)
{
    static char d[160];

    if (r->hdr.type == XS_ERROR)
        snprintf(d, sizeof(d), "error %.100s", r->body);
    else
        snprintf(d, sizeof(d), "type %u '%.100s'", r->hdr.type, r->body);
    return d;
}

/* Whether a reply's NUL-separated list holds the entry. */
static int list_has(const struct reply *r, const char *entry)
{
    for (size_t off = 0; off < r->hdr.len; off += strlen(r->body + off) + 1)
        if (strcmp(r->body + off, entry) == 0)
            return 1;
    return 0;
}

static int xs_read(const char *path, struct reply *r)
{
    const char *parts[] = { path };
    current_op = "read";
    return xs_request(XS_READ, 0, r, 1, parts, 1);
}

static int xs_write_tx(uint32_t tx, const char *path, const char *value,
                       struct reply *r)
{
    const char *parts[] = { path, value };
    current_op = "write";
    return xs_request(XS_WRITE, tx, r, 2, parts, 0);
}

static int xs_simple(uint32_t type, const char *arg, struct reply *r)
{
    const char *parts[] = { arg };
    current_op = "request";
    return xs_request(type, 0, r, 1, parts, 1);
}

static const char *transport_dev, *transport_sock;

/* Opens one more connection to the same transport. */
static int open_again(void)
{
    if (transport_sock) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0)
            return -1;
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", transport_sock);
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
            close(fd);
            return -1;
        }
        return fd;
    }
    return open(transport_dev, O_RDWR | O_CLOEXEC);
}

static int open_transport(const char *dev, const char *sock)
{
    if (sock) {
        privileged = 1;
        transport_sock = sock;
    } else if (dev) {
        transport_dev = dev;
    } else {
        static const char *const devs[] = { "/dev/xen/xenbus", "/proc/xen/xenbus" };
        for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]) && !transport_dev; i++)
            if (access(devs[i], R_OK | W_OK) == 0)
                transport_dev = devs[i];
        if (!transport_dev) {
            errno = ENOENT;
            return -1;
        }
        printf("XVM-GUEST-XS INFO transport %s\n", transport_dev);
    }
    xs_fd = open_again();
    return xs_fd < 0 ? -1 : 0;
}

static int find_event(const char *suffix, const char *token)
{
    size_t sl = strlen(suffix);

    for (unsigned int i = 0; i < nevents; i++) {
        size_t pl = strlen(events[i].path);
        if (pl >= sl && strcmp(events[i].path + pl - sl, suffix) == 0 &&
            strcmp(events[i].token, token) == 0)
            return 1;
    }
    return 0;
}

/* Waits (by sending harmless reads) until a matching event was stashed. */
static int wait_event(const char *suffix, const char *token, struct reply *r)
{
    for (int i = 0; i < 50; i++) {
        if (find_event(suffix, token))
            return 1;
        if (xs_read("domid", r) < 0)
            return 0;
        if (find_event(suffix, token))
            return 1;
        usleep(100 * 1000);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *dev = NULL, *sock = NULL;
    unsigned long maxnodes = 5000;
    static struct reply r;
    char domid[32] = "", dompath[128];
    int opt;

    while ((opt = getopt(argc, argv, "d:s:n:t:w:")) != -1) {
        switch (opt) {
        case 'd': dev = optarg; break;
        case 's': sock = optarg; break;
        case 'n': maxnodes = strtoul(optarg, NULL, 10); break;
        case 't': op_timeout = (unsigned int)strtoul(optarg, NULL, 10); break;
        case 'w':
            quota_window = (unsigned int)strtoul(optarg, NULL, 10);
            if (quota_window < 1 || quota_window > QUOTA_WINDOW)
                quota_window = QUOTA_WINDOW;
            break;
        default:
            fprintf(stderr, "usage: %s [-d DEVICE | -s SOCKET] [-n MAXNODES] [-t SECONDS] [-w WINDOW]\n",
                    argv[0]);
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGALRM, on_alarm);
    signal(SIGPIPE, SIG_IGN);

    if (open_transport(dev, sock) < 0) {
        report(0, "open", "cannot open the xenbus device or socket: %s", strerror(errno));
        finish();
        return 1;
    }
    report(1, "open", "fd %d", xs_fd);

    /* 1. Our own domid and name, by relative path. */
    if (xs_read("domid", &r) < 0) {
        report(0, "domid", "transport error: %s", strerror(errno));
        finish();
        return 1;
    }
    if (r.hdr.type == XS_READ && r.hdr.len > 0) {
        snprintf(domid, sizeof(domid), "%.20s", r.body);
        report(1, "domid", "domid=%s", domid);
    } else {
        report(0, "domid", "%s", describe(&r));
        snprintf(domid, sizeof(domid), "%s", privileged ? "0" : "?");
    }
    if (xs_read("name", &r) == 0 && r.hdr.type == XS_READ && r.hdr.len > 0)
        report(1, "name", "name=%s", r.body);
    else
        report(0, "name", "%s", describe(&r));

    /* 2. GET_DOMAIN_PATH of ourselves. */
    snprintf(dompath, sizeof(dompath), "/local/domain/%s", domid);
    if (xs_simple(XS_GET_DOMAIN_PATH, domid, &r) == 0 &&
        r.hdr.type == XS_GET_DOMAIN_PATH && strcmp(r.body, dompath) == 0)
        report(1, "get-domain-path", "%s", r.body);
    else
        report(0, "get-domain-path", "%s (expected %s)", describe(&r), dompath);

    /* 3. dom0's tree must not be readable by a guest. */
    if (xs_read("/local/domain/0/name", &r) < 0)
        report(0, "dom0-name-eacces", "transport error: %s", strerror(errno));
    else if (privileged)
        skip("dom0-name-eacces", "privileged connection");
    else if (is_error(&r, "EACCES"))
        report(1, "dom0-name-eacces", "error EACCES");
    else
        report(0, "dom0-name-eacces", "%s (expected error EACCES)", describe(&r));

    /* 4. Writing outside our own tree is refused. */
    if (xs_write_tx(0, "/local/domain/0/xsprobe-intruder", "x", &r) < 0)
        report(0, "dom0-write-eacces", "transport error: %s", strerror(errno));
    else if (privileged)
        skip("dom0-write-eacces", "privileged connection");
    else if (is_error(&r, "EACCES"))
        report(1, "dom0-write-eacces", "error EACCES");
    else
        report(0, "dom0-write-eacces", "%s (expected error EACCES)", describe(&r));

    /* 5. Write, read back, list under our data/. */
    if (xs_write_tx(0, "data/xsprobe/hello", "world", &r) == 0 && r.hdr.type == XS_WRITE) {
        if (xs_read("data/xsprobe/hello", &r) == 0 && r.hdr.type == XS_READ &&
            strcmp(r.body, "world") == 0)
            report(1, "write-read", "data/xsprobe/hello=world");
        else
            report(0, "write-read", "read back: %s", describe(&r));
    } else {
        report(0, "write-read", "write: %s", describe(&r));
    }
    if (xs_simple(XS_DIRECTORY, "data/xsprobe", &r) == 0 && r.hdr.type == XS_DIRECTORY &&
        list_has(&r, "hello"))
        report(1, "directory", "data/xsprobe: hello");
    else
        report(0, "directory", "%s", describe(&r));
    if (xs_read("data/xsprobe/missing", &r) == 0 && is_error(&r, "ENOENT"))
        report(1, "read-enoent", "error ENOENT");
    else
        report(0, "read-enoent", "%s (expected error ENOENT)", describe(&r));

    /* 6. A watch fires once at registration and once per change. */
    {
        const char *parts[] = { "data/xsprobe/w", "xsprobe-tok" };
        current_op = "watch";
        if (xs_request(XS_WATCH, 0, &r, 2, parts, 1) == 0 && r.hdr.type == XS_WATCH) {
            int initial = wait_event("data/xsprobe/w", "xsprobe-tok", &r);
            nevents = 0;
            xs_write_tx(0, "data/xsprobe/w", "1", &r);
            int fired = wait_event("data/xsprobe/w", "xsprobe-tok", &r);
            if (initial && fired)
                report(1, "watch", "initial event and change event");
            else
                report(0, "watch", "initial=%d change=%d", initial, fired);
            current_op = "unwatch";
            if (xs_request(XS_UNWATCH, 0, &r, 2, parts, 1) == 0 && r.hdr.type == XS_UNWATCH)
                report(1, "unwatch", "OK");
            else
                report(0, "unwatch", "%s", describe(&r));
        } else {
            report(0, "watch", "%s", describe(&r));
        }
    }

    /* 7. A transaction: start, write inside, commit, read outside. */
    {
        const char *empty[] = { "" };
        current_op = "transaction-start";
        if (xs_request(XS_TRANSACTION_START, 0, &r, 1, empty, 1) == 0 &&
            r.hdr.type == XS_TRANSACTION_START) {
            uint32_t tx = (uint32_t)strtoul(r.body, NULL, 10);
            const char *commit[] = { "T" };
            int wok = xs_write_tx(tx, "data/xsprobe/tx", "committed", &r) == 0 &&
                      r.hdr.type == XS_WRITE;
            current_op = "transaction-end";
            if (wok && xs_request(XS_TRANSACTION_END, tx, &r, 1, commit, 1) == 0 &&
                r.hdr.type == XS_TRANSACTION_END &&
                xs_read("data/xsprobe/tx", &r) == 0 && strcmp(r.body, "committed") == 0)
                report(1, "transaction", "tx %u committed", tx);
            else
                report(0, "transaction", "tx %u: %s", tx, describe(&r));
        } else {
            report(0, "transaction", "start: %s", describe(&r));
        }
    }

    /*
     * 8. Node quota: write new nodes until xenstored refuses. The nodes are
     * spread over directories of QUOTA_FANOUT children (q/<n/F>/<n%F>), so
     * what stops us is the per-domain node count (C xenstored: 1000 by
     * default, -E), not the size limit of one node (its children list,
     * 2048 bytes by default, -S). quota_window connections each keep one
     * request in flight: the ring then carries several requests at once.
     * (Not several on one connection: Linux's /dev/xen/xenbus sends a
     * request's body from the file's buffer after write() returned, so a
     * second write() can overwrite the body of the first before it is
     * sent.)
     */
    {
        unsigned long sent = 0, done = 0, ok = 0, err_at = 0;
        unsigned int inflight = 0, nfds = 0;
        int transport_err = 0, stop = 0;
        char quota_err[32] = "";
        int fds[QUOTA_WINDOW];
        long slot_node[QUOTA_WINDOW];
        struct pollfd pfd[QUOTA_WINDOW];
        char b[sizeof(struct xsd_sockmsg) + 64];
        struct xsd_sockmsg *h = (struct xsd_sockmsg *)b;

        fds[nfds++] = xs_fd;
        while (nfds < quota_window) {
            int fd = open_again();
            if (fd < 0)
                break;
            fds[nfds++] = fd;
        }
        for (unsigned int i = 0; i < nfds; i++)
            slot_node[i] = -1;

        current_op = "quota writes";
        alarm(op_timeout);
        while ((!stop && sent < maxnodes) || inflight > 0) {
            for (unsigned int i = 0; i < nfds && !stop && sent < maxnodes; i++) {
                if (slot_node[i] >= 0)
                    continue;
                int l = snprintf(b + sizeof(*h), 64, "data/xsprobe/q/%lu/%lu",
                                 sent / QUOTA_FANOUT, sent % QUOTA_FANOUT);
                memcpy(b + sizeof(*h) + l + 1, "x", 1);  /* path\0value */
                h->type = XS_WRITE;
                h->req_id = next_req_id++;
                h->tx_id = 0;
                h->len = (uint32_t)l + 2;
                if (write_all(fds[i], b, sizeof(*h) + h->len) < 0) {
                    transport_err = errno;
                    stop = 1;
                    break;
                }
                slot_node[i] = (long)sent++;
                inflight++;
            }
            if (inflight == 0)
                break;
            for (unsigned int i = 0; i < nfds; i++) {
                pfd[i].fd = slot_node[i] >= 0 ? fds[i] : -1;
                pfd[i].events = POLLIN;
                pfd[i].revents = 0;
            }
            if (poll(pfd, nfds, -1) < 0) {
                if (errno == EINTR)
                    continue;
                transport_err = errno;
                break;
            }
            for (unsigned int i = 0; i < nfds; i++) {
                if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                if (read_msg(fds[i], &r) < 0) {
                    transport_err = errno;
                    stop = 1;
                    inflight = 0;
                    break;
                }
                if (r.hdr.type == XS_WATCH_EVENT)
                    continue;
                alarm(op_timeout);             /* progress */
                inflight--;
                done++;
                if (r.hdr.type == XS_ERROR) {
                    if (!quota_err[0]) {
                        snprintf(quota_err, sizeof(quota_err), "%.20s", r.body);
                        err_at = (unsigned long)slot_node[i];
                    }
                    stop = 1;
                } else {
                    ok++;
                }
                slot_node[i] = -1;
            }
        }
        alarm(0);
        for (unsigned int i = 1; i < nfds; i++)
            close(fds[i]);

        /* How many of the nodes are really there (directory listings). */
        unsigned long present = 0, dirs = 0;
        if (!transport_err) {
            for (unsigned long d = 0; d <= sent / QUOTA_FANOUT; d++) {
                char dpath[64];
                snprintf(dpath, sizeof(dpath), "data/xsprobe/q/%lu", d);
                if (xs_simple(XS_DIRECTORY, dpath, &r) < 0 || r.hdr.type != XS_DIRECTORY)
                    continue;
                dirs++;
                for (size_t off = 0; off < r.hdr.len; off += strlen(r.body + off) + 1)
                    present++;
            }
            printf("XVM-GUEST-XS INFO quota: %lu writes accepted, %lu nodes present in "
                   "%lu directories (+ data/xsprobe/q), %u connections\n",
                   ok, present, dirs, nfds);
        }
        if (transport_err)
            report(0, "quota", "transport error after %lu replies: %s", done,
                   strerror(transport_err));
        else if (present != ok)
            report(0, "quota", "%lu writes answered OK but %lu nodes exist", ok, present);
        else if (privileged)
            skip("quota", "privileged connection has no quota");
        else if (strcmp(quota_err, "ENOSPC") == 0 || strcmp(quota_err, "EQUOTA") == 0 ||
                 strcmp(quota_err, "E2BIG") == 0)
            report(1, "quota", "error %s after %lu new nodes (+%lu directories; "
                   "first refused: node #%lu; %u connections)", quota_err, ok,
                   (ok + QUOTA_FANOUT - 1) / QUOTA_FANOUT + 1, err_at, nfds);
        else if (quota_err[0])
            report(0, "quota", "unexpected error %s after %lu nodes", quota_err, ok);
        else
            report(0, "quota", "no quota error after %lu nodes", ok);
    }

    /* 9. The connection still works after the quota error. */
    if (xs_read("data/xsprobe/hello", &r) == 0 && r.hdr.type == XS_READ &&
        strcmp(r.body, "world") == 0)
        report(1, "alive-after-quota", "data/xsprobe/hello=world");
    else
        report(0, "alive-after-quota", "%s", describe(&r));
    if (xs_simple(XS_RM, "data/xsprobe/q", &r) == 0 && r.hdr.type == XS_RM)
        report(1, "rm-after-quota", "data/xsprobe/q removed");
    else
        report(0, "rm-after-quota", "%s", describe(&r));
    if (xs_write_tx(0, "data/xsprobe/after", "ok", &r) == 0 && r.hdr.type == XS_WRITE)
        report(1, "write-after-rm", "data/xsprobe/after=ok");
    else
        report(0, "write-after-rm", "%s", describe(&r));

    finish();
    return nfail ? 1 : 0;
}
