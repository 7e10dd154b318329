#include "util.h"

#include <stdlib.h>

#include "log.h"

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		xs_fatal("out of memory allocating %zu bytes", size);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		xs_fatal("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		xs_fatal("out of memory reallocating %zu bytes", size);
	return p;
}
