/**
 * The Temporal alerts (charts/monitoring/alerts.ts) and the metric list they are built from
 * (charts/monitoring/metrics.ts), checked against the server's metric reference.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { AlertProps } from '../constructs/alert-rules';
import { temporalAlerts } from '../charts/monitoring/alerts';
import { LONG_POLL_OPERATIONS, TEMPORAL_METRICS, TemporalMetric, metric } from '../charts/monitoring/metrics';
import type { Spec } from '../config/schema';

type Thresholds = Spec['monitoring']['thresholds'];

const NS = 'temporal-prod';
const thresholds: Thresholds = {
  serviceDownFor: '5m',
  workflowFailureRatio: 0.1,
  workflowTimeoutsPer10m: 10,
  requestLatencyP99Seconds: 5,
  activityScheduleToStartP95Seconds: 30,
  persistenceErrorRatio: 0.01,
  shardMovesPer10m: 50,
};

const REQUIRED = [
  'TemporalFrontendDown',
  'TemporalHistoryDown',
  'TemporalMatchingDown',
  'TemporalWorkflowFailureRateHigh',
  'TemporalWorkflowTimeoutsRising',
  'TemporalRequestLatencyHigh',
  'TemporalActivityScheduleToStartHigh',
  'TemporalPersistenceErrors',
  'TemporalShardOwnershipChurn',
];

const alerts = temporalAlerts(NS, thresholds);
const byName = (list: AlertProps[], name: string): AlertProps => {
  const a = list.find((x) => x.name === name);
  if (!a) throw new Error(`alert ${name} not found`);
  return a;
};

/** Identifiers directly followed by a selector `{`: the metric names of an expression. */
const selectedNames = (expr: string): string[] => [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g)].map((m) => m[1]);

/** The contents of every `{...}` selector (label matchers). */
const selectors = (expr: string): string[] => [...expr.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]);

const METRIC_KEYS = Object.keys(TEMPORAL_METRICS) as TemporalMetric[];
const isKey = (name: string): name is TemporalMetric => (METRIC_KEYS as string[]).includes(name);

/** A series name resolved to its TEMPORAL_METRICS key, or an error message. */
function resolveSeries(name: string): { key?: TemporalMetric; error?: string } {
  if (isKey(name)) {
    // Timers exist only as histograms: a bare timer name selects nothing.
    return TEMPORAL_METRICS[name] === 'timer' ? { error: `${name} is a timer: use _bucket, _count or _sum` } : { key: name };
  }
  const m = /^(.*)(_bucket|_count|_sum)$/.exec(name);
  if (!m) return { error: `${name} is not in TEMPORAL_METRICS` };
  const base = m[1];
  if (!isKey(base)) return { error: `${name}: ${base} is not in TEMPORAL_METRICS` };
  if (TEMPORAL_METRICS[base] !== 'timer') return { error: `${name}: ${base} is a ${TEMPORAL_METRICS[base]}, not a histogram` };
  return { key: base };
}

/** Brackets balance, ignoring quoted strings (label values, regexes). */
function balanced(expr: string): boolean {
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('({['.includes(c)) stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) return false;
  }
  return stack.length === 0 && quote === undefined;
}

describe('temporalAlerts', () => {
  test('(a) the required alerts exist, with unique names', () => {
    const names = alerts.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(REQUIRED));
    expect(new Set(names).size).toBe(names.length);
  });

  test.each(REQUIRED)('(a) %s has a severity, summary, description, runbook and a for duration', (name) => {
    const a = byName(alerts, name);
    expect(['critical', 'warning', 'info']).toContain(a.severity);
    for (const text of [a.summary, a.description, a.runbook]) {
      expect(typeof text).toBe('string');
      expect(text.trim().length).toBeGreaterThan(10);
    }
    expect(a.for).toMatch(/^\d+(s|m|h)$/);
  });

  test('(a) the role-down alerts and persistence errors are critical', () => {
    for (const n of ['TemporalFrontendDown', 'TemporalHistoryDown', 'TemporalMatchingDown', 'TemporalPersistenceErrors']) {
      expect(byName(alerts, n).severity).toBe('critical');
    }
  });

  test.each(alerts.map((a) => [a.name, a.expr]))(
    '(b) %s uses only `up` and known metrics, histogram suffixes only on timers',
    (_name, expr) => {
      const names = selectedNames(expr);
      expect(names.length).toBeGreaterThan(0);
      const errors = names
        .filter((n) => n !== 'up')
        .map(resolveSeries)
        .flatMap((r) => (r.error ? [r.error] : []));
      expect(errors).toEqual([]);
    },
  );

  test('(b) every known metric name in an expression is followed by a selector (none slips past the namespace check)', () => {
    const series = [
      'up',
      ...METRIC_KEYS.flatMap((k) => (TEMPORAL_METRICS[k] === 'timer' ? ['_bucket', '_count', '_sum'].map((s) => k + s) : [k])),
    ];
    for (const a of alerts) {
      for (const s of series) {
        const bare = new RegExp(`(?<![A-Za-z0-9_:])${s}(?![A-Za-z0-9_:])(?!\\s*\\{)`);
        // Allow mentions inside quoted label values (none expected) by stripping quoted strings first.
        expect({ alert: a.name, bare: bare.test(a.expr.replace(/"[^"]*"/g, '""')) ? s : undefined }).toEqual({
          alert: a.name,
          bare: undefined,
        });
      }
    }
  });

  test('(b) the metric-checking helpers reject what they should', () => {
    expect(resolveSeries('service_latency_bucket')).toEqual({ key: 'service_latency' });
    expect(resolveSeries('sharditem_created_count')).toEqual({ key: 'sharditem_created_count' });
    expect(resolveSeries('service_requests_bucket').error).toMatch(/counter, not a histogram/);
    expect(resolveSeries('service_latency').error).toMatch(/timer/);
    expect(resolveSeries('service_requests_total').error).toMatch(/not in TEMPORAL_METRICS/);
    expect(selectedNames('sum(rate(a_b{x="1"}[5m])) / c {y="2"}')).toEqual(['a_b', 'c']);
  });

  test.each(alerts.map((a) => [a.name, a.expr]))('(d) every selector of %s selects namespace="<ns>"', (_name, expr) => {
    const found = selectors(expr);
    expect(found.length).toBe(selectedNames(expr).length);
    for (const s of found) expect(s).toContain(`namespace="${NS}"`);
  });

  test('(d) the namespace follows the argument', () => {
    for (const a of temporalAlerts('other-ns', thresholds)) {
      expect(a.expr).not.toContain(NS);
      for (const s of selectors(a.expr)) expect(s).toContain('namespace="other-ns"');
    }
  });

  test("(d) the down alerts select the Service that exposes each role's metrics port", () => {
    expect(byName(alerts, 'TemporalFrontendDown').expr).toBe(`absent(up{namespace="${NS}", service="temporal-frontend-headless"} == 1)`);
    expect(byName(alerts, 'TemporalHistoryDown').expr).toBe(`absent(up{namespace="${NS}", service="temporal-history"} == 1)`);
    expect(byName(alerts, 'TemporalMatchingDown').expr).toBe(`absent(up{namespace="${NS}", service="temporal-matching"} == 1)`);
  });

  test('(d) request latency excludes every long-poll operation', () => {
    const expr = byName(alerts, 'TemporalRequestLatencyHigh').expr;
    const m = /operation!~"([^"]*)"/.exec(expr);
    expect(m).not.toBeNull();
    expect(m![1].split('|').sort()).toEqual([...LONG_POLL_OPERATIONS].sort());
  });

  const thresholdCases: [keyof Thresholds, string, number][] = [
    ['workflowFailureRatio', 'TemporalWorkflowFailureRateHigh', 0.37],
    ['workflowTimeoutsPer10m', 'TemporalWorkflowTimeoutsRising', 123],
    ['requestLatencyP99Seconds', 'TemporalRequestLatencyHigh', 2.5],
    ['activityScheduleToStartP95Seconds', 'TemporalActivityScheduleToStartHigh', 45],
    ['persistenceErrorRatio', 'TemporalPersistenceErrors', 0.002],
    ['shardMovesPer10m', 'TemporalShardOwnershipChurn', 77],
  ];

  test.each(thresholdCases)('(e) %s is the comparison of %s; changing it changes only that expression', (key, alert, value) => {
    expect(byName(alerts, alert).expr).toMatch(new RegExp(`> ${String(thresholds[key]).replace('.', '\\.')}$`));
    const changed = temporalAlerts(NS, { ...thresholds, [key]: value });
    expect(byName(changed, alert).expr).toMatch(new RegExp(`> ${String(value).replace('.', '\\.')}$`));
    expect(byName(changed, alert).expr).not.toBe(byName(alerts, alert).expr);
    for (const other of alerts.filter((a) => a.name !== alert)) expect(byName(changed, other.name).expr).toBe(other.expr);
  });

  test('(e) serviceDownFor is the `for` of the three down alerts', () => {
    const changed = temporalAlerts(NS, { ...thresholds, serviceDownFor: '17m' });
    for (const n of ['TemporalFrontendDown', 'TemporalHistoryDown', 'TemporalMatchingDown']) {
      expect(byName(alerts, n).for).toBe('5m');
      expect(byName(changed, n).for).toBe('17m');
      expect(byName(changed, n).description).toContain('17m');
    }
  });

  test.each(alerts.map((a) => [a.name, a.expr]))('(f) parentheses, braces and brackets balance in %s', (_name, expr) => {
    expect(balanced(expr)).toBe(true);
  });

  test('(f) the balance check catches an unbalanced expression', () => {
    expect(balanced('sum(rate(x{a="b"}[5m])')).toBe(false);
    expect(balanced('x{a="(}"}')).toBe(true);
    expect(balanced('sum(x])')).toBe(false);
  });
});

describe('TEMPORAL_METRICS', () => {
  const reference = fs.readFileSync(path.resolve(__dirname, '../../shared/reference/temporal-metrics.md'), 'utf8');
  const KIND = { counter: 'Counter', timer: 'Timer', gauge: 'Gauge' } as const;

  test.each(METRIC_KEYS)('(c) %s is in the server reference with its kind', (name) => {
    const row = new RegExp(`^\\| \`${name}\` \\| (\\w+) \\|`, 'm').exec(reference);
    expect(row?.[1]).toBe(KIND[TEMPORAL_METRICS[name]]);
  });

  test('(g) metric() refuses histogram suffixes on counters and gauges, and accepts them on timers', () => {
    expect(() => metric('service_requests', '_bucket')).toThrow('service_requests is a counter, not a histogram');
    expect(() => metric('approximate_backlog_count', '_sum')).toThrow(/gauge, not a histogram/);
    expect(metric('service_latency', '_bucket')).toBe('service_latency_bucket');
    expect(metric('service_latency', '_count')).toBe('service_latency_count');
    expect(metric('service_requests')).toBe('service_requests');
  });
});
