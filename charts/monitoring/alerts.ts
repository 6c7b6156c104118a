/**
 * The alerts of the PrometheusRule, built from the metric list in ./metrics.ts and the thresholds in
 * the spec (`monitoring.thresholds`). Every expression selects the Kubernetes namespace the
 * deployment runs in (the `namespace` label prometheus-operator adds to every target).
 */
import type { AlertProps } from '../../constructs/alert-rules';
import type { Spec } from '../../config/schema';
import { LONG_POLL_OPERATIONS, metric } from './metrics';

type Thresholds = Spec['monitoring']['thresholds'];

export function temporalAlerts(k8sNamespace: string, t: Thresholds): AlertProps[] {
  const ns = `namespace="${k8sNamespace}"`;
  const rate = (name: Parameters<typeof metric>[0], extra = '', window = '10m') =>
    `(sum(rate(${metric(name)}{${ns}${extra}}[${window}])) or vector(0))`;
  const down = (role: string, title: string, impact: string): AlertProps => ({
    name: `Temporal${title}Down`,
    expr: `absent(up{${ns}, service="temporal-${role}${role === 'frontend' ? '-headless' : ''}"} == 1)`,
    for: t.serviceDownFor,
    severity: 'critical',
    summary: `No Temporal ${role} pod is up in ${k8sNamespace}`,
    description: `Prometheus has had no healthy temporal-${role} target for ${t.serviceDownFor}. ${impact}`,
    runbook: `kubectl -n ${k8sNamespace} get pods -l app.kubernetes.io/component=${role}; check events, the init containers (database, visibility index) and the server log.`,
  });
  const closed = ['workflow_success', 'workflow_failed', 'workflow_timeout', 'workflow_terminate', 'workflow_cancel'] as const;
  const longPolls = LONG_POLL_OPERATIONS.join('|');
  return [
    down('frontend', 'Frontend', 'Clients and workers cannot reach Temporal.'),
    down('history', 'History', 'No workflow can make progress.'),
    down('matching', 'Matching', 'No task is dispatched to workers.'),
    {
      name: 'TemporalWorkflowFailureRateHigh',
      expr: `${rate('workflow_failed')} / clamp_min(${closed.map((c) => rate(c)).join(' + ')}, 1e-9) > ${t.workflowFailureRatio}`,
      for: '10m',
      severity: 'warning',
      summary: `More than ${percent(t.workflowFailureRatio)} of closed workflows failed over 10 minutes`,
      description: 'Workflow executions are completing with failure. Usually an application bug or a dependency outage, not the server.',
      runbook:
        'Find the failing workflow types in the Web UI (ExecutionStatus="Failed"); read the failure of the latest runs and the worker logs.',
    },
    {
      name: 'TemporalWorkflowTimeoutsRising',
      expr: `sum(increase(${metric('workflow_timeout')}{${ns}}[10m])) > ${t.workflowTimeoutsPer10m}`,
      for: '5m',
      severity: 'warning',
      summary: `More than ${t.workflowTimeoutsPer10m} workflow executions timed out in 10 minutes`,
      description: 'Workflows hit their execution or run timeout: workers may be missing, too slow, or the timeouts too tight.',
      runbook:
        'Check that the worker pools for the affected task queues are running and keeping up (worker-pool dashboard: backlog, schedule-to-start).',
    },
    {
      name: 'TemporalRequestLatencyHigh',
      expr: `histogram_quantile(0.99, sum by (le, service_name) (rate(${metric('service_latency', '_bucket')}{${ns}, operation!~"${longPolls}"}[5m]))) > ${t.requestLatencyP99Seconds}`,
      for: '10m',
      severity: 'warning',
      summary: `p99 request latency above ${t.requestLatencyP99Seconds}s (long polls excluded)`,
      description: 'Temporal requests are slow; usually the database (persistence latency) or an overloaded role.',
      runbook:
        'Compare with persistence latency on the overview dashboard; check CPU throttling of the role named in service_name and the database.',
    },
    {
      name: 'TemporalActivityScheduleToStartHigh',
      expr: `histogram_quantile(0.95, sum by (le) (rate(${metric('task_schedule_to_start_latency', '_bucket')}{${ns}, task_type="Activity"}[5m]))) > ${t.activityScheduleToStartP95Seconds}`,
      for: '10m',
      severity: 'warning',
      summary: `p95 activity schedule-to-start above ${t.activityScheduleToStartP95Seconds}s`,
      description: 'Activity tasks wait for a worker: the pools are too small, stuck, or polling the wrong task queue.',
      runbook:
        'Scale the worker pool of the affected task queue (or check its KEDA ScaledObject); check the pool pods are ready and polling.',
    },
    {
      name: 'TemporalPersistenceErrors',
      expr: `${rate('persistence_errors', '', '5m')} / clamp_min(${rate('persistence_requests', '', '5m')}, 1e-9) > ${t.persistenceErrorRatio}`,
      for: '5m',
      severity: 'critical',
      summary: `More than ${percent(t.persistenceErrorRatio)} of persistence requests fail`,
      description: 'The server cannot read or write its database reliably.',
      runbook:
        'Check the database (connections, disk, failover) and the server logs for the error; check max_connections against the pools.',
    },
    {
      name: 'TemporalShardOwnershipChurn',
      expr: `sum(increase(${metric('sharditem_created_count')}{${ns}}[10m])) > ${t.shardMovesPer10m}`,
      for: '10m',
      severity: 'warning',
      summary: `More than ${t.shardMovesPer10m} history shards changed owner in 10 minutes`,
      description:
        'History pods keep joining or leaving the ring (restarts, OOM kills, membership trouble); every move stalls its workflows.',
      runbook: `kubectl -n ${k8sNamespace} get pods -l app.kubernetes.io/component=history (restarts, OOMKilled); check the membership ports are open between roles.`,
    },
  ];
}

const percent = (ratio: number) => `${+(ratio * 100).toFixed(4)}%`;
