#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wire.h"

static bool log_stderr = true;
static bool log_verbose;
static FILE *trace_file;

void log_init(bool to_stderr, bool verbose)
{
	log_stderr = to_stderr;
	log_verbose = verbose;
	if (!to_stderr)
		openlog("xenstored", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

__attribute__((format(printf, 2, 0)))
static void vlog(int prio, const char *fmt, va_list ap)
{
	va_list ap2;

	if (trace_file) {
		va_copy(ap2, ap);
		fputs("LOG ", trace_file);
		vfprintf(trace_file, fmt, ap2);
		fputc('\n', trace_file);
		va_end(ap2);
	}
	if (prio >= LOG_DEBUG && !log_verbose)
		return;
	if (log_stderr) {
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
}

void xs_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, fmt, ap);
	va_end(ap);
}

void xs_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_stderr) {
		fputs("xenstored: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(LOG_CRIT, fmt, ap);
	}
	va_end(ap);
	exit(1);
}

void xs_log_ratelimited(int *last, int prio, const char *fmt, ...)
{
	time_t now = time(NULL);
	va_list ap;

	if (*last && now - *last < 10)
		return;
	*last = (int)now;
	va_start(ap, fmt);
	vlog(prio, fmt, ap);
	va_end(ap);
}

int trace_open(const char *path)
{
	FILE *f = fopen(path, "a");

	if (!f)
		return -1;
	setvbuf(f, NULL, _IOLBF, 0);
	if (trace_file)
		fclose(trace_file);
	trace_file = f;
	return 0;
}

void trace_close(void)
{
	if (trace_file)
		fclose(trace_file);
	trace_file = NULL;
}

bool trace_enabled(void)
{
	return trace_file != NULL;
}

void trace_line(const char *fmt, ...)
{
	va_list ap;

	if (!trace_file)
		return;
	va_start(ap, fmt);
	vfprintf(trace_file, fmt, ap);
	va_end(ap);
}

void trace_msg(const char *dir, unsigned long conn_id, uint32_t type,
	       uint32_t req_id, uint32_t tx_id, const char *payload, size_t len)
{
	char stamp[32];
	struct timespec ts;
	struct tm tm;

	if (!trace_file)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d %H:%M:%S", &tm);
	fprintf(trace_file, "%s %#lx %s.%03ld %s (req %u tx %u) (", dir, conn_id,
		stamp, ts.tv_nsec / 1000000, wire_type_name(type), req_id, tx_id);
	/* Strings are shown separated by spaces; other bytes escaped. */
	for (size_t i = 0; i < len && i < 1024; i++) {
		unsigned char c = payload[i];
		if (c == '\0')
			fputc(' ', trace_file);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(trace_file, "\\x%02x", c);
		else
			fputc(c, trace_file);
	}
	fputs(len > 1024 ? "...)\n" : ")\n", trace_file);
}
