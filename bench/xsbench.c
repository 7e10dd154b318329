/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xsbench - load generator for xenstore servers.
 *
 * Speaks the raw wire protocol of <xen/io/xs_wire.h> over the unix socket
 * (--socket, else $XENSTORED_PATH, else /var/run/xenstored/socket).  One
 * thread, epoll, non-blocking sockets; every connection carries --depth
 * logical clients ("slots"), each with exactly one request in flight, so a
 * connection has exactly D requests outstanding while the load runs.  All
 * requests produced while handling one batch of replies are written with
 * one write() per connection.
 *
 * Every reply is checked: its req_id must be the one outstanding on the
 * slot it names and its type must be the request's type or XS_ERROR.
 * Any protocol violation is fatal; unexpected XS_ERROR replies are counted
 * and make the run fail (exit status 1).
 *
 * Workloads: read write directory txn contended watch populate
 *            read-big write-big list-big        (see usage()).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

#define HDR_LEN        ((uint32_t)sizeof(struct xsd_sockmsg))
#define MAX_ACCEPT_LEN (1u << 20)   /* larger reply = broken server */
#define READ_CHUNK     (256u * 1024)
#define DRAIN_TIMEOUT_NS (5ull * 1000000000ull)

/* ------------------------------------------------------------------ */
/* Options                                                             */

enum workload {
    W_READ, W_WRITE, W_DIRECTORY, W_TXN, W_CONTENDED, W_WATCH,
    W_POPULATE, W_READ_BIG, W_WRITE_BIG, W_LIST_BIG, W_COUNT
};
static const char *const wl_names[W_COUNT] = {
    "read", "write", "directory", "txn", "contended", "watch",
    "populate", "read-big", "write-big", "list-big",
};

static struct {
    const char *socket;
    enum workload wl;
    int conns, depth;
    double seconds, warmup;
    bool json;
    int guests;
    long pid;
    int keys;        /* nodes the read/write workloads spread over */
    int children;    /* children of the directory workload's node */
    int watch_depth; /* path components below /bench/watch */
    uint64_t seed;
} O = {
    .wl = W_READ, .conns = 1, .depth = 1, .seconds = 3, .warmup = 1,
    .guests = 1000, .pid = 0, .keys = 300, .children = 100,
    .watch_depth = 16, .seed = 0x9e3779b97f4a7c15ull,
};

static const char *prog = "xsbench";

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rnd_next(uint64_t *s)
{
    /* xorshift64* */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

static const char *type_name(uint32_t t)
{
    static const char *const n[] = {
        "CONTROL", "DIRECTORY", "READ", "GET_PERMS", "WATCH", "UNWATCH",
        "TRANSACTION_START", "TRANSACTION_END", "INTRODUCE", "RELEASE",
        "GET_DOMAIN_PATH", "WRITE", "MKDIR", "RM", "SET_PERMS",
        "WATCH_EVENT", "ERROR", "IS_DOMAIN_INTRODUCED", "RESUME",
        "SET_TARGET", "RESTRICT", "RESET_WATCHES", "DIRECTORY_PART",
    };
    return t < sizeof(n) / sizeof(n[0]) ? n[t] : "?";
}

/* ------------------------------------------------------------------ */
/* Latency histogram: log-linear, < 0.8% relative error, in ns.        */

#define H_SUB_BITS 7
#define H_SUB      (1u << H_SUB_BITS)      /* 128 */
#define H_HALF     (H_SUB / 2)             /* 64 */
#define H_BUCKETS  (H_HALF * 64 + H_SUB)

struct hist {
    uint64_t count;
    uint64_t b[H_BUCKETS];
};

static unsigned h_index(uint64_t v)
{
    if (v < H_SUB)
        return (unsigned)v;
    unsigned msb = 63u - (unsigned)__builtin_clzll(v);
    unsigned shift = msb - (H_SUB_BITS - 1);
    unsigned m = (unsigned)(v >> shift);          /* [64, 128) */
    return shift * H_HALF + m;
}

static void h_bounds(unsigned idx, double *lo, double *width)
{
    if (idx < H_SUB) {
        *lo = idx;
        *width = 1;
        return;
    }
    unsigned shift = idx / H_HALF - 1;
    unsigned m = idx % H_HALF + H_HALF;
    *lo = (double)((uint64_t)m << shift);
    *width = (double)(1ull << shift);
}

static void h_add(struct hist *h, uint64_t v)
{
    unsigned i = h_index(v);
    if (i >= H_BUCKETS)
        i = H_BUCKETS - 1;
    h->b[i]++;
    h->count++;
}

/* p in [0,1]; result in microseconds (bucket midpoint). */
static double h_pct_us(const struct hist *h, double p)
{
    if (!h->count)
        return 0;
    uint64_t want = (uint64_t)(p * (double)h->count);
    if (want < 1)
        want = 1;
    uint64_t cum = 0;
    for (unsigned i = 0; i < H_BUCKETS; i++) {
        cum += h->b[i];
        if (cum >= want) {
            double lo, w;
            h_bounds(i, &lo, &w);
            return (lo + w / 2) / 1000.0;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Blocking helper for setup and verification.                          */

static int connect_socket(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket: %s", strerror(errno));
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(O.socket) >= sizeof(sa.sun_path))
        die("socket path too long: %s", O.socket);
    strcpy(sa.sun_path, O.socket);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        die("connect %s: %s", O.socket, strerror(errno));
    return fd;
}

static void write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die("write to server: %s", n < 0 ? strerror(errno) : "short");
        p += n;
        len -= (size_t)n;
    }
}

static void read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("read from server: %s", strerror(errno));
        if (n == 0)
            die("server closed the connection");
        p += n;
        len -= (size_t)n;
    }
}

static uint32_t sync_req_id = 1;

/*
 * Send one request and wait for its reply, skipping watch events.
 * Returns 0 and the payload (NUL-terminated copy, caller frees) on
 * success; -1 and the error string on XS_ERROR.
 */
static int xs_sync(int fd, uint32_t type, uint32_t tx, const void *payload,
                   uint32_t len, char **out, uint32_t *outlen)
{
    struct xsd_sockmsg h = { .type = type, .req_id = sync_req_id++,
                             .tx_id = tx, .len = len };
    char msg[HDR_LEN + XENSTORE_PAYLOAD_MAX];
    if (len > XENSTORE_PAYLOAD_MAX)
        die("request too long");
    memcpy(msg, &h, HDR_LEN);
    memcpy(msg + HDR_LEN, payload, len);
    write_full(fd, msg, HDR_LEN + len);
    for (;;) {
        struct xsd_sockmsg r;
        read_full(fd, &r, HDR_LEN);
        if (r.len > MAX_ACCEPT_LEN)
            die("reply of %" PRIu32 " bytes", r.len);
        char *p = malloc(r.len + 1);
        if (!p)
            die("out of memory");
        read_full(fd, p, r.len);
        p[r.len] = 0;
        if (r.type == XS_WATCH_EVENT) {
            free(p);
            continue;
        }
        if (r.req_id != h.req_id)
            die("setup: reply req_id %" PRIu32 ", expected %" PRIu32,
                r.req_id, h.req_id);
        if (r.type != type && r.type != XS_ERROR)
            die("setup: reply type %s to %s", type_name(r.type),
                type_name(type));
        if (outlen)
            *outlen = r.len;
        if (out)
            *out = p;
        else
            free(p);
        return r.type == XS_ERROR ? -1 : 0;
    }
}

static void sync_write(int fd, const char *path, const char *value)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t pl = strlen(path) + 1, vl = strlen(value);
    if (pl + vl > sizeof(buf))
        die("write too long");
    memcpy(buf, path, pl);
    memcpy(buf + pl, value, vl);
    char *err = NULL;
    if (xs_sync(fd, XS_WRITE, 0, buf, (uint32_t)(pl + vl), &err, NULL) < 0)
        die("setup: WRITE %s: %s", path, err);
    free(err);
}

/* Returns the value (caller frees) or NULL with *err set (caller frees). */
static char *sync_read(int fd, const char *path, char **err)
{
    char *p = NULL;
    if (xs_sync(fd, XS_READ, 0, path, (uint32_t)strlen(path) + 1, &p,
                NULL) < 0) {
        if (err)
            *err = p;
        else
            free(p);
        return NULL;
    }
    return p;
}

/* ------------------------------------------------------------------ */
/* Load engine                                                          */

enum phase { PH_WARMUP, PH_MEASURE, PH_DRAIN };

struct conn;

/* A populate job: the encoded requests that create one guest. */
struct pop_op {
    uint32_t type;
    uint32_t off, len;   /* payload in buf */
};

#define POP_MAX_OPS 256

/*
 * One toolstack connection creates one guest at a time: START alone (its
 * reply carries the transaction id), then the transaction's requests
 * pipelined up to --depth in flight (the server handles a connection's
 * requests in order), then END once every one of them is answered; an
 * EAGAIN on END redoes the transaction, as libxl does.
 */
struct popjob {
    struct pop_op ops[POP_MAX_OPS];
    int nops;
    char *buf;
    size_t len, cap;
    int guest;
    int pi;             /* next op to send */
    int txn_begin;      /* index of the current transaction's START */
    unsigned inflight;
    bool have_txid;
    uint32_t txid;
    uint64_t t_start;
};

struct slot {
    struct conn *c;
    unsigned local;          /* index within its connection */
    unsigned gid;            /* global index */
    bool busy;
    uint32_t req_id, exp_type;
    uint16_t gen;
    uint64_t t_sent, t_op;
    uint64_t rng;
    int step;
    uint32_t txid;
    int keys[3];
    long vals[3];
    bool aborting;
    int op_idx;              /* populate: index in its connection's job */
};

enum role { R_CLIENT, R_WATCHER, R_WRITER };

struct conn {
    int fd;
    unsigned idx;
    enum role role;
    char *rbuf;
    size_t rlen, rcap;
    char *wbuf;
    size_t wlen, woff, wcap;
    bool out_armed, dirty;
    struct slot *slots;
    unsigned nslots;
    char token[16];
    uint64_t wevents;        /* watcher: events for the writer's writes */
    struct popjob *job;      /* populate */
};

static struct {
    struct conn *conns;
    unsigned nconns;
    struct slot *slots;
    unsigned nslots;
    int ep;
    enum phase phase;
    uint64_t t_measure, t_end;
    uint64_t inflight;
    struct conn **dirty;
    unsigned ndirty;

    /* counters: measured window */
    uint64_t ops, reqs, events;
    struct hist lat, oplat;
    /* counters: whole run */
    uint64_t errors, eagain, eagain_m, commits_all, retries;
    uint64_t events_all, initial_events, writes_issued;
    uint64_t oversized;
    char first_error[512];
    /* watch */
    unsigned nwatchers;
    /* populate */
    int next_guest, guests_done;
    uint64_t t_pop_start, t_pop_end;
} E;

static char watch_path[256];   /* the watched node (watch workload) */

static void note_error(const char *what, const char *path, const char *err)
{
    E.errors++;
    if (!E.first_error[0])
        snprintf(E.first_error, sizeof(E.first_error), "%.60s %.200s: %.200s", what,
                 path ? path : "", err);
}

static void conn_mark_dirty(struct conn *c)
{
    if (!c->dirty) {
        c->dirty = true;
        E.dirty[E.ndirty++] = c;
    }
}

static void conn_reserve_w(struct conn *c, size_t more)
{
    if (c->wlen + more <= c->wcap)
        return;
    if (c->woff) {
        memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
        c->wlen -= c->woff;
        c->woff = 0;
        if (c->wlen + more <= c->wcap)
            return;
    }
    size_t cap = c->wcap ? c->wcap : 4096;
    while (cap < c->wlen + more)
        cap *= 2;
    c->wbuf = realloc(c->wbuf, cap);
    if (!c->wbuf)
        die("out of memory");
    c->wcap = cap;
}

/* Queue a request for slot s; at most one request per slot in flight. */
static void send_req(struct slot *s, uint32_t type, uint32_t tx,
                     const void *payload, uint32_t len)
{
    struct conn *c = s->c;
    if (s->busy)
        die("internal: slot %u already has a request in flight", s->gid);
    if (len > XENSTORE_PAYLOAD_MAX)
        die("internal: request of %u bytes", len);
    if (++s->gen == 0)
        s->gen = 1;
    s->req_id = ((uint32_t)(s->local + 1) << 16) | s->gen;
    s->exp_type = type;
    s->busy = true;
    struct xsd_sockmsg h = { .type = type, .req_id = s->req_id,
                             .tx_id = tx, .len = len };
    conn_reserve_w(c, HDR_LEN + len);
    memcpy(c->wbuf + c->wlen, &h, HDR_LEN);
    memcpy(c->wbuf + c->wlen + HDR_LEN, payload, len);
    c->wlen += HDR_LEN + len;
    E.inflight++;
    s->t_sent = now_ns();
    conn_mark_dirty(c);
}

static void send_str(struct slot *s, uint32_t type, uint32_t tx,
                     const char *str)
{
    send_req(s, type, tx, str, (uint32_t)strlen(str) + 1);
}

static void send_write(struct slot *s, uint32_t tx, const char *path,
                       const char *value)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t pl = strlen(path) + 1, vl = strlen(value);
    memcpy(buf, path, pl);
    memcpy(buf + pl, value, vl);
    send_req(s, XS_WRITE, tx, buf, (uint32_t)(pl + vl));
}

/* ---- paths ---- */

static void uuid_of(int g, char *out, size_t n)
{
    snprintf(out, n, "%08x-b3c1-4d2e-8f00-%012x", (unsigned)g, (unsigned)g);
}

/* Leaf nodes a guest has; used by read-big / write-big. */
static void big_path(uint64_t r, bool for_write, char *p, size_t n)
{
    int g = 1 + (int)(r % (uint64_t)O.guests);
    unsigned k = (unsigned)((r >> 32) % (for_write ? 4 : 8));
    char u[64];
    switch (k) {
    case 0: snprintf(p, n, "/local/domain/%d/memory/target", g); break;
    case 1: snprintf(p, n, "/local/domain/%d/device/vbd/51712/state", g); break;
    case 2: snprintf(p, n, "/local/domain/0/backend/vif/%d/0/state", g); break;
    case 3: snprintf(p, n, "/local/domain/%d/control/shutdown", g); break;
    case 4: snprintf(p, n, "/local/domain/%d/name", g); break;
    case 5: snprintf(p, n, "/local/domain/%d/cpu/1/availability", g); break;
    case 6: snprintf(p, n, "/local/domain/0/backend/vbd/%d/51712/params", g); break;
    default:
        uuid_of(g, u, sizeof(u));
        snprintf(p, n, "/vm/%s/name", u);
        break;
    }
}

/* ---- populate: the requests a toolstack makes to create one guest ---- */

static void pop_add(struct popjob *s, uint32_t type, const char *path,
                    const char *a, const char *b)
{
    /* payload: path\0 [then for WRITE the value without NUL, for
     * SET_PERMS the permission strings each with NUL] */
    char buf[1024];
    size_t len = 0;
    if (path) {
        size_t pl = strlen(path) + 1;
        memcpy(buf, path, pl);
        len = pl;
    }
    if (type == XS_WRITE) {
        size_t vl = strlen(a);
        memcpy(buf + len, a, vl);
        len += vl;
    } else if (type == XS_SET_PERMS) {
        for (const char *p2 = a; p2; p2 = (p2 == a ? b : NULL)) {
            size_t ql = strlen(p2) + 1;
            memcpy(buf + len, p2, ql);
            len += ql;
        }
    } else if (type == XS_TRANSACTION_START) {
        buf[0] = 0;
        len = 1;
    } else if (type == XS_TRANSACTION_END) {
        memcpy(buf, "T", 2);
        len = 2;
    }
    if (s->len + len > s->cap) {
        s->cap = (s->cap + len) * 2;
        s->buf = realloc(s->buf, s->cap);
        if (!s->buf)
            die("out of memory");
    }
    memcpy(s->buf + s->len, buf, len);
    if (s->nops >= POP_MAX_OPS)
        die("internal: too many populate ops");
    s->ops[s->nops++] = (struct pop_op){ type, (uint32_t)s->len,
                                         (uint32_t)len };
    s->len += len;
}

#define PF(...) (snprintf(p, sizeof(p), __VA_ARGS__), p)

static void pop_build(struct popjob *s, int g)
{
    char p[512], dp[64], vm[96], be[64], u[64], v[128], own[16], rd[16],
         r0[8] = "r0", n0[8] = "n0";
    s->nops = 0;
    s->len = 0;
    uuid_of(g, u, sizeof(u));
    snprintf(dp, sizeof(dp), "/local/domain/%d", g);
    snprintf(vm, sizeof(vm), "/vm/%s", u);
    snprintf(be, sizeof(be), "/local/domain/0/backend");
    snprintf(own, sizeof(own), "n%d", g);   /* guest-owned, rw */
    snprintf(rd, sizeof(rd), "r%d", g);     /* dom0-owned, guest may read */

    /* Transaction 1: libxl__domain_make + the /vm entries. */
    pop_add(s, XS_TRANSACTION_START, NULL, NULL, NULL);
    static const char *const ro_dirs[] = { "", "/cpu", "/memory", "/device",
                                           "/control" };
    for (unsigned i = 0; i < 5; i++) {
        pop_add(s, XS_MKDIR, PF("%s%s", dp, ro_dirs[i]), NULL, NULL);
        pop_add(s, XS_SET_PERMS, p, n0, rd);
    }
    pop_add(s, XS_MKDIR, vm, NULL, NULL);
    pop_add(s, XS_SET_PERMS, vm, n0, rd);
    pop_add(s, XS_MKDIR, PF("/libxl/%d", g), NULL, NULL);
    pop_add(s, XS_SET_PERMS, p, n0, NULL);
    static const char *const rw_dirs[] = {
        "/control/shutdown", "/control/feature-poweroff",
        "/control/feature-reboot", "/control/feature-suspend",
        "/control/sysrq", "/data", "/drivers", "/feature", "/attr", "/error",
    };
    for (unsigned i = 0; i < 10; i++) {
        pop_add(s, XS_MKDIR, PF("%s%s", dp, rw_dirs[i]), NULL, NULL);
        pop_add(s, XS_SET_PERMS, p, own, NULL);
    }
    pop_add(s, XS_WRITE, PF("%s/control/platform-feature-multiprocessor-suspend", dp), "1", NULL);
    pop_add(s, XS_WRITE, PF("%s/control/platform-feature-xs_reset_watches", dp), "1", NULL);
    pop_add(s, XS_WRITE, PF("%s/uuid", vm), u, NULL);
    snprintf(v, sizeof(v), "guest%d", g);
    pop_add(s, XS_WRITE, PF("%s/name", vm), v, NULL);
    pop_add(s, XS_WRITE, PF("%s/image/ostype", vm), "linux", NULL);
    pop_add(s, XS_WRITE, PF("%s/image/kernel", vm), "/var/lib/xvm/boot/vmlinuz", NULL);
    pop_add(s, XS_WRITE, PF("%s/image/ramdisk", vm), "/var/lib/xvm/boot/initrd.img", NULL);
    pop_add(s, XS_WRITE, PF("%s/image/cmdline", vm), "root=/dev/xvda1 ro console=hvc0", NULL);
    pop_add(s, XS_WRITE, PF("%s/start_time", vm), "1763787000.25", NULL);
    pop_add(s, XS_WRITE, PF("%s/on_poweroff", vm), "destroy", NULL);
    pop_add(s, XS_WRITE, PF("%s/on_reboot", vm), "restart", NULL);
    pop_add(s, XS_WRITE, PF("%s/on_crash", vm), "destroy", NULL);
    pop_add(s, XS_WRITE, PF("%s/pool_name", vm), "Pool-0", NULL);
    pop_add(s, XS_WRITE, PF("%s/vcpus", vm), "4", NULL);
    pop_add(s, XS_WRITE, PF("%s/vcpu_avail", vm), "15", NULL);
    pop_add(s, XS_WRITE, PF("%s/memory", vm), "512", NULL);
    pop_add(s, XS_WRITE, PF("%s/maxmem", vm), "512", NULL);
    pop_add(s, XS_WRITE, PF("%s/rtc/timeoffset", vm), "0", NULL);
    pop_add(s, XS_WRITE, PF("%s/vm", dp), vm, NULL);
    pop_add(s, XS_WRITE, PF("%s/name", dp), v, NULL);
    snprintf(v, sizeof(v), "%d", g);
    pop_add(s, XS_WRITE, PF("%s/domid", dp), v, NULL);
    pop_add(s, XS_WRITE, PF("/libxl/%d/dm-version", g), "qemu_xen", NULL);
    pop_add(s, XS_WRITE, PF("/libxl/%d/type", g), "pvh", NULL);
    pop_add(s, XS_TRANSACTION_END, NULL, NULL, NULL);

    /* Transaction 2: libxl__build_post + console, vbd and vif devices. */
    pop_add(s, XS_TRANSACTION_START, NULL, NULL, NULL);
    pop_add(s, XS_WRITE, PF("%s/memory/static-max", dp), "524288", NULL);
    pop_add(s, XS_WRITE, PF("%s/memory/target", dp), "524288", NULL);
    pop_add(s, XS_WRITE, PF("%s/memory/videoram", dp), "-1", NULL);
    for (int i = 0; i < 4; i++)
        pop_add(s, XS_WRITE, PF("%s/cpu/%d/availability", dp, i), "online", NULL);
    pop_add(s, XS_WRITE, PF("%s/store/port", dp), "1", NULL);
    pop_add(s, XS_WRITE, PF("%s/store/ring-ref", dp), "1044476", NULL);
    pop_add(s, XS_WRITE, PF("%s/console/port", dp), "2", NULL);
    pop_add(s, XS_WRITE, PF("%s/console/ring-ref", dp), "1044479", NULL);
    pop_add(s, XS_WRITE, PF("%s/console/limit", dp), "1048576", NULL);
    pop_add(s, XS_WRITE, PF("%s/console/type", dp), "xenconsoled", NULL);
    pop_add(s, XS_WRITE, PF("%s/console/output", dp), "pty", NULL);
    snprintf(v, sizeof(v), "/dev/pts/%d", g);
    pop_add(s, XS_WRITE, PF("%s/console/tty", dp), v, NULL);

    char fe[128], bk[128], did[16];
    snprintf(did, sizeof(did), "%d", g);

    /* console backend */
    snprintf(bk, sizeof(bk), "%s/console/%d/0", be, g);
    pop_add(s, XS_MKDIR, bk, NULL, NULL);
    pop_add(s, XS_SET_PERMS, bk, n0, rd);
    snprintf(fe, sizeof(fe), "%s/console", dp);
    pop_add(s, XS_WRITE, PF("%s/frontend", bk), fe, NULL);
    pop_add(s, XS_WRITE, PF("%s/frontend-id", bk), did, NULL);
    pop_add(s, XS_WRITE, PF("%s/online", bk), "1", NULL);
    pop_add(s, XS_WRITE, PF("%s/state", bk), "1", NULL);
    pop_add(s, XS_WRITE, PF("%s/protocol", bk), "vt100", NULL);
    pop_add(s, XS_WRITE, PF("%s/type", bk), "xenconsoled", NULL);
    pop_add(s, XS_WRITE, PF("%s/name", bk), "console", NULL);

    /* vbd 51712 (xvda): backend, frontend, libxl's own copy */
    snprintf(bk, sizeof(bk), "%s/vbd/%d/51712", be, g);
    snprintf(fe, sizeof(fe), "%s/device/vbd/51712", dp);
    pop_add(s, XS_MKDIR, bk, NULL, NULL);
    pop_add(s, XS_SET_PERMS, bk, n0, rd);
    pop_add(s, XS_WRITE, PF("%s/frontend", bk), fe, NULL);
    pop_add(s, XS_WRITE, PF("%s/frontend-id", bk), did, NULL);
    pop_add(s, XS_WRITE, PF("%s/online", bk), "1", NULL);
    pop_add(s, XS_WRITE, PF("%s/removable", bk), "0", NULL);
    pop_add(s, XS_WRITE, PF("%s/bootable", bk), "1", NULL);
    pop_add(s, XS_WRITE, PF("%s/state", bk), "1", NULL);
    pop_add(s, XS_WRITE, PF("%s/dev", bk), "xvda", NULL);
    pop_add(s, XS_WRITE, PF("%s/type", bk), "phy", NULL);
    pop_add(s, XS_WRITE, PF("%s/mode", bk), "w", NULL);
    pop_add(s, XS_WRITE, PF("%s/device-type", bk), "disk", NULL);
    pop_add(s, XS_WRITE, PF("%s/discard-enable", bk), "1", NULL);
    snprintf(v, sizeof(v), "/var/lib/xvm/images/guest%d.img", g);
    pop_add(s, XS_WRITE, PF("%s/params", bk), v, NULL);
    pop_add(s, XS_WRITE, PF("%s/script", bk), "/etc/xen/scripts/block", NULL);
    pop_add(s, XS_WRITE, PF("%s/physical-device-path", bk), v, NULL);
    pop_add(s, XS_MKDIR, fe, NULL, NULL);
    pop_add(s, XS_SET_PERMS, fe, own, r0);
    pop_add(s, XS_WRITE, PF("%s/backend", fe), bk, NULL);
    pop_add(s, XS_WRITE, PF("%s/backend-id", fe), "0", NULL);
    pop_add(s, XS_WRITE, PF("%s/state", fe), "1", NULL);
    pop_add(s, XS_WRITE, PF("%s/virtual-device", fe), "51712", NULL);
    pop_add(s, XS_WRITE, PF("%s/device-type", fe), "disk", NULL);
    pop_add(s, XS_MKDIR, PF("/libxl/%d/device/vbd/51712", g), NULL, NULL);
    pop_add(s, XS_WRITE, PF("/libxl/%d/device/vbd/51712/frontend", g), fe, NULL);
    pop_add(s, XS_WRITE, PF("/libxl/%d/device/vbd/51712/backend", g), bk, NULL);
    pop_add(s, XS_WRITE, PF("/libxl/%d/device/vbd/51712/params", g), v, NULL);

    /* vif 0: backend, frontend, libxl's own copy */
    char mac[32];
    snprintf(mac, sizeof(mac), "00:16:3e:%02x:%02x:%02x", (g >> 16) & 0xff,
             (g >> 8) & 0xff, g & 0xff);
    snprintf(bk, sizeof(bk), "%s/vif/%d/0", be, g);
    snprintf(fe, sizeof(fe), "%s/device/vif/0", dp);
    pop_add(s, XS_MKDIR, bk, NULL, NULL);
    pop_add(s, XS_SET_PERMS, bk, n0, rd);
    pop_add(s, XS_WRITE, PF("%s/frontend", bk), fe, NULL);
    pop_add(s, XS_WRITE, PF("%s/frontend-id", bk), did, NULL);
    pop_add(s, XS_WRITE, PF("%s/online", bk), "1", NULL);
    pop_add(s, XS_WRITE, PF("%s/state", bk), "1", NULL);
    pop_add(s, XS_WRITE, PF("%s/script", bk), "/etc/xen/scripts/vif-bridge", NULL);
    pop_add(s, XS_WRITE, PF("%s/mac", bk), mac, NULL);
    pop_add(s, XS_WRITE, PF("%s/bridge", bk), "xenbr0", NULL);
    pop_add(s, XS_WRITE, PF("%s/handle", bk), "0", NULL);
    pop_add(s, XS_WRITE, PF("%s/type", bk), "vif", NULL);
    pop_add(s, XS_MKDIR, fe, NULL, NULL);
    pop_add(s, XS_SET_PERMS, fe, own, r0);
    pop_add(s, XS_WRITE, PF("%s/backend", fe), bk, NULL);
    pop_add(s, XS_WRITE, PF("%s/backend-id", fe), "0", NULL);
    pop_add(s, XS_WRITE, PF("%s/state", fe), "1", NULL);
    pop_add(s, XS_WRITE, PF("%s/handle", fe), "0", NULL);
    pop_add(s, XS_WRITE, PF("%s/mac", fe), mac, NULL);
    pop_add(s, XS_WRITE, PF("%s/mtu", fe), "1500", NULL);
    pop_add(s, XS_MKDIR, PF("/libxl/%d/device/vif/0", g), NULL, NULL);
    pop_add(s, XS_WRITE, PF("/libxl/%d/device/vif/0/frontend", g), fe, NULL);
    pop_add(s, XS_WRITE, PF("/libxl/%d/device/vif/0/backend", g), bk, NULL);
    pop_add(s, XS_WRITE, PF("/libxl/%d/device/vif/0/mac", g), mac, NULL);

    /* suspend event channel node, guest-writable */
    pop_add(s, XS_MKDIR, PF("%s/device/suspend/event-channel", dp), NULL, NULL);
    pop_add(s, XS_SET_PERMS, p, own, NULL);
    pop_add(s, XS_TRANSACTION_END, NULL, NULL, NULL);
}

static int pop_requests_per_guest(void)
{
    static struct popjob j;
    pop_build(&j, 1);
    free(j.buf);
    j.buf = NULL;
    j.cap = 0;
    return j.nops;
}

/* ---- workload state machines ---- */

static void slot_issue(struct slot *s);

static void txn_key_path(const struct slot *s, int i, char *p, size_t n)
{
    if (O.wl == W_CONTENDED)
        snprintf(p, n, "/bench/cont/k%d", i);
    else
        snprintf(p, n, "/bench/txn/s%u/k%d", s->gid, i);
}

/* Issue what the connection's populate job may issue now. */
static void pop_fill(struct conn *c)
{
    struct popjob *j = c->job;
    for (;;) {
        if (j->pi >= j->nops) {
            if (j->inflight)
                return;                      /* END still in flight */
            if (E.next_guest > O.guests)
                return;                      /* nothing left: idle */
            j->guest = E.next_guest++;
            pop_build(j, j->guest);
            j->pi = 0;
            j->txn_begin = 0;
            j->have_txid = false;
            j->t_start = now_ns();
        }
        const struct pop_op *op = &j->ops[j->pi];
        if (op->type == XS_TRANSACTION_START || op->type == XS_TRANSACTION_END) {
            if (j->inflight)
                return;
        } else if (!j->have_txid) {
            return;
        }
        struct slot *s = NULL;
        for (unsigned k = 0; k < c->nslots; k++)
            if (!c->slots[k].busy) {
                s = &c->slots[k];
                break;
            }
        if (!s)
            return;                          /* depth requests in flight */
        if (op->type == XS_TRANSACTION_START)
            j->txn_begin = j->pi;
        uint32_t tx = op->type == XS_TRANSACTION_START ? 0 : j->txid;
        s->op_idx = j->pi++;
        j->inflight++;
        send_req(s, op->type, tx, j->buf + op->off, op->len);
    }
}

/* Events the slowest watcher has received. */
static uint64_t watch_min_events(void)
{
    uint64_t m = UINT64_MAX;
    for (unsigned i = 0; i < E.nwatchers; i++)
        if (E.conns[i].wevents < m)
            m = E.conns[i].wevents;
    return m == UINT64_MAX ? 0 : m;
}

/*
 * The writer may have at most --depth writes that some watcher has not
 * seen yet.  Writes cycle through WATCH_NODES distinct nodes (more than
 * twice the maximum depth), so no watcher ever has two undelivered events
 * for the same path: a server that merges identical pending events (C
 * xenstored 4.17 does) is measured on the same work as one that does not.
 */
#define WATCH_NODES 64
static bool watch_gate_open(void)
{
    return E.writes_issued - watch_min_events() < (uint64_t)O.depth;
}

static void slot_issue(struct slot *s)
{
    char path[512], val[64];
    uint64_t r = rnd_next(&s->rng);

    if (E.phase == PH_DRAIN)
        return;
    switch (O.wl) {
    case W_READ:
        snprintf(path, sizeof(path), "/bench/read/k%d", (int)(r % (uint64_t)O.keys));
        send_str(s, XS_READ, 0, path);
        break;
    case W_WRITE:
        snprintf(path, sizeof(path), "/bench/write/k%d", (int)(r % (uint64_t)O.keys));
        snprintf(val, sizeof(val), "value-%06u", (unsigned)(r >> 40) % 1000000u);
        send_write(s, 0, path, val);
        break;
    case W_DIRECTORY:
        send_str(s, XS_DIRECTORY, 0, "/bench/dir");
        break;
    case W_LIST_BIG:
        send_str(s, XS_DIRECTORY, 0, "/local/domain");
        break;
    case W_READ_BIG:
        big_path(r, false, path, sizeof(path));
        send_str(s, XS_READ, 0, path);
        break;
    case W_WRITE_BIG:
        big_path(r, true, path, sizeof(path));
        snprintf(val, sizeof(val), "%u", (unsigned)(r >> 40) % 1000000u);
        send_write(s, 0, path, val);
        break;
    case W_TXN:
    case W_CONTENDED:
        if (s->aborting) {
            send_str(s, XS_TRANSACTION_END, s->txid, "F");
            break;
        }
        if (s->step == 0) {
            s->t_op = now_ns();
            send_req(s, XS_TRANSACTION_START, 0, "", 1);
        } else if (s->step <= 3) {
            txn_key_path(s, s->step - 1, path, sizeof(path));
            send_str(s, XS_READ, s->txid, path);
        } else if (s->step <= 6) {
            int i = s->step - 4;
            txn_key_path(s, i, path, sizeof(path));
            if (O.wl == W_CONTENDED)
                snprintf(val, sizeof(val), "%ld", s->vals[i] + 1);
            else
                snprintf(val, sizeof(val), "t%06u", (unsigned)(r >> 40) % 1000000u);
            send_write(s, s->txid, path, val);
        } else {
            send_str(s, XS_TRANSACTION_END, s->txid, "T");
        }
        break;
    case W_WATCH:
        if (!watch_gate_open())
            return;
        snprintf(path, sizeof(path), "%s/x%d", watch_path,
                 (int)(E.writes_issued % WATCH_NODES));
        snprintf(val, sizeof(val), "%" PRIu64, E.writes_issued);
        E.writes_issued++;
        send_write(s, 0, path, val);
        break;
    case W_POPULATE:
        pop_fill(s->c);
        break;
    default:
        die("internal: workload");
    }
}

static bool measuring(void)
{
    return E.phase == PH_MEASURE;
}

static void count_op(struct slot *s, uint64_t t)
{
    if (measuring()) {
        E.ops++;
        h_add(&E.oplat, t - s->t_op);
    }
}

/* A reply (type already validated) for slot s; payload NUL-terminated. */
static void slot_reply(struct slot *s, uint32_t type, const char *pl,
                       uint64_t t)
{
    bool is_err = type == XS_ERROR;
    uint32_t req = s->exp_type;

    if (measuring()) {
        E.reqs++;
        h_add(&E.lat, t - s->t_sent);
    }

    switch (O.wl) {
    case W_READ: case W_WRITE: case W_DIRECTORY:
    case W_READ_BIG: case W_WRITE_BIG: case W_LIST_BIG:
        if (is_err)
            note_error(type_name(req), "", pl);
        if (measuring())
            E.ops++;
        break;
    case W_WATCH:
        if (is_err)
            note_error("WRITE", watch_path, pl);
        break;
    case W_TXN:
    case W_CONTENDED:
        if (s->aborting) {
            /* reply to END "F" after an error; start over */
            s->aborting = false;
            s->step = 0;
            break;
        }
        if (is_err) {
            if (req == XS_TRANSACTION_END && strcmp(pl, "EAGAIN") == 0) {
                E.eagain++;
                if (measuring())
                    E.eagain_m++;
                s->step = 0;
                break;
            }
            note_error(type_name(req), "", pl);
            if (req == XS_TRANSACTION_START || req == XS_TRANSACTION_END)
                s->step = 0;
            else
                s->aborting = true;
            break;
        }
        if (s->step == 0) {
            char *end;
            unsigned long id = strtoul(pl, &end, 10);
            if (end == pl || id > UINT32_MAX) {
                note_error("TRANSACTION_START", "", "bad transaction id");
                break;
            }
            s->txid = (uint32_t)id;
            s->step = 1;
        } else if (s->step <= 3) {
            s->vals[s->step - 1] = strtol(pl, NULL, 10);
            s->step++;
        } else if (s->step <= 6) {
            s->step++;
        } else {
            E.commits_all++;
            count_op(s, t);
            s->step = 0;
        }
        break;
    case W_POPULATE: {
        struct popjob *j = s->c->job;
        const struct pop_op *op = &j->ops[s->op_idx];
        j->inflight--;
        if (is_err) {
            if (op->type == XS_TRANSACTION_END && strcmp(pl, "EAGAIN") == 0) {
                E.eagain++;
                E.retries++;
                j->pi = j->txn_begin;        /* redo this transaction */
                j->have_txid = false;
                break;
            }
            note_error(type_name(op->type), j->buf + op->off, pl);
            if (op->type == XS_TRANSACTION_START) {
                j->pi = j->nops;             /* give up this guest */
                break;
            }
        } else if (op->type == XS_TRANSACTION_START) {
            char *end;
            unsigned long id = strtoul(pl, &end, 10);
            if (end == pl || id > UINT32_MAX) {
                note_error("TRANSACTION_START", "", "bad transaction id");
                j->pi = j->nops;
                break;
            }
            j->txid = (uint32_t)id;
            j->have_txid = true;
        }
        if (op->type == XS_TRANSACTION_END) {
            j->have_txid = false;
            if (!is_err && s->op_idx == j->nops - 1) {
                E.guests_done++;
                if (measuring()) {
                    E.ops++;
                    h_add(&E.oplat, t - j->t_start);
                }
                E.t_pop_end = t;
            }
        }
        break;
    }
    default:
        break;
    }
}

static void handle_event(struct conn *c, const char *pl, uint32_t len)
{
    /* payload: path \0 token \0 */
    const char *path = pl;
    size_t plen = strnlen(pl, len);
    if (plen >= len)
        die("malformed watch event on connection %u", c->idx);
    const char *tok = pl + plen + 1;
    if (c->role != R_WATCHER)
        die("watch event on a connection without watches (%u): %s",
            c->idx, path);
    if (strncmp(tok, c->token, len - plen - 1) != 0)
        die("watch event with token '%.*s', expected '%s'",
            (int)(len - plen - 1), tok, c->token);
    size_t wl = strlen(watch_path);
    if (strcmp(path, watch_path) == 0) {
        E.initial_events++;
        return;
    }
    if (strncmp(path, watch_path, wl) != 0 || path[wl] != '/')
        die("watch event for %s outside %s", path, watch_path);
    E.events_all++;
    c->wevents++;
    if (measuring())
        E.events++;
}

static void handle_msg(struct conn *c, const struct xsd_sockmsg *h,
                       char *pl, uint64_t t)
{
    if (h->len > XENSTORE_PAYLOAD_MAX)
        E.oversized++;
    if (h->type == XS_WATCH_EVENT) {
        handle_event(c, pl, h->len);
        return;
    }
    unsigned local = (h->req_id >> 16);
    if (local == 0 || local > c->nslots)
        die("connection %u: reply %s with unknown req_id %#" PRIx32,
            c->idx, type_name(h->type), h->req_id);
    struct slot *s = &c->slots[local - 1];
    if (!s->busy || s->req_id != h->req_id)
        die("connection %u: reply %s req_id %#" PRIx32 " does not match "
            "the request in flight (%#" PRIx32 "%s)", c->idx,
            type_name(h->type), h->req_id, s->req_id,
            s->busy ? "" : ", none in flight");
    if (h->type != s->exp_type && h->type != XS_ERROR)
        die("connection %u: reply type %s to a %s request", c->idx,
            type_name(h->type), type_name(s->exp_type));
    s->busy = false;
    E.inflight--;
    slot_reply(s, h->type, pl, t);
    slot_issue(s);
}

static void conn_flush(struct conn *c)
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
                    epoll_ctl(E.ep, EPOLL_CTL_MOD, c->fd, &ev);
                    c->out_armed = true;
                }
                return;
            }
            die("connection %u: write: %s", c->idx, strerror(errno));
        }
        c->woff += (size_t)n;
    }
    c->woff = c->wlen = 0;
    if (c->out_armed) {
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        epoll_ctl(E.ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->out_armed = false;
    }
}

static void conn_read(struct conn *c)
{
    if (c->rcap - c->rlen < READ_CHUNK / 2) {
        c->rcap *= 2;
        c->rbuf = realloc(c->rbuf, c->rcap);
        if (!c->rbuf)
            die("out of memory");
    }
    ssize_t n = read(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen - 1);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return;
        die("connection %u: read: %s", c->idx, strerror(errno));
    }
    if (n == 0)
        die("connection %u: closed by the server (%" PRIu64
            " requests in flight)", c->idx, E.inflight);
    c->rlen += (size_t)n;
    uint64_t t = now_ns();
    size_t off = 0;
    while (c->rlen - off >= HDR_LEN) {
        struct xsd_sockmsg h;
        memcpy(&h, c->rbuf + off, HDR_LEN);
        if (h.len > MAX_ACCEPT_LEN)
            die("connection %u: message of %" PRIu32 " bytes", c->idx, h.len);
        if (c->rlen - off < HDR_LEN + h.len)
            break;
        char *pl = c->rbuf + off + HDR_LEN;
        /* NUL-terminate in place: save the byte after the payload */
        char save = pl[h.len];
        pl[h.len] = 0;
        handle_msg(c, &h, pl, t);
        pl[h.len] = save;
        off += HDR_LEN + h.len;
    }
    if (off) {
        memmove(c->rbuf, c->rbuf + off, c->rlen - off);
        c->rlen -= off;
    }
    if (c->rcap < HDR_LEN + MAX_ACCEPT_LEN + 1 && c->rlen >= HDR_LEN) {
        struct xsd_sockmsg h;
        memcpy(&h, c->rbuf, HDR_LEN);
        size_t need = HDR_LEN + h.len + 1 + READ_CHUNK;
        if (need > c->rcap) {
            c->rbuf = realloc(c->rbuf, need);
            if (!c->rbuf)
                die("out of memory");
            c->rcap = need;
        }
    }
}

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        die("fcntl: %s", strerror(errno));
}

static void engine_setup(unsigned nclient_conns, unsigned depth,
                         unsigned nwatchers)
{
    memset(&E, 0, sizeof(E));
    E.nwatchers = nwatchers;
    E.nconns = nclient_conns + nwatchers;
    E.nslots = nclient_conns * depth;
    E.conns = calloc(E.nconns, sizeof(*E.conns));
    E.slots = calloc(E.nslots ? E.nslots : 1, sizeof(*E.slots));
    E.dirty = calloc(E.nconns, sizeof(*E.dirty));
    if (!E.conns || !E.slots || !E.dirty)
        die("out of memory");
    E.ep = epoll_create1(EPOLL_CLOEXEC);
    if (E.ep < 0)
        die("epoll_create1: %s", strerror(errno));
    unsigned si = 0;
    for (unsigned i = 0; i < E.nconns; i++) {
        struct conn *c = &E.conns[i];
        c->idx = i;
        c->fd = connect_socket();
        c->rcap = READ_CHUNK;
        c->rbuf = malloc(c->rcap);
        if (!c->rbuf)
            die("out of memory");
        if (i < nwatchers) {
            c->role = R_WATCHER;
            snprintf(c->token, sizeof(c->token), "w%u", i);
            /* payload: path \0 token \0 */
            char buf[512];
            size_t pl = strlen(watch_path) + 1, tl = strlen(c->token) + 1;
            memcpy(buf, watch_path, pl);
            memcpy(buf + pl, c->token, tl);
            char *err = NULL;
            if (xs_sync(c->fd, XS_WATCH, 0, buf, (uint32_t)(pl + tl), &err,
                        NULL) < 0)
                die("WATCH %s: %s", watch_path, err);
            free(err);
        } else {
            c->role = O.wl == W_WATCH ? R_WRITER : R_CLIENT;
            c->slots = &E.slots[si];
            if (O.wl == W_POPULATE) {
                c->job = calloc(1, sizeof(*c->job));
                if (!c->job)
                    die("out of memory");
            }
            c->nslots = depth;
            for (unsigned k = 0; k < depth; k++, si++) {
                struct slot *s = &E.slots[si];
                s->c = c;
                s->local = k;
                s->gid = si;
                s->rng = O.seed ^ ((uint64_t)(si + 1) * 0x9e3779b97f4a7c15ull);
                for (int w = 0; w < 4; w++)
                    rnd_next(&s->rng);
            }
        }
        set_nonblock(c->fd);
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        if (epoll_ctl(E.ep, EPOLL_CTL_ADD, c->fd, &ev) < 0)
            die("epoll_ctl: %s", strerror(errno));
    }
}

static void engine_teardown(void)
{
    for (unsigned i = 0; i < E.nconns; i++) {
        close(E.conns[i].fd);
        free(E.conns[i].rbuf);
        free(E.conns[i].wbuf);
        if (E.conns[i].job)
            free(E.conns[i].job->buf);
        free(E.conns[i].job);
    }
    free(E.conns);
    free(E.slots);
    free(E.dirty);
    close(E.ep);
}

static void flush_dirty(void)
{
    for (unsigned i = 0; i < E.ndirty; i++) {
        struct conn *c = E.dirty[i];
        c->dirty = false;
        conn_flush(c);
    }
    E.ndirty = 0;
}

/* Runs the load; returns the measured window in ns. */
static uint64_t engine_run(bool timed)
{
    uint64_t t_start = now_ns();
    uint64_t t_measure = t_start + (uint64_t)(O.warmup * 1e9);
    uint64_t t_end = t_measure + (uint64_t)(O.seconds * 1e9);
    uint64_t t_drain_deadline = 0;
    uint64_t m0 = 0, m1 = 0;
    struct epoll_event evs[256];

    if (!timed) {
        E.phase = PH_MEASURE;
        m0 = t_start;
        E.t_pop_start = t_start;
    } else {
        E.phase = O.warmup > 0 ? PH_WARMUP : PH_MEASURE;
        if (E.phase == PH_MEASURE)
            m0 = t_start;
    }
    if (O.wl == W_POPULATE) {
        E.next_guest = 1;
        for (unsigned i = 0; i < E.nconns; i++)
            pop_fill(&E.conns[i]);
    } else {
        for (unsigned i = 0; i < E.nslots; i++)
            slot_issue(&E.slots[i]);
    }
    flush_dirty();

    for (;;) {
        uint64_t t = now_ns();
        if (timed && E.phase == PH_WARMUP && t >= t_measure) {
            E.phase = PH_MEASURE;
            m0 = t;
            E.ops = E.reqs = E.events = E.eagain_m = 0;
            memset(&E.lat, 0, sizeof(E.lat));
            memset(&E.oplat, 0, sizeof(E.oplat));
        }
        if (timed && E.phase == PH_MEASURE && t >= t_end) {
            E.phase = PH_DRAIN;
            m1 = t;
            t_drain_deadline = t + DRAIN_TIMEOUT_NS;
        }
        if (!timed && E.phase == PH_MEASURE && E.inflight == 0) {
            /* populate: every slot idle means every guest is done */
            E.phase = PH_DRAIN;
            m1 = E.t_pop_end ? E.t_pop_end : t;
            break;
        }
        if (E.phase == PH_DRAIN) {
            bool events_done = O.wl != W_WATCH || E.events_all == 0 ||
                watch_min_events() >= E.writes_issued;
            if (E.inflight == 0 && events_done)
                break;
            if (t >= t_drain_deadline) {
                if (E.inflight) {
                    char m[128];
                    snprintf(m, sizeof(m), "%" PRIu64 " requests never "
                             "answered", E.inflight);
                    note_error("drain", "", m);
                } else {
                    char m[128];
                    snprintf(m, sizeof(m), "%" PRIu64 " watch events never "
                             "delivered",
                             E.writes_issued * E.nwatchers - E.events_all);
                    note_error("drain", "", m);
                }
                break;
            }
        }
        int timeout = 100;
        uint64_t next = E.phase == PH_WARMUP ? t_measure :
                        E.phase == PH_MEASURE && timed ? t_end : 0;
        if (next) {
            uint64_t d = next > t ? next - t : 0;
            int ms = (int)((d + 999999) / 1000000);
            if (ms < timeout)
                timeout = ms;
        }
        int n = epoll_wait(E.ep, evs, 256, timeout);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("epoll_wait: %s", strerror(errno));
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                conn_read(c);
            if (evs[i].events & EPOLLOUT)
                conn_flush(c);
        }
        if (O.wl == W_WATCH && E.phase != PH_DRAIN) {
            /* events may have re-opened the gate for idle writer slots */
            for (unsigned i = 0; i < E.nslots && watch_gate_open(); i++)
                if (!E.slots[i].busy)
                    slot_issue(&E.slots[i]);
        }
        flush_dirty();
    }
    return m1 > m0 ? m1 - m0 : 1;
}

/* ------------------------------------------------------------------ */
/* Setup per workload                                                   */

/* Writes PREFIX0..PREFIX(n-1), values VALPREFIX0.. */
static void ensure_nodes(int fd, const char *prefix, int n,
                         const char *valprefix)
{
    char path[256], val[64];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s%d", prefix, i);
        snprintf(val, sizeof(val), "%s%d", valprefix, i);
        sync_write(fd, path, val);
    }
}

static long read_rss_kib(long pid)
{
    char fn[64], line[256];
    snprintf(fn, sizeof(fn), "/proc/%ld/status", pid);
    FILE *f = fopen(fn, "r");
    if (!f)
        return -1;
    long kib = -1;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

static void populate_quietly(void)
{
    /* the 1000-guest tree for the *-big workloads, if not there yet */
    int fd = connect_socket();
    char path[128], *err = NULL;
    snprintf(path, sizeof(path), "/local/domain/%d/name", O.guests);
    char *v = sync_read(fd, path, &err);
    close(fd);
    if (v) {
        free(v);
        return;
    }
    free(err);
    enum workload wl = O.wl;
    O.wl = W_POPULATE;
    engine_setup(4, 16, 0);
    engine_run(false);
    uint64_t errors = E.errors;
    char first[sizeof(E.first_error)];
    snprintf(first, sizeof(first), "%s", E.first_error);
    engine_teardown();
    O.wl = wl;
    if (errors)
        die("populating %d guests failed: %" PRIu64 " errors, first: %s",
            O.guests, errors, first);
}

static void usage(FILE *f)
{
    fprintf(f,
"usage: %s [options]\n"
"  --socket PATH     server socket (default $XENSTORED_PATH, else\n"
"                    /var/run/xenstored/socket)\n"
"  --workload NAME   read | write | directory | txn | contended | watch |\n"
"                    populate | read-big | write-big | list-big\n"
"  --conns N         connections (watch: watcher connections; contended:\n"
"                    clients)                                   [1]\n"
"  --depth D         requests in flight per connection (txn: transactions\n"
"                    in flight; watch: the writer's writes in flight)  [1]\n"
"  --seconds S       measured time                              [3]\n"
"  --warmup S        unmeasured time before                     [1]\n"
"  --guests N        guests for populate and the *-big workloads [1000]\n"
"  --pid PID         server pid: report its VmRSS after populate\n"
"  --keys N          nodes read/write spread over               [300]\n"
"  --json            one JSON object instead of one plain line\n"
"  --probe           exit 0 once the server answers one request\n"
"Exit status: 0 ok, 1 the server answered with unexpected errors,\n"
"2 usage or protocol failure.\n", prog);
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {
        { "socket", required_argument, NULL, 's' },
        { "workload", required_argument, NULL, 'w' },
        { "conns", required_argument, NULL, 'c' },
        { "depth", required_argument, NULL, 'd' },
        { "seconds", required_argument, NULL, 't' },
        { "warmup", required_argument, NULL, 'u' },
        { "guests", required_argument, NULL, 'g' },
        { "pid", required_argument, NULL, 'p' },
        { "keys", required_argument, NULL, 'k' },
        { "json", no_argument, NULL, 'j' },
        { "probe", no_argument, NULL, 'P' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    int ch;
    bool probe = false;
    signal(SIGPIPE, SIG_IGN);
    while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        char *end;
        switch (ch) {
        case 's': O.socket = optarg; break;
        case 'w': {
            int i;
            for (i = 0; i < W_COUNT; i++)
                if (strcmp(optarg, wl_names[i]) == 0)
                    break;
            if (i == W_COUNT)
                die("unknown workload '%s' (see --help)", optarg);
            O.wl = (enum workload)i;
            break;
        }
        case 'c': case 'd': case 'g': case 'k': case 'p': {
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 1 || v > 1000000)
                die("bad number '%s'", optarg);
            if (ch == 'c') O.conns = (int)v;
            else if (ch == 'd') O.depth = (int)v;
            else if (ch == 'g') O.guests = (int)v;
            else if (ch == 'k') O.keys = (int)v;
            else O.pid = v;
            break;
        }
        case 't': case 'u': {
            double v = strtod(optarg, &end);
            if (*end || end == optarg || v < 0 || v > 86400)
                die("bad duration '%s'", optarg);
            if (ch == 't') O.seconds = v; else O.warmup = v;
            break;
        }
        case 'j': O.json = true; break;
        case 'P': probe = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    if (O.depth > 65534)
        die("--depth at most 65534");
    if (O.wl == W_WATCH && O.depth > WATCH_NODES / 2)
        die("--depth at most %d for the watch workload", WATCH_NODES / 2);
    if (O.seconds <= 0 && O.wl != W_POPULATE)
        die("--seconds must be > 0");
    if (!O.socket)
        O.socket = getenv("XENSTORED_PATH");
    if (!O.socket || !*O.socket)
        O.socket = "/var/run/xenstored/socket";

    /* --- setup: nodes the workload needs --- */
    int fd = connect_socket();
    if (probe) {
        /* is a server answering?  any reply will do */
        xs_sync(fd, XS_DIRECTORY, 0, "/", 2, NULL, NULL);
        close(fd);
        return 0;
    }
    long cont_initial = 0;
    bool cont_verifiable = false;
    unsigned nwatchers = 0, nclients = (unsigned)O.conns;
    char extra[256] = "";
    switch (O.wl) {
    case W_READ:
        ensure_nodes(fd, "/bench/read/k", O.keys, "value-");
        break;
    case W_WRITE:
        ensure_nodes(fd, "/bench/write/k", O.keys, "value-");
        break;
    case W_DIRECTORY:
        ensure_nodes(fd, "/bench/dir/child-", O.children, "");
        break;
    case W_TXN:
        for (int i = 0; i < O.conns * O.depth; i++) {
            char prefix[64];
            snprintf(prefix, sizeof(prefix), "/bench/txn/s%d/k", i);
            ensure_nodes(fd, prefix, 3, "t");
        }
        break;
    case W_CONTENDED: {
        char *err = NULL, *v;
        for (int i = 0; i < 3; i++) {
            char p[64];
            snprintf(p, sizeof(p), "/bench/cont/k%d", i);
            v = sync_read(fd, p, &err);
            if (!v) {
                free(err);
                err = NULL;
                sync_write(fd, p, "0");
                v = sync_read(fd, p, NULL);
            }
            if (i == 0 && v && *v) {
                char *end;
                cont_initial = strtol(v, &end, 10);
                cont_verifiable = *end == 0;
            }
            free(v);
        }
        break;
    }
    case W_WATCH: {
        int n = snprintf(watch_path, sizeof(watch_path), "/bench/watch");
        for (int i = 0; i < O.watch_depth && i < 26; i++)
            n += snprintf(watch_path + n, sizeof(watch_path) - (size_t)n,
                          "/%c", 'a' + i);
        sync_write(fd, watch_path, "");
        nwatchers = (unsigned)O.conns;
        nclients = 1;
        break;
    }
    case W_READ_BIG: case W_WRITE_BIG: case W_LIST_BIG:
        close(fd);
        populate_quietly();
        fd = connect_socket();
        if (O.wl == W_LIST_BIG) {
            uint32_t len = 0;
            char *dir = NULL;
            if (xs_sync(fd, XS_DIRECTORY, 0, "/local/domain", 14, &dir,
                        &len) < 0)
                die("DIRECTORY /local/domain: %s", dir);
            unsigned nchild = 0;
            for (uint32_t i = 0; i < len; i++)
                nchild += dir[i] == 0;
            snprintf(extra, sizeof(extra), "\"children\":%u,\"reply_bytes\":%u,",
                     nchild, len);
            free(dir);
        }
        break;
    case W_POPULATE:
        break;
    default:
        break;
    }
    close(fd);

    /* --- load --- */
    engine_setup(nclients, (unsigned)O.depth, nwatchers);
    bool timed = O.wl != W_POPULATE;
    uint64_t window = engine_run(timed);
    double secs = (double)window / 1e9;
    long rss = -1;
    if (O.wl == W_POPULATE && O.pid)
        rss = read_rss_kib(O.pid);

    if (getenv("XSBENCH_DEBUG"))
        fprintf(stderr, "debug: writes=%" PRIu64 " events_all=%" PRIu64
                " initial=%" PRIu64 " inflight=%" PRIu64 "\n",
                E.writes_issued, E.events_all, E.initial_events, E.inflight);

    /* --- verification --- */
    if (O.wl == W_CONTENDED && cont_verifiable) {
        /* every committed transaction incremented k0 exactly once */
        engine_teardown();
        fd = connect_socket();
        char *v = sync_read(fd, "/bench/cont/k0", NULL);
        close(fd);
        long fin = v ? strtol(v, NULL, 10) : -1;
        free(v);
        if (fin - cont_initial != (long)E.commits_all) {
            char m[160];
            snprintf(m, sizeof(m), "k0 went %ld -> %ld but %" PRIu64
                     " transactions committed", cont_initial, fin,
                     E.commits_all);
            note_error("verify", "/bench/cont/k0", m);
        }
    } else {
        engine_teardown();
    }
    if (O.wl == W_POPULATE && E.guests_done != O.guests) {
        char m[96];
        snprintf(m, sizeof(m), "%d of %d guests created", E.guests_done,
                 O.guests);
        note_error("populate", "", m);
    }
    if (E.oversized) {
        char m[96];
        snprintf(m, sizeof(m), "%" PRIu64 " replies over %d bytes",
                 E.oversized, XENSTORE_PAYLOAD_MAX);
        note_error("protocol", "", m);
    }

    /* --- report --- */
    double ops_s = (double)E.ops / secs;
    double reqs_s = (double)E.reqs / secs;
    double ev_s = (double)E.events / secs;
    double eagain_rate = 0;
    if (O.wl == W_CONTENDED || O.wl == W_TXN) {
        uint64_t tries = E.ops + E.eagain_m;
        eagain_rate = tries ? (double)E.eagain_m / (double)tries : 0;
    } else if (O.wl == W_POPULATE) {
        uint64_t tries = 2ull * (uint64_t)E.guests_done + E.eagain;
        eagain_rate = tries ? (double)E.eagain / (double)tries : 0;
    }
    const char *status = E.errors ? "errors" : "ok";
    double main_rate = O.wl == W_WATCH ? ev_s : ops_s;
    const char *unit = O.wl == W_WATCH ? "events/s" :
                       (O.wl == W_TXN || O.wl == W_CONTENDED) ? "txn/s" :
                       O.wl == W_POPULATE ? "guests/s" : "ops/s";
    if (O.json) {
        printf("{\"workload\":\"%s\",\"socket\":\"%s\",\"conns\":%d,"
               "\"depth\":%d,\"seconds\":%.3f,\"warmup\":%.3f,"
               "\"unit\":\"%s\",\"rate\":%.1f,"
               "\"ops\":%" PRIu64 ",\"ops_per_sec\":%.1f,"
               "\"requests\":%" PRIu64 ",\"requests_per_sec\":%.1f,"
               "\"p50_us\":%.2f,\"p99_us\":%.2f,"
               "\"op_p50_us\":%.2f,\"op_p99_us\":%.2f,"
               "\"eagain\":%" PRIu64 ",\"eagain_rate\":%.4f,"
               "\"events\":%" PRIu64 ",\"events_per_sec\":%.1f,",
               wl_names[O.wl], O.socket, O.conns, O.depth, secs,
               timed ? O.warmup : 0.0, unit, main_rate,
               E.ops, ops_s, E.reqs, reqs_s,
               h_pct_us(&E.lat, 0.50), h_pct_us(&E.lat, 0.99),
               h_pct_us(&E.oplat, 0.50), h_pct_us(&E.oplat, 0.99),
               E.eagain, eagain_rate, E.events, ev_s);
        if (O.wl == W_WATCH)
            printf("\"watchers\":%u,\"watch_depth\":%d,\"writes\":%" PRIu64 ",",
                   nwatchers, O.watch_depth, E.writes_issued);
        if (O.wl == W_POPULATE)
            printf("\"guests\":%d,\"requests_per_guest\":%d,"
                   "\"total_s\":%.3f,\"retries\":%" PRIu64 ",\"rss_kib\":%ld,",
                   E.guests_done, pop_requests_per_guest(), secs, E.retries,
                   rss);
        if (O.wl == W_CONTENDED)
            printf("\"commits_total\":%" PRIu64 ",\"verified\":%s,",
                   E.commits_all, cont_verifiable ? "true" : "false");
        printf("%s\"errors\":%" PRIu64 ",\"first_error\":\"", extra, E.errors);
        for (const char *q = E.first_error; *q; q++)
            if (*q == '"' || *q == '\\')
                printf("\\%c", *q);
            else if ((unsigned char)*q >= 0x20)
                putchar(*q);
        printf("\",\"status\":\"%s\"}\n", status);
    } else {
        printf("%s conns=%d depth=%d: %.0f %s", wl_names[O.wl], O.conns,
               O.depth, main_rate, unit);
        if (O.wl == W_POPULATE)
            printf(" total=%.3fs requests/guest=%d retries=%" PRIu64,
                   secs, pop_requests_per_guest(), E.retries);
        if (rss >= 0)
            printf(" rss=%.1fMiB", rss / 1024.0);
        printf(" requests/s=%.0f p50=%.1fus p99=%.1fus", reqs_s,
               h_pct_us(&E.lat, 0.50), h_pct_us(&E.lat, 0.99));
        if (O.wl == W_TXN || O.wl == W_CONTENDED)
            printf(" txn-p50=%.1fus txn-p99=%.1fus eagain=%.1f%%",
                   h_pct_us(&E.oplat, 0.50), h_pct_us(&E.oplat, 0.99),
                   100 * eagain_rate);
        if (O.wl == W_WATCH)
            printf(" watchers=%u writes=%" PRIu64, nwatchers, E.writes_issued);
        printf(" errors=%" PRIu64 "%s%s\n", E.errors,
               E.errors ? " first: " : "", E.first_error);
    }
    if (E.errors)
        fprintf(stderr, "%s: %" PRIu64 " unexpected errors; first: %s\n",
                prog, E.errors, E.first_error);
    return E.errors ? 1 : 0;
}
