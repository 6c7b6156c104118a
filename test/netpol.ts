/**
 * A small NetworkPolicy evaluator (networking.k8s.io/v1 semantics) for judging rendered policies on
 * their own. It deliberately knows nothing of charts/flows.ts: it reads NetworkPolicy objects and
 * answers "may this pod (or address) open a connection to that pod (or address) on this port?".
 *
 * Semantics (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 * - A pod is isolated for ingress (egress) iff a policy in its namespace selects it and lists that
 *   type in `policyTypes` (absent: Ingress, plus Egress when the policy has egress rules).
 * - A connection is allowed iff the source allows it as egress (not egress-isolated, or some egress
 *   rule of a policy selecting it matches) AND the destination allows it as ingress (likewise).
 * - Rules without `to`/`from` match every peer, rules without `ports` every port.
 * - Peers: podSelector alone = pods of the policy's namespace; namespaceSelector alone = every pod
 *   of matching namespaces; both = matching pods in matching namespaces; ipBlock = addresses
 *   outside the cluster only (pod IPs are treated as never matching an ipBlock, as the docs advise
 *   ipBlock for cluster-external addresses and leave pod IPs implementation-defined).
 * - Ports: numeric (with optional endPort) or named, resolved against the destination pod's
 *   container ports of the same protocol; protocol defaults to TCP.
 */
import type { Spec } from '../config/schema';
import type { K8sObject } from './helpers';

export type Labels = Record<string, string>;
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface PolicyPort {
  port?: number | string;
  endPort?: number;
  protocol?: Protocol | string;
}

export interface NetworkPolicyObject {
  metadata: { name: string; namespace?: string };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: ('Ingress' | 'Egress' | string)[];
    ingress?: { from?: PolicyPeer[]; ports?: PolicyPort[] }[];
    egress?: { to?: PolicyPeer[]; ports?: PolicyPort[] }[];
  };
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: Protocol | string;
}

/** One representative pod: where it runs, its labels and the ports its containers serve. */
export interface Pod {
  /** For messages: the workload (or synthetic pod) name. */
  name: string;
  namespace: string;
  namespaceLabels: Labels;
  labels: Labels;
  containerPorts: ContainerPort[];
}

/** A pod, or an IP address outside the cluster. */
export type Endpoint = Pod | string;

export type Direction = 'Ingress' | 'Egress';

/** One side (the source's egress or the destination's ingress) of a connection. */
export interface SideVerdict {
  /** False for addresses outside the cluster and for pods no policy isolates in this direction. */
  isolated: boolean;
  /** `policy#egress[i]` / `policy#ingress[i]` of every rule that admits the connection. */
  allowedBy: string[];
  allowed: boolean;
}

export interface Verdict {
  allowed: boolean;
  egress: SideVerdict;
  ingress: SideVerdict;
}

// ---------------------------------------------------------------------------------------------
// Label selectors

/** Kubernetes LabelSelector semantics; `{}` selects everything. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  return (
    Object.entries(selector.matchLabels ?? {}).every(([k, v]) => has(k) && labels[k] === v) &&
    (selector.matchExpressions ?? []).every((e) => {
      switch (e.operator) {
        case 'In':
          return has(e.key) && (e.values ?? []).includes(labels[e.key]);
        case 'NotIn':
          return !has(e.key) || !(e.values ?? []).includes(labels[e.key]);
        case 'Exists':
          return has(e.key);
        case 'DoesNotExist':
          return !has(e.key);
        default:
          throw new Error(`unknown label selector operator ${e.operator}`);
      }
    })
  );
}

// ---------------------------------------------------------------------------------------------
// IP addresses

interface Address {
  family: 4 | 6;
  value: bigint;
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseIPv6(s: string): bigint | undefined {
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // An embedded IPv4 tail (::ffff:10.0.0.1) is two 16-bit groups.
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const explicit = head.length + rest.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const words = [...head, ...Array<string>(8 - explicit).fill('0'), ...rest].map((g) => BigInt(parseInt(g, 16)));
  return words.reduce((acc, w) => (acc << 16n) | w, 0n);
}

export function parseAddress(s: string): Address {
  const v4 = parseIPv4(s);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = s.includes(':') ? parseIPv6(s) : undefined;
  if (v6 !== undefined) return { family: 6, value: v6 };
  throw new Error(`not an IP address: ${JSON.stringify(s)}`);
}

interface Cidr {
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

export function parseCidr(s: string): Cidr {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) throw new Error(`not a CIDR: ${JSON.stringify(s)}`);
  const { family, value } = parseAddress(m[1]);
  const prefix = Number(m[2]);
  const width = family === 4 ? 32 : 128;
  if (prefix > width) throw new Error(`CIDR prefix too long: ${JSON.stringify(s)}`);
  const hostBits = BigInt(width - prefix);
  return { family, network: (value >> hostBits) << hostBits, prefix };
}

export function cidrContains(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr);
  const a = parseAddress(ip);
  if (a.family !== c.family) return false;
  const hostBits = BigInt((c.family === 4 ? 32 : 128) - c.prefix);
  return (a.value >> hostBits) << hostBits === c.network;
}

function formatIPv4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
}

/**
 * An IPv4 address inside `cidr` for probing: `preferred` when the CIDR contains it, else the
 * network address + 1 (or the address itself for a /32).
 */
export function addressInside(cidr: string, preferred?: string): string {
  if (preferred !== undefined && cidrContains(cidr, preferred)) return preferred;
  const c = parseCidr(cidr);
  if (c.family !== 4) throw new Error(`addressInside: only IPv4 is supported (${cidr})`);
  return formatIPv4(c.prefix === 32 ? c.network : c.network + 1n);
}

// ---------------------------------------------------------------------------------------------
// The evaluator

const isPod = (e: Endpoint): e is Pod => typeof e !== 'string';

export function describeEndpoint(e: Endpoint): string {
  return isPod(e) ? `${e.namespace}/${e.name}` : e;
}

function peerMatches(peer: PolicyPeer, policyNamespace: string, e: Endpoint, where: string): boolean {
  const hasPod = peer.podSelector !== undefined;
  const hasNs = peer.namespaceSelector !== undefined;
  if (peer.ipBlock !== undefined) {
    if (hasPod || hasNs) throw new Error(`${where}: a peer with ipBlock may not also set podSelector or namespaceSelector`);
    if (isPod(e)) return false;
    return cidrContains(peer.ipBlock.cidr, e) && !(peer.ipBlock.except ?? []).some((x) => cidrContains(x, e));
  }
  if (!hasPod && !hasNs) throw new Error(`${where}: a peer must set podSelector, namespaceSelector or ipBlock`);
  if (!isPod(e)) return false;
  const namespaceOk = hasNs ? selectorMatches(peer.namespaceSelector!, e.namespaceLabels) : e.namespace === policyNamespace;
  return namespaceOk && (!hasPod || selectorMatches(peer.podSelector!, e.labels));
}

function portMatches(p: PolicyPort, dst: Endpoint, port: number, protocol: Protocol, where: string): boolean {
  if ((p.protocol ?? 'TCP') !== protocol) return false;
  if (p.port === undefined) {
    if (p.endPort !== undefined) throw new Error(`${where}: endPort needs port`);
    return true;
  }
  if (typeof p.port === 'number') return port >= p.port && port <= (p.endPort ?? p.port);
  if (/^\d+$/.test(p.port)) throw new Error(`${where}: port ${JSON.stringify(p.port)} is a string of digits (invalid named port)`);
  if (p.endPort !== undefined) throw new Error(`${where}: endPort needs a numeric port, not ${JSON.stringify(p.port)}`);
  // A named port means the port of that name on the destination pod, for this protocol.
  return (
    isPod(dst) && dst.containerPorts.some((cp) => cp.name === p.port && (cp.protocol ?? 'TCP') === protocol && cp.containerPort === port)
  );
}

const anyOf = <T>(items: T[] | undefined, test: (item: T) => boolean): boolean => !items || items.length === 0 || items.some(test);

export class NetpolEvaluator {
  private readonly policies: NetworkPolicyObject[];

  /** @param policies NetworkPolicy objects; each must carry metadata.namespace (or `defaultNamespace` is used). */
  constructor(policies: readonly (NetworkPolicyObject | K8sObject)[], defaultNamespace?: string) {
    this.policies = policies.map((p) => {
      const namespace = p.metadata.namespace ?? defaultNamespace;
      if (!namespace) throw new Error(`NetworkPolicy ${p.metadata.name} has no namespace`);
      return { ...(p as NetworkPolicyObject), metadata: { ...p.metadata, namespace } };
    });
  }

  /** The policy types a policy applies, with the API server's default when policyTypes is absent. */
  static policyTypes(p: NetworkPolicyObject): string[] {
    return p.spec.policyTypes ?? ['Ingress', ...((p.spec.egress ?? []).length > 0 ? ['Egress'] : [])];
  }

  /** Policies that select `pod` for `direction`. */
  selecting(pod: Pod, direction: Direction): NetworkPolicyObject[] {
    return this.policies.filter(
      (p) =>
        p.metadata.namespace === pod.namespace &&
        NetpolEvaluator.policyTypes(p).includes(direction) &&
        selectorMatches(p.spec.podSelector ?? {}, pod.labels),
    );
  }

  isolated(pod: Pod, direction: Direction): boolean {
    return this.selecting(pod, direction).length > 0;
  }

  check(src: Endpoint, dst: Endpoint, port: number, protocol: Protocol = 'TCP'): Verdict {
    const egress = this.side(src, 'Egress', (p) =>
      (p.spec.egress ?? []).flatMap((rule, i) => {
        const where = `${p.metadata.name}#egress[${i}]`;
        const ok =
          anyOf(rule.to, (peer) => peerMatches(peer, p.metadata.namespace!, dst, where)) &&
          anyOf(rule.ports, (pp) => portMatches(pp, dst, port, protocol, where));
        return ok ? [where] : [];
      }),
    );
    const ingress = this.side(dst, 'Ingress', (p) =>
      (p.spec.ingress ?? []).flatMap((rule, i) => {
        const where = `${p.metadata.name}#ingress[${i}]`;
        const ok =
          anyOf(rule.from, (peer) => peerMatches(peer, p.metadata.namespace!, src, where)) &&
          anyOf(rule.ports, (pp) => portMatches(pp, dst, port, protocol, where));
        return ok ? [where] : [];
      }),
    );
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
  }

  allows(src: Endpoint, dst: Endpoint, port: number, protocol: Protocol = 'TCP'): boolean {
    return this.check(src, dst, port, protocol).allowed;
  }

  private side(e: Endpoint, direction: Direction, rules: (p: NetworkPolicyObject) => string[]): SideVerdict {
    if (!isPod(e)) return { isolated: false, allowedBy: [], allowed: true };
    const selecting = this.selecting(e, direction);
    const allowedBy = selecting.flatMap(rules);
    return { isolated: selecting.length > 0, allowedBy, allowed: selecting.length === 0 || allowedBy.length > 0 };
  }
}

/** One line for a failure message: `a → b:port/proto` and why. */
export function explain(v: Verdict): string {
  const side = (name: string, s: SideVerdict) =>
    !s.isolated ? `${name}: not isolated` : s.allowedBy.length ? `${name}: ${s.allowedBy.join(', ')}` : `${name}: no rule`;
  return `${side('egress', v.egress)}; ${side('ingress', v.ingress)}`;
}

// ---------------------------------------------------------------------------------------------
// Pod inventory from synthesized objects

export const NETPOL_WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job', 'CronJob', 'DaemonSet'];

const template = (o: K8sObject): any => (o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template);

/**
 * One representative pod per workload, in `namespace` (labelled like a real Namespace:
 * `kubernetes.io/metadata.name` plus the Namespace object's labels when it is among `objects`).
 * Only regular containers serve ports; init containers have exited before the pod serves.
 */
export function workloadPods(objects: readonly K8sObject[], namespace: string): Pod[] {
  const nsObject = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === namespace);
  const namespaceLabels = { ...(nsObject?.metadata.labels ?? {}), 'kubernetes.io/metadata.name': namespace };
  return objects
    .filter((o) => NETPOL_WORKLOAD_KINDS.includes(o.kind))
    .map((o) => {
      const t = template(o);
      return {
        name: o.metadata.name,
        namespace: o.metadata.namespace ?? namespace,
        namespaceLabels,
        labels: { ...(t?.metadata?.labels ?? {}) },
        containerPorts: (t?.spec?.containers ?? [])
          .flatMap((c: any) => c.ports ?? [])
          .map((cp: any) => ({ name: cp.name, containerPort: cp.containerPort, protocol: cp.protocol ?? 'TCP' })),
      };
    });
}

/** A pod in another namespace, selected by `namespaceLabels` (its name label is added when absent). */
export function foreignPod(
  name: string,
  fallbackNamespace: string,
  namespaceLabels: Labels,
  labels: Labels,
  containerPorts: ContainerPort[] = [],
): Pod {
  const namespace = namespaceLabels['kubernetes.io/metadata.name'] ?? fallbackNamespace;
  return { name, namespace, namespaceLabels: { ...namespaceLabels, 'kubernetes.io/metadata.name': namespace }, labels, containerPorts };
}

export interface Inventory {
  /** The deployment's own namespace. */
  namespace: string;
  /** One pod per workload of the namespace. */
  pods: Pod[];
  /** Cluster DNS (spec.networkPolicies.dns; kube-system / k8s-app=kube-dns by default), 53/UDP+TCP. */
  dns: Pod;
  ingressController: Pod;
  monitoring: Pod;
  /** One pod per spec.networkPolicies.clientNamespaces entry. */
  clients: Pod[];
  /**
   * A pod of the unrelated namespace `elsewhere`. It carries `elsewhereLabels` (the caller passes
   * a Temporal pod's labels), so a pod selector leaking across namespaces shows up as a hole.
   */
  elsewhere: Pod;
  /** `pods` and every synthetic foreign pod. */
  all: Pod[];
}

export function inventory(objects: readonly K8sObject[], spec: Spec, elsewhereLabels: Labels = { app: 'unrelated' }): Inventory {
  const namespace = spec.namespace.name;
  const np = spec.networkPolicies;
  const pods = workloadPods(objects, namespace);
  const dns = foreignPod('kube-dns', 'kube-system', np.dns.namespace, { ...np.dns.pods }, [
    { name: 'dns', containerPort: 53, protocol: 'UDP' },
    { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
  ]);
  const ingressController = foreignPod(
    'ingress-controller',
    'ingress-controller',
    np.ingressControllerNamespace,
    { 'app.kubernetes.io/name': 'ingress-controller' },
    [
      { name: 'http', containerPort: 80, protocol: 'TCP' },
      { name: 'https', containerPort: 443, protocol: 'TCP' },
    ],
  );
  const monitoring = foreignPod('prometheus', 'monitoring', np.monitoringNamespace, { 'app.kubernetes.io/name': 'prometheus' }, [
    { name: 'web', containerPort: 9090, protocol: 'TCP' },
  ]);
  const clients = np.clientNamespaces.map((labels, i) => foreignPod(`client-${i}`, `clients-${i}`, labels, { app: `client-${i}` }));
  const elsewhere = foreignPod('unrelated', 'elsewhere', { 'kubernetes.io/metadata.name': 'elsewhere' }, { ...elsewhereLabels });
  return {
    namespace,
    pods,
    dns,
    ingressController,
    monitoring,
    clients,
    elsewhere,
    all: [...pods, dns, ingressController, monitoring, ...clients, elsewhere],
  };
}
