/* The backends' I/O statistics, one file per device:
 *   RUN_DIR/stats/DOMID/vbd-DEVID   rd_req rd_bytes wr_req wr_bytes
 *   RUN_DIR/stats/DOMID/vif-DEVID   rx_packets rx_bytes tx_packets tx_bytes
 *                                   (the guest's view, as libvirt's
 *                                   interface statistics) + bridge
 * as "NAME VALUE" lines. A file appears when its device connects, is
 * replaced whole (written aside, renamed) at most once a second while
 * counters move, and goes with the device. */
#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "backend_priv.h"

#define FLUSH_MS 1000

static char *stats_dir(uint32_t domid)
{
	return g_strdup_printf("%s/stats/%u", backends->run_dir, domid);
}

static char *stats_path(const struct backend_dev *dev)
{
	return g_strdup_printf("%s/stats/%u/%s-%u", backends->run_dir, dev->domid,
			       dev->type->name, dev->devid);
}

static void stats_write(struct backend_dev *dev)
{
	g_autofree char *dir = stats_dir(dev->domid);
	g_autofree char *path = stats_path(dev);
	g_autofree char *extra = dev->type->stats_extra ? dev->type->stats_extra(dev) : NULL;
	g_autoptr(GString) s = g_string_new(NULL);
	g_autoptr(GError) err = NULL;

	dev->stats_dirty = false;
	for (size_t i = 0; i < G_N_ELEMENTS(dev->counters); i++)
		g_string_append_printf(s, "%s %" G_GUINT64_FORMAT "\n",
				       dev->type->counter_names[i], dev->counters[i]);
	if (extra)
		g_string_append(s, extra);
	if (g_mkdir_with_parents(dir, 0755) < 0) {
		g_warning(_("backends: cannot create %s: %s"), dir, g_strerror(errno));
		return;
	}
	/* Atomic: a reader sees the old file or the new one. */
	if (!g_file_set_contents(path, s->str, (gssize)s->len, &err))
		g_warning(_("backends: cannot write %s: %s"), path, err->message);
}

static void flush_dirty(gpointer key, gpointer value, gpointer data)
{
	struct backend_dev *dev = value;
	bool *any = data;

	if (dev->stats_dirty) {
		stats_write(dev);
		*any = true;
	}
}

static gboolean on_flush(gpointer data)
{
	bool any = false;

	g_hash_table_foreach(backends->devs, flush_dirty, &any);
	if (any)
		return G_SOURCE_CONTINUE;
	backends->flush = 0;
	return G_SOURCE_REMOVE;
}

/* Counters moved: written now if nothing was written in the last
 * second, else at the end of it. */
void backend_stats_publish(struct backend_dev *dev)
{
	if (!backends->run_dir)
		return;
	if (backends->flush) {
		dev->stats_dirty = true;
		return;
	}
	stats_write(dev);
	backends->flush = g_timeout_add(FLUSH_MS, on_flush, NULL);
}

void backend_stats_remove(struct backend_dev *dev)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = NULL;

	if (!backends->run_dir)
		return;
	dir = stats_dir(dev->domid);
	path = stats_path(dev);
	if (g_unlink(path) < 0 && errno != ENOENT)
		g_warning(_("backends: cannot remove %s: %s"), path, g_strerror(errno));
	/* The domain's directory goes with its last device. */
	if (g_rmdir(dir) < 0 && errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT)
		g_warning(_("backends: cannot remove %s: %s"), dir, g_strerror(errno));
}

void backend_stats_stop(void)
{
	if (backends->flush) {
		g_source_remove(backends->flush);
		backends->flush = 0;
	}
	g_hash_table_foreach(backends->devs, flush_dirty, &(bool){ false });
}
