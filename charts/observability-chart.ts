import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertRules } from '../constructs/alert-rules';
import { recommendedLabels, selectorLabels } from '../constructs/labels';
import { MetricsScrape } from '../constructs/metrics-scrape';
import type { Spec } from '../overlays/schema';
import { temporalAlerts } from './observability/alerts';
import type { Topology } from './topology';

/**
 * Monitoring objects for prometheus-operator: a ServiceMonitor per Temporal role and per worker pool
 * with a metrics port, and the PrometheusRule with Temporal's alerts.
 */
export class ObservabilityChart extends Chart {
  constructor(scope: Construct, id: string, spec: Spec, topo: Topology) {
    super(scope, id, { namespace: topo.namespace, disableResourceNameHashes: true });
    const m = spec.monitoring;
    const labels = { ...recommendedLabels(topo.identity('monitoring')), ...m.selectorLabels };

    if (m.serviceMonitors) {
      for (const role of topo.serverRoles) {
        new MetricsScrape(this, role, {
          name: topo.names.role(role),
          labels,
          serviceSelector: selectorLabels(topo.identity(role)),
          interval: m.scrapeInterval,
        });
      }
      for (const pool of spec.workerPools.filter((p) => p.metricsPort !== undefined)) {
        new MetricsScrape(this, `pool-${pool.name}`, {
          name: pool.name,
          labels,
          serviceSelector: selectorLabels(topo.identity('worker-pool', { name: pool.name })),
          path: pool.metricsPath,
          interval: m.scrapeInterval,
        });
      }
    }
    if (m.alerts) {
      new AlertRules(this, 'Alerts', {
        name: 'temporal-alerts',
        labels,
        group: `temporal.${topo.namespace}`,
        alerts: temporalAlerts(topo.namespace, m.thresholds),
      });
    }
  }
}
