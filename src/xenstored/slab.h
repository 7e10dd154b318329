/* A slab allocator with 32-bit handles, for the store's long-lived
 * objects (nodes, child arrays).
 *
 * Objects up to SLAB_MAX_SMALL bytes are carved from 64 KiB pages in size
 * classes of 4 bytes, with no per-object header; a handle is (page << 14)
 * | (offset / 4), so objects are 4-byte aligned (and no more). Larger objects are malloc'd and referenced through a
 * table; their handles have SLAB_LARGE set and stay valid across
 * slab_realloc_large(). Handle 0 is never returned.
 *
 * Keeping these objects out of malloc's heap keeps them from being
 * interleaved with short-lived request and transaction memory, which
 * would otherwise pin freed heap pages (measured: 16 MiB -> 40 MiB RSS for
 * the same tree built by concurrent transactions).
 */
#ifndef XS_SLAB_H
#define XS_SLAB_H

#include <stddef.h>
#include <stdint.h>

#define SLAB_MAX_SMALL 2048u
#define SLAB_LARGE     0x80000000u

uint32_t slab_alloc(size_t size);
/* A large object regardless of size (stable handle). */
uint32_t slab_alloc_large(size_t size);
void slab_free(uint32_t h, size_t size);
/* Resizes a large object; its handle does not change. */
void slab_realloc_large(uint32_t h, size_t old_size, size_t size);

/* Would an object of size `a` and one of size `b` use the same slot? */
int slab_same_class(size_t a, size_t b);

extern char **slab_pages;
extern void **slab_large;

static inline void *slab_ptr(uint32_t h)
{
	if (h & SLAB_LARGE)
		return slab_large[h & ~SLAB_LARGE];
	return slab_pages[h >> 14] + ((size_t)(h & 0x3fff) << 2);
}

/* Bytes held: pages and large objects. */
size_t slab_bytes(void);
void slab_fini(void);

#endif
