/* Small helpers shared by xenstored's files. */
#ifndef XS_UTIL_H
#define XS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failure of the daemon's own bookkeeping is fatal (as in Xen's
 * xenstored: the store cannot be kept consistent without memory). Memory a
 * client causes is bounded by quotas before it is allocated. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);

/* 32-bit hash (FNV-1a variant, mixed), seeded. */
static inline uint32_t hash_bytes(const void *data, size_t len, uint32_t seed)
{
	const unsigned char *p = data;
	uint32_t h = 2166136261u ^ seed;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h;
}

static inline int streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static inline int strstarts(const char *a, const char *prefix)
{
	return strncmp(a, prefix, strlen(prefix)) == 0;
}

#endif
