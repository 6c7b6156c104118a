import { App, Chart } from 'cdk8s';
import type { Spec } from '../config/schema';
import { DatastoresChart } from './datastores-chart';
import { NamespaceChart } from './namespace-chart';
import { NetworkPoliciesChart } from './network-policies-chart';
import { MonitoringChart } from './monitoring-chart';
import { SecretsChart } from './secrets-chart';
import { applySyncWaves } from './sync-waves';
import { TemporalServerChart } from './temporal-server-chart';
import { topology } from './topology';
import { WebChart } from './web-chart';
import { WorkersChart } from './workers-chart';

/**
 * Composes one profile's deployment into sibling charts and returns them in apply order: each file is
 * numbered by its position (`0000-namespace.k8s.yaml` first), so `kubectl apply -f dir --recursive`
 * creates the Namespace before anything in it. The order is explicit here rather than expressed with
 * `chart.addDependency`, which makes cdk8s link every object of one chart to every object of the
 * other (quadratic in the number of worker pools).
 */
export function buildTemporalStack(app: App, spec: Spec): Chart[] {
  const topo = topology(spec);
  const charts = [
    new NamespaceChart(app, 'namespace', spec, topo),
    new SecretsChart(app, 'secrets', spec, topo),
    new DatastoresChart(app, 'datastores', spec, topo),
    new TemporalServerChart(app, 'temporal-server', spec, topo),
    new WebChart(app, 'web', spec, topo),
    new WorkersChart(app, 'workers', spec, topo),
    ...(spec.networkPolicies.enabled ? [new NetworkPoliciesChart(app, 'network-policies', spec, topo)] : []),
    ...(monitoring(spec) ? [new MonitoringChart(app, 'monitoring', spec, topo)] : []),
  ];
  applySyncWaves(charts);
  return charts;
}

const monitoring = (spec: Spec) => spec.monitoring.serviceMonitors || spec.monitoring.alerts || spec.monitoring.dashboards;
