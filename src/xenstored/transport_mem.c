/* The memory transport: input is fed with conn_feed(), output collected
 * in a buffer. Tests and fuzzers drive the whole core through it. */
#include "transport.h"

#include <stdbool.h>
#include <string.h>
#include <talloc.h>

#include "connection.h"
#include "util.h"

struct mem {
	char *out;
	size_t len;
};

static ssize_t mem_read(struct connection *conn, void *buf, size_t len)
{
	(void)conn; (void)buf; (void)len;
	return 0;  /* everything arrives through conn_feed() */
}

static ssize_t mem_write(struct connection *conn, const void *buf, size_t len)
{
	struct mem *m = conn->transport;
	char *out = talloc_realloc_size(conn, m->out, m->len + len);

	if (!out)
		return -1;
	memcpy(out + m->len, buf, len);
	m->out = out;
	m->len += len;
	return (ssize_t)len;
}

static void mem_want(struct connection *conn, bool rd, bool wr)
{
	(void)conn; (void)rd; (void)wr;
}

static const struct conn_ops mem_ops = {
	.name = "memory",
	.read = mem_read,
	.write = mem_write,
	.want = mem_want,
	.close = NULL,
};

struct connection *mem_conn_new(uint32_t domid, int privileged)
{
	struct connection *conn = conn_new(NULL, &mem_ops, NULL, domid, privileged);
	struct mem *m;

	if (!conn)
		return NULL;
	m = talloc_zero(conn, struct mem);
	if (!m) {
		talloc_free(conn);
		return NULL;
	}
	conn->transport = m;
	return conn;
}

const char *mem_conn_output(struct connection *conn, size_t *len)
{
	struct mem *m = conn->transport;

	*len = m->len;
	return m->out ? m->out : "";
}

void mem_conn_clear_output(struct connection *conn)
{
	struct mem *m = conn->transport;

	talloc_free(m->out);
	m->out = NULL;
	m->len = 0;
}
