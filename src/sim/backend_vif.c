/* netback: the backend of virtual network interfaces (backend/vif). Its
 * hotplug check is vif-bridge's: the interface joins the bridge the
 * toolstack named. In the simulation any bridge name is accepted (there
 * is no host network to join); it is recorded in the statistics file. */
#include <glib/gi18n.h>
#include <string.h>

#include "backend_priv.h"

enum { K_BRIDGE, K_MAC, K_SCRIPT, K_N };
static const char *const vif_keys[K_N] = { "bridge", "mac", "script" };
static const char *const vif_fe_keys[] = {
	"tx-ring-ref", "rx-ring-ref", "event-channel", "request-rx-copy",
};
G_STATIC_ASSERT(K_N <= BACKEND_MAX_KEYS);
G_STATIC_ASSERT(G_N_ELEMENTS(vif_fe_keys) <= BACKEND_MAX_KEYS);
/* The guest's view (libvirt's): what the guest received, then sent. */
static const char *const vif_counters[4] = {
	"rx_packets", "rx_bytes", "tx_packets", "tx_bytes",
};

/* The hotplug script joins a bridge: vif-bridge, Xen's default (no
 * script key). vif-route, vif-nat and the like route the interface
 * (libvirt's <interface type='ethernet'>) and need none. */
static bool joins_bridge(const char *script)
{
	const char *base;

	if (!script || !*script)
		return true;
	base = strrchr(script, '/');
	base = base ? base + 1 : script;
	return strcmp(base, "vif-bridge") == 0;
}

static char *vif_check(struct backend_dev *dev, char *const *vals)
{
	const char *bridge = vals[K_BRIDGE];

	if ((!bridge || bridge[0] == '\0') && !joins_bridge(vals[K_SCRIPT])) {
		g_clear_pointer(&dev->bridge, g_free);
		return NULL;
	}
	if (!bridge || bridge[0] == '\0')
		return g_strdup(_("no bridge given"));
	if (strlen(bridge) > 15 || strpbrk(bridge, "/ \t\n"))
		return g_strdup_printf(_("\"%s\" is not a bridge name"), bridge);
	g_free(dev->bridge);
	dev->bridge = g_strdup(bridge);
	return NULL;
}

static char *vif_check_frontend(struct backend_dev *dev, char *const *vals)
{
	for (size_t i = 0; i < G_N_ELEMENTS(vif_fe_keys); i++)
		if (!vals[i])
			return g_strdup_printf(_("frontend did not write %s"), vif_fe_keys[i]);
	/* Linux netback: the flipping receive path is long gone. */
	if (strcmp(vals[3], "1") != 0)
		return g_strdup(_("frontend does not support rx-copy"));
	return NULL;
}

/* Linux netback's probe keys. */
static void vif_write_features(struct backend_dev *dev)
{
	backend_write(dev, "feature-sg", "%d", 1);
	backend_write(dev, "feature-gso-tcpv4", "%d", 1);
	backend_write(dev, "feature-gso-tcpv6", "%d", 1);
	backend_write(dev, "feature-ipv6-csum-offload", "%d", 1);
	backend_write(dev, "feature-rx-copy", "%d", 1);
	backend_write(dev, "feature-rx-flip", "%d", 0);
	backend_write(dev, "feature-multicast-control", "%d", 1);
	backend_write(dev, "feature-split-event-channels", "%d", 1);
}

static void vif_write_connect(struct backend_dev *dev)
{
}

static char *vif_stats_extra(struct backend_dev *dev)
{
	return g_strdup_printf("rx_errs 0\nrx_drop 0\ntx_errs 0\ntx_drop 0\nbridge %s\n",
			       dev->bridge ? dev->bridge : "");
}

const struct backend_type backend_vif_type = {
	.name = "vif",
	.keys = vif_keys,
	.nkeys = K_N,
	.fe_keys = vif_fe_keys,
	.nfe_keys = G_N_ELEMENTS(vif_fe_keys),
	.check = vif_check,
	.check_frontend = vif_check_frontend,
	.write_features = vif_write_features,
	.write_connect = vif_write_connect,
	.counter_names = vif_counters,
	.stats_extra = vif_stats_extra,
};
