/**
 * dist/<profile>/README.md: a human-readable inventory of what a profile renders, generated from the
 * rendered objects themselves (never typed by hand), so it cannot drift from the manifests beside it.
 *
 * - Components: one row per workload with its replicas (fixed, HPA or KEDA range), per-pod requests
 *   and limits, and the images of its main containers.
 * - Totals: requests and limits of the long-running workloads at minimum and maximum scale.
 * - Network flows: a Mermaid flowchart of the connections the NetworkPolicies allow.
 * - Custom resources: the objects that need a CRD, by kind.
 *
 * The output depends only on the objects (and the spec's namespace, instance and environment), not on
 * their order, and contains no dates: the same input gives byte-identical text.
 */
import { needsCrd } from '../lib/api-groups';
import { K8s, Labels, podTemplate } from './objects';
import { prerequisitesSection } from './prerequisites';
import type { JsonValue } from '../lib/yaml';
import type { Spec } from '../config/schema';
import { cpuMillis, memoryBytes } from '../lib/quantities';

interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface PolicyPort {
  port?: number | string;
  endPort?: number;
  protocol?: string;
}

interface Rule {
  to?: Peer[];
  from?: Peer[];
  ports?: PolicyPort[];
}

interface Container {
  name?: string;
  image?: string;
  restartPolicy?: string;
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
}

const WORKLOAD_ORDER = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
const BATCH_KINDS = new Set(['Job', 'CronJob']);

interface Scale {
  /** "2", "HPA 3–10", "KEDA 0–20", "1 per run", … */
  readonly text: string;
  readonly min: number;
  readonly max: number;
}

interface Resources {
  cpuRequest?: number;
  memoryRequest?: number;
  cpuLimit?: number;
  memoryLimit?: number;
  /** Main containers that leave the value unset, per column. */
  unset: { cpuRequest: number; memoryRequest: number; cpuLimit: number; memoryLimit: number };
}

interface Workload {
  readonly key: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly podLabels: Labels;
  readonly scale: Scale;
  readonly resources: Resources;
  readonly images: string[];
  /** Counted in the running totals (not a Job, CronJob or DaemonSet). */
  readonly running: boolean;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const nsOf = (o: K8s) => o.metadata.namespace ?? '';

type PodSpec = { containers?: Container[]; initContainers?: Container[]; [key: string]: unknown };

/** The containers that run for the pod's lifetime: `containers` plus native sidecars (restartable init containers). */
function runningContainers(pod: PodSpec | undefined): Container[] {
  const sidecars = (pod?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  return [...(pod?.containers ?? []), ...sidecars];
}

function sumResources(containers: Container[]): Resources {
  const r: Resources = { unset: { cpuRequest: 0, memoryRequest: 0, cpuLimit: 0, memoryLimit: 0 } };
  const add = (field: keyof Resources['unset'], value: string | number | undefined, parse: (q: string) => number | undefined) => {
    const n = value === undefined ? undefined : parse(String(value));
    if (n === undefined) {
      r.unset[field]++;
      return;
    }
    r[field] = (r[field] ?? 0) + n;
  };
  for (const c of containers) {
    add('cpuRequest', c.resources?.requests?.cpu, cpuMillis);
    add('memoryRequest', c.resources?.requests?.memory, memoryBytes);
    add('cpuLimit', c.resources?.limits?.cpu, cpuMillis);
    add('memoryLimit', c.resources?.limits?.memory, memoryBytes);
  }
  return r;
}

/** KEDA ScaledObjects and HPAs by the workload they scale (`namespace/kind/name`), the first of each kind winning. */
function scalersByTarget(objects: K8s[]): { keda: Map<string, K8s>; hpa: Map<string, K8s> } {
  const keda = new Map<string, K8s>();
  const hpa = new Map<string, K8s>();
  const add = (m: Map<string, K8s>, a: K8s, defaultKind: string) => {
    const t = a.spec?.scaleTargetRef as { kind?: string; name?: string } | undefined;
    const key = `${nsOf(a)}/${t?.kind ?? defaultKind}/${t?.name}`;
    if (!m.has(key)) m.set(key, a);
  };
  for (const a of objects) {
    if (a.kind === 'ScaledObject' && a.apiVersion.startsWith('keda.sh/')) add(keda, a, 'Deployment');
    else if (a.kind === 'HorizontalPodAutoscaler') add(hpa, a, '');
  }
  return { keda, hpa };
}

function scaleOf(o: K8s, scalers: ReturnType<typeof scalersByTarget>): Scale {
  const key = `${nsOf(o)}/${o.kind}/${o.metadata.name}`;
  const keda = scalers.keda.get(key);
  if (keda) {
    const min = Number(keda.spec?.minReplicaCount ?? 0);
    const max = Number(keda.spec?.maxReplicaCount ?? 100);
    return { text: `KEDA ${min}–${max}`, min, max };
  }
  const hpa = scalers.hpa.get(key);
  if (hpa) {
    const min = Number(hpa.spec?.minReplicas ?? 1);
    const max = Number(hpa.spec?.maxReplicas);
    return { text: `HPA ${min}–${max}`, min, max };
  }
  switch (o.kind) {
    case 'DaemonSet':
      return { text: '1 per node', min: 0, max: 0 };
    case 'Job': {
      const n = Number(o.spec?.parallelism ?? 1);
      return { text: `${n} (Job, runs to completion)`, min: 0, max: 0 };
    }
    case 'CronJob': {
      const n = Number(o.spec?.jobTemplate?.spec?.parallelism ?? 1);
      return { text: `${n} per run (CronJob \`${o.spec?.schedule ?? '?'}\`)`, min: 0, max: 0 };
    }
    default: {
      const n = Number(o.spec?.replicas ?? 1);
      return { text: String(n), min: n, max: n };
    }
  }
}

function workloadsOf(objects: K8s[]): Workload[] {
  const scalers = scalersByTarget(objects);
  return objects
    .filter((o) => WORKLOAD_ORDER.includes(o.kind))
    .map((o) => {
      const template = podTemplate(o);
      const main = (template?.spec?.containers ?? []) as Container[];
      return {
        key: `${nsOf(o)}/${o.kind}/${o.metadata.name}`,
        kind: o.kind,
        name: o.metadata.name,
        namespace: nsOf(o),
        podLabels: (template?.metadata?.labels ?? {}) as Labels,
        scale: scaleOf(o, scalers),
        resources: sumResources(runningContainers(template?.spec)),
        images: [...new Set(main.map((c) => c.image).filter((i): i is string => typeof i === 'string'))],
        running: !BATCH_KINDS.has(o.kind) && o.kind !== 'DaemonSet',
      };
    })
    .sort(
      (a, b) =>
        WORKLOAD_ORDER.indexOf(a.kind) - WORKLOAD_ORDER.indexOf(b.kind) || compare(a.name, b.name) || compare(a.namespace, b.namespace),
    );
}

// ---- formatting ---------------------------------------------------------------------------------

const trim = (n: number, digits: number) => String(Number(n.toFixed(digits)));

/** Millicores: "250m" below one core, "1.5" (cores) from one core up. */
function formatCpu(millis: number): string {
  return millis < 1000 ? `${trim(millis, 1)}m` : trim(millis / 1000, 3);
}

/** Bytes: "512Mi" below 1 GiB, "1.5Gi" from 1 GiB up. */
function formatMemory(bytes: number): string {
  return bytes < 2 ** 30 ? `${trim(bytes / 2 ** 20, 2)}Mi` : `${trim(bytes / 2 ** 30, 2)}Gi`;
}

function cell(value: number | undefined, unset: number, format: (n: number) => string): string {
  if (value === undefined) return '—';
  return unset ? `${format(value)} + ${unset} unset` : format(value);
}

const tableCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => `\`${s}\``;

function selectorText(s: Selector | undefined): string {
  const parts = [
    ...Object.entries(s?.matchLabels ?? {})
      .sort(([a], [b]) => compare(a, b))
      .map(([k, v]) => `${k}=${v}`),
    ...(s?.matchExpressions ?? []).map((e) => `${e.key} ${e.operator}${e.values?.length ? ` (${[...e.values].sort().join(',')})` : ''}`),
  ];
  return parts.length ? parts.join(', ') : 'any';
}

function selects(s: Selector, labels: Labels): boolean {
  return (
    Object.entries(s.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
    (s.matchExpressions ?? []).every((e) => {
      switch (e.operator) {
        case 'In':
          return (e.values ?? []).includes(labels[e.key]);
        case 'NotIn':
          return !(e.values ?? []).includes(labels[e.key]);
        case 'Exists':
          return e.key in labels;
        case 'DoesNotExist':
          return !(e.key in labels);
        default:
          return false;
      }
    })
  );
}

const isEmptySelector = (s: Selector | undefined) => !Object.keys(s?.matchLabels ?? {}).length && !(s?.matchExpressions ?? []).length;

function portTexts(ports: PolicyPort[] | undefined): string[] {
  if (!ports?.length) return ['all ports'];
  return ports.map((p) => {
    const proto = p.protocol ?? 'TCP';
    if (p.port === undefined) return `all/${proto}`;
    return p.endPort !== undefined ? `${p.port}-${p.endPort}/${proto}` : `${p.port}/${proto}`;
  });
}

/** Numeric ports in order, then named ports and ranges; protocol breaks ties. */
function comparePorts(a: string, b: string): number {
  const num = (s: string) => (/^\d+\//.test(s) ? Number(s.split('/')[0]) : Number.POSITIVE_INFINITY);
  return num(a) - num(b) || compare(a, b);
}

/** Mermaid node id: only [A-Za-z0-9_]. */
const safeId = (s: string) => s.replace(/[^A-Za-z0-9]/g, '_');
/** Mermaid quoted label text: a double quote would end the string. */
const mermaidText = (s: string) => s.replace(/"/g, '#quot;');

// ---- sections -----------------------------------------------------------------------------------

function componentsSection(workloads: Workload[]): string[] {
  const lines = [
    '## Components',
    '',
    '| Kind | Name | Replicas | CPU request | Memory request | CPU limit | Memory limit | Image(s) |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const w of workloads) {
    const r = w.resources;
    lines.push(
      `| ${[
        w.kind,
        code(w.name),
        w.scale.text,
        cell(r.cpuRequest, r.unset.cpuRequest, formatCpu),
        cell(r.memoryRequest, r.unset.memoryRequest, formatMemory),
        cell(r.cpuLimit, r.unset.cpuLimit, formatCpu),
        cell(r.memoryLimit, r.unset.memoryLimit, formatMemory),
        w.images.map(code).join('<br>') || '—',
      ]
        .map(tableCell)
        .join(' | ')} |`,
    );
  }
  if (!workloads.length) lines.push('| — | — | — | — | — | — | — | — |');
  lines.push(
    '',
    'Requests and limits are per pod: the sum over its containers (CPU in millicores `m` or cores, memory in Mi or Gi); ' +
      'init containers, which finish before the containers start, are not added. Replicas are the fixed `spec.replicas`, ' +
      'or the range of the HorizontalPodAutoscaler (HPA) or KEDA ScaledObject that scales the workload.',
  );
  return lines;
}

function totalsSection(workloads: Workload[]): string[] {
  const running = workloads.filter((w) => w.running);
  const excluded = workloads.filter((w) => !w.running);
  const row = (label: string, replicas: (w: Workload) => number) => {
    let pods = 0;
    const sum = { cpuRequest: 0, memoryRequest: 0, cpuLimit: 0, memoryLimit: 0 };
    for (const w of running) {
      const n = replicas(w);
      pods += n;
      for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += n * (w.resources[k] ?? 0);
    }
    const cpu = (m: number) => `${trim(m / 1000, 3)} cores (${trim(m, 1)}m)`;
    const mem = (b: number) => (b < 2 ** 30 ? formatMemory(b) : `${formatMemory(b)} (${trim(b / 2 ** 20, 2)}Mi)`);
    return `| ${label} | ${pods} | ${cpu(sum.cpuRequest)} | ${mem(sum.memoryRequest)} | ${cpu(sum.cpuLimit)} | ${mem(sum.memoryLimit)} |`;
  };
  const lines = [
    '## Totals',
    '',
    '| Scale | Pods | CPU requests | Memory requests | CPU limits | Memory limits |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('Minimum (fixed replicas, HPA/KEDA min)', (w) => w.scale.min),
    row('Maximum (fixed replicas, HPA/KEDA max)', (w) => w.scale.max),
    '',
    `Sums over the ${running.length} long-running workloads (Deployments and StatefulSets) at the given replicas.`,
  ];
  if (excluded.length) {
    const why = excluded.some((w) => w.kind === 'DaemonSet') ? 'they run to completion, or one pod per node' : 'they run to completion';
    lines.push(`Not counted: ${excluded.map((w) => `${w.kind} ${code(w.name)}`).join(', ')} (${why}).`);
  }
  if (running.some((w) => Object.values(w.resources.unset).some((n) => n > 0))) {
    lines.push('Some containers set no request or limit; they add nothing to these sums.');
  }
  return lines;
}

interface Node {
  readonly id: string;
  readonly shape: 'deployment' | 'statefulset' | 'batch' | 'namespace' | 'external';
  readonly label: string;
}

function networkSection(workloads: Workload[], policies: K8s[]): string[] {
  const lines = ['## Network flows', ''];
  if (!policies.length) {
    lines.push('This profile renders no NetworkPolicies: every pod may connect to every other pod and address.');
    return lines;
  }

  const usedIds = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base;
    for (let i = 2; usedIds.has(id); i++) id = `${base}_${i}`;
    usedIds.add(id);
    return id;
  };
  const workloadNodes = new Map<string, Node>();
  for (const w of workloads) {
    const shape = w.kind === 'StatefulSet' ? 'statefulset' : BATCH_KINDS.has(w.kind) ? 'batch' : 'deployment';
    const detail = BATCH_KINDS.has(w.kind) ? w.kind : w.kind === 'Deployment' ? w.scale.text : `${w.kind} · ${w.scale.text}`;
    workloadNodes.set(w.key, { id: uniqueId(`w_${safeId(w.name)}`), shape, label: `${w.name}<br/>${detail}` });
  }
  // External nodes (namespaces, address blocks, unmatched pod selectors) are keyed by their label.
  const externalLabels = new Set<string>();
  const edges = new Map<string, { from: string; to: string; ports: Set<string> }>();
  const addEdge = (from: string, to: string, ports: string[]) => {
    const k = `${from}\u0000${to}`;
    const e = edges.get(k) ?? { from, to, ports: new Set<string>() };
    ports.forEach((p) => e.ports.add(p));
    edges.set(k, e);
  };
  const ext = (label: string) => {
    externalLabels.add(label);
    return `ext:${label}`;
  };

  const notes: string[] = [];
  const unmatched: string[] = [];
  for (const p of [...policies].sort((a, b) => compare(nsOf(a), nsOf(b)) || compare(a.metadata.name, b.metadata.name))) {
    const spec = p.spec ?? {};
    const name = code(p.metadata.name);
    const types: string[] = spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
    const egress = (spec.egress ?? []) as Rule[];
    const ingress = (spec.ingress ?? []) as Rule[];
    if (isEmptySelector(spec.podSelector)) {
      const reach = egress.map(
        (r) =>
          `${(r.to ?? []).map((x) => code(peerLabel(x))).join(' or ') || 'any destination'} on ${sortedPorts(portTexts(r.ports)).join(', ')}`,
      );
      const admit = ingress.map(
        (r) =>
          `from ${(r.from ?? []).map((x) => code(peerLabel(x))).join(' or ') || 'any source'} on ${sortedPorts(portTexts(r.ports)).join(', ')}`,
      );
      if (!egress.length && !ingress.length) {
        notes.push(
          `${name} selects every pod: default deny of ${types.join(' and ')}, so only the connections drawn here (and below) are allowed.`,
        );
      } else {
        if (reach.length) notes.push(`Every pod may reach ${reach.join('; ')} (${name}); not drawn.`);
        if (admit.length) notes.push(`Every pod accepts connections ${admit.join('; ')} (${name}); not drawn.`);
      }
      continue;
    }
    const selected = workloads.filter((w) => w.namespace === nsOf(p) && selects(spec.podSelector, w.podLabels));
    if (!selected.length) {
      const rules = [
        ...ingress.map(
          (r) =>
            `ingress from ${(r.from ?? []).map((x) => code(peerLabel(x))).join(' or ') || 'any source'} on ${sortedPorts(portTexts(r.ports)).join(', ')}`,
        ),
        ...egress.map(
          (r) =>
            `egress to ${(r.to ?? []).map((x) => code(peerLabel(x))).join(' or ') || 'any destination'} on ${sortedPorts(portTexts(r.ports)).join(', ')}`,
        ),
      ];
      unmatched.push(
        `${name} selects pods ${code(selectorText(spec.podSelector))}, which no workload here creates${rules.length ? `: ${rules.join('; ')}` : ''}.`,
      );
      continue;
    }
    for (const rule of egress) {
      const ports = portTexts(rule.ports);
      const targets = new Set<string>();
      const blocks: string[] = [];
      if (!rule.to?.length) targets.add(ext('any destination'));
      for (const peer of rule.to ?? []) {
        if (peer.ipBlock) blocks.push(ipBlockText(peer.ipBlock));
        else if (peer.namespaceSelector) targets.add(ext(peerLabel(peer)));
        else if (peer.podSelector) {
          const matched = workloads.filter((w) => w.namespace === nsOf(p) && selects(peer.podSelector!, w.podLabels));
          if (matched.length) matched.forEach((w) => targets.add(w.key));
          else targets.add(ext(peerLabel(peer)));
        }
      }
      if (blocks.length) targets.add(ext(`ip: ${[...new Set(blocks)].sort().join(', ')}`));
      for (const w of selected) for (const t of targets) addEdge(w.key, t, ports);
    }
    for (const rule of ingress) {
      const ports = portTexts(rule.ports);
      const sources = new Set<string>();
      const blocks: string[] = [];
      if (!rule.from?.length) sources.add(ext('any source'));
      for (const peer of rule.from ?? []) {
        // In-namespace pod peers are drawn from the other side's egress rules.
        if (peer.ipBlock) blocks.push(ipBlockText(peer.ipBlock));
        else if (peer.namespaceSelector) sources.add(ext(peerLabel(peer)));
      }
      if (blocks.length) sources.add(ext(`ip: ${[...new Set(blocks)].sort().join(', ')}`));
      for (const s of sources) for (const w of selected) addEdge(s, w.key, ports);
    }
  }

  const nodes = new Map<string, Node>(workloadNodes);
  for (const label of [...externalLabels].sort()) {
    const shape = label.startsWith('ns: ') ? 'namespace' : 'external';
    const prefix = label.startsWith('ns: ') ? 'ns' : label.startsWith('ip: ') ? 'ip' : 'ext';
    nodes.set(`ext:${label}`, { id: uniqueId(`${prefix}_${safeId(label.replace(/^(ns|ip|pods): /, ''))}`), shape, label });
  }
  const declare = (n: Node) => {
    const text = `"${mermaidText(n.label)}"`;
    switch (n.shape) {
      case 'statefulset':
        return `${n.id}[(${text})]`;
      case 'batch':
        return `${n.id}[/${text}/]`;
      case 'namespace':
        return `${n.id}{{${text}}}`;
      case 'external':
        return `${n.id}([${text}])`;
      default:
        return `${n.id}[${text}]`;
    }
  };

  lines.push(
    `Drawn from the ${policies.length} NetworkPolicies: an arrow is a connection they allow, labelled with its ports. ` +
      'Hexagons are other namespaces (by namespace selector), rounded boxes address blocks outside the cluster.',
    '',
    '```mermaid',
    'flowchart LR',
  );
  const byNamespace = new Map<string, Workload[]>();
  for (const w of workloads) byNamespace.set(w.namespace, [...(byNamespace.get(w.namespace) ?? []), w]);
  for (const ns of [...byNamespace.keys()].sort()) {
    lines.push(`  subgraph ${uniqueId(`sg_${safeId(ns || 'default')}`)}["namespace ${mermaidText(ns || '(none)')}"]`);
    for (const w of byNamespace.get(ns)!) lines.push(`    ${declare(workloadNodes.get(w.key)!)}`);
    lines.push('  end');
  }
  for (const label of [...externalLabels].sort()) lines.push(`  ${declare(nodes.get(`ext:${label}`)!)}`);
  const sortedEdges = [...edges.values()]
    .map((e) => ({ from: nodes.get(e.from)!, to: nodes.get(e.to)!, ports: sortedPorts([...e.ports]) }))
    .sort((a, b) => compare(a.from.id, b.from.id) || compare(a.to.id, b.to.id));
  for (const e of sortedEdges) lines.push(`  ${e.from.id} -->|"${mermaidText(e.ports.join(', '))}"| ${e.to.id}`);
  lines.push('```');
  const extra = [...notes, ...unmatched.map((u) => `Not drawn: ${u}`)];
  if (extra.length) lines.push('', ...extra.map((n) => `- ${n}`));
  return lines;
}

function sortedPorts(ports: string[]): string[] {
  return [...new Set(ports)].sort(comparePorts);
}

function ipBlockText(b: { cidr: string; except?: string[] }): string {
  return b.except?.length ? `${b.cidr} except ${[...b.except].sort().join(', ')}` : b.cidr;
}

function peerLabel(peer: Peer): string {
  if (peer.ipBlock) return `ip: ${ipBlockText(peer.ipBlock)}`;
  const parts: string[] = [];
  if (peer.namespaceSelector)
    parts.push(`ns: ${isEmptySelector(peer.namespaceSelector) ? 'any namespace' : selectorText(peer.namespaceSelector)}`);
  if (peer.podSelector) parts.push(`pods: ${selectorText(peer.podSelector)}`);
  return parts.join(', ') || 'any';
}

function customResourcesSection(objects: K8s[]): string[] {
  const custom = objects.filter((o) => needsCrd(o.apiVersion));
  const lines = ['## Custom resources', ''];
  if (!custom.length) {
    lines.push('None: every object is a built-in Kubernetes kind.');
    return lines;
  }
  const byKind = new Map<string, string[]>();
  for (const o of custom) {
    const k = `${o.kind}\u0000${o.apiVersion}`;
    byKind.set(k, [...(byKind.get(k) ?? []), o.metadata.name]);
  }
  lines.push(
    `${custom.length} objects need a CRD (their operator must run first); they are in the sibling \`<profile>-custom-resources/\` folder:`,
    '',
  );
  for (const k of [...byKind.keys()].sort()) {
    const [kind, apiVersion] = k.split('\u0000');
    const names = [...new Set(byKind.get(k)!)].sort();
    lines.push(`- ${kind} (\`${apiVersion}\`) × ${byKind.get(k)!.length}: ${names.map(code).join(', ')}`);
  }
  return lines;
}

/** The README.md of dist/<profile>/, generated from the rendered objects. */
export function inventory(spec: Spec, objects: { [key: string]: JsonValue }[], profile = '<profile>'): string {
  const all = objects as unknown as K8s[];
  const workloads = workloadsOf(all);
  const policies = all.filter((o) => o.kind === 'NetworkPolicy' && o.apiVersion.startsWith('networking.k8s.io/'));
  const builtIn = all.filter((o) => !needsCrd(o.apiVersion)).length;
  const lines = [
    `# Temporal: namespace \`${spec.namespace.name}\`, instance \`${spec.instance}\``,
    '',
    '> Generated by `npm run synth` from the rendered objects; do not edit. This file is not a manifest: kubectl and Argo CD only read the `*.yaml` files.',
    '',
    `Environment \`${spec.environment}\`: ${all.length} objects, ${builtIn} of built-in kinds in this folder and ${all.length - builtIn} custom resources.`,
    '',
    ...prerequisitesSection(all, spec.namespace.name),
    '',
    ...componentsSection(workloads),
    '',
    ...totalsSection(workloads),
    '',
    ...networkSection(workloads, policies),
    '',
    ...customResourcesSection(all),
    '',
    ...pruneSection(spec, all, profile),
  ];
  return `${lines.join('\n')}\n`;
}

/** The one kubectl call that applies both folders and prunes what a change removed, every rendered kind allowed. */
function pruneSection(spec: Spec, all: readonly K8s[], profile: string): string[] {
  const kinds = [...new Set(all.map((o) => `${o.apiVersion.includes('/') ? o.apiVersion : `core/${o.apiVersion}`}/${o.kind}`))].sort();
  return [
    '## Apply with prune',
    '',
    'Both folders in one call (pruning one folder alone would delete what is in the other), every kind this profile renders allowed:',
    '',
    '```sh',
    `kubectl apply --recursive -f dist/${profile}${all.some((o) => needsCrd(o.apiVersion)) ? ` -f dist/${profile}-custom-resources` : ''} --prune \\`,
    `  -l app.kubernetes.io/instance=${spec.instance} \\`,
    // One flag per kind: kubectl does not split a comma-separated list.
    ...kinds.map((k, i) => `  --prune-allowlist=${k}${i < kinds.length - 1 ? ' \\' : ''}`),
    '```',
  ];
}
