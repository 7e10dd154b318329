/* Which REMOTE procedures belong to a secondary driver, and to which.
 *
 * Numbers and names are libvirt's (src/remote/remote_protocol.x, append
 * only; libvirt 9.0 ends at 443, later ones are relayed as well so newer
 * clients reach newer daemons). Left out on purpose, though their names
 * say NODE_DEVICE: DETTACH (118), RE_ATTACH (119), RESET (120) and
 * DETACH_FLAGS (301) are PCI passthrough, the hypervisor driver's
 * business in libvirt too.
 */
#include <stdlib.h>
#include <glib.h>

#include "relay.h"

typedef struct relay_proc {
	int proc;
	rpc_relay_kind kind;
	const char *name;       /* REMOTE_PROC_ without the prefix */
} relay_proc;

#define S RPC_RELAY_STORAGE
#define N RPC_RELAY_NETWORK
#define D RPC_RELAY_NODEDEV
#define C RPC_RELAY_SECRET
#define F RPC_RELAY_NWFILTER
#define I RPC_RELAY_INTERFACE

/* Sorted by number. */
static const relay_proc relayed[] = {
	{ 36, N, "CONNECT_LIST_DEFINED_NETWORKS" },
	{ 38, N, "CONNECT_LIST_NETWORKS" },
	{ 39, N, "NETWORK_CREATE" },
	{ 40, N, "NETWORK_CREATE_XML" },
	{ 41, N, "NETWORK_DEFINE_XML" },
	{ 42, N, "NETWORK_DESTROY" },
	{ 43, N, "NETWORK_GET_XML_DESC" },
	{ 44, N, "NETWORK_GET_AUTOSTART" },
	{ 45, N, "NETWORK_GET_BRIDGE_NAME" },
	{ 46, N, "NETWORK_LOOKUP_BY_NAME" },
	{ 47, N, "NETWORK_LOOKUP_BY_UUID" },
	{ 48, N, "NETWORK_SET_AUTOSTART" },
	{ 49, N, "NETWORK_UNDEFINE" },
	{ 50, N, "CONNECT_NUM_OF_DEFINED_NETWORKS" },
	{ 52, N, "CONNECT_NUM_OF_NETWORKS" },
	{ 71, S, "CONNECT_NUM_OF_STORAGE_POOLS" },
	{ 72, S, "CONNECT_LIST_STORAGE_POOLS" },
	{ 73, S, "CONNECT_NUM_OF_DEFINED_STORAGE_POOLS" },
	{ 74, S, "CONNECT_LIST_DEFINED_STORAGE_POOLS" },
	{ 75, S, "CONNECT_FIND_STORAGE_POOL_SOURCES" },
	{ 76, S, "STORAGE_POOL_CREATE_XML" },
	{ 77, S, "STORAGE_POOL_DEFINE_XML" },
	{ 78, S, "STORAGE_POOL_CREATE" },
	{ 79, S, "STORAGE_POOL_BUILD" },
	{ 80, S, "STORAGE_POOL_DESTROY" },
	{ 81, S, "STORAGE_POOL_DELETE" },
	{ 82, S, "STORAGE_POOL_UNDEFINE" },
	{ 83, S, "STORAGE_POOL_REFRESH" },
	{ 84, S, "STORAGE_POOL_LOOKUP_BY_NAME" },
	{ 85, S, "STORAGE_POOL_LOOKUP_BY_UUID" },
	{ 86, S, "STORAGE_POOL_LOOKUP_BY_VOLUME" },
	{ 87, S, "STORAGE_POOL_GET_INFO" },
	{ 88, S, "STORAGE_POOL_GET_XML_DESC" },
	{ 89, S, "STORAGE_POOL_GET_AUTOSTART" },
	{ 90, S, "STORAGE_POOL_SET_AUTOSTART" },
	{ 91, S, "STORAGE_POOL_NUM_OF_VOLUMES" },
	{ 92, S, "STORAGE_POOL_LIST_VOLUMES" },
	{ 93, S, "STORAGE_VOL_CREATE_XML" },
	{ 94, S, "STORAGE_VOL_DELETE" },
	{ 95, S, "STORAGE_VOL_LOOKUP_BY_NAME" },
	{ 96, S, "STORAGE_VOL_LOOKUP_BY_KEY" },
	{ 97, S, "STORAGE_VOL_LOOKUP_BY_PATH" },
	{ 98, S, "STORAGE_VOL_GET_INFO" },
	{ 99, S, "STORAGE_VOL_GET_XML_DESC" },
	{ 100, S, "STORAGE_VOL_GET_PATH" },
	{ 111, D, "NODE_NUM_OF_DEVICES" },
	{ 112, D, "NODE_LIST_DEVICES" },
	{ 113, D, "NODE_DEVICE_LOOKUP_BY_NAME" },
	{ 114, D, "NODE_DEVICE_GET_XML_DESC" },
	{ 115, D, "NODE_DEVICE_GET_PARENT" },
	{ 116, D, "NODE_DEVICE_NUM_OF_CAPS" },
	{ 117, D, "NODE_DEVICE_LIST_CAPS" },
	{ 123, D, "NODE_DEVICE_CREATE_XML" },
	{ 124, D, "NODE_DEVICE_DESTROY" },
	{ 125, S, "STORAGE_VOL_CREATE_XML_FROM" },
	{ 126, I, "CONNECT_NUM_OF_INTERFACES" },
	{ 127, I, "CONNECT_LIST_INTERFACES" },
	{ 128, I, "INTERFACE_LOOKUP_BY_NAME" },
	{ 129, I, "INTERFACE_LOOKUP_BY_MAC_STRING" },
	{ 130, I, "INTERFACE_GET_XML_DESC" },
	{ 131, I, "INTERFACE_DEFINE_XML" },
	{ 132, I, "INTERFACE_UNDEFINE" },
	{ 133, I, "INTERFACE_CREATE" },
	{ 134, I, "INTERFACE_DESTROY" },
	{ 137, I, "CONNECT_NUM_OF_DEFINED_INTERFACES" },
	{ 138, I, "CONNECT_LIST_DEFINED_INTERFACES" },
	{ 139, C, "CONNECT_NUM_OF_SECRETS" },
	{ 140, C, "CONNECT_LIST_SECRETS" },
	{ 141, C, "SECRET_LOOKUP_BY_UUID" },
	{ 142, C, "SECRET_DEFINE_XML" },
	{ 143, C, "SECRET_GET_XML_DESC" },
	{ 144, C, "SECRET_SET_VALUE" },
	{ 145, C, "SECRET_GET_VALUE" },
	{ 146, C, "SECRET_UNDEFINE" },
	{ 147, C, "SECRET_LOOKUP_BY_USAGE" },
	{ 152, N, "NETWORK_IS_ACTIVE" },
	{ 153, N, "NETWORK_IS_PERSISTENT" },
	{ 154, S, "STORAGE_POOL_IS_ACTIVE" },
	{ 155, S, "STORAGE_POOL_IS_PERSISTENT" },
	{ 156, I, "INTERFACE_IS_ACTIVE" },
	{ 165, S, "STORAGE_VOL_WIPE" },
	{ 175, F, "NWFILTER_LOOKUP_BY_NAME" },
	{ 176, F, "NWFILTER_LOOKUP_BY_UUID" },
	{ 177, F, "NWFILTER_GET_XML_DESC" },
	{ 178, F, "CONNECT_NUM_OF_NWFILTERS" },
	{ 179, F, "CONNECT_LIST_NWFILTERS" },
	{ 180, F, "NWFILTER_DEFINE_XML" },
	{ 181, F, "NWFILTER_UNDEFINE" },
	{ 208, S, "STORAGE_VOL_UPLOAD" },
	{ 209, S, "STORAGE_VOL_DOWNLOAD" },
	{ 220, I, "INTERFACE_CHANGE_BEGIN" },
	{ 221, I, "INTERFACE_CHANGE_COMMIT" },
	{ 222, I, "INTERFACE_CHANGE_ROLLBACK" },
	{ 259, S, "STORAGE_VOL_WIPE_PATTERN" },
	{ 260, S, "STORAGE_VOL_RESIZE" },
	{ 281, S, "CONNECT_LIST_ALL_STORAGE_POOLS" },
	{ 282, S, "STORAGE_POOL_LIST_ALL_VOLUMES" },
	{ 283, N, "CONNECT_LIST_ALL_NETWORKS" },
	{ 284, I, "CONNECT_LIST_ALL_INTERFACES" },
	{ 285, D, "CONNECT_LIST_ALL_NODE_DEVICES" },
	{ 286, F, "CONNECT_LIST_ALL_NWFILTERS" },
	{ 287, C, "CONNECT_LIST_ALL_SECRETS" },
	{ 291, N, "NETWORK_UPDATE" },
	{ 297, D, "NODE_DEVICE_LOOKUP_SCSI_HOST_BY_WWN" },
	{ 313, N, "CONNECT_NETWORK_EVENT_REGISTER_ANY" },
	{ 314, N, "CONNECT_NETWORK_EVENT_DEREGISTER_ANY" },
	{ 341, N, "NETWORK_GET_DHCP_LEASES" },
	{ 368, S, "CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY" },
	{ 369, S, "CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY" },
	{ 374, D, "CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY" },
	{ 375, D, "CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY" },
	{ 378, S, "STORAGE_VOL_GET_INFO_FLAGS" },
	{ 380, C, "CONNECT_SECRET_EVENT_REGISTER_ANY" },
	{ 381, C, "CONNECT_SECRET_EVENT_DEREGISTER_ANY" },
	{ 391, S, "STORAGE_POOL_LOOKUP_BY_TARGET_PATH" },
	{ 397, F, "NWFILTER_BINDING_LOOKUP_BY_PORT_DEV" },
	{ 398, F, "NWFILTER_BINDING_GET_XML_DESC" },
	{ 399, F, "NWFILTER_BINDING_CREATE_XML" },
	{ 400, F, "NWFILTER_BINDING_DELETE" },
	{ 401, F, "CONNECT_LIST_ALL_NWFILTER_BINDINGS" },
	{ 403, S, "CONNECT_GET_STORAGE_POOL_CAPABILITIES" },
	{ 404, N, "NETWORK_LIST_ALL_PORTS" },
	{ 405, N, "NETWORK_PORT_LOOKUP_BY_UUID" },
	{ 406, N, "NETWORK_PORT_CREATE_XML" },
	{ 407, N, "NETWORK_PORT_GET_PARAMETERS" },
	{ 408, N, "NETWORK_PORT_SET_PARAMETERS" },
	{ 409, N, "NETWORK_PORT_GET_XML_DESC" },
	{ 410, N, "NETWORK_PORT_DELETE" },
	{ 428, D, "NODE_DEVICE_DEFINE_XML" },
	{ 429, D, "NODE_DEVICE_UNDEFINE" },
	{ 430, D, "NODE_DEVICE_CREATE" },
	{ 431, F, "NWFILTER_DEFINE_XML_FLAGS" },
	{ 432, N, "NETWORK_DEFINE_XML_FLAGS" },
	{ 433, D, "NODE_DEVICE_GET_AUTOSTART" },
	{ 434, D, "NODE_DEVICE_SET_AUTOSTART" },
	{ 435, D, "NODE_DEVICE_IS_PERSISTENT" },
	{ 436, D, "NODE_DEVICE_IS_ACTIVE" },
	{ 437, N, "NETWORK_CREATE_XML_FLAGS" },
	{ 444, N, "NETWORK_SET_METADATA" },
	{ 445, N, "NETWORK_GET_METADATA" },
	{ 447, D, "NODE_DEVICE_UPDATE" },
};

static int compare_proc(const void *key, const void *elem)
{
	int proc = *(const int *)key;
	const relay_proc *p = elem;

	return (proc > p->proc) - (proc < p->proc);
}

static const relay_proc *find(int proc)
{
	return bsearch(&proc, relayed, G_N_ELEMENTS(relayed), sizeof(relayed[0]),
		       compare_proc);
}

rpc_relay_kind rpc_relay_kind_of(int proc)
{
	const relay_proc *p = find(proc);

	return p ? p->kind : RPC_RELAY_NONE;
}

const char *rpc_relay_proc_name(int proc)
{
	const relay_proc *p = find(proc);

	return p ? p->name : NULL;
}

bool rpc_relay_proc_is_stream(int proc)
{
	return proc == 208 || proc == 209;   /* STORAGE_VOL_UPLOAD, _DOWNLOAD */
}

/* The URI scheme of each kind's connection driver (libvirt's
 * storage:///system, network:///system, ...). */
const char *rpc_relay_kind_scheme(rpc_relay_kind kind)
{
	static const char *const schemes[RPC_RELAY_KINDS] = {
		[RPC_RELAY_STORAGE] = "storage",
		[RPC_RELAY_NETWORK] = "network",
		[RPC_RELAY_NODEDEV] = "nodedev",
		[RPC_RELAY_SECRET] = "secret",
		[RPC_RELAY_NWFILTER] = "nwfilter",
		[RPC_RELAY_INTERFACE] = "interface",
	};

	g_assert(kind > RPC_RELAY_NONE && kind < RPC_RELAY_KINDS);
	return schemes[kind];
}
