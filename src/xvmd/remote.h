/* The REMOTE program's domain and host procedures of xvmd, served by the
 * driver (src/driver/driver.h): each file registers one table, with the
 * driver as the handlers' data (rpc_request_data()).
 *
 *   remote_node.c       the host: node info, memory, capabilities,
 *                       sysinfo, native config conversion
 *   remote_domain.c     listing, lookups, queries, definitions
 *   remote_lifecycle.c  start, stop, pause
 *   remote_save.c       save, restore, managed save, save images
 *   remote_hotplug.c    attach, detach, update devices
 *   remote_events.c     the driver's events to the registered callbacks
 *   remote_resources.c  vCPUs, memory, the credit scheduler
 *   remote_stats.c      block, interface and memory statistics
 *   remote_console.c    the guest's console over a stream
 *
 * Every procedure that touches the driver's objects, files, xenstore or
 * the hypervisor is RPC_PROC_SLOW (object locks and jobs may wait; the
 * loop never does); lookups and destroy also RPC_PROC_PRIORITY, so that
 * they never queue behind slow starts. Lookups, listing and the queries
 * that answer from memory are RPC_PROC_TRY_LOOP as well: answered on the
 * loop when every lock they need is free at once (try-locks only), on a
 * priority worker otherwise, or when they need the hypervisor or
 * xenstore (info and the live XML of a running domain).
 */
#ifndef XVMD_REMOTE_H
#define XVMD_REMOTE_H

#include <glib.h>

#include "driver.h"
#include "program.h"
#include "remote_protocol.h"
#include "server.h"

void xvmd_remote_node_register(rpc_server *srv, xvmDriver *drv);
void xvmd_remote_domain_register(rpc_server *srv, xvmDriver *drv);
void xvmd_remote_lifecycle_register(rpc_server *srv, xvmDriver *drv);
void xvmd_remote_save_register(rpc_server *srv, xvmDriver *drv);
void xvmd_remote_resources_register(rpc_server *srv, xvmDriver *drv);
void xvmd_remote_stats_register(rpc_server *srv, xvmDriver *drv);
void xvmd_remote_console_register(rpc_server *srv, xvmDriver *drv);
void xvmd_remote_hotplug_register(rpc_server *srv, xvmDriver *drv);
/* The driver's event sink (xvmDriverConfig.event_func) with the server
 * as opaque: sends each domain event to the clients' callbacks (316). */
void xvmd_remote_event_sink(const xvmDomainEvent *ev, void *srv);

/* ---- shared by the tables (remote_common.c) ----------------------------- */

/* The wire reference of a domain: name, uuid, id (-1 when inactive). */
void xvmd_domain_ref(remote_nonnull_domain *out, const char *name,
		     const xvmUuid *uuid, int id);
/* Of an object (locked). */
void xvmd_domain_ref_obj(remote_nonnull_domain *out, const xvmDomainObj *obj);

/* The object a client's reference names, by uuid as libvirt's drivers
 * look it up: locked and referenced (xvmDomainObjEndAPI), or NULL and
 * VIR_ERR_NO_DOMAIN "no domain with matching uuid 'U' (NAME)". */
xvmDomainObj *xvmd_domain_get(xvmDriver *drv, const remote_nonnull_domain *dom,
			      GError **err);
/* The same from the handler of call. On the main loop (the first try of
 * an RPC_PROC_TRY_LOOP procedure) it never waits: a domain (or the list)
 * locked by another thread defers the call to a worker (NULL, *err
 * unset, rpc_request_defer()), and the handler returns false. */
xvmDomainObj *xvmd_domain_get_for(rpc_request *call, xvmDriver *drv,
				  const remote_nonnull_domain *dom, GError **err);

/* VIR_ERR_INVALID_ARG "unsupported flags (0x..) in function API" unless
 * flags only holds bits of known. */
bool xvmd_check_flags(unsigned int flags, unsigned int known, const char *api,
		      GError **err);

#endif
