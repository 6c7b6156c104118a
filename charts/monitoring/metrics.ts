/**
 * The Temporal server metrics the alerts and dashboards use, with their kind in server 1.31.2
 * (../shared/reference/temporal-metrics.md). Expressions reference metrics only through `metric()`,
 * so a name the server does not emit cannot be typed, and a test checks this list against the reference.
 * With the default tally/Prometheus reporter, counters keep their name and timers are histograms
 * (`<name>_bucket`, `_sum`, `_count`), in seconds.
 */
export const TEMPORAL_METRICS = {
  service_requests: 'counter',
  service_errors: 'counter',
  service_latency: 'timer',
  service_errors_resource_exhausted: 'counter',
  persistence_requests: 'counter',
  persistence_errors: 'counter',
  persistence_latency: 'timer',
  workflow_success: 'counter',
  workflow_failed: 'counter',
  workflow_timeout: 'counter',
  workflow_terminate: 'counter',
  workflow_cancel: 'counter',
  workflow_continued_as_new: 'counter',
  activity_success: 'counter',
  activity_fail: 'counter',
  activity_timeout: 'counter',
  activity_task_fail: 'counter',
  task_schedule_to_start_latency: 'timer',
  approximate_backlog_count: 'gauge',
  approximate_backlog_age_seconds: 'gauge',
  sharditem_created_count: 'counter',
  sharditem_removed_count: 'counter',
  membership_changed_count: 'counter',
  restarts: 'counter',
} as const;

export type TemporalMetric = keyof typeof TEMPORAL_METRICS;

/** A metric name for a PromQL expression; `suffix` selects a histogram series. */
export function metric(name: TemporalMetric, suffix: '' | '_bucket' | '_count' | '_sum' = ''): string {
  if (suffix && TEMPORAL_METRICS[name] !== 'timer') throw new Error(`${name} is a ${TEMPORAL_METRICS[name]}, not a histogram`);
  return `${name}${suffix}`;
}

/** Long-poll and wait-for-result operations: their latency is by design up to a minute or more. */
export const LONG_POLL_OPERATIONS = [
  'PollWorkflowTaskQueue',
  'PollActivityTaskQueue',
  'PollNexusTaskQueue',
  'GetWorkflowExecutionHistory',
  'PollWorkflowExecutionUpdate',
  'UpdateWorkflowExecution',
  'ExecuteMultiOperation',
  'AddWorkflowTask',
  'AddActivityTask',
  'RecordWorkflowTaskStarted',
  'RecordActivityTaskStarted',
] as const;
