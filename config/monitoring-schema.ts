/**
 * Monitoring: prometheus-operator ServiceMonitors and a PrometheusRule, Grafana dashboards for the
 * sidecar, or plain prometheus.io annotations for clusters without the operator.
 */
import { z } from 'zod';
import { labels } from './metadata-schema';
import { positiveInt } from './primitives';

/** A Prometheus duration (one unit), e.g. `30s`, `5m`. */
const promDuration = z.string().regex(/^\d+(s|m|h)$/, 'must be a duration such as "30s" or "5m"');
const ratio = z.number().gt(0).lt(1);

export const monitoringSchema = z.strictObject({
  /** ServiceMonitors for the Temporal roles and the worker pools (needs the prometheus-operator CRDs). */
  serviceMonitors: z.boolean(),
  /** A PrometheusRule with the alerts below. */
  alerts: z.boolean(),
  /** Dashboards as ConfigMaps for the Grafana sidecar. */
  dashboards: z.boolean(),
  /** prometheus.io/scrape, port and path annotations on pods, for Prometheus without the operator. */
  prometheusAnnotations: z.boolean(),
  /** Labels your Prometheus selects ServiceMonitors and PrometheusRules by (e.g. release: kube-prometheus-stack). */
  selectorLabels: labels,
  scrapeInterval: promDuration,
  /** Labels the Grafana sidecar looks for on dashboard ConfigMaps. */
  dashboardLabels: labels,
  thresholds: z.strictObject({
    /** A role with no target up for this long is down. */
    serviceDownFor: promDuration,
    /** Failed share of closed workflows over 10 minutes. */
    workflowFailureRatio: ratio,
    /** Workflow execution timeouts in 10 minutes. */
    workflowTimeoutsPer10m: positiveInt,
    /** p99 latency of non-long-poll requests. */
    requestLatencyP99Seconds: z.number().positive(),
    /** p95 time activity tasks wait for a worker. */
    activityScheduleToStartP95Seconds: z.number().positive(),
    /** Failed share of persistence requests over 5 minutes. */
    persistenceErrorRatio: ratio,
    /** History shards acquired in 10 minutes (ownership churn). */
    shardMovesPer10m: positiveInt,
  }),
});

export function checkMonitoring(spec: { monitoring: z.output<typeof monitoringSchema> }, ctx: z.RefinementCtx): void {
  const m = spec.monitoring;
  if (m.alerts && !m.serviceMonitors && !m.prometheusAnnotations) {
    ctx.addIssue({ code: 'custom', path: ['monitoring', 'alerts'], message: 'alerts need metrics: turn on serviceMonitors or prometheusAnnotations' });
  }
}
