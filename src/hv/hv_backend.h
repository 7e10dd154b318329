/* What an hv backend implements (hv.c dispatches hv.h's calls to it). A
 * backend's handle starts with struct hv. */
#ifndef XVM_HV_BACKEND_H
#define XVM_HV_BACKEND_H

#include <xvm/hv.h>

struct hv_ops {
	const char *name;
	void (*close)(hv_t *hv);
	bool (*physinfo)(hv_t *hv, struct hv_physinfo *info, GError **err);
	bool (*version)(hv_t *hv, struct hv_version *v, GError **err);
	bool (*create)(hv_t *hv, const struct hv_create_config *cfg, uint32_t *domid,
		       GError **err);
	bool (*set_max_mem)(hv_t *hv, uint32_t domid, uint64_t max_kib, GError **err);
	bool (*build)(hv_t *hv, uint32_t domid, const struct hv_build_config *cfg,
		      struct hv_build_result *res, GError **err);
	bool (*pause)(hv_t *hv, uint32_t domid, GError **err);
	bool (*unpause)(hv_t *hv, uint32_t domid, GError **err);
	bool (*shutdown)(hv_t *hv, uint32_t domid, unsigned int reason, GError **err);
	bool (*resume)(hv_t *hv, uint32_t domid, GError **err);
	bool (*destroy)(hv_t *hv, uint32_t domid, GError **err);
	bool (*getinfo)(hv_t *hv, uint32_t domid, struct hv_dominfo *info, GError **err);
	bool (*list)(hv_t *hv, struct hv_dominfo **list, size_t *n, GError **err);
	bool (*vcpu_getinfo)(hv_t *hv, uint32_t domid, uint32_t vcpu,
			     struct hv_vcpuinfo *info, GError **err);
	bool (*set_affinity)(hv_t *hv, uint32_t domid, uint32_t vcpu,
			     const uint8_t *map, size_t len, GError **err);
	bool (*get_affinity)(hv_t *hv, uint32_t domid, uint32_t vcpu,
			     uint8_t *map, size_t len, GError **err);
	bool (*sched_get)(hv_t *hv, uint32_t domid, struct hv_sched_credit *sc,
			  GError **err);
	bool (*sched_set)(hv_t *hv, uint32_t domid, const struct hv_sched_credit *sc,
			  GError **err);
	bool (*alloc_unbound)(hv_t *hv, uint32_t domid, uint32_t remote, uint32_t *port,
			      GError **err);
	bool (*save)(hv_t *hv, uint32_t domid, int fd, GError **err);
	bool (*restore)(hv_t *hv, uint32_t domid, int fd, uint32_t store_domid,
			uint32_t console_domid, struct hv_build_result *res, GError **err);
	int (*dom_exc_fd)(hv_t *hv);
	void (*dom_exc_ack)(hv_t *hv);
};

struct hv {
	const struct hv_ops *ops;
};

/* hv_sim.c: xvm-simhv at socket_path. */
hv_t *hv_sim_open(const char *socket_path, GError **err);

/* hv_xen.c (built with libxen-dev's libraries: HAVE_HV_XEN): this host's
 * Xen through /dev/xen/privcmd. */
hv_t *hv_xen_open(GError **err);

#endif
