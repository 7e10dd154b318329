/* The store's slab allocator: see slab.h. */
#include "slab.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

#define PAGE_SIZE   (64u * 1024)
#define GRAIN       4u            /* class size step and object alignment */
#define NCLASSES    (SLAB_MAX_SMALL / GRAIN)
#define MAX_PAGES   (1u << 17)   /* handles: 17 bits of page, 14 of offset */

char **slab_pages;
static uint32_t npages, pages_cap;
static uint32_t cur_page, cur_off = PAGE_SIZE;  /* carving position */
static uint32_t free_list[NCLASSES];            /* per class: handle or 0 */

void **slab_large;
static uint32_t nlarge, large_cap;
static uint32_t *large_free;
static uint32_t large_free_n, large_free_cap;
static size_t large_bytes;

static uint32_t class_of(size_t size)
{
	return (uint32_t)((size + GRAIN - 1) / GRAIN) - 1;
}

int slab_same_class(size_t a, size_t b)
{
	if (a > SLAB_MAX_SMALL || b > SLAB_MAX_SMALL)
		return 0;
	return class_of(a) == class_of(b);
}

static void new_page(void)
{
	if (npages >= MAX_PAGES)
		xs_fatal("store: out of slab pages");
	if (npages == pages_cap) {
		pages_cap = pages_cap ? pages_cap * 2 : 64;
		slab_pages = xrealloc(slab_pages, pages_cap * sizeof(*slab_pages));
	}
	slab_pages[npages] = xmalloc(PAGE_SIZE);
	cur_page = npages++;
	/* Offset 0 of page 0 is never handed out: handle 0 means none. */
	cur_off = cur_page == 0 ? GRAIN : 0;
}

uint32_t slab_alloc_large(size_t size)
{
	uint32_t i;

	if (large_free_n) {
		i = large_free[--large_free_n];
	} else {
		if (nlarge == large_cap) {
			large_cap = large_cap ? large_cap * 2 : 64;
			slab_large = xrealloc(slab_large, large_cap * sizeof(*slab_large));
		}
		i = nlarge++;
	}
	slab_large[i] = xmalloc(size);
	large_bytes += size;
	return SLAB_LARGE | i;
}

uint32_t slab_alloc(size_t size)
{
	uint32_t c, h, rounded;

	if (size > SLAB_MAX_SMALL)
		return slab_alloc_large(size);
	c = class_of(size);
	if (free_list[c]) {
		h = free_list[c];
		memcpy(&free_list[c], slab_ptr(h), sizeof(uint32_t));
		return h;
	}
	rounded = (c + 1) * GRAIN;
	if (cur_off + rounded > PAGE_SIZE)
		new_page();
	h = (cur_page << 14) | (cur_off / GRAIN);
	cur_off += rounded;
	return h;
}

void slab_free(uint32_t h, size_t size)
{
	if (!h)
		return;
	if (h & SLAB_LARGE) {
		uint32_t i = h & ~SLAB_LARGE;
		free(slab_large[i]);
		slab_large[i] = NULL;
		large_bytes -= size;
		if (large_free_n == large_free_cap) {
			large_free_cap = large_free_cap ? large_free_cap * 2 : 64;
			large_free = xrealloc(large_free, large_free_cap * sizeof(*large_free));
		}
		large_free[large_free_n++] = i;
		return;
	}
	memcpy(slab_ptr(h), &free_list[class_of(size)], sizeof(uint32_t));
	free_list[class_of(size)] = h;
}

void slab_realloc_large(uint32_t h, size_t old_size, size_t size)
{
	uint32_t i = h & ~SLAB_LARGE;

	slab_large[i] = xrealloc(slab_large[i], size);
	large_bytes = large_bytes - old_size + size;
}

size_t slab_bytes(void)
{
	return (size_t)npages * PAGE_SIZE + large_bytes;
}

void slab_fini(void)
{
	for (uint32_t i = 0; i < npages; i++)
		free(slab_pages[i]);
	for (uint32_t i = 0; i < nlarge; i++)
		free(slab_large[i]);
	free(slab_pages);
	free(slab_large);
	free(large_free);
	slab_pages = NULL;
	slab_large = NULL;
	large_free = NULL;
	npages = pages_cap = nlarge = large_cap = 0;
	large_free_n = large_free_cap = 0;
	large_bytes = 0;
	cur_page = 0;
	cur_off = PAGE_SIZE;
	memset(free_list, 0, sizeof(free_list));
}
