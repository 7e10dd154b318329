/* The driver's domain events to the clients' callbacks: the driver hands
 * them to this sink on the main context, one at a time, in order
 * (driver.h); the server encodes each once and sends it to every
 * matching registration (rpc/server.h). */
#include <string.h>
#include <glib/gi18n.h>

#include "remote.h"

/* VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED: the device's alias. */
static void send_device_removed(rpc_server *srv, const xvmDomainEvent *ev)
{
	remote_domain_event_callback_device_removed_msg msg = { 0 };
	g_autoptr(GError) err = NULL;

	msg.msg.dom.name = ev->name;
	memcpy(msg.msg.dom.uuid, &ev->uuid, sizeof(msg.msg.dom.uuid));
	msg.msg.dom.id = ev->id;
	msg.msg.devAlias = ev->dev_alias;
	if (!rpc_server_emit_domain_event(srv, ev->event_id, (const unsigned char *)msg.msg.dom.uuid,
					  REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
					  (xdrproc_t)xdr_remote_domain_event_callback_device_removed_msg,
					  &msg, &err))
		g_warning(_("xvmd: device-removed event of domain %s not sent: %s"), ev->name,
			  err->message);
}

void xvmd_remote_event_sink(const xvmDomainEvent *ev, void *opaque)
{
	rpc_server *srv = opaque;
	remote_domain_event_callback_lifecycle_msg msg = { 0 };
	g_autoptr(GError) err = NULL;

	if (ev->event_id == VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED && ev->dev_alias) {
		send_device_removed(srv, ev);
		return;
	}
	if (ev->event_id != VIR_DOMAIN_EVENT_ID_LIFECYCLE)
		return;
	/* The strings stay the event's: msg is only encoded. */
	msg.msg.dom.name = ev->name;
	memcpy(msg.msg.dom.uuid, &ev->uuid, sizeof(msg.msg.dom.uuid));
	msg.msg.dom.id = ev->id;
	msg.msg.event = ev->event;
	msg.msg.detail = ev->detail;
	if (!rpc_server_emit_domain_event(srv, ev->event_id, (const unsigned char *)msg.msg.dom.uuid,
					  REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
					  (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg,
					  &msg, &err))
		g_warning(_("xvmd: lifecycle event of domain %s not sent: %s"), ev->name,
			  err->message);
}
