/* Logging (syslog or stderr) and the request trace file (-T). */
#ifndef XS_LOG_H
#define XS_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <syslog.h>

#include <libintl.h>

#define _(s) dgettext(GETTEXT_PACKAGE, s)
#define N_(s) (s)

void log_init(bool to_stderr, bool verbose);
void xs_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xs_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Like xs_log(), at most once every 10 s per call site key. */
void xs_log_ratelimited(int *last, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Trace file: every request and reply. Returns -1 with errno on failure. */
int trace_open(const char *path);
void trace_close(void);
bool trace_enabled(void);
/* dir: "IN" or "OUT"; conn_id identifies the connection. */
void trace_msg(const char *dir, unsigned long conn_id, uint32_t type,
	       uint32_t req_id, uint32_t tx_id, const char *payload, size_t len);
void trace_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
