/* CONTROL requests (xenstore-control): check, log, logfile, memreport,
 * print, quota, quota-soft, help. */
#ifndef XS_CONTROL_H
#define XS_CONTROL_H

struct request;

int do_control(struct request *req);

/* Checks the store's invariants; returns the number of problems found
 * (each logged). */
unsigned int control_check_store(void);

#endif
