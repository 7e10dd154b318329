/* The data path of the simulated split drivers: what a frontend puts on
 * its shared ring reaches dom0's backend (backend_*.c) as a direct call
 * in xvm-simhv, the ring being simulated. Backends count it, per device,
 * into the statistics files they publish (backend_stats.c). */
#ifndef SIM_BACKEND_IO_H
#define SIM_BACKEND_IO_H

#include <stdint.h>

enum backend_io_kind {
	BACKEND_IO_READ,             /* vbd: the guest read from its disk */
	BACKEND_IO_WRITE,            /* vbd: the guest wrote */
	BACKEND_IO_TX,               /* vif: the guest sent packets */
	BACKEND_IO_RX,               /* vif: the guest received packets */
};

/* nreq requests (packets) of bytes in all, on the device devid of type
 * "vbd" or "vif" of domain domid. 0, or -ENXIO when no backend here has
 * that device Connected (the requests are then lost, as on a ring whose
 * backend went away). */
int backend_io(uint32_t domid, const char *type, uint32_t devid,
	       enum backend_io_kind kind, uint32_t nreq, uint64_t bytes);

#endif
