/* The xenstore wire protocol (<xen/io/xs_wire.h>): message types, error
 * strings, limits. */
#ifndef XS_WIRE_H
#define XS_WIRE_H

#include <errno.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

#define XS_HDR_SIZE ((uint32_t)sizeof(struct xsd_sockmsg))

const char *wire_type_name(uint32_t type);
/* The protocol's name for an errno ("ENOENT"); unknown ones map to "EINVAL"
 * as the protocol has no other way to say them. */
const char *wire_error_string(int err);
/* Inverse, for clients and tests: 0 if unknown. */
int wire_error_from_string(const char *s);

#endif
