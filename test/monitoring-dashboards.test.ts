/**
 * The Temporal dashboards: every metric they query is one the server emits (or Prometheus' `up`), used
 * as its kind allows, in the deployment's Kubernetes namespace, in PromQL that at least balances.
 */
import { Chart, Testing } from 'cdk8s';
import { temporalDashboards, TemporalDashboardsInput } from '../charts/monitoring/dashboards';
import { LONG_POLL_OPERATIONS, TEMPORAL_METRICS } from '../charts/monitoring/metrics';
import { DashboardProps, GrafanaDashboards, dashboardJson } from '../constructs/grafana-dashboards';

const input: TemporalDashboardsInput = {
  k8sNamespace: 'temporal-prod',
  workerPools: [
    { name: 'orders', taskQueues: ['orders', 'orders.v2'] },
    { name: 'billing', taskQueues: ['billing-activities'], temporalNamespace: 'payments' },
  ],
};
const dashboards = temporalDashboards(input);
const exprs = (ds: DashboardProps[]) => ds.flatMap((d) => d.panels.flatMap((p) => p.targets.map((t) => t.expr)));
const all = exprs(dashboards);

/** The expression with every string literal emptied, so label values and regexes are not parsed as PromQL. */
const code = (expr: string) => expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
/** Identifiers directly followed by a selector or a range: the metric names. */
const metricNames = (expr: string) => code(expr).match(/[a-zA-Z_:][a-zA-Z0-9_:]*(?=\{|\[)/g) ?? [];
/** `name{matchers}` selectors (no braces occur in the label values used here). */
const selectors = (expr: string) =>
  [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)].map((m) => ({ name: m[1], matchers: m[2] }));
const kind = (name: string) => (TEMPORAL_METRICS as Record<string, string>)[name];
/** A PromQL double-quoted string's value. */
const unquote = (literal: string): string => JSON.parse(literal);

test('five dashboards with the documented uids, tagged and titled with the Kubernetes namespace', () => {
  expect(dashboards.map((d) => d.uid)).toEqual([
    'temporal-overview',
    'temporal-workflows',
    'temporal-activities',
    'temporal-services',
    'temporal-worker-pools',
  ]);
  for (const d of dashboards) {
    expect(d.tags).toEqual(['temporal', 'temporal-prod']);
    expect(d.title).toContain('temporal-prod');
    expect(d.panels.length).toBeGreaterThan(0);
  }
});

test('uidPrefix is put before every uid, and the uids stay valid', () => {
  const prefixed = temporalDashboards({ ...input, uidPrefix: 'eu-west-1-staging-' });
  expect(prefixed.map((d) => d.uid)).toEqual(dashboards.map((d) => `eu-west-1-staging-${d.uid}`));
  for (const d of prefixed) expect(() => dashboardJson(d)).not.toThrow();
});

test('(a) every metric is one the server emits (TEMPORAL_METRICS, histogram suffix stripped) or up', () => {
  const names = new Set(all.flatMap(metricNames));
  expect(names.size).toBeGreaterThan(15);
  for (const name of names) {
    const base = kind(name) ? name : name.replace(/_(bucket|count|sum)$/, '');
    expect({ name, known: name === 'up' || kind(base) !== undefined }).toEqual({ name, known: true });
  }
});

test('(b) histogram series only on timers, and timers only through their histogram series', () => {
  for (const name of new Set(all.flatMap(metricNames))) {
    if (name === 'up') continue;
    if (kind(name)) {
      // A plain name: a counter or gauge (a timer has no series under its bare name).
      expect({ name, kind: kind(name) }).not.toEqual({ name, kind: 'timer' });
    } else {
      const m = /^(.*)_(bucket|count|sum)$/.exec(name);
      expect({ name, kind: m && kind(m[1]) }).toEqual({ name, kind: 'timer' });
    }
  }
});

test('rate and increase only over counters and histogram buckets; histogram_quantile only over buckets', () => {
  for (const expr of all) {
    for (const [, fn, name] of code(expr).matchAll(/\b(rate|increase)\(([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)) {
      expect({ expr, fn, name, ok: kind(name) === 'counter' || name.endsWith('_bucket') }).toMatchObject({ ok: true });
    }
    if (expr.includes('histogram_quantile(')) expect(metricNames(expr).every((n) => n.endsWith('_bucket'))).toBe(true);
    for (const n of metricNames(expr)) {
      if (kind(n) === 'gauge') expect(code(expr)).not.toMatch(new RegExp(`\\b(rate|increase)\\(${n}\\{`));
    }
  }
});

test('(c) every selector filters the Kubernetes namespace', () => {
  for (const expr of all) {
    const sels = selectors(expr);
    expect(sels.length).toBeGreaterThan(0);
    for (const s of sels)
      expect({ expr, ...s }).toEqual({ expr, ...s, matchers: expect.stringMatching(/(^|,\s*)namespace="temporal-prod"(,|$)/) });
  }
  // No metric without a selector slipped through.
  for (const expr of all) expect(metricNames(expr).length).toBe(selectors(expr).length);
});

test('(d) parentheses, brackets and braces balance in every expression', () => {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const expr of all) {
    const stack: string[] = [];
    let ok = true;
    for (const ch of code(expr)) {
      if ('([{'.includes(ch)) stack.push(ch);
      else if (ch in pairs && stack.pop() !== pairs[ch]) ok = false;
    }
    expect({ expr, balanced: ok && stack.length === 0 }).toEqual({ expr, balanced: true });
  }
});

test('(e) the worker-pool dashboard selects a pool from a drop-down whose value matches exactly its queues', () => {
  const d = dashboards.find((x) => x.uid === 'temporal-worker-pools')!;
  const pools = d.variables!.find((v) => v.name === 'pool')!;
  expect(pools.options.map((o) => o.text)).toEqual(input.workerPools.map((p) => p.name));
  for (const pool of input.workerPools) {
    const value = pools.options.find((o) => o.text === pool.name)!.value;
    // Prometheus anchors the regex: it must match exactly the pool's queues.
    const re = new RegExp(`^(?:${value})$`);
    for (const q of pool.taskQueues) expect(re.test(q)).toBe(true);
    for (const other of ['ordersXv2', 'orders.v20', 'billing', 'app-task-queue']) {
      if (!pool.taskQueues.includes(other)) expect(re.test(other)).toBe(false);
    }
  }
  const panels = d.panels.filter((p) => p.title.startsWith('Pool $pool: '));
  expect(panels.map((p) => p.title)).toEqual([
    'Pool $pool: backlog (tasks)',
    'Pool $pool: backlog age',
    'Pool $pool: schedule-to-start p95',
  ]);
  expect(panels.map((p) => metricNames(p.targets[0].expr)[0])).toEqual([
    'approximate_backlog_count',
    'approximate_backlog_age_seconds',
    'task_schedule_to_start_latency_bucket',
  ]);
  for (const p of panels) for (const t of p.targets) expect(t.expr).toContain('taskqueue=~"$pool"');
});

test('the worker-pool dashboard does not grow with the number of pools', () => {
  const many = temporalDashboards({
    ...input,
    workerPools: Array.from({ length: 100 }, (_, i) => ({ name: `pool-${i}`, taskQueues: [`q-${i}`] })),
  });
  const d = many.find((x) => x.uid === 'temporal-worker-pools')!;
  expect(d.panels).toHaveLength(dashboards.find((x) => x.uid === 'temporal-worker-pools')!.panels.length);
  expect(JSON.stringify(dashboardJson(d)).length).toBeLessThan(40_000);
});

test('the worker-pool dashboard is not empty without pools', () => {
  const d = temporalDashboards({ k8sNamespace: 'temporal', workerPools: [] }).find((x) => x.uid === 'temporal-worker-pools')!;
  expect(d.panels.length).toBeGreaterThan(0);
  expect(() => dashboardJson(d)).not.toThrow();
});

test('request latency excludes every long-poll operation; schedule-to-start panels are per task type', () => {
  const latency = all.filter((e) => e.includes('service_latency_bucket'));
  expect(latency.length).toBeGreaterThan(0);
  for (const e of latency) {
    const m = /operation!~("(?:[^"\\]|\\.)*")/.exec(e);
    expect(m).not.toBeNull();
    expect(unquote(m![1]).split('|').sort()).toEqual([...LONG_POLL_OPERATIONS].sort());
  }
  const activities = dashboards.find((x) => x.uid === 'temporal-activities')!;
  for (const e of exprs([activities]).filter((x) => x.includes('task_schedule_to_start_latency')))
    expect(e).toContain('task_type="Activity"');
});

test('the workflow dashboard covers every completion outcome', () => {
  const wf = exprs([dashboards.find((x) => x.uid === 'temporal-workflows')!]).flatMap(metricNames);
  for (const m of [
    'workflow_success',
    'workflow_failed',
    'workflow_timeout',
    'workflow_terminate',
    'workflow_cancel',
    'workflow_continued_as_new',
  ]) {
    expect(wf).toContain(m);
  }
});

test('every dashboard renders, and all five fit one ConfigMap under the 256 KiB client-side apply annotation limit', () => {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'temporal-prod' });
  new GrafanaDashboards(chart, 'Dashboards', {
    name: 'temporal-dashboards',
    labels: {},
    sidecarLabels: { grafana_dashboard: '1' },
    dashboards,
  });
  const [cm] = Testing.synth(chart);
  expect(Object.keys(cm.data).sort()).toEqual(dashboards.map((d) => `${d.uid}.json`).sort());
  const bytes = Object.values(cm.data as Record<string, string>).reduce((n, v) => n + Buffer.byteLength(v), 0);
  expect(bytes).toBeLessThan(256 * 1024);
  // Panel titles are unique within a dashboard.
  for (const d of dashboards) expect(new Set(d.panels.map((p) => p.title)).size).toBe(d.panels.length);
});
