import { App } from 'cdk8s';
import type { Spec } from '../overlays/schema';
import { DatastoresChart } from './datastores-chart';
import { NamespaceChart } from './namespace-chart';
import { NetworkChart } from './network-chart';
import { TemporalServerChart } from './temporal-server-chart';
import { topology } from './topology';
import { WebChart } from './web-chart';
import { WorkersChart } from './workers-chart';

/**
 * Composes one profile's deployment into sibling charts. Chart dependencies give the files their
 * `0000-` … prefixes, so `kubectl apply -f dir --recursive` creates the Namespace first.
 */
export function buildTemporalStack(app: App, spec: Spec): void {
  const topo = topology(spec);
  const namespace = new NamespaceChart(app, 'namespace', spec, topo);
  const datastores = new DatastoresChart(app, 'datastores', spec, topo);
  const server = new TemporalServerChart(app, 'temporal-server', spec, topo);
  const web = new WebChart(app, 'web', spec, topo);
  const workers = new WorkersChart(app, 'workers', spec, topo);
  datastores.addDependency(namespace);
  server.addDependency(datastores);
  web.addDependency(server);
  workers.addDependency(web);
  if (spec.networkPolicies.enabled) {
    new NetworkChart(app, 'network-policies', spec, topo).addDependency(workers);
  }
}
