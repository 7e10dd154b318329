/* Persistence in tdb: see persist.h. */
#include "persist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tdb.h>

#include "log.h"
#include "node_ops.h"
#include "path.h"
#include "perms.h"
#include "store.h"
#include "util.h"
#include "wire.h"

static struct tdb_context *tdb;
static bool in_txn;

bool persist_enabled(void)
{
	return tdb != NULL;
}

struct rec_hdr {
	uint32_t vlen;
	uint32_t nperms;
};

void persist_node(const char *path, size_t len, const struct node *n)
{
	size_t size;
	char *buf;
	struct rec_hdr hdr;
	TDB_DATA key, data;

	if (!tdb)
		return;
	persist_begin();
	hdr.vlen = node_vlen(n);
	hdr.nperms = node_perms(n)->num;
	size = sizeof(hdr) + hdr.nperms * sizeof(struct xs_perm) + node_vlen(n);
	buf = xmalloc(size);
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), node_perms(n)->p, hdr.nperms * sizeof(struct xs_perm));
	memcpy(buf + sizeof(hdr) + hdr.nperms * sizeof(struct xs_perm),
	       node_value(n), node_vlen(n));
	key.dptr = (unsigned char *)path;
	key.dsize = len;
	data.dptr = (unsigned char *)buf;
	data.dsize = size;
	if (tdb_store(tdb, key, data, TDB_REPLACE))
		xs_fatal("persistent store: writing %.*s: %s", (int)len, path,
			 tdb_errorstr(tdb));
	free(buf);
}

void persist_delete(const char *path, size_t len)
{
	TDB_DATA key;

	if (!tdb)
		return;
	persist_begin();
	key.dptr = (unsigned char *)path;
	key.dsize = len;
	if (tdb_delete(tdb, key) && tdb_error(tdb) != TDB_ERR_NOEXIST)
		xs_fatal("persistent store: deleting %.*s: %s", (int)len, path,
			 tdb_errorstr(tdb));
}

void persist_begin(void)
{
	if (!tdb || in_txn)
		return;
	if (tdb_transaction_start(tdb))
		xs_fatal("persistent store: %s", tdb_errorstr(tdb));
	in_txn = true;
}

void persist_commit(void)
{
	if (!tdb || !in_txn)
		return;
	in_txn = false;
	if (tdb_transaction_commit(tdb))
		xs_fatal("persistent store: commit: %s", tdb_errorstr(tdb));
}


/* ---- loading ---------------------------------------------------------- */

struct loaded {
	char *path;          /* NUL-terminated */
	uint32_t len;
	uint32_t depth;
	unsigned char *data;
	uint32_t dsize;
};

struct load_state {
	struct loaded *recs;
	size_t n, cap;
	size_t bad;
	/* Copies of keys and data, in large chunks (one malloc per record
	 * would dominate the load time of a large store). */
	char **chunks;
	size_t nchunks;
	size_t chunk_left;
	char *chunk_pos;
};

#define LOAD_CHUNK (4u * 1024 * 1024)

static char *load_copy_space(struct load_state *st, size_t size)
{
	char *p;

	if (size > st->chunk_left) {
		size_t csize = size > LOAD_CHUNK ? size : LOAD_CHUNK;
		st->chunks = xrealloc(st->chunks, (st->nchunks + 1) * sizeof(char *));
		st->chunks[st->nchunks++] = st->chunk_pos = xmalloc(csize);
		st->chunk_left = csize;
	}
	p = st->chunk_pos;
	st->chunk_pos += size;
	st->chunk_left -= size;
	return p;
}

static int load_rec(struct tdb_context *t, TDB_DATA key, TDB_DATA data, void *arg)
{
	struct load_state *st = arg;
	struct loaded *r;

	(void)t;
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 4096;
		st->recs = xrealloc(st->recs, st->cap * sizeof(*st->recs));
	}
	r = &st->recs[st->n++];
	r->path = load_copy_space(st, key.dsize + 1 + data.dsize);
	memcpy(r->path, key.dptr, key.dsize);
	r->path[key.dsize] = '\0';
	r->len = key.dsize;
	r->data = (unsigned char *)r->path + key.dsize + 1;
	memcpy(r->data, data.dptr, data.dsize);
	r->dsize = data.dsize;
	r->depth = 0;
	for (size_t i = 0; i < key.dsize; i++)
		r->depth += key.dptr[i] == '/';
	return 0;
}

/* Inserts one record; its parent is already in the store (records are
 * inserted by depth). */
static void insert_rec(struct load_state *st, struct loaded *r)
{
	struct rec_hdr hdr;
	const struct xs_perm *p;
	struct perms *perms;
	node_id id, parent;
	size_t plen;

	if (r->dsize < sizeof(hdr))
		goto bad;
	memcpy(&hdr, r->data, sizeof(hdr));
	if (!hdr.nperms || hdr.nperms > 1024 || hdr.vlen > XENSTORE_PAYLOAD_MAX ||
	    r->dsize != sizeof(hdr) + hdr.nperms * sizeof(*p) + hdr.vlen)
		goto bad;
	if (r->path[0] != '/' || (r->len > 1 && r->path[r->len - 1] == '/') ||
	    strstr(r->path, "//") || !path_chars_valid(r->path))
		goto bad;
	p = (const struct xs_perm *)(r->data + sizeof(hdr));
	{
		struct xs_perm pc[hdr.nperms];
		memcpy(pc, p, sizeof(pc));
		perms = perms_intern(pc, hdr.nperms);
	}
	if (r->len == 1) {
		store_set_perms(STORE_ROOT, perms);
		store_set_value(STORE_ROOT, r->data + sizeof(hdr) + hdr.nperms * sizeof(*p),
				hdr.vlen);
		perms_unref(perms);
		return;
	}
	plen = r->len;
	while (plen > 1 && r->path[plen - 1] != '/')
		plen--;
	plen = plen > 1 ? plen - 1 : 1;
	/* tdb keys are unique: no need to look the node itself up. */
	parent = store_lookup(r->path, plen);
	if (!parent) {
		perms_unref(perms);
		goto bad;
	}
	id = store_create(parent, r->path, r->len,
			  r->data + sizeof(hdr) + hdr.nperms * sizeof(*p), hdr.vlen,
			  perms);
	perms_unref(perms);
	db_account_loaded(store_node(id));
	return;
bad:
	st->bad++;
	xs_log(LOG_WARNING, "persistent store: dropping bad record \"%s\"", r->path);
}

int persist_open(const char *dir)
{
	char path[4096];
	struct load_state st;
	uint32_t maxdepth = 0;
	size_t *count, *start;
	struct loaded **order;

	memset(&st, 0, sizeof(st));
	if (snprintf(path, sizeof(path), "%s/xenstored.tdb", dir) >= (int)sizeof(path)) {
		xs_log(LOG_ERR, "persistent directory path too long");
		return -1;
	}
	/* One process owns the file: no locking; durability on request
	 * boundaries comes from tdb transactions. */
	tdb = tdb_open(path, 1000003, TDB_NOLOCK | TDB_INCOMPATIBLE_HASH | TDB_NOSYNC,
		       O_RDWR | O_CREAT, 0600);
	if (!tdb) {
		xs_log(LOG_ERR, "cannot open persistent store %s: %s", path,
		       strerror(errno));
		return -1;
	}
	if (tdb_traverse_read(tdb, load_rec, &st) < 0) {
		xs_log(LOG_ERR, "cannot read persistent store %s", path);
		return -1;
	}

	store_reserve(st.n);
	/* Counting sort by depth: parents before children. */
	for (size_t i = 0; i < st.n; i++)
		if (st.recs[i].depth > maxdepth)
			maxdepth = st.recs[i].depth;
	count = xcalloc(maxdepth + 2, sizeof(*count));
	start = xcalloc(maxdepth + 2, sizeof(*start));
	order = xmalloc((st.n ? st.n : 1) * sizeof(*order));
	for (size_t i = 0; i < st.n; i++)
		count[st.recs[i].len == 1 ? 0 : st.recs[i].depth]++;
	for (uint32_t d = 1; d <= maxdepth + 1; d++)
		start[d] = start[d - 1] + count[d - 1];
	for (size_t i = 0; i < st.n; i++)
		order[start[st.recs[i].len == 1 ? 0 : st.recs[i].depth]++] = &st.recs[i];
	for (size_t i = 0; i < st.n; i++)
		insert_rec(&st, order[i]);
	for (size_t i = 0; i < st.nchunks; i++)
		free(st.chunks[i]);
	free(st.chunks);
	free(st.recs);
	free(order);
	free(count);
	free(start);
	xs_log(LOG_INFO, "persistent store %s: %zu nodes loaded, %zu dropped",
	       path, st.n - st.bad, st.bad);
	return 0;
}

void persist_close(void)
{
	persist_commit();
	if (tdb)
		tdb_close(tdb);
	tdb = NULL;
	in_txn = false;
}
