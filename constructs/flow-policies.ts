import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';

/** One end of a flow: pods of this namespace, pods of other namespaces, or addresses outside the cluster. */
export interface FlowPeer {
  /** Names the peer in policy names and test output, e.g. `temporal-frontend`. */
  readonly id: string;
  /** Pods in the policy's namespace with these labels. */
  readonly pods?: Record<string, string>;
  /** Every pod in the namespaces with these labels. */
  readonly namespaces?: Record<string, string>;
  /** IPv4 ranges outside the cluster. */
  readonly cidrs?: readonly string[];
}

export interface FlowPort {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
}

export interface Flow {
  readonly from: FlowPeer;
  readonly to: FlowPeer;
  /** Destination ports. */
  readonly ports: readonly FlowPort[];
  /** Why the flow exists (documentation only). */
  readonly purpose: string;
}

export interface FlowPoliciesProps {
  readonly labels: Record<string, string>;
  /** Name of the default-deny policy; the DNS policy is `<name>-dns`. */
  readonly defaultDenyName: string;
  /** Components of this namespace: one policy each, named after the peer id. */
  readonly components: readonly FlowPeer[];
  readonly flows: readonly Flow[];
  /** Where cluster DNS runs. @default kube-system / k8s-app=kube-dns */
  readonly dns?: { readonly namespace: Record<string, string>; readonly pods: Record<string, string> };
}

const peerTerm = (p: FlowPeer): k8s.NetworkPolicyPeer[] => {
  if ([p.pods, p.namespaces, p.cidrs].filter((x) => x !== undefined).length !== 1) {
    throw new Error(`FlowPolicies: peer ${p.id} must set exactly one of pods, namespaces or cidrs`);
  }
  // An empty peer list means "everyone" to Kubernetes, the opposite of what an empty selection intends.
  if (p.cidrs?.length === 0) throw new Error(`FlowPolicies: peer ${p.id} selects nothing (empty cidrs)`);
  if (p.pods) return [{ podSelector: { matchLabels: p.pods } }];
  if (p.namespaces) return [{ namespaceSelector: { matchLabels: p.namespaces } }];
  return p.cidrs!.map((cidr) => ({ ipBlock: { cidr } }));
};

const portTerms = (ports: readonly FlowPort[]): k8s.NetworkPolicyPort[] =>
  ports.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol }));

/**
 * Least-privilege NetworkPolicies from a flow table: deny all ingress and egress in the namespace,
 * allow DNS to every pod, then one policy per component listing exactly the flows into and out of
 * it. A flow needs both ends' policies, so each flow appears as an egress rule on its source and an
 * ingress rule on its destination (when those are pods of this namespace).
 */
export class FlowPolicies extends Construct {
  constructor(scope: Construct, id: string, props: FlowPoliciesProps) {
    super(scope, id);
    const dns = props.dns ?? { namespace: { 'kubernetes.io/metadata.name': 'kube-system' }, pods: { 'k8s-app': 'kube-dns' } };
    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: props.defaultDenyName, labels: props.labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new k8s.KubeNetworkPolicy(this, 'Dns', {
      metadata: { name: `${props.defaultDenyName}-dns`, labels: props.labels },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: dns.namespace }, podSelector: { matchLabels: dns.pods } }],
            ports: portTerms([
              { port: 53, protocol: 'UDP' },
              { port: 53, protocol: 'TCP' },
            ]),
          },
        ],
      },
    });

    const into = groupBy(props.flows, (f) => f.to.id);
    const outOf = groupBy(props.flows, (f) => f.from.id);
    for (const c of props.components) {
      if (!c.pods) throw new Error(`FlowPolicies: component ${c.id} must select pods`);
      const ingress = (into.get(c.id) ?? []).map((f) => ({ from: peerTerm(f.from), ports: portTerms(f.ports) }));
      const egress = (outOf.get(c.id) ?? []).map((f) => ({ to: peerTerm(f.to), ports: portTerms(f.ports) }));
      new k8s.KubeNetworkPolicy(this, c.id, {
        metadata: { name: c.id, labels: props.labels },
        spec: {
          podSelector: { matchLabels: c.pods },
          policyTypes: ['Ingress', 'Egress'],
          ingress: ingress.length ? dedupe(ingress) : undefined,
          egress: egress.length ? dedupe(egress) : undefined,
        },
      });
    }
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const group = out.get(key(item));
    if (group) group.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}

/** Drop repeated rules (e.g. the same peer and port reached for two purposes). */
function dedupe<T>(rules: T[]): T[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
