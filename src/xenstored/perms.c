/* Node permissions: see perms.h. */
#include "perms.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Intern table: chained hash, grown when the load exceeds 1. */
static struct perms **table;
static size_t table_size;
static size_t table_count;

struct perms **perms_by_index;
static uint32_t index_cap, index_next;
static uint32_t *index_free;
static uint32_t index_free_n, index_free_cap;

static uint32_t index_alloc(struct perms *e)
{
	uint32_t i;

	if (index_free_n) {
		i = index_free[--index_free_n];
	} else {
		if (index_next == index_cap) {
			index_cap = index_cap ? index_cap * 2 : 256;
			perms_by_index = xrealloc(perms_by_index,
						  index_cap * sizeof(*perms_by_index));
		}
		i = index_next++;
	}
	perms_by_index[i] = e;
	return i;
}

static void index_release(uint32_t i)
{
	perms_by_index[i] = NULL;
	if (index_free_n == index_free_cap) {
		index_free_cap = index_free_cap ? index_free_cap * 2 : 256;
		index_free = xrealloc(index_free, index_free_cap * sizeof(*index_free));
	}
	index_free[index_free_n++] = i;
}

static uint32_t perms_hash(const struct xs_perm *p, unsigned int num)
{
	return hash_bytes(p, num * sizeof(*p), num);
}

static void table_grow(void)
{
	size_t nsize = table_size ? table_size * 2 : 256;
	struct perms **ntable = xcalloc(nsize, sizeof(*ntable));

	for (size_t i = 0; i < table_size; i++) {
		struct perms *e = table[i], *next;
		for (; e; e = next) {
			next = e->next;
			e->next = ntable[e->hash & (nsize - 1)];
			ntable[e->hash & (nsize - 1)] = e;
		}
	}
	free(table);
	table = ntable;
	table_size = nsize;
}

struct perms *perms_intern(const struct xs_perm *p, unsigned int num)
{
	uint32_t h = perms_hash(p, num);
	struct perms *e;

	if (table_size)
		for (e = table[h & (table_size - 1)]; e; e = e->next)
			if (e->hash == h && e->num == num &&
			    !memcmp(e->p, p, num * sizeof(*p)))
				return perms_ref(e);

	if (table_count >= table_size)
		table_grow();
	e = xmalloc(sizeof(*e) + num * sizeof(*p));
	e->refcnt = 1;
	e->hash = h;
	e->num = num;
	memcpy(e->p, p, num * sizeof(*p));
	e->index = index_alloc(e);
	e->next = table[h & (table_size - 1)];
	table[h & (table_size - 1)] = e;
	table_count++;
	return e;
}

struct perms *perms_ref(struct perms *perms)
{
	perms->refcnt++;
	return perms;
}

void perms_unref(struct perms *perms)
{
	struct perms **pp;

	if (!perms || --perms->refcnt)
		return;
	for (pp = &table[perms->hash & (table_size - 1)]; *pp; pp = &(*pp)->next)
		if (*pp == perms) {
			*pp = perms->next;
			break;
		}
	table_count--;
	index_release(perms->index);
	free(perms);
}

size_t perms_interned_count(void)
{
	return table_count;
}

bool perms_parse(const char *buf, unsigned int num, struct xs_perm *out)
{
	for (unsigned int i = 0; i < num; i++) {
		unsigned long id;
		char *end;

		switch (*buf) {
		case 'n': out[i].perms = XS_PERM_NONE; break;
		case 'r': out[i].perms = XS_PERM_READ; break;
		case 'w': out[i].perms = XS_PERM_WRITE; break;
		case 'b': out[i].perms = XS_PERM_READ | XS_PERM_WRITE; break;
		default: return false;
		}
		buf++;
		if (*buf < '0' || *buf > '9')
			return false;
		errno = 0;
		id = strtoul(buf, &end, 10);
		if (errno || *end != '\0' || id > UINT16_MAX)
			return false;
		out[i].id = id;
		buf = end + 1;
	}
	return true;
}

size_t perms_format(const struct perms *perms, char *buf, size_t len)
{
	static const char letter[] = { 'n', 'r', 'w', 'b' };
	size_t off = 0;

	for (unsigned int i = 0; i < perms->num; i++) {
		int n = snprintf(buf + off, len - off, "%c%u",
				 letter[perms->p[i].perms & 3], perms->p[i].id);
		if (n < 0 || (size_t)n + 1 > len - off)
			return 0;
		off += n + 1;
	}
	return off;
}

unsigned int perms_for(const struct perms *perms, uint32_t domid,
		       bool privileged, uint32_t target)
{
	const unsigned int all = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;

	/* Owners and tools get it all; so does the domain a device model
	 * serves (SET_TARGET) for what that domain owns. */
	if (privileged || perms->p[0].id == domid || perms->p[0].id == target)
		return all;

	for (unsigned int i = 1; i < perms->num; i++) {
		if (perms->p[i].perms & XS_PERM_IGNORE)
			continue;
		if (perms->p[i].id == domid || perms->p[i].id == target)
			return perms->p[i].perms & (XS_PERM_READ | XS_PERM_WRITE);
	}
	return perms->p[0].perms & (XS_PERM_READ | XS_PERM_WRITE);
}

bool perms_mention(uint32_t domid)
{
	for (size_t i = 0; i < table_size; i++)
		for (struct perms *e = table[i]; e; e = e->next)
			for (unsigned int j = 1; j < e->num; j++)
				if (e->p[j].id == domid)
					return true;
	return false;
}
