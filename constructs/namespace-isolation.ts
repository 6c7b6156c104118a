import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';

export interface ExposedPorts {
  /** Policy name suffix, e.g. `frontend` → `<prefix>-allow-frontend`. */
  readonly name: string;
  /** Pods that accept traffic from other namespaces. */
  readonly podSelector: k8s.LabelSelector;
  readonly ports: readonly number[];
  /** Namespaces allowed in. @default every namespace */
  readonly fromNamespaces?: Record<string, string>;
}

export interface NamespaceIsolationProps {
  /** Name prefix, e.g. `temporal`. */
  readonly prefix: string;
  readonly labels: Record<string, string>;
  /** The only ports reachable from outside the namespace. @default [] */
  readonly exposed?: readonly ExposedPorts[];
}

/**
 * A baseline of ingress NetworkPolicies: pods accept traffic from pods in their own namespace, and
 * from other namespaces only on the ports listed in `exposed`. Egress is not restricted.
 */
export class NamespaceIsolation extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceIsolationProps) {
    super(scope, id);
    new k8s.KubeNetworkPolicy(this, 'SameNamespace', {
      metadata: { name: `${props.prefix}-allow-same-namespace`, labels: props.labels },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: {} }] }],
      },
    });
    for (const e of props.exposed ?? []) {
      new k8s.KubeNetworkPolicy(this, e.name, {
        metadata: { name: `${props.prefix}-allow-${e.name}`, labels: props.labels },
        spec: {
          podSelector: e.podSelector,
          policyTypes: ['Ingress'],
          ingress: [{
            from: [{ namespaceSelector: e.fromNamespaces ? { matchLabels: e.fromNamespaces } : {} }],
            ports: e.ports.map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' })),
          }],
        },
      });
    }
  }
}
