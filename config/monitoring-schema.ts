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
  serviceMonitors: z
    .boolean()
    .describe('ServiceMonitors for the Temporal roles and the worker pools with a metrics port (needs the prometheus-operator CRDs).'),
  alerts: z.boolean().describe('A PrometheusRule with the Temporal alerts; needs serviceMonitors or prometheusAnnotations.'),
  dashboards: z.boolean().describe('Grafana dashboards in a ConfigMap for the Grafana sidecar.'),
  prometheusAnnotations: z
    .boolean()
    .describe('prometheus.io/scrape, port and path annotations on pods, for Prometheus without the operator.'),
  selectorLabels: labels.describe(
    'Labels your Prometheus selects ServiceMonitors and PrometheusRules by (e.g. release: kube-prometheus-stack).',
  ),
  scrapeInterval: promDuration.describe('Scrape interval of the ServiceMonitors, e.g. "30s".'),
  dashboardLabels: labels.describe('Labels the Grafana sidecar looks for on the dashboards ConfigMap (e.g. grafana_dashboard: "1").'),
  thresholds: z
    .strictObject({
      serviceDownFor: promDuration.describe('A frontend, history or matching role with no target up for this long is down, e.g. "5m".'),
      workflowFailureRatio: ratio.describe('Alert above this failed share of closed workflows over 10 minutes (between 0 and 1).'),
      workflowTimeoutsPer10m: positiveInt.describe('Alert above this many workflow execution timeouts in 10 minutes.'),
      requestLatencyP99Seconds: z
        .number()
        .positive()
        .describe('Alert above this p99 latency of requests, long polls excluded, in seconds.'),
      activityScheduleToStartP95Seconds: z
        .number()
        .positive()
        .describe('Alert above this p95 time activity tasks wait for a worker, in seconds.'),
      persistenceErrorRatio: ratio.describe('Alert above this failed share of persistence requests over 5 minutes (between 0 and 1).'),
      shardMovesPer10m: positiveInt.describe('Alert above this many history shards acquired in 10 minutes (ownership churn).'),
    })
    .describe('Thresholds of the alerts.'),
});

export function checkMonitoring(spec: { monitoring: z.output<typeof monitoringSchema> }, ctx: z.RefinementCtx): void {
  const m = spec.monitoring;
  if (m.alerts && !m.serviceMonitors && !m.prometheusAnnotations) {
    ctx.addIssue({
      code: 'custom',
      path: ['monitoring', 'alerts'],
      message: 'alerts need metrics: turn on serviceMonitors or prometheusAnnotations',
    });
  }
}
