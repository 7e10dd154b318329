/* What xvmd tells the connection procedures about the hypervisor
 * (rpc_host_ops of rpc/server.h), through the driver's handles. */
#ifndef XVMD_HOST_H
#define XVMD_HOST_H

#include <glib.h>
#include <xvm/hv.h>

#include "server.h"

/* The ops to give rpc_server_set_host() with the driver (xvmDriver) as
 * opaque. */
extern const rpc_host_ops xvmd_host_ops;

/* Xen's version as libvirt counts it: "4.17.1" -> 4017001; the micro
 * number is the leading digits of extra after a '.', else 0 ("4.17-sim"
 * -> 4017000), as libvirt's libxl driver parses it. */
uint64_t xvmd_host_version_number(const struct hv_version *v);

#endif
