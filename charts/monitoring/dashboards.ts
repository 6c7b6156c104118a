/**
 * The Temporal Grafana dashboards, built from the metric list in ./metrics.ts. Every selector filters
 * `namespace="<k8sNamespace>"`: the Kubernetes namespace label prometheus-operator puts on every target
 * (ServiceMonitors keep honorLabels off, so the server's own `namespace` label, the Temporal
 * namespace, arrives as `exported_namespace`). Counters are plain names (no `_total`); timers are
 * histograms in seconds, used through `<name>_bucket`.
 */
import type { DashboardPanel, DashboardProps } from '../../constructs/grafana-dashboards';
import { DASHBOARD_UIDS } from '../../lib/names';
import { LONG_POLL_OPERATIONS, TemporalMetric, metric } from './metrics';

export interface DashboardWorkerPool {
  readonly name: string;
  /** The task queues the pool polls (the `taskqueue` label of the matching service's metrics). */
  readonly taskQueues: readonly string[];
  /** The Temporal namespace the pool polls in; narrows its panels to it. @default every Temporal namespace */
  readonly temporalNamespace?: string;
}

export interface TemporalDashboardsInput {
  /** The Kubernetes namespace Temporal runs in. */
  readonly k8sNamespace: string;
  readonly workerPools: readonly DashboardWorkerPool[];
  /** Put before every uid, for several deployments in one Grafana (e.g. `prod-`). @default '' */
  readonly uidPrefix?: string;
}

/** A PromQL double-quoted string literal. */
const str = (s: string): string => JSON.stringify(s);
/** An RE2 pattern that matches exactly one of the values. */
const alternation = (values: readonly string[]): string => values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

const OUTCOMES = [
  ['workflow_success', 'success'],
  ['workflow_failed', 'failed'],
  ['workflow_timeout', 'timeout'],
  ['workflow_terminate', 'terminated'],
  ['workflow_cancel', 'canceled'],
  ['workflow_continued_as_new', 'continued as new'],
] as const satisfies readonly (readonly [TemporalMetric, string])[];
/** Closed executions: continue-as-new starts a new run, so it is neither a success nor a failure. */
const CLOSED: readonly TemporalMetric[] = [
  'workflow_success',
  'workflow_failed',
  'workflow_timeout',
  'workflow_terminate',
  'workflow_cancel',
];

export function temporalDashboards(input: TemporalDashboardsInput): DashboardProps[] {
  const ns = `namespace=${str(input.k8sNamespace)}`;
  const prefix = input.uidPrefix ?? '';
  const tags = ['temporal', input.k8sNamespace];
  const title = (what: string) => `Temporal ${what} (${input.k8sNamespace})`;

  /** `metric{namespace="…"<extra>}`; `extra` starts with a comma. */
  const sel = (name: TemporalMetric, extra = '', suffix: '' | '_bucket' = '') => `${metric(name, suffix)}{${ns}${extra}}`;
  const rate = (name: TemporalMetric, by: string[] = [], extra = '', window = '5m') =>
    `sum${by.length ? ` by (${by.join(', ')})` : ''} (rate(${sel(name, extra)}[${window}]))`;
  /** A total that is 0, not absent, when no series exists yet (for sums of several counters). */
  const rateOr0 = (name: TemporalMetric, extra = '') => `(${rate(name, [], extra)} or vector(0))`;
  const ratio = (num: string, den: string) => `(${num}) / clamp_min(${den}, 1e-9)`;
  const quantile = (q: number, name: TemporalMetric, by: string[], extra = '') =>
    `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (rate(${sel(name, extra, '_bucket')}[5m])))`;
  const notLongPoll = `, operation!~${str(alternation(LONG_POLL_OPERATIONS))}`;
  const byRole = ['service_name'];

  const requestRate: DashboardPanel = {
    title: 'Requests per second by role',
    kind: 'timeseries',
    unit: 'reqps',
    targets: [{ expr: rate('service_requests', byRole), legend: '{{service_name}}' }],
  };
  const errorRate: DashboardPanel = {
    title: 'Errors per second by role',
    kind: 'timeseries',
    unit: 'reqps',
    targets: [{ expr: rate('service_errors', byRole), legend: '{{service_name}}' }],
  };
  const errorRatio: DashboardPanel = {
    title: 'Error ratio by role',
    kind: 'timeseries',
    unit: 'percentunit',
    description: 'service_errors / service_requests over 5 minutes.',
    targets: [{ expr: ratio(rate('service_errors', byRole), rate('service_requests', byRole)), legend: '{{service_name}}' }],
  };
  const latencyP99: DashboardPanel = {
    title: 'Request latency p99 by role (long polls excluded)',
    kind: 'timeseries',
    unit: 's',
    description: `Excludes the long-poll and wait operations, which take up to a minute by design: ${LONG_POLL_OPERATIONS.join(', ')}.`,
    targets: [{ expr: quantile(0.99, 'service_latency', byRole, notLongPoll), legend: '{{service_name}}' }],
  };

  const overview: DashboardProps = {
    uid: `${prefix}${DASHBOARD_UIDS.overview}`,
    title: title('cluster overview'),
    tags,
    panels: [
      {
        title: 'Requests per second',
        kind: 'stat',
        unit: 'reqps',
        width: 6,
        targets: [{ expr: rate('service_requests', [], `, service_name="frontend"`), legend: 'frontend' }],
      },
      {
        title: 'Frontend error ratio',
        kind: 'stat',
        unit: 'percentunit',
        width: 6,
        targets: [
          {
            expr: ratio(rate('service_errors', [], ', service_name="frontend"'), rate('service_requests', [], ', service_name="frontend"')),
          },
        ],
      },
      {
        title: 'Frontend latency p99 (long polls excluded)',
        kind: 'stat',
        unit: 's',
        width: 6,
        targets: [{ expr: quantile(0.99, 'service_latency', [], `, service_name="frontend"${notLongPoll}`) }],
      },
      {
        title: 'Persistence error ratio',
        kind: 'stat',
        unit: 'percentunit',
        width: 6,
        targets: [{ expr: ratio(rate('persistence_errors'), rate('persistence_requests')) }],
      },
      requestRate,
      errorRatio,
      latencyP99,
      {
        title: 'Persistence latency p99 by role',
        kind: 'timeseries',
        unit: 's',
        targets: [{ expr: quantile(0.99, 'persistence_latency', byRole), legend: '{{service_name}}' }],
      },
      {
        title: 'Persistence error ratio by role',
        kind: 'timeseries',
        unit: 'percentunit',
        targets: [{ expr: ratio(rate('persistence_errors', byRole), rate('persistence_requests', byRole)), legend: '{{service_name}}' }],
      },
      {
        title: 'Persistence latency p99 by operation',
        kind: 'timeseries',
        unit: 's',
        targets: [{ expr: quantile(0.99, 'persistence_latency', ['operation']), legend: '{{operation}}' }],
      },
      {
        title: 'History shard ownership changes (per 5m)',
        kind: 'timeseries',
        unit: 'short',
        width: 8,
        description: 'Shards acquired and released by history pods; bursts mean pods joined or left the ring.',
        targets: [
          { expr: `sum (increase(${sel('sharditem_created_count')}[5m]))`, legend: 'acquired' },
          { expr: `sum (increase(${sel('sharditem_removed_count')}[5m]))`, legend: 'released' },
        ],
      },
      {
        title: 'Membership changes (per 5m)',
        kind: 'timeseries',
        unit: 'short',
        width: 8,
        targets: [{ expr: `sum by (service_name) (increase(${sel('membership_changed_count')}[5m]))`, legend: '{{service_name}}' }],
      },
      {
        title: 'Server processes started (past hour)',
        kind: 'timeseries',
        unit: 'short',
        width: 8,
        description:
          '`restarts` is set to 1 once when a server process starts, so its increase is always 0; ' +
          'this counts the processes (series) seen in the past hour that were not there the hour before. ' +
          'A container restarted in place keeps its series and is not counted: see the pod restart count.',
        targets: [
          {
            expr: `count by (service_name) (max_over_time(${sel('restarts')}[1h]) unless max_over_time(${sel('restarts')}[1h] offset 1h))`,
            legend: '{{service_name}}',
          },
        ],
      },
    ],
  };

  const closedTotal = CLOSED.map((m) => rateOr0(m)).join(' + ');
  const workflows: DashboardProps = {
    uid: `${prefix}${DASHBOARD_UIDS.workflows}`,
    title: title('workflow throughput'),
    tags,
    panels: [
      {
        title: 'Workflows closed per second',
        kind: 'stat',
        unit: 'ops',
        width: 8,
        targets: [{ expr: closedTotal }],
      },
      {
        title: 'Workflow failure ratio now',
        kind: 'stat',
        unit: 'percentunit',
        width: 8,
        description: 'Failed share of closed executions (success, failed, timeout, terminated, canceled) over 5 minutes.',
        targets: [{ expr: ratio(rateOr0('workflow_failed'), closedTotal) }],
      },
      {
        title: 'Workflow timeouts (past hour)',
        kind: 'stat',
        unit: 'short',
        width: 8,
        targets: [{ expr: `sum (increase(${sel('workflow_timeout')}[1h])) or vector(0)` }],
      },
      {
        title: 'Workflow completions by outcome',
        kind: 'timeseries',
        unit: 'ops',
        width: 24,
        targets: OUTCOMES.map(([m, legend]) => ({ expr: rate(m), legend })),
      },
      {
        title: 'Workflow failure ratio over time',
        kind: 'timeseries',
        unit: 'percentunit',
        description: 'Failed share of closed executions over 5 minutes; continue-as-new is not a close.',
        targets: [
          { expr: ratio(rateOr0('workflow_failed'), closedTotal), legend: 'failed' },
          {
            expr: ratio(`${rateOr0('workflow_failed')} + ${rateOr0('workflow_timeout')} + ${rateOr0('workflow_terminate')}`, closedTotal),
            legend: 'failed, timed out or terminated',
          },
        ],
      },
      {
        title: 'Successful workflows by Temporal namespace',
        kind: 'timeseries',
        unit: 'ops',
        targets: [{ expr: rate('workflow_success', ['exported_namespace']), legend: '{{exported_namespace}}' }],
      },
      {
        title: 'Unsuccessful workflows by Temporal namespace',
        kind: 'timeseries',
        unit: 'ops',
        width: 24,
        targets: [
          { expr: rate('workflow_failed', ['exported_namespace']), legend: '{{exported_namespace}} failed' },
          { expr: rate('workflow_timeout', ['exported_namespace']), legend: '{{exported_namespace}} timeout' },
          { expr: rate('workflow_terminate', ['exported_namespace']), legend: '{{exported_namespace}} terminated' },
          { expr: rate('workflow_cancel', ['exported_namespace']), legend: '{{exported_namespace}} canceled' },
        ],
      },
    ],
  };

  const activity = ', task_type="Activity"';
  const activityClosed = `${rateOr0('activity_success')} + ${rateOr0('activity_fail')} + ${rateOr0('activity_timeout')}`;
  const activities: DashboardProps = {
    uid: `${prefix}${DASHBOARD_UIDS.activities}`,
    title: title('activities'),
    tags,
    panels: [
      {
        title: 'Activity failure ratio now',
        kind: 'stat',
        unit: 'percentunit',
        width: 8,
        description: 'Failed or timed-out share of finished activities (after their retries) over 5 minutes.',
        targets: [{ expr: ratio(`${rateOr0('activity_fail')} + ${rateOr0('activity_timeout')}`, activityClosed) }],
      },
      {
        title: 'Activity schedule-to-start p95',
        kind: 'stat',
        unit: 's',
        width: 8,
        targets: [{ expr: quantile(0.95, 'task_schedule_to_start_latency', [], activity) }],
      },
      {
        title: 'Activity task attempts failed per second',
        kind: 'stat',
        unit: 'ops',
        width: 8,
        description: 'Every failed attempt, including those that are retried.',
        targets: [{ expr: `${rate('activity_task_fail')} or vector(0)` }],
      },
      {
        title: 'Activities by outcome',
        kind: 'timeseries',
        unit: 'ops',
        targets: [
          { expr: rate('activity_success'), legend: 'success' },
          { expr: rate('activity_fail'), legend: 'failed' },
          { expr: rate('activity_timeout'), legend: 'timeout' },
          { expr: rate('activity_task_fail'), legend: 'attempt failed (retried or not)' },
        ],
      },
      {
        title: 'Activity failure ratio over time',
        kind: 'timeseries',
        unit: 'percentunit',
        targets: [
          { expr: ratio(`${rateOr0('activity_fail')} + ${rateOr0('activity_timeout')}`, activityClosed), legend: 'failed or timed out' },
        ],
      },
      {
        title: 'Activity schedule-to-start p95 by task queue',
        kind: 'timeseries',
        unit: 's',
        description: 'How long activity tasks wait for a worker to poll them.',
        targets: [{ expr: quantile(0.95, 'task_schedule_to_start_latency', ['taskqueue'], activity), legend: '{{taskqueue}}' }],
      },
      {
        title: 'Activity failures by Temporal namespace',
        kind: 'timeseries',
        unit: 'ops',
        targets: [
          { expr: rate('activity_fail', ['exported_namespace']), legend: '{{exported_namespace}} failed' },
          { expr: rate('activity_timeout', ['exported_namespace']), legend: '{{exported_namespace}} timeout' },
        ],
      },
    ],
  };

  const up = `up{${ns}, service=~"temporal-.*"}`;
  const services: DashboardProps = {
    uid: `${prefix}${DASHBOARD_UIDS.services}`,
    title: title('service health'),
    tags,
    panels: [
      {
        title: 'Targets up now',
        kind: 'stat',
        unit: 'short',
        width: 24,
        description: 'Scrape targets up per Service (one per role; the frontends are scraped through their -headless Service).',
        targets: [{ expr: `sum by (service) (${up})`, legend: '{{service}}' }],
      },
      {
        title: 'Targets up by Service',
        kind: 'timeseries',
        unit: 'short',
        targets: [
          { expr: `sum by (service) (${up})`, legend: '{{service}} up' },
          { expr: `count by (service) (${up})`, legend: '{{service}} scraped' },
        ],
      },
      errorRatio,
      requestRate,
      errorRate,
      {
        title: 'Resource exhausted errors by role and cause',
        kind: 'timeseries',
        unit: 'reqps',
        description: 'Requests rejected by rate limits or resource caps (RpsLimit, ConcurrentLimit, SystemOverloaded, …).',
        targets: [
          {
            expr: rate('service_errors_resource_exhausted', ['service_name', 'resource_exhausted_cause']),
            legend: '{{service_name}} {{resource_exhausted_cause}}',
          },
        ],
      },
      {
        title: 'Top operations by errors per second',
        kind: 'timeseries',
        unit: 'reqps',
        targets: [{ expr: `topk(10, ${rate('service_errors', ['service_name', 'operation'])})`, legend: '{{service_name}} {{operation}}' }],
      },
      latencyP99,
    ],
  };

  // One set of panels, driven by a drop-down of pools (value = the pool's task-queue pattern), so the
  // dashboard's size does not grow with the number of pools.
  const pools = input.workerPools.filter((p) => p.taskQueues.length > 0);
  const filter = ', taskqueue=~"$pool"';
  const queueBy = ['taskqueue', 'task_type'];
  const queueLegend = '{{taskqueue}} {{task_type}}';
  const poolPanels: DashboardPanel[] =
    pools.length === 0
      ? []
      : [
          {
            title: 'Pool $pool: backlog (tasks)',
            kind: 'timeseries',
            unit: 'short',
            width: 8,
            targets: [{ expr: `sum by (taskqueue, task_type) (${sel('approximate_backlog_count', filter)})`, legend: queueLegend }],
          },
          {
            title: 'Pool $pool: backlog age',
            kind: 'timeseries',
            unit: 's',
            width: 8,
            targets: [{ expr: `max by (taskqueue, task_type) (${sel('approximate_backlog_age_seconds', filter)})`, legend: queueLegend }],
          },
          {
            title: 'Pool $pool: schedule-to-start p95',
            kind: 'timeseries',
            unit: 's',
            width: 8,
            targets: [{ expr: quantile(0.95, 'task_schedule_to_start_latency', queueBy, filter), legend: queueLegend }],
          },
        ];
  const workerPools: DashboardProps = {
    uid: `${prefix}${DASHBOARD_UIDS.workerPools}`,
    title: title('worker pools'),
    tags,
    variables: pools.length
      ? [{ name: 'pool', label: 'Worker pool', options: pools.map((p) => ({ text: p.name, value: alternation(p.taskQueues) })) }]
      : undefined,
    panels: [
      {
        title: 'Largest backlogs (all task queues)',
        kind: 'timeseries',
        unit: 'short',
        description: 'The ten task queues with the most tasks waiting, whichever pool (or none) polls them.',
        targets: [
          {
            expr: `topk(10, sum by (exported_namespace, taskqueue, task_type) (${sel('approximate_backlog_count')}))`,
            legend: '{{exported_namespace}} {{taskqueue}} {{task_type}}',
          },
        ],
      },
      {
        title: 'Oldest backlogs (all task queues)',
        kind: 'timeseries',
        unit: 's',
        targets: [
          {
            expr: `topk(10, max by (exported_namespace, taskqueue, task_type) (${sel('approximate_backlog_age_seconds')}))`,
            legend: '{{exported_namespace}} {{taskqueue}} {{task_type}}',
          },
        ],
      },
      ...poolPanels,
    ],
  };

  return [overview, workflows, activities, services, workerPools];
}
