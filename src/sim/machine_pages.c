/* The pages a guest shares with dom0: its xenstore and console rings,
 * each a file of one page under the run directory, mapped MAP_SHARED by
 * simhv (for the kernel) and by the clients that map it (xenstored, the
 * console daemon) from the descriptor we pass them. A client's mapping
 * counts until it unmaps or its connection closes: a destroyed domain
 * stays dying until its pages are mapped by nobody. */
#include "machine_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SIM_PAGE_BYTES 4096u

static const char *const page_names[2] = { "store", "console" };

/* Where build puts the pages: right past the guest's memory, as
 * libxenguest puts its special pages past the populated RAM. */
static uint64_t page_gfn(const struct sim_domain *d, enum machine_page which)
{
	return d->tot_pages + (uint64_t)which;
}

bool pages_create(struct sim_domain *d, GError **err)
{
	for (int i = 0; i < 2; i++) {
		char *path = g_strdup_printf("%s/dom%u-%s", d->m->run_dir, d->domid,
					     page_names[i]);
		int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		void *page = MAP_FAILED;

		if (fd >= 0 && ftruncate(fd, SIM_PAGE_BYTES) == 0)
			page = mmap(NULL, SIM_PAGE_BYTES, PROT_READ | PROT_WRITE,
				    MAP_SHARED, fd, 0);
		if (page == MAP_FAILED) {
			sim_set_error(err, errno, _("cannot create the page %s: %s"),
				      path, g_strerror(errno));
			if (fd >= 0)
				close(fd);
			unlink(path);
			g_free(path);
			pages_destroy(d);
			return false;
		}
		d->page_path[i] = path;
		d->page_fd[i] = fd;
		d->page[i] = page;
		d->page_gfn[i] = page_gfn(d, (enum machine_page)i);
	}
	return true;
}

void pages_destroy(struct sim_domain *d)
{
	for (int i = 0; i < 2; i++) {
		if (d->page[i])
			munmap(d->page[i], SIM_PAGE_BYTES);
		if (d->page_fd[i] >= 0)
			close(d->page_fd[i]);
		if (d->page_path[i])
			unlink(d->page_path[i]);
		g_free(d->page_path[i]);
		d->page[i] = NULL;
		d->page_fd[i] = -1;
		d->page_path[i] = NULL;
	}
}

static struct mapping *mapping_find(struct machine *m, const void *owner,
				    uint32_t domid, enum machine_page which)
{
	for (GList *l = m->mappings; l; l = l->next) {
		struct mapping *mp = l->data;

		if (mp->owner == owner && mp->domid == domid && mp->which == which)
			return mp;
	}
	return NULL;
}

bool machine_map(struct machine *m, const void *owner, uint32_t domid,
		 enum machine_page which, uint64_t gfn, int *fd, GError **err)
{
	struct sim_domain *d = machine_domain(m, domid, err);
	struct mapping *mp;

	*fd = -1;
	if (!d)
		return false;
	if (which != MACHINE_PAGE_STORE && which != MACHINE_PAGE_CONSOLE) {
		sim_set_error(err, EINVAL, _("no such page kind %d"), (int)which);
		return false;
	}
	if (d->state == DOM_DYING) {
		sim_set_error(err, EINVAL, _("domain %u is dying"), domid);
		return false;
	}
	if (d->page_fd[which] < 0) {
		sim_set_error(err, EINVAL, _("domain %u is not built"), domid);
		return false;
	}
	if (gfn != d->page_gfn[which]) {
		sim_set_error(err, EINVAL,
			      _("gfn %#" G_GINT64_MODIFIER "x is not the %s page of "
				"domain %u"), gfn, page_names[which], domid);
		return false;
	}
	*fd = fcntl(d->page_fd[which], F_DUPFD_CLOEXEC, 0);
	if (*fd < 0) {
		sim_set_error(err, errno, _("cannot duplicate a descriptor: %s"),
			      g_strerror(errno));
		return false;
	}
	mp = mapping_find(m, owner, domid, which);
	if (!mp) {
		mp = g_new0(struct mapping, 1);
		mp->owner = owner;
		mp->domid = domid;
		mp->which = which;
		m->mappings = g_list_prepend(m->mappings, mp);
	}
	mp->count++;
	d->mappings++;
	return true;
}

static void mapping_drop(struct machine *m, struct mapping *mp, unsigned int n)
{
	struct sim_domain *d = m->doms[mp->domid];

	mp->count -= n;
	if (!mp->count) {
		m->mappings = g_list_remove(m->mappings, mp);
		g_free(mp);
	}
	if (d) {
		d->mappings -= n;
		machine_reap(m, d);
	}
}

bool machine_unmap(struct machine *m, const void *owner, uint32_t domid,
		   enum machine_page which, GError **err)
{
	struct mapping *mp = mapping_find(m, owner, domid, which);

	if (!mp) {
		sim_set_error(err, EINVAL, _("this client has no page of domain %u mapped"),
			      domid);
		return false;
	}
	mapping_drop(m, mp, 1);
	return true;
}

void pages_release(struct machine *m, const void *owner)
{
	GList *l = m->mappings;

	while (l) {
		struct mapping *mp = l->data;

		l = l->next;
		if (mp->owner == owner)
			mapping_drop(m, mp, mp->count);
	}
}

void machine_release(struct machine *m, const void *owner)
{
	evtchn_release(m, owner);
	pages_release(m, owner);
}
