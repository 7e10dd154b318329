/* blkback: the backend of virtual block devices (backend/vbd). Its
 * hotplug check opens the disk image or block device named by params
 * with the device's mode; the size it finds is what the frontend sees.
 * The simulated data path does no I/O on the image: it counts. */
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <linux/fs.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xen/io/blkif.h>

#include "backend_priv.h"

enum { K_PARAMS, K_MODE, K_DEVICE_TYPE, K_N };
static const char *const vbd_keys[K_N] = { "params", "mode", "device-type" };
static const char *const vbd_fe_keys[] = { "ring-ref", "event-channel" };
G_STATIC_ASSERT(K_N <= BACKEND_MAX_KEYS);
G_STATIC_ASSERT(G_N_ELEMENTS(vbd_fe_keys) <= BACKEND_MAX_KEYS);
static const char *const vbd_counters[4] = { "rd_req", "rd_bytes", "wr_req", "wr_bytes" };

/* params as toolstacks write it: a path, or "FORMAT:PATH" with a
 * lowercase format (aio, file, phy, raw...). */
static const char *params_path(const char *params)
{
	const char *colon = strchr(params, ':');

	if (params[0] == '/' || !colon)
		return params;
	for (const char *p = params; p < colon; p++)
		if (!g_ascii_islower(*p) && !g_ascii_isdigit(*p))
			return params;
	return colon + 1;
}

/* The size in bytes of an open image or block device, or an error. */
static char *image_size(int fd, const char *path, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return g_strdup_printf(_("%s: %s"), path, g_strerror(errno));
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return NULL;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, size) < 0)
			return g_strdup_printf(_("%s: %s"), path, g_strerror(errno));
		return NULL;
	}
	return g_strdup_printf(_("%s is neither a file nor a block device"), path);
}

static char *vbd_check(struct backend_dev *dev, char *const *vals)
{
	const char *mode = vals[K_MODE];
	bool cdrom = vals[K_DEVICE_TYPE] && strcmp(vals[K_DEVICE_TYPE], "cdrom") == 0;
	bool writable;
	const char *path;
	uint64_t size = 0;
	char *msg;
	int fd;

	if (!mode || (strcmp(mode, "r") != 0 && strcmp(mode, "w") != 0 &&
		      strcmp(mode, "w!") != 0))
		return g_strdup_printf(_("mode \"%s\" is not r, w or w!"), mode ? mode : "");
	writable = mode[0] == 'w';
	dev->info = (writable ? 0 : VDISK_READONLY) |
		    (cdrom ? VDISK_CDROM | VDISK_REMOVABLE : 0);
	if (!vals[K_PARAMS] || vals[K_PARAMS][0] == '\0') {
		if (cdrom) {                   /* an empty drive */
			dev->sectors = 0;
			return NULL;
		}
		return g_strdup(_("no disk image given (params is empty)"));
	}
	path = params_path(vals[K_PARAMS]);
	if (path[0] != '/')
		return g_strdup_printf(_("disk image %s is not an absolute path"), path);
	fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return g_strdup_printf(_("cannot open disk image %s (mode %s): %s"), path,
				       mode, g_strerror(errno));
	msg = image_size(fd, path, &size);
	close(fd);
	if (msg)
		return msg;
	dev->sectors = size / 512;
	return NULL;
}

static char *vbd_check_frontend(struct backend_dev *dev, char *const *vals)
{
	for (size_t i = 0; i < G_N_ELEMENTS(vbd_fe_keys); i++)
		if (!vals[i])
			return g_strdup_printf(_("frontend did not write %s"), vbd_fe_keys[i]);
	return NULL;
}

/* Linux blkback's probe keys. */
static void vbd_write_features(struct backend_dev *dev)
{
	backend_write(dev, "feature-flush-cache", "%d", 1);
	backend_write(dev, "feature-persistent", "%d", 1);
	backend_write(dev, "feature-max-indirect-segments", "%d", 256);
	backend_write(dev, "max-ring-page-order", "%d", 4);
}

/* Linux blkback's connect(): the disk's geometry. */
static void vbd_write_connect(struct backend_dev *dev)
{
	backend_write(dev, "sectors", "%" G_GUINT64_FORMAT, dev->sectors);
	backend_write(dev, "info", "%u", dev->info);
	backend_write(dev, "sector-size", "%d", 512);
	backend_write(dev, "physical-sector-size", "%d", 512);
}

/* blkback's oo_req: requests it could not serve. The simulated backend
 * completes every request it accepts. */
static char *vbd_stats_extra(struct backend_dev *dev)
{
	return g_strdup("errs 0\n");
}

const struct backend_type backend_vbd_type = {
	.name = "vbd",
	.keys = vbd_keys,
	.nkeys = K_N,
	.fe_keys = vbd_fe_keys,
	.nfe_keys = G_N_ELEMENTS(vbd_fe_keys),
	.check = vbd_check,
	.check_frontend = vbd_check_frontend,
	.write_features = vbd_write_features,
	.write_connect = vbd_write_connect,
	.counter_names = vbd_counters,
	.stats_extra = vbd_stats_extra,
};
