/* Node permissions: parsing, formatting, interning and access checks.
 *
 * A permission set is "owner + ACL": entry 0 names the owning domain and
 * the access every domain not listed gets; entries 1.. grant access to
 * specific domains.  Sets are interned: nodes hold a reference to one
 * shared, immutable set, since almost every node of a domain has the same
 * permissions (a store of 100k nodes typically holds a few hundred sets).
 */
#ifndef XS_PERMS_H
#define XS_PERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XS_PERM_NONE   0x0
#define XS_PERM_READ   0x1
#define XS_PERM_WRITE  0x2
#define XS_PERM_OWNER  0x8   /* internal: returned by perms_for(), never stored */
#define XS_PERM_IGNORE 0x10  /* internal: entry of a domain that no longer exists */

struct xs_perm {
	uint32_t id;     /* domid */
	uint32_t perms;  /* XS_PERM_* */
};

struct perms {
	uint32_t refcnt;     /* owners: nodes, transactions, special watch nodes */
	uint32_t hash;
	uint32_t num;        /* >= 1 */
	uint32_t index;      /* perms_get(index) == this: nodes store the index */
	struct perms *next;  /* intern table chain */
	struct xs_perm p[];
};

/* Set by index; every live set has one. */
extern struct perms **perms_by_index;
static inline struct perms *perms_get(uint32_t index)
{
	return perms_by_index[index];
}

/* Interns a set: returns a new reference to the shared copy of p[0..num). */
struct perms *perms_intern(const struct xs_perm *p, unsigned int num);
struct perms *perms_ref(struct perms *perms);
void perms_unref(struct perms *perms);
/* Number of distinct sets alive (CONTROL memreport). */
size_t perms_interned_count(void);

/* Parses NUL-separated strings "r0\0w5\0" (num of them) from buf.
 * Returns false (invalid string) without touching out beyond num. */
bool perms_parse(const char *buf, unsigned int num, struct xs_perm *out);
/* Formats as NUL-terminated strings; returns bytes written, or 0 if
 * len is too small. */
size_t perms_format(const struct perms *perms, char *buf, size_t len);

/* The access a domain has to a node with these permissions.
 * privileged: dom0 / the privileged domain (gets everything);
 * target: the domid this connection was SET_TARGET to, or UINT32_MAX. */
unsigned int perms_for(const struct perms *perms, uint32_t domid,
		       bool privileged, uint32_t target);

static inline uint32_t perms_owner(const struct perms *perms)
{
	return perms->p[0].id;
}

/* Does any interned set grant access to domid in its ACL (entries 1..)? */
bool perms_mention(uint32_t domid);

#endif
