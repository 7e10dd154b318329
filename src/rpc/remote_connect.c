/* The REMOTE program's connection-level procedures: those libvirt's
 * daemon answers itself (authentication, features, URI, close and event
 * callbacks) and the hypervisor queries whose answer comes from
 * rpc_host_ops.
 */
#include <netdb.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#define VIR_ENUM_SENTINELS   /* VIR_DOMAIN_EVENT_ID_LAST */
#include <libvirt/libvirt.h>

#include "error.h"
#include "remote_protocol.h"
#include "rpc_internal.h"

/* The URI a connection is opened with and reports (CONNECT_GET_URI). */
#define XEN_URI "xen:///system"

static bool no_support(GError **err, const char *api)
{
	xvm_error_set(err, VIR_FROM_XEN, VIR_ERR_NO_SUPPORT,
		      _("this function is not supported by the connection driver: %s"),
		      api);
	return false;
}

static bool auth_list(rpc_request *call, void *args, void *ret_, GError **err)
{
	remote_auth_list_ret *ret = ret_;

	/* Access control is the socket's file mode: no SASL, no polkit. */
	ret->types.types_len = 1;
	ret->types.types_val = g_new0(remote_auth_type, 1);
	ret->types.types_val[0] = REMOTE_AUTH_NONE;
	return true;
}

/* libxl's rule: scheme xen, no host, path "", "/" or "/system". NULL or
 * "" is the client probing for a default: ours. */
static bool check_uri(const char *name, GError **err)
{
	g_autoptr(GUri) uri = NULL;
	const char *path;

	if (!name || !*name)
		return true;
	uri = g_uri_parse(name, G_URI_FLAGS_NONE, NULL);
	if (!uri || g_ascii_strcasecmp(g_uri_get_scheme(uri), "xen") != 0 ||
	    (g_uri_get_host(uri) && *g_uri_get_host(uri) &&
	     strcmp(g_uri_get_host(uri), "localhost") != 0)) {
		xvm_error_set(err, VIR_FROM_NONE, VIR_ERR_NO_CONNECT,
			      _("no connection driver available for %s"), name);
		return false;
	}
	path = g_uri_get_path(uri);
	if (strcmp(path, "") != 0 && strcmp(path, "/") != 0 &&
	    strcmp(path, "/system") != 0) {
		xvm_error_set(err, VIR_FROM_LIBXL, VIR_ERR_INTERNAL_ERROR,
			      _("internal error: unexpected Xen URI path '%s', try xen:///system"),
			      path);
		return false;
	}
	return true;
}

static bool connect_open(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_connect_open_args *args = args_;
	rpc_client *c = rpc_request_client(call);
	unsigned int known = VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES;

	if (c->conn_open) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_INTERNAL_ERROR,
			      _("internal error: connection already open"));
		return false;
	}
	if (args->flags & ~known) {
		xvm_error_set(err, VIR_FROM_LIBXL, VIR_ERR_INVALID_ARG,
			      _("unsupported flags (0x%x) in function %s"),
			      args->flags & ~known, "libxlConnectOpen");
		return false;
	}
	if (!check_uri(args->name ? *args->name : NULL, err))
		return false;
	if (args->flags & VIR_CONNECT_RO)
		c->read_only = true;
	c->conn_open = true;
	return true;
}

static bool connect_close(rpc_request *call, void *args, void *ret, GError **err)
{
	rpc_client *c = rpc_request_client(call);

	/* The socket stays; the client closes it after this reply. */
	c->conn_open = false;
	c->close_cb_registered = false;
	c->read_only = c->socket_read_only;
	g_array_set_size(c->event_cbs, 0);
	rpc_relay_reset(c);
	return true;
}

static bool supports_feature(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_connect_supports_feature_args *args = args_;
	remote_connect_supports_feature_ret *ret = ret_;
	rpc_client *c = rpc_request_client(call);
	rpc_server *srv = c->srv;

	/* Asked before CONNECT_OPEN by clients with an event loop. */
	if (args->feature == REMOTE_DRV_FEATURE_PROGRAM_KEEPALIVE) {
		ret->supported = 1;
		return true;
	}
	if (!c->conn_open) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_INTERNAL_ERROR,
			      _("internal error: hypervisor connection not open"));
		return false;
	}
	switch (args->feature) {
	/* What this protocol implementation does itself. */
	case REMOTE_DRV_FEATURE_REMOTE_EVENT_CALLBACK:
	case REMOTE_DRV_FEATURE_REMOTE_CLOSE_CALLBACK:
	case REMOTE_DRV_FEATURE_TYPED_PARAM_STRING:
	case REMOTE_DRV_FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER:
		ret->supported = 1;
		break;
	/* No CALL_WITH_FDS. */
	case REMOTE_DRV_FEATURE_FD_PASSING:
		ret->supported = 0;
		break;
	default:
		ret->supported = srv->host && srv->host->supports_feature &&
				 srv->host->supports_feature(srv->host_opaque, args->feature);
		break;
	}
	return true;
}

static bool get_type(rpc_request *call, void *args, void *ret_, GError **err)
{
	remote_connect_get_type_ret *ret = ret_;

	ret->type = g_strdup("Xen");
	return true;
}

static bool get_version(rpc_request *call, void *args, void *ret_, GError **err)
{
	remote_connect_get_version_ret *ret = ret_;
	rpc_server *srv = rpc_request_server(call);
	uint64_t v;

	if (!srv->host || !srv->host->get_version)
		return no_support(err, "virConnectGetVersion");
	if (!srv->host->get_version(srv->host_opaque, &v, err))
		return false;
	ret->hv_ver = v;
	return true;
}

static bool get_lib_version(rpc_request *call, void *args, void *ret_, GError **err)
{
	remote_connect_get_lib_version_ret *ret = ret_;

	/* The libvirt whose protocol we speak: the headers we build with. */
	ret->lib_ver = LIBVIR_VERSION_NUMBER;
	return true;
}

/* As libvirt's virGetHostname: the canonical name when the short one
 * resolves, else the short one. */
static bool get_hostname(rpc_request *call, void *args, void *ret_, GError **err)
{
	remote_connect_get_hostname_ret *ret = ret_;
	char name[HOST_NAME_MAX + 1];
	struct addrinfo hints = { .ai_flags = AI_CANONNAME | AI_CANONIDN,
				  .ai_family = AF_UNSPEC };
	struct addrinfo *info = NULL;

	if (gethostname(name, sizeof(name)) < 0) {
		xvm_error_set(err, VIR_FROM_NONE, VIR_ERR_SYSTEM_ERROR,
			      _("failed to determine host name: %s"), g_strerror(errno));
		return false;
	}
	name[sizeof(name) - 1] = '\0';
	if (strchr(name, '.') || strcmp(name, "localhost") == 0 ||
	    getaddrinfo(name, NULL, &hints, &info) != 0 || !info->ai_canonname ||
	    strcmp(info->ai_canonname, "localhost") == 0) {
		ret->hostname = g_strdup(name);
	} else {
		ret->hostname = g_strdup(info->ai_canonname);
	}
	if (info)
		freeaddrinfo(info);
	return true;
}

static bool get_uri(rpc_request *call, void *args, void *ret_, GError **err)
{
	remote_connect_get_uri_ret *ret = ret_;

	ret->uri = g_strdup(XEN_URI);
	return true;
}

static bool is_secure(rpc_request *call, void *args, void *ret_, GError **err)
{
	remote_connect_is_secure_ret *ret = ret_;

	/* A unix socket: nobody else sees the traffic. */
	ret->secure = 1;
	return true;
}

static bool register_close_callback(rpc_request *call, void *args, void *ret, GError **err)
{
	rpc_request_client(call)->close_cb_registered = true;
	return true;
}

static bool unregister_close_callback(rpc_request *call, void *args, void *ret, GError **err)
{
	rpc_client *c = rpc_request_client(call);

	if (!c->close_cb_registered) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_INTERNAL_ERROR,
			      _("internal error: no close callback registered"));
		return false;
	}
	c->close_cb_registered = false;
	return true;
}

static bool event_register(rpc_request *call, void *args_, void *ret_, GError **err)
{
	remote_connect_domain_event_callback_register_any_args *args = args_;
	remote_connect_domain_event_callback_register_any_ret *ret = ret_;
	rpc_client *c = rpc_request_client(call);
	rpc_event_cb cb = { 0 };

	if (args->eventID < 0 || args->eventID >= VIR_DOMAIN_EVENT_ID_LAST) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_INTERNAL_ERROR,
			      _("internal error: unsupported event ID %d"), args->eventID);
		return false;
	}
	if (c->event_cbs->len >= RPC_CLIENT_MAX_EVENTS) {
		xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_OPERATION_FAILED,
			      _("operation failed: too many event callbacks (%u) on this connection"),
			      RPC_CLIENT_MAX_EVENTS);
		return false;
	}
	cb.callback_id = c->srv->next_callback_id++;
	cb.event_id = args->eventID;
	if (args->dom) {
		cb.has_uuid = true;
		memcpy(cb.uuid, args->dom->uuid, VIR_UUID_BUFLEN);
	}
	g_array_append_val(c->event_cbs, cb);
	ret->callbackID = cb.callback_id;
	return true;
}

static bool event_deregister(rpc_request *call, void *args_, void *ret, GError **err)
{
	remote_connect_domain_event_callback_deregister_any_args *args = args_;
	rpc_client *c = rpc_request_client(call);

	for (guint i = 0; i < c->event_cbs->len; i++) {
		if (g_array_index(c->event_cbs, rpc_event_cb, i).callback_id == args->callbackID) {
			g_array_remove_index(c->event_cbs, i);
			return true;
		}
	}
	xvm_error_set(err, VIR_FROM_RPC, VIR_ERR_INTERNAL_ERROR,
		      _("internal error: domain event %d not registered"), args->callbackID);
	return false;
}

#define RO  RPC_PROC_READONLY_OK
#define CONN RPC_PROC_NEEDS_CONN

static const rpc_procedure connect_procs[] = {
	{ REMOTE_PROC_AUTH_LIST, "virConnectAuthList",
	  RPC_XDR_NONE, RPC_XDR(remote_auth_list_ret), auth_list, RO },
	{ REMOTE_PROC_CONNECT_OPEN, "virConnectOpen",
	  RPC_XDR(remote_connect_open_args), RPC_XDR_NONE, connect_open, RO },
	{ REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, "virConnectSupportsFeature",
	  RPC_XDR(remote_connect_supports_feature_args),
	  RPC_XDR(remote_connect_supports_feature_ret), supports_feature, RO },
	{ REMOTE_PROC_CONNECT_CLOSE, "virConnectClose",
	  RPC_XDR_NONE, RPC_XDR_NONE, connect_close, RO | CONN },
	{ REMOTE_PROC_CONNECT_GET_TYPE, "virConnectGetType",
	  RPC_XDR_NONE, RPC_XDR(remote_connect_get_type_ret), get_type, RO | CONN },
	{ REMOTE_PROC_CONNECT_GET_VERSION, "virConnectGetVersion",
	  RPC_XDR_NONE, RPC_XDR(remote_connect_get_version_ret), get_version,
	  RO | CONN | RPC_PROC_SLOW },    /* a hypercall or simhv round trip */
	{ REMOTE_PROC_CONNECT_GET_LIB_VERSION, "virConnectGetLibVersion",
	  RPC_XDR_NONE, RPC_XDR(remote_connect_get_lib_version_ret), get_lib_version,
	  RO | CONN },
	{ REMOTE_PROC_CONNECT_GET_HOSTNAME, "virConnectGetHostname",
	  RPC_XDR_NONE, RPC_XDR(remote_connect_get_hostname_ret), get_hostname,
	  RO | CONN | RPC_PROC_SLOW },    /* the resolver may block */
	{ REMOTE_PROC_CONNECT_GET_URI, "virConnectGetURI",
	  RPC_XDR_NONE, RPC_XDR(remote_connect_get_uri_ret), get_uri, RO | CONN },
	{ REMOTE_PROC_CONNECT_IS_SECURE, "virConnectIsSecure",
	  RPC_XDR_NONE, RPC_XDR(remote_connect_is_secure_ret), is_secure, RO | CONN },
	{ REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK, "virConnectRegisterCloseCallback",
	  RPC_XDR_NONE, RPC_XDR_NONE, register_close_callback, RO | CONN },
	{ REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK, "virConnectUnregisterCloseCallback",
	  RPC_XDR_NONE, RPC_XDR_NONE, unregister_close_callback, RO | CONN },
	{ REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
	  "virConnectDomainEventRegisterAny",
	  RPC_XDR(remote_connect_domain_event_callback_register_any_args),
	  RPC_XDR(remote_connect_domain_event_callback_register_any_ret),
	  event_register, RO | CONN },
	{ REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
	  "virConnectDomainEventDeregisterAny",
	  RPC_XDR(remote_connect_domain_event_callback_deregister_any_args), RPC_XDR_NONE,
	  event_deregister, RO | CONN },
};

void rpc_remote_connect_register(rpc_server *srv)
{
	rpc_server_add_procedures(srv, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION,
				  connect_procs, G_N_ELEMENTS(connect_procs), NULL);
}
