/* xenstored serving a guest over a real ring set up by xvm-simhv:
 * `xenstored --simhv SOCK`. The test is the toolstack (hv.h to create
 * and build the domain, libxenstore to INTRODUCE it and watch
 * @releaseDomain) and the guest's xenstore driver: it maps the domain's
 * page file, writes requests into struct xenstore_domain_interface and
 * reads the replies; the test kernel (poll-store) notifies for it.
 * Usage: test-xenstored-ring XVM-SIMHV XENSTORED */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xenstore.h>
#include <xen/io/xs_wire.h>
#include <xvm/hv.h>

#include "daemons.h"

static const char *simhv_bin, *xenstored_bin;

/* The guest's side of the ring. */
static void ring_put(struct xenstore_domain_interface *intf, const void *data, size_t len)
{
	XENSTORE_RING_IDX prod = intf->req_prod;
	const char *p = data;

	g_assert_cmpuint(len, <=, XENSTORE_RING_SIZE - (prod - intf->req_cons));
	for (size_t i = 0; i < len; i++)
		intf->req[MASK_XENSTORE_IDX(prod + i)] = p[i];
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&intf->req_prod, prod + (XENSTORE_RING_IDX)len, __ATOMIC_RELEASE);
}

static void ring_get(struct xenstore_domain_interface *intf, void *data, size_t len)
{
	XENSTORE_RING_IDX cons = intf->rsp_cons;
	char *p = data;

	/* Waits up to 5 s for the reply. */
	for (int i = 0; i < 500; i++) {
		XENSTORE_RING_IDX prod = __atomic_load_n(&intf->rsp_prod, __ATOMIC_ACQUIRE);
		if (prod - cons >= len)
			break;
		g_usleep(10000);
	}
	g_assert_cmpuint(intf->rsp_prod - cons, >=, len);
	for (size_t i = 0; i < len; i++)
		p[i] = intf->rsp[MASK_XENSTORE_IDX(cons + i)];
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	intf->rsp_cons = cons + (XENSTORE_RING_IDX)len;
}

static void get_domain_path(struct xenstore_domain_interface *intf, uint32_t domid,
			    uint32_t req_id)
{
	g_autofree char *arg = g_strdup_printf("%u", domid);
	g_autofree char *want = g_strdup_printf("/local/domain/%u", domid);
	struct xsd_sockmsg h = {
		.type = XS_GET_DOMAIN_PATH, .req_id = req_id, .len = strlen(arg) + 1,
	};
	char payload[64];

	ring_put(intf, &h, sizeof(h));
	ring_put(intf, arg, h.len);
	ring_get(intf, &h, sizeof(h));
	g_assert_cmpuint(h.type, ==, XS_GET_DOMAIN_PATH);
	g_assert_cmpuint(h.req_id, ==, req_id);
	g_assert_cmpuint(h.len, ==, strlen(want) + 1);
	ring_get(intf, payload, h.len);
	g_assert_cmpstr(payload, ==, want);
}

static char **next_watch(struct xs_handle *xs)
{
	unsigned int n;

	g_assert_true(fd_wait(xs_fileno(xs), 5000));
	return xs_read_watch(xs, &n);
}

static void test_ring(void)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *dir = g_dir_make_tmp("xvm-xsring-XXXXXX", &err);
	g_autofree char *simsock = g_build_filename(dir, "simhv.sock", NULL);
	g_autofree char *xssock = g_build_filename(dir, "xenstored.sock", NULL);
	g_autofree char *kernel = g_build_filename(dir, "vmlinuz", NULL);
	g_autofree char *spec = g_strconcat("sim:", simsock, NULL);
	g_autofree char *pagefile = NULL;
	struct daemon simhv, xenstored;
	struct hv_create_config cc = { .type = HV_DOMAIN_PV, .max_vcpus = 1 };
	struct hv_build_config bc = { .kernel = kernel, .cmdline = "poll-store",
				      .memory_kib = 64 << 10 };
	struct hv_build_result r;
	struct xenstore_domain_interface *intf;
	struct xs_handle *xs;
	struct hv_dominfo di;
	hv_t *hv;
	uint32_t domid;
	char **ev;
	int fd;

	g_assert_no_error(err);
	{
		const char *argv[] = { simhv_bin, "--no-fork", "--run-dir", dir,
				       "--socket", simsock, NULL };
		daemon_start(&simhv, argv, simsock, SOCK_SEQPACKET);
	}
	{
		const char *argv[] = { xenstored_bin, "-N", "--socket", xssock,
				       "--simhv", simsock, NULL };
		daemon_start(&xenstored, argv, xssock, SOCK_STREAM);
	}
	hv = hv_open(spec, &err);
	g_assert_no_error(err);
	g_assert_true(g_file_set_contents(kernel, "\177ELF", -1, NULL));
	g_assert_true(hv_domain_create(hv, &cc, &domid, NULL));
	g_assert_true(hv_domain_build(hv, domid, &bc, &r, &err));
	g_assert_no_error(err);
	g_assert_true(hv_domain_unpause(hv, domid, NULL));

	g_setenv("XENSTORED_PATH", xssock, TRUE);
	xs = xs_open(0);
	g_assert_nonnull(xs);
	g_assert_true(xs_watch(xs, "@releaseDomain", "rel"));
	ev = next_watch(xs);      /* a watch fires once when set */
	g_assert_cmpstr(ev[XS_WATCH_TOKEN], ==, "rel");
	free(ev);

	/* Not its page: refused. */
	g_assert_false(xs_introduce_domain(xs, domid, r.console_gfn, r.store_port));
	g_assert_true(xs_introduce_domain(xs, domid, r.store_gfn, r.store_port));

	/* The guest's driver: the page file, its requests, the replies. */
	pagefile = g_strdup_printf("%s/dom%u-store", dir, domid);
	fd = open(pagefile, O_RDWR);
	g_assert_cmpint(fd, >=, 0);
	intf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	g_assert_true(intf != MAP_FAILED);
	close(fd);
	get_domain_path(intf, domid, 7);
	get_domain_path(intf, domid, 8);   /* notifications keep flowing */
	g_assert_true(intf->server_features & XENSTORE_SERVER_FEATURE_RECONNECTION);

	/* Destroyed: @releaseDomain, then xenstored lets the page go and
	 * the domain is gone. */
	g_assert_true(hv_domain_destroy(hv, domid, NULL));
	ev = next_watch(xs);
	g_assert_cmpstr(ev[XS_WATCH_PATH], ==, "@releaseDomain");
	free(ev);
	for (int i = 0; i < 500 && hv_domain_getinfo(hv, domid, &di, NULL); i++)
		g_usleep(10000);
	g_assert_false(hv_domain_getinfo(hv, domid, &di, &err));
	g_assert_error(err, HV_ERROR, ENOENT);
	munmap(intf, 4096);

	xs_close(xs);
	hv_close(hv);
	daemon_stop(&xenstored);
	daemon_stop(&simhv);
	g_unlink(kernel);
	g_rmdir(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	if (argc != 3) {
		g_printerr("usage: %s XVM-SIMHV XENSTORED\n", argv[0]);
		return 2;
	}
	simhv_bin = argv[1];
	xenstored_bin = argv[2];
	g_test_add_func("/sim/xenstored/ring", test_ring);
	return g_test_run();
}
