/* Node paths: validation and canonicalisation, as Xen's xenstored does it.
 *
 * A valid absolute path starts with '/', has no "//", no trailing '/'
 * (except "/" itself), and only the characters [A-Za-z0-9-/_@]. Special
 * paths ("@introduceDomain", "@releaseDomain") are valid only for watches
 * and their permissions. A relative path is relative to the connection's
 * home, /local/domain/<domid>.
 */
#ifndef XS_PATH_H
#define XS_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "wire.h"

/* Room for any path path_canonical() accepts (at most
 * XENSTORE_ABS_PATH_MAX bytes and its NUL). */
#define PATH_BUF (XENSTORE_ABS_PATH_MAX + 64)

struct connection;

/* Resolves a client's path into buf (absolute). Returns its length, or -1
 * with errno EINVAL for an invalid path (including one longer than the
 * connection's path quota) . allow_special admits "@..." names. */
int path_canonical(const struct connection *conn, const char *in,
		   bool allow_special, char *buf, size_t buflen);
bool path_chars_valid(const char *p);
/* Length of the parent of an absolute path ("/a/b" -> 2, "/a" -> 1). */
size_t path_parent_len(const char *path, size_t len);
/* Is path equal to or below ancestor? */
bool path_is_child(const char *path, const char *ancestor);
/* Home directory of a domain ("/local/domain/N") into buf. */
int path_domain_home(unsigned int domid, char *buf, size_t len);

#endif
