import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { recommendedLabels, selectorLabels } from '../constructs/labels';
import { NamespaceIsolation } from '../constructs/namespace-isolation';
import { WebUi } from '../constructs/web-ui';
import type { Spec } from '../overlays/schema';
import { METRICS_PORT, ROLE_PORTS, TEMPORAL_ROLES, Topology } from './topology';

/**
 * Baseline NetworkPolicies: only the frontend (gRPC, HTTP API), the Web UI and the metrics ports are
 * reachable from other namespaces; PostgreSQL, history, matching and the rest only from inside.
 */
export class NetworkChart extends Chart {
  constructor(scope: Construct, id: string, spec: Spec, topo: Topology) {
    super(scope, id, { namespace: topo.namespace, disableResourceNameHashes: true });
    const np = spec.networkPolicies;
    const frontend = topo.identity('frontend');
    new NamespaceIsolation(this, 'Isolation', {
      prefix: 'temporal',
      labels: recommendedLabels(topo.identity('network-policy')),
      exposed: [
        {
          name: 'frontend',
          podSelector: { matchLabels: selectorLabels(frontend) },
          ports: [ROLE_PORTS.frontend.grpc, ROLE_PORTS.frontend.http!],
          fromNamespaces: emptyToAll(np.frontendFromNamespaces),
        },
        ...(spec.ui.enabled
          ? [{ name: 'web', podSelector: { matchLabels: selectorLabels(topo.identity('web')) }, ports: [WebUi.PORT], fromNamespaces: emptyToAll(np.webFromNamespaces) }]
          : []),
        {
          name: 'metrics',
          podSelector: {
            matchLabels: { 'app.kubernetes.io/name': frontend.name, 'app.kubernetes.io/instance': frontend.instance },
            matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: [...TEMPORAL_ROLES] }],
          },
          ports: [METRICS_PORT],
          fromNamespaces: emptyToAll(np.metricsFromNamespaces),
        },
        ...spec.workerPools.filter((pool) => pool.metricsPort !== undefined).map((pool) => ({
          name: `${pool.name}-metrics`,
          podSelector: { matchLabels: selectorLabels(topo.identity('worker-pool', { name: pool.name })) },
          ports: [pool.metricsPort!],
          fromNamespaces: emptyToAll(np.metricsFromNamespaces),
        })),
      ],
    });
  }
}

const emptyToAll = (labels: Record<string, string>) => (Object.keys(labels).length ? labels : undefined);
