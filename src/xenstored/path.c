#include "path.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "connection.h"
#include "config.h"
#include "util.h"
#include "wire.h"

bool path_chars_valid(const char *p)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/_@";
	return p[strspn(p, ok)] == '\0';
}

int path_domain_home(unsigned int domid, char *buf, size_t len)
{
	return snprintf(buf, len, "/local/domain/%u", domid);
}

/* One pass over an absolute path: allowed characters only, no "//", no
 * trailing '/' (except "/" itself). */
static bool path_syntax_valid(const char *p, size_t len)
{
	static bool ok[256];
	static bool init;

	if (!init) {
		for (const char *c = "abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/_@"; *c; c++)
			ok[(unsigned char)*c] = true;
		init = true;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (!ok[c] || (c == '/' && i && p[i - 1] == '/'))
			return false;
	}
	return !(p[0] == '/' && len > 1 && p[len - 1] == '/');
}

int path_canonical(const struct connection *conn, const char *in,
		   bool allow_special, char *buf, size_t buflen)
{
	size_t len;

	/* "@..." names are never relative: special, or invalid. */
	if (in[0] == '@' && !allow_special)
		goto invalid;
	len = strlen(in);
	if (in[0] == '/' || in[0] == '@') {
		if (len + 1 > buflen)
			goto invalid;
		memcpy(buf, in, len + 1);
	} else {
		int home_len = path_domain_home(conn->domid, buf, buflen);

		if (!len || home_len + 1 + len + 1 > buflen)
			goto invalid;
		buf[home_len] = '/';
		memcpy(buf + home_len + 1, in, len + 1);
		len += home_len + 1;
	}
	if (len > XENSTORE_ABS_PATH_MAX || !path_syntax_valid(buf, len))
		goto invalid;

	/* The path quota counts what lies below a domain's home. */
	if (conn_is_unprivileged(conn)) {
		unsigned int domid;
		int off = 0;

		if (sscanf(buf, "/local/domain/%5u/%n", &domid, &off) != 1)
			off = 0;
		if (len - off > config.quota_path_max)
			goto invalid;
	}
	return (int)len;

invalid:
	errno = EINVAL;
	return -1;
}

size_t path_parent_len(const char *path, size_t len)
{
	const char *slash = memrchr(path, '/', len);

	if (!slash || slash == path)
		return 1;
	return slash - path;
}

bool path_is_child(const char *path, const char *ancestor)
{
	size_t alen = strlen(ancestor);

	if (alen == 1 && ancestor[0] == '/')
		return path[0] == '/';
	return strncmp(path, ancestor, alen) == 0 &&
	       (path[alen] == '/' || path[alen] == '\0');
}
