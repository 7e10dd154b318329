/* CPU-time accounting of the credit scheduler, as a fluid model.
 *
 * At any moment each busy vCPU runs at a rate (a share of one physical
 * CPU): the weighted max-min fair allocation of the host's CPUs, where
 *   - a domain's weight is split evenly among its busy vCPUs, as credit1
 *     divides a domain's credits among its active vCPUs;
 *   - a vCPU gets at most one CPU, and a capped domain at most cap% of
 *     one CPU in all, split evenly among its busy vCPUs;
 *   - a vCPU runs only on the CPUs of its hard affinity (each CPU gives
 *     at most 1: a max-flow from vCPUs to CPUs decides what is feasible).
 * Rates change only when the set of busy vCPUs, a weight, a cap or an
 * affinity changes: the callers accrue the time spent at the old rates
 * (sched_accrue), change, then recompute (sched_update). Reading CPU time
 * accrues up to now. A busy vCPU is one that is online, of a running,
 * unpaused domain that said so (sim_hc_set_busy).
 */
#include "machine_internal.h"

#include <math.h>
#include <string.h>

#define EPS 1e-9

uint64_t machine_now(struct machine *m)
{
	if (m->cfg.clock)
		return m->cfg.clock(m->cfg.clock_data);
	return (uint64_t)g_get_monotonic_time() * 1000u;
}

void sched_accrue(struct machine *m)
{
	uint64_t now = machine_now(m);
	uint64_t dt;

	if (now <= m->sched_last_ns)
		return;
	dt = now - m->sched_last_ns;
	m->sched_last_ns = now;
	for (uint32_t id = 0; id < SIM_DOMID_LIMIT; id++) {
		struct sim_domain *d = m->doms[id];

		if (!d)
			continue;
		for (uint32_t v = 0; v < d->max_vcpus; v++)
			if (d->vcpus[v].rate > 0)
				d->vcpus[v].cpu_time_ns +=
					(uint64_t)llround(d->vcpus[v].rate * (double)dt);
	}
}

struct item {
	struct sim_vcpu *vcpu;
	double weight, limit, rate;
	bool frozen;
	bool all_cpus;
};

struct problem {
	struct item *items;
	size_t n;
	uint32_t ncpus;
	bool all_cpus;           /* every vCPU may run anywhere */
	double *cap;             /* max-flow scratch: (2 + n + ncpus)^2 */
	int *prev;
	int *queue;
};

static bool cpu_allowed(const struct sim_vcpu *v, uint32_t c)
{
	return v->affinity[c / 8] & (1u << (c % 8));
}

/* Max flow source -> vCPU (its rate) -> allowed CPU -> sink (1 each),
 * Edmonds-Karp on a dense matrix: the problems are small. */
static double max_flow(struct problem *p)
{
	size_t nn = 2 + p->n + p->ncpus;
	size_t src = 0, sink = 1;
	double flow = 0;

	memset(p->cap, 0, sizeof(double) * nn * nn);
	for (size_t i = 0; i < p->n; i++) {
		p->cap[src * nn + 2 + i] = p->items[i].rate;
		for (uint32_t c = 0; c < p->ncpus; c++)
			if (cpu_allowed(p->items[i].vcpu, c))
				p->cap[(2 + i) * nn + 2 + p->n + c] = HUGE_VAL;
	}
	for (uint32_t c = 0; c < p->ncpus; c++)
		p->cap[(2 + p->n + c) * nn + sink] = 1.0;
	for (;;) {
		size_t head = 0, tail = 0;
		double aug = HUGE_VAL;

		for (size_t i = 0; i < nn; i++)
			p->prev[i] = -1;
		p->prev[src] = (int)src;
		p->queue[tail++] = (int)src;
		while (head < tail && p->prev[sink] < 0) {
			size_t u = (size_t)p->queue[head++];

			for (size_t w = 0; w < nn; w++)
				if (p->prev[w] < 0 && p->cap[u * nn + w] > EPS) {
					p->prev[w] = (int)u;
					p->queue[tail++] = (int)w;
				}
		}
		if (p->prev[sink] < 0)
			return flow;
		for (size_t w = sink; w != src; w = (size_t)p->prev[w]) {
			double c = p->cap[(size_t)p->prev[w] * nn + w];
			if (c < aug)
				aug = c;
		}
		for (size_t w = sink; w != src; w = (size_t)p->prev[w]) {
			size_t u = (size_t)p->prev[w];
			p->cap[u * nn + w] -= aug;
			p->cap[w * nn + u] += aug;
		}
		flow += aug;
	}
}

static bool feasible(struct problem *p)
{
	double sum = 0;

	for (size_t i = 0; i < p->n; i++)
		sum += p->items[i].rate;
	if (p->all_cpus)
		return sum <= p->ncpus + EPS;
	return max_flow(p) >= sum - EPS;
}

/* Rates at fill level t for the vCPUs not frozen yet. */
static void fill(struct problem *p, double t)
{
	for (size_t i = 0; i < p->n; i++)
		if (!p->items[i].frozen)
			p->items[i].rate = fmin(p->items[i].limit, t * p->items[i].weight);
}

/* Weighted progressive filling: raise every unfrozen vCPU's rate in
 * proportion to its weight until some can grow no more (their limit, or a
 * set of CPUs is full); freeze those; repeat. */
static void solve(struct problem *p)
{
	double lo = 0;

	for (;;) {
		double hi = 0;
		size_t frozen = 0, unfrozen = 0;

		for (size_t i = 0; i < p->n; i++)
			if (!p->items[i].frozen) {
				hi = fmax(hi, p->items[i].limit / p->items[i].weight);
				unfrozen++;
			}
		if (!unfrozen)
			return;
		fill(p, hi);
		if (feasible(p))
			return;
		for (int iter = 0; iter < 60; iter++) {
			double mid = (lo + hi) / 2;

			fill(p, mid);
			if (feasible(p))
				lo = mid;
			else
				hi = mid;
		}
		fill(p, lo);
		for (size_t i = 0; i < p->n; i++) {
			struct item *it = &p->items[i];
			double r = it->rate;

			if (it->frozen)
				continue;
			if (r >= it->limit - EPS) {
				it->frozen = true;
				frozen++;
				continue;
			}
			it->rate = r + 1e-7;
			if (!feasible(p)) {
				it->frozen = true;
				frozen++;
			}
			it->rate = r;
		}
		if (!frozen) {
			/* Numerically stuck: keep what is feasible. */
			for (size_t i = 0; i < p->n; i++)
				p->items[i].frozen = true;
			return;
		}
	}
}

static bool affinity_full(const struct sim_vcpu *v, uint32_t ncpus)
{
	for (uint32_t c = 0; c < ncpus; c++)
		if (!cpu_allowed(v, c))
			return false;
	return true;
}

/* Puts running vCPUs on CPUs of their affinity, spread round-robin. */
static void place(struct problem *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct sim_vcpu *v = p->items[i].vcpu;
		uint32_t allowed = 0, k;

		for (uint32_t c = 0; c < p->ncpus; c++)
			allowed += cpu_allowed(v, c);
		if (!allowed)
			continue;
		k = (uint32_t)(i % allowed);
		for (uint32_t c = 0; c < p->ncpus; c++)
			if (cpu_allowed(v, c) && k-- == 0) {
				v->cpu = c;
				break;
			}
	}
}

void sched_update(struct machine *m)
{
	struct problem p = { .ncpus = m->cfg.nr_cpus, .all_cpus = true };
	size_t cap = 0;

	for (uint32_t id = 0; id < SIM_DOMID_LIMIT; id++) {
		struct sim_domain *d = m->doms[id];

		if (!d)
			continue;
		for (uint32_t v = 0; v < d->max_vcpus; v++)
			d->vcpus[v].rate = 0;
		if (d->state == DOM_RUNNING && !d->paused && d->busy)
			cap += d->max_vcpus;
	}
	if (!cap)
		return;
	p.items = g_new0(struct item, cap);
	for (uint32_t id = 0; id < SIM_DOMID_LIMIT; id++) {
		struct sim_domain *d = m->doms[id];
		uint32_t nbusy = 0;

		if (!d || d->state != DOM_RUNNING || d->paused || !d->busy)
			continue;
		for (uint32_t v = 0; v < d->max_vcpus; v++)
			nbusy += d->vcpus[v].online;
		for (uint32_t v = 0; v < d->max_vcpus; v++) {
			struct item *it;

			if (!d->vcpus[v].online)
				continue;
			it = &p.items[p.n++];
			it->vcpu = &d->vcpus[v];
			it->weight = (double)d->weight / nbusy;
			it->limit = d->cap ? fmin(1.0, d->cap / 100.0 / nbusy) : 1.0;
			it->all_cpus = affinity_full(it->vcpu, p.ncpus);
			p.all_cpus = p.all_cpus && it->all_cpus;
		}
	}
	if (!p.all_cpus) {
		size_t nn = 2 + p.n + p.ncpus;

		p.cap = g_new(double, nn * nn);
		p.prev = g_new(int, nn);
		p.queue = g_new(int, nn);
	}
	solve(&p);
	for (size_t i = 0; i < p.n; i++)
		p.items[i].vcpu->rate = p.items[i].rate;
	place(&p);
	g_free(p.cap);
	g_free(p.prev);
	g_free(p.queue);
	g_free(p.items);
}
