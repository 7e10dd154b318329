/* The backends' shared state (backend_*.c). One instance per process:
 * the kernels' data path (backend_io()) finds devices through it.
 *
 * Invariants: devices are keyed "TYPE/DOMID/DEVID"; a request's callback
 * finds its device again by key and generation (struct dev_req, backend_device.c), so a
 * device removed or replaced meanwhile is never touched. */
#ifndef SIM_BACKEND_PRIV_H
#define SIM_BACKEND_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <xen/io/xenbus.h>
#include <xvm/xs_client.h>

/* The most keys a type reads in one go (keys, fe_keys). */
#define BACKEND_MAX_KEYS 8

struct backend_dev;

/* What differs between blkback and netback. */
struct backend_type {
	const char *name;                        /* "vbd", "vif" */
	/* Keys of the backend directory the hotplug check reads, after
	 * the common ones (frontend, state). */
	const char *const *keys;
	size_t nkeys;
	/* Keys the frontend must have written before Connected. */
	const char *const *fe_keys;
	size_t nfe_keys;
	/* The hotplug check: NULL when the device is usable, else the
	 * message (g_free()d by the caller). vals[i] is keys[i] or NULL. */
	char *(*check)(struct backend_dev *dev, char *const *vals);
	/* Frontend keys read: an error message (then fatal) or NULL. */
	char *(*check_frontend)(struct backend_dev *dev, char *const *vals);
	/* Writes the feature keys (before InitWait) and the connect keys. */
	void (*write_features)(struct backend_dev *dev);
	void (*write_connect)(struct backend_dev *dev);
	/* Names of the 4 counters of its statistics file. */
	const char *const *counter_names;
	/* Extra lines of the statistics file, or NULL. */
	char *(*stats_extra)(struct backend_dev *dev);
};

extern const struct backend_type backend_vbd_type;
extern const struct backend_type backend_vif_type;

struct backend_dev {
	const struct backend_type *type;
	uint32_t domid, devid;
	uint64_t gen;
	char *key;                   /* TYPE/DOMID/DEVID */
	char *dir;                   /* /local/domain/0/backend/KEY */
	char *frontend;              /* the frontend's directory */
	char *token;                 /* watch token of frontend/state */
	XenbusState state;           /* as last read or written */
	uint64_t state_writes;       /* our writes of it, counted */
	bool checked, failed, watching, connected;
	bool refreshing, refresh_again;

	/* blkback */
	uint64_t sectors;
	unsigned int info;           /* VDISK_* */
	/* netback */
	char *bridge;

	/* Statistics: counters[] as type->counter_names. */
	uint64_t counters[4];
	bool stats_dirty;
};

struct backends {
	char *xenstored_path;
	char *run_dir;
	xs_client_t *xs;             /* NULL while not connected */
	guint retry;                 /* reconnect timer */
	guint flush;                 /* statistics timer */
	bool warned;                 /* the first failed connect was logged */
	uint64_t next_gen;
	GHashTable *devs;            /* key -> struct backend_dev */
	/* The data of requests in flight -> its free function: what a
	 * client freed with requests pending would otherwise leak. */
	GHashTable *inflight;
};

extern struct backends *backends;

/* backend_conn.c: p is the data of a request in flight until its reply
 * (backend_untrack()), freed by backends_stop() if none comes. */
void *backend_track(void *p, GDestroyNotify free_fn);
void backend_untrack(void *p);

/* backend_device.c */
void backend_event(const char *path);
void backend_frontend_event(const char *token);
void backend_devices_reset(void);
void backend_devs_free(void);
void backend_write(struct backend_dev *dev, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* backend_stats.c */
void backend_stats_publish(struct backend_dev *dev);
void backend_stats_remove(struct backend_dev *dev);
void backend_stats_stop(void);

#endif
