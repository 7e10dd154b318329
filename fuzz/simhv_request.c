/* libFuzzer target: xvm-simhv's request parser and dispatcher
 * (src/sim/dispatch.c) over a fresh machine, as clients send them.
 *
 * Input: a sequence of requests, each
 *   u8  who    bit 0: which of two clients sends it; bits 1-2: how many
 *              descriptors come with it (a small regular file each, what
 *              a kernel, ramdisk or save stream is passed as)
 *   u16 len    (little-endian) then len bytes: the message as on the
 *              socket, header included.
 * A machine lives for one input; the clients' connections close at its
 * end (everything they bound or mapped is released). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "dispatch.h"
#include "machine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A kernel that does what a kernel may: hypercalls at boot, state to
 * save. */
static void *k_boot(const struct sim_guest_env *env)
{
	sim_hc_set_busy(env->dom, env->domid & 1);
	sim_hc_vcpu_up(env->dom, 1);
	return (void *)env;
}

static void *k_restore(const struct sim_guest_env *env, const void *blob, size_t len)
{
	(void)blob; (void)len;
	return (void *)env;
}

static void *k_save(void *kernel, size_t *len)
{
	(void)kernel;
	*len = 4;
	return g_strdup("blob");
}

static void k_event(void *kernel, uint32_t port)
{
	const struct sim_guest_env *env = kernel;

	sim_hc_evtchn_send(env->dom, port);
}

static void k_nothing(void *kernel)
{
	(void)kernel;
}

static const struct sim_guest_ops ops = {
	.boot = k_boot, .restore = k_restore, .save = k_save, .event = k_event,
	.pause = k_nothing, .unpause = k_nothing, .stop = k_nothing,
};

static char *run_dir;

static void remove_run_dir(void)
{
	g_rmdir(run_dir);
}

static int small_file(const uint8_t *data, size_t len)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd >= 0 && write(fd, data, len) >= 0)
		lseek(fd, 0, SEEK_SET);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dispatch_reply rep;
	static int clients[2];
	struct machine_config cfg = {
		.nr_cpus = 2, .memory_kib = 64 << 10, .dom0_kib = 16 << 10, .ops = &ops,
	};
	struct machine *m;
	size_t off = 0;

	if (!run_dir) {
		run_dir = g_dir_make_tmp("fuzz-simhv-XXXXXX", NULL);
		if (!run_dir)
			abort();
		atexit(remove_run_dir);
	}
	cfg.run_dir = run_dir;
	m = machine_new(&cfg, NULL);
	if (!m)
		abort();
	while (off + 3 <= size) {
		uint8_t who = data[off];
		size_t len = data[off + 1] | (size_t)data[off + 2] << 8;
		int fds[SIMHV_MAX_FDS];
		unsigned int nfds = (who >> 1) & 3;

		off += 3;
		if (len > size - off)
			len = size - off;
		if (nfds > SIMHV_MAX_FDS)
			nfds = SIMHV_MAX_FDS;
		for (unsigned int i = 0; i < nfds; i++)
			fds[i] = small_file(data + off, len < 16 ? len : 16);
		dispatch_request(m, &clients[who & 1], data + off, len, fds, nfds, &rep);
		for (unsigned int i = 0; i < rep.nfds; i++)
			close(rep.fds[i]);
		off += len;
	}
	machine_release(m, &clients[0]);
	machine_release(m, &clients[1]);
	machine_free(m);
	return 0;
}
