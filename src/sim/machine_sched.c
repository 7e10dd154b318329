/* CPU-time accounting of the credit scheduler, as a fluid model.
 *
 * At any moment each busy vCPU runs at a rate (a share of one physical
 * CPU): the weighted max-min fair allocation of the host's CPUs, where
 *   - a domain's weight is split evenly among its busy vCPUs, as credit1
 *     divides a domain's credits among its active vCPUs;
 *   - a vCPU gets at most one CPU, and a capped domain at most cap% of
 *     one CPU for all its vCPUs together;
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

#define EPS 1e-9     /* tolerance of a feasible allocation, CPUs */
#define GROW 1e-7    /* the step that tells whether a vCPU can grow */

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
	double weight, rate;
	size_t group;            /* its domain, an index of groups */
	bool frozen;
};

struct problem {
	struct item *items;
	size_t n;
	uint32_t ncpus;
	bool all_cpus;           /* every vCPU may run anywhere */
	double *group_cap;       /* per domain: its cap as CPUs (HUGE_VAL: none) */
	double *group_sum;       /* scratch */
	size_t ngroups;
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

/* Whether every capped domain stays within its cap. */
static bool caps_ok(struct problem *p)
{
	for (size_t g = 0; g < p->ngroups; g++)
		p->group_sum[g] = 0;
	for (size_t i = 0; i < p->n; i++)
		p->group_sum[p->items[i].group] += p->items[i].rate;
	for (size_t g = 0; g < p->ngroups; g++)
		if (p->group_sum[g] > p->group_cap[g] + EPS)
			return false;
	return true;
}

/* How much of the rates the CPUs cannot run (0: all of it). */
static double cpu_deficit(struct problem *p)
{
	double sum = 0;

	for (size_t i = 0; i < p->n; i++)
		sum += p->items[i].rate;
	return fmax(0, sum - (p->all_cpus ? p->ncpus : max_flow(p)));
}

/* Feasible, up to the tolerance, beyond what was left undone at the
 * round's start (rounding of the levels found before). */
static bool feasible(struct problem *p, double undone)
{
	return caps_ok(p) && cpu_deficit(p) <= undone + EPS;
}

/* Rates at fill level t for the vCPUs not frozen yet. */
static void fill(struct problem *p, double t)
{
	for (size_t i = 0; i < p->n; i++)
		if (!p->items[i].frozen)
			p->items[i].rate = fmin(1.0, t * p->items[i].weight);
}

/* Weighted progressive filling: raise every unfrozen vCPU's rate in
 * proportion to its weight until some can grow no more (a whole CPU, a
 * full set of CPUs, their domain's cap); freeze those; repeat. */
static void solve(struct problem *p)
{
	double lo = 0;

	for (;;) {
		double hi = 0, base, undone;
		size_t frozen = 0, unfrozen = 0;

		for (size_t i = 0; i < p->n; i++)
			if (!p->items[i].frozen) {
				hi = fmax(hi, 1.0 / p->items[i].weight);
				unfrozen++;
			}
		if (!unfrozen)
			return;
		fill(p, lo);
		undone = cpu_deficit(p);
		fill(p, hi);
		if (feasible(p, undone))
			return;
		for (int iter = 0; iter < 60; iter++) {
			double mid = (lo + hi) / 2;

			fill(p, mid);
			if (feasible(p, undone))
				lo = mid;
			else
				hi = mid;
		}
		fill(p, lo);
		/* A vCPU that cannot take a little more without breaking a cap
		 * or leaving more undone than now is at its share. (Compared to
		 * now: the level found may be over by the tolerance.) */
		base = cpu_deficit(p);
		for (size_t i = 0; i < p->n; i++) {
			struct item *it = &p->items[i];
			double r = it->rate;

			if (it->frozen)
				continue;
			if (r >= 1.0 - EPS) {
				it->frozen = true;
				frozen++;
				continue;
			}
			it->rate = r + GROW;
			if (!caps_ok(p) || cpu_deficit(p) > base + GROW / 10) {
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
	p.group_cap = g_new(double, cap);
	p.group_sum = g_new(double, cap);
	for (uint32_t id = 0; id < SIM_DOMID_LIMIT; id++) {
		struct sim_domain *d = m->doms[id];
		uint32_t nbusy = 0;

		if (!d || d->state != DOM_RUNNING || d->paused || !d->busy)
			continue;
		for (uint32_t v = 0; v < d->max_vcpus; v++)
			nbusy += d->vcpus[v].online;
		if (!nbusy)
			continue;
		p.group_cap[p.ngroups] = d->cap ? d->cap / 100.0 : HUGE_VAL;
		for (uint32_t v = 0; v < d->max_vcpus; v++) {
			struct item *it;

			if (!d->vcpus[v].online)
				continue;
			it = &p.items[p.n++];
			it->vcpu = &d->vcpus[v];
			it->weight = (double)d->weight / nbusy;
			it->group = p.ngroups;
			p.all_cpus = p.all_cpus && affinity_full(it->vcpu, p.ncpus);
		}
		p.ngroups++;
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
	g_free(p.group_cap);
	g_free(p.group_sum);
	g_free(p.items);
}
