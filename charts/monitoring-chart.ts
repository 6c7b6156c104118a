import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertRules } from '../constructs/alert-rules';
import { recommendedLabels, selectorLabels } from '../constructs/labels';
import { GrafanaDashboards } from '../constructs/grafana-dashboards';
import { MetricsScrape } from '../constructs/metrics-scrape';
import { dashboardUidPrefix } from '../lib/names';
import type { Spec } from '../config/schema';
import { temporalAlerts } from './monitoring/alerts';
import { temporalDashboards } from './monitoring/dashboards';
import type { Topology } from './topology';

/**
 * Monitoring objects: a prometheus-operator ServiceMonitor per Temporal role and per worker pool with
 * a metrics port, the PrometheusRule with Temporal's alerts, and the Grafana dashboards ConfigMap.
 */
export class MonitoringChart extends Chart {
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
    if (m.dashboards) {
      new GrafanaDashboards(this, 'Dashboards', {
        name: 'temporal-dashboards',
        labels: recommendedLabels(topo.identity('monitoring')),
        sidecarLabels: m.dashboardLabels,
        folder: 'Temporal',
        // Several deployments in one Grafana stay apart by uid.
        dashboards: temporalDashboards({
          k8sNamespace: topo.namespace,
          workerPools: spec.workerPools,
          uidPrefix: dashboardUidPrefix(spec.instance),
        }),
      });
    }
    if (m.alerts) {
      new AlertRules(this, 'Alerts', {
        name: 'temporal-alerts',
        labels,
        group: `temporal.${topo.namespace}`,
        alerts: temporalAlerts(topo.namespace, m.thresholds),
        alertLabels: { namespace: topo.namespace },
      });
    }
  }
}
