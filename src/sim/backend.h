/* dom0's simulated backends in xvm-simhv: blkback (backend/vbd) and
 * netback (backend/vif), a dom0 client of xenstored's unix socket.
 *
 * Each device the toolstack writes under /local/domain/0/backend/TYPE/
 * DOMID/DEVID is checked as a hotplug script would (the disk image
 * exists and opens with the device's mode; the vif names a bridge), then
 * brought through the XenbusState handshake with its frontend:
 *   Initialising -> InitWait (hotplug-status connected, feature-* keys)
 *   frontend Initialised/Connected -> Connected (vbd: sectors, info, ...)
 *   frontend Closing -> Closing, frontend Closed -> Closed
 * or failed: hotplug-error MESSAGE, hotplug-status error, state Closed.
 *
 * The guests' I/O (backend_io.h) is counted per device into files
 * RUN_DIR/stats/DOMID/TYPE-DEVID (docs/xvm-simhv.8, "STATISTICS").
 *
 * xenstored may start after simhv: the backends connect when they can,
 * retrying every second, and again after the connection is lost. */
#ifndef SIM_BACKEND_H
#define SIM_BACKEND_H

/* Starts the backends on the default main context; once per process. */
void backends_start(const char *xenstored_path, const char *run_dir);
/* Stops them (at exit): the connection closes, statistics stay. */
void backends_stop(void);

#endif
