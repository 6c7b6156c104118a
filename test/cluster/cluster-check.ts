/**
 * Helper of cluster-check.sh, started as `node scripts/run.js test/cluster/cluster-check.ts COMMAND …`:
 * reads rendered manifests (dist folders) and `kubectl get -o json` dumps, and prints what is wrong.
 * Every command exits 0 (fine), 1 (failed) or 2 (not settled yet: the controllers may still be
 * working; cluster-check.sh polls until 0/1 or its deadline).
 *
 *   keys DIR...                                 kind[.group]/namespace/name of every rendered object
 *   prune-args README                           the "Apply with prune" command of a generated
 *                                               dist/<profile>/README.md, one argument a line
 *   prune-kinds README DIR...                   `kubectl get` resource arguments for the prune
 *                                               allowlist and every kind rendered in DIR...
 *   prune-check --base DIR... --current DIR... --before F --after F
 *                                               removed objects == rendered in base but not current
 *   install-check --mode install|upgrade --ns NS --server F [--final] DIR...
 *                                               workloads, Pods, HPAs, PDBs, Services and events
 *   same A B                                    two dumps are equal but for managedFields,
 *                                               resourceVersion, status and last-applied
 *   bad-variants DIST OUTDIR NS                 broken copies of rendered objects (see cluster-check.sh)
 */
import * as fs from 'fs';
import * as path from 'path';
import { dump, loadAll } from 'js-yaml';

// ------------------------------------------------------------------------------------------ types
// The parts of the Kubernetes objects this helper reads or changes. A parsed document becomes a
// KubeObject once apiVersion, kind and metadata.name are checked (isKubeObject); the fields of a kind
// are then trusted (isKind): the API server validated them, or kubectl apply will.

export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  deletionTimestamp?: string;
  resourceVersion?: string;
  managedFields?: unknown[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

export interface LabelSelectorRequirement {
  key: string;
  /** In, NotIn, Exists or DoesNotExist */
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  [field: string]: unknown;
}

export interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  securityContext?: SecurityContext;
}

export interface PodSpec {
  containers: Container[];
  serviceAccountName?: string;
}

export interface PodTemplateSpec {
  metadata?: Partial<ObjectMeta>;
  spec: PodSpec;
}

export interface JobSpec {
  parallelism?: number;
  completions?: number;
  template: PodTemplateSpec;
}

export interface ClaimTemplate {
  metadata?: Partial<ObjectMeta>;
  spec: { resources: { requests: Record<string, string | number> } };
}

export interface Deployment extends KubeObject {
  kind: 'Deployment';
  spec: { replicas?: number; template: PodTemplateSpec };
}

export interface ReplicaSet extends KubeObject {
  kind: 'ReplicaSet';
  status?: { conditions?: Condition[] };
}

export interface StatefulSet extends KubeObject {
  kind: 'StatefulSet';
  spec: { replicas?: number; podManagementPolicy?: string; volumeClaimTemplates?: ClaimTemplate[] };
}

export interface Job extends KubeObject {
  kind: 'Job';
  spec: JobSpec;
}

export interface CronJob extends KubeObject {
  kind: 'CronJob';
  spec: { schedule: string; jobTemplate: { spec: JobSpec } };
}

export interface Pod extends KubeObject {
  kind: 'Pod';
  spec: PodSpec;
}

export interface HorizontalPodAutoscaler extends KubeObject {
  kind: 'HorizontalPodAutoscaler';
  spec: { scaleTargetRef: { apiVersion?: string; kind: string; name: string }; minReplicas?: number; maxReplicas: number };
  status?: { conditions?: Condition[] };
}

export interface PodDisruptionBudget extends KubeObject {
  kind: 'PodDisruptionBudget';
  spec: { selector?: LabelSelector };
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
}

export interface Service extends KubeObject {
  kind: 'Service';
  spec: { type?: string; selector?: Record<string, string>; ports?: ServicePort[]; clusterIP?: string };
}

/** core/v1 Event (what `kubectl get events` lists). */
export interface KubeEvent extends KubeObject {
  kind: 'Event';
  type?: string;
  reason?: string;
  message?: string;
  reportingComponent?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string };
}

/** cert-manager.io/v1 Certificate. */
export interface Certificate extends KubeObject {
  kind: 'Certificate';
  spec: { privateKey?: { algorithm?: string; [field: string]: unknown }; [field: string]: unknown };
}

export interface KindMap {
  Deployment: Deployment;
  ReplicaSet: ReplicaSet;
  StatefulSet: StatefulSet;
  Job: Job;
  CronJob: CronJob;
  Pod: Pod;
  HorizontalPodAutoscaler: HorizontalPodAutoscaler;
  PodDisruptionBudget: PodDisruptionBudget;
  Service: Service;
  Event: KubeEvent;
  Certificate: Certificate;
}

type Workload = Deployment | StatefulSet | Job | CronJob;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isKubeObject(v: unknown): v is KubeObject {
  return (
    isRecord(v) &&
    typeof v.apiVersion === 'string' &&
    typeof v.kind === 'string' &&
    v.kind !== '' &&
    isRecord(v.metadata) &&
    typeof v.metadata.name === 'string'
  );
}

export function isKind<K extends keyof KindMap>(o: KubeObject, kind: K): o is KindMap[K] {
  return o.kind === kind;
}

const isWorkload = (o: KubeObject): o is Workload =>
  isKind(o, 'Deployment') || isKind(o, 'StatefulSet') || isKind(o, 'Job') || isKind(o, 'CronJob');

/** JSON of a value, cut at 120 characters (`undefined` for what JSON cannot hold). */
const shown = (v: unknown): string => {
  const s: string | undefined = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.slice(0, 120);
};

function asKubeObject(v: unknown, source: string): KubeObject {
  if (isKubeObject(v)) return v;
  throw new Error(`${source}: not a Kubernetes object (apiVersion, kind, metadata.name): ${shown(v)}`);
}

/** A deep copy as JSON (what a YAML or JSON document can hold). */
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

// ------------------------------------------------------------------------------------------ input
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (/\.(ya?ml|json)$/.test(e.name)) out.push(p); // what `kubectl apply -f DIR --recursive` reads
  }
  return out;
}

/** Every document with a kind in the files (or the folders, recursively) given; missing ones are skipped. */
export function loadDirs(dirs: string[]): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const d of dirs) {
    if (!fs.existsSync(d)) continue;
    const files = fs.statSync(d).isDirectory() ? walk(d) : [d];
    for (const f of files) {
      for (const o of loadAll(fs.readFileSync(f, 'utf8'))) {
        if (isRecord(o) && o.kind) objects.push(asKubeObject(o, f));
      }
    }
  }
  return objects;
}

/** The objects of a `kubectl get -o json` output: a List's items, or the one object. */
export function parseDump(text: string, source = 'dump'): KubeObject[] {
  if (!text.trim()) return [];
  const j: unknown = JSON.parse(text);
  const items = isRecord(j) && typeof j.kind === 'string' && j.kind.endsWith('List') && Array.isArray(j.items) ? j.items : [j];
  return items.map((o: unknown) => asKubeObject(o, source));
}

export function loadDump(file: string): KubeObject[] {
  return parseDump(fs.readFileSync(file, 'utf8'), file);
}

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/** kind[.group]/namespace/name */
export function key(o: KubeObject): string {
  const g = groupOf(o.apiVersion || 'v1');
  return `${o.kind}${g ? `.${g}` : ''}/${o.metadata.namespace || ''}/${o.metadata.name}`;
}

/** Command-line options: `--name value`, `--name v1 v2…` (multi), `--name` (bools, or no value follows). */
export interface ParsedArgs {
  _: string[];
  [option: string]: string | string[] | boolean;
}

export function parseArgs(argv: string[], multi: string[] = [], bools: string[] = []): ParsedArgs {
  const opts: ParsedArgs = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const name = a.slice(2);
      if (bools.includes(name)) {
        opts[name] = true;
      } else if (multi.includes(name)) {
        const values: string[] = [];
        while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) values.push(argv[++i]);
        opts[name] = values;
      } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
        opts[name] = argv[++i];
      } else {
        opts[name] = true;
      }
    } else {
      opts._.push(a);
    }
  }
  return opts;
}

function stringOption(opts: ParsedArgs, name: string, command: string): string {
  const v = opts[name];
  if (typeof v !== 'string') throw new Error(`${command}: --${name} needs a value`);
  return v;
}

function listOption(opts: ParsedArgs, name: string, command: string): string[] {
  const v = opts[name];
  if (!Array.isArray(v)) throw new Error(`${command}: --${name} DIR... is missing`);
  return v;
}

// ------------------------------------------------------------------------------------------ prune
/** The words after `kubectl` of the sh block in the "## Apply with prune" section of a README's text. */
export function parsePruneCommand(text: string, readme: string): string[] {
  const at = text.indexOf('## Apply with prune');
  if (at < 0) throw new Error(`${readme}: no "## Apply with prune" section`);
  const m = /```sh\n([\s\S]*?)\n```/.exec(text.slice(at));
  if (!m) throw new Error(`${readme}: no sh block in the prune section`);
  const words = m[1].replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean);
  if (words[0] !== 'kubectl' || words[1] !== 'apply') throw new Error(`${readme}: the prune command is not "kubectl apply …": ${m[1]}`);
  if (words.some((w) => /["'`$;|&<>]/.test(w))) {
    throw new Error(`${readme}: the prune command has shell syntax this check does not run: ${m[1]}`);
  }
  return words.slice(1);
}

/**
 * The Secrets "Before you apply" of a generated dist/<profile>/README.md leaves to a person: each row's
 * `kubectl -n <ns> create secret generic <name> --from-literal=<key>='…'`, as argument lists with a made-up
 * value for `…`.
 */
export function parseSecretCommands(text: string, readme: string): string[][] {
  const at = text.indexOf('## Before you apply');
  if (at < 0) throw new Error(`${readme}: no "## Before you apply" section`);
  const section = text.slice(at, text.indexOf('\n## ', at + 1) >= 0 ? text.indexOf('\n## ', at + 1) : undefined);
  const commands: string[][] = [];
  for (const m of section.matchAll(/\*\*you\*\*: `(kubectl [^`]+)`/g)) {
    const words = m[1].split(/\s+/).map((w) => w.replace(/='…'$/, '=cluster-check'));
    if (words.some((w) => /["'`$;|&<>…]/.test(w)) || words[3] !== 'create' || words[4] !== 'secret') {
      throw new Error(`${readme}: a Secret command this check does not run: ${m[1]}`);
    }
    commands.push(words.slice(1));
  }
  return commands;
}

export function pruneCommand(readme: string): string[] {
  return parsePruneCommand(fs.readFileSync(readme, 'utf8'), readme);
}

/** group/version/Kind from --prune-allowlist (repeated or, as kubectl does not accept, comma-separated). */
export function allowlist(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    let v: string | undefined;
    if (args[i].startsWith('--prune-allowlist=')) v = args[i].slice('--prune-allowlist='.length);
    else if (args[i] === '--prune-allowlist') v = args[++i];
    if (v) out.push(...v.split(',').filter(Boolean));
  }
  return out;
}

/** `kubectl get` accepts Kind.version.group (the core group: plain Kind). */
function resourceArg(group: string, version: string, kind: string): string {
  return group && group !== 'core' ? `${kind}.${version}.${group}` : kind;
}

/** The resource arguments of the allowlist in a prune command and of every kind of the objects. */
export function pruneKindsOf(args: string[], objects: KubeObject[]): string[] {
  const set = new Set<string>();
  for (const gvk of allowlist(args)) {
    const [g, v, k] = gvk.split('/');
    if (g && v && k) set.add(resourceArg(g, v, k));
  }
  for (const o of objects) {
    const [g, v] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    set.add(resourceArg(g, v, o.kind));
  }
  return [...set].sort();
}

export function pruneKinds(readme: string, dirs: string[]): string[] {
  return pruneKindsOf(pruneCommand(readme), loadDirs(dirs));
}

export interface PruneResult {
  /** rendered in the base, not in the current dist */
  expected: string[];
  /** on the server before the prune, not after */
  removed: string[];
  problems: string[];
}

export function comparePrune(base: KubeObject[], current: KubeObject[], before: KubeObject[], after: KubeObject[]): PruneResult {
  const baseKeys = new Set(base.map(key));
  const currentKeys = new Set(current.map(key));
  const live = (objects: KubeObject[]) => new Set(objects.filter((o) => !o.metadata.deletionTimestamp).map(key));
  const beforeKeys = live(before);
  const afterKeys = live(after);
  const expected = [...baseKeys].filter((k) => !currentKeys.has(k)).sort();
  const removed = [...beforeKeys].filter((k) => !afterKeys.has(k)).sort();
  const problems: string[] = [];
  for (const k of expected) {
    if (!beforeKeys.has(k)) problems.push(`removed from the dist but not on the server before the prune (kind not listed?): ${k}`);
    else if (afterKeys.has(k)) problems.push(`removed from the dist but NOT pruned: ${k}`);
  }
  for (const k of removed) if (!expected.includes(k)) problems.push(`pruned but still rendered, or never rendered: ${k}`);
  return { expected, removed, problems };
}

function pruneCheck(opts: ParsedArgs): number {
  const cmd = 'prune-check';
  const r = comparePrune(
    loadDirs(listOption(opts, 'base', cmd)),
    loadDirs(listOption(opts, 'current', cmd)),
    loadDump(stringOption(opts, 'before', cmd)),
    loadDump(stringOption(opts, 'after', cmd)),
  );
  console.log(`expected to be pruned (in the base dist, not in the current one): ${r.expected.length ? r.expected.join(' ') : 'none'}`);
  console.log(`removed by the prune: ${r.removed.length ? r.removed.join(' ') : 'none'}`);
  for (const p of r.problems) console.log(`FAIL ${p}`);
  return r.problems.length ? 1 : 0;
}

// ------------------------------------------------------------------------------------------ install-check
export function matchesSelector(sel: LabelSelector, labels: Record<string, string> = {}): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels || {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions || []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const listed = (e.values || []).includes(labels[e.key]);
    if (e.operator === 'In' && !(has && listed)) return false;
    if (e.operator === 'NotIn' && has && listed) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

export const emptySelector = (sel: LabelSelector | undefined): boolean =>
  !sel || (!Object.keys(sel.matchLabels || {}).length && !(sel.matchExpressions || []).length);

const controllerOf = (o: KubeObject): OwnerReference | null => (o.metadata.ownerReferences || []).find((r) => r.controller) || null;

// HPA reasons that only say there is no metrics API (no metrics-server in this control plane).
const METRICS_REASONS = new Set([
  'FailedGetResourceMetric',
  'FailedComputeMetricsReplicas',
  'FailedGetPodsMetric',
  'FailedGetExternalMetric',
  'FailedGetObjectMetric',
  'FailedGetContainerResourceMetric',
]);

export type CheckMode = 'install' | 'upgrade';

export interface InstallReport {
  /** wrong whatever the controllers still do */
  fails: string[];
  /** not there yet: fine once the controllers have caught up */
  pending: string[];
  /** one line per rendered workload */
  infos: string[];
  summary: string;
}

/** The install check of the objects rendered for namespace `ns` against the server's objects there. */
export function evaluateInstall(renderedObjects: KubeObject[], serverObjects: KubeObject[], mode: CheckMode, ns: string): InstallReport {
  const rendered = renderedObjects.filter((o) => (o.metadata.namespace || '') === ns);
  const server = serverObjects.filter((o) => !o.metadata.deletionTimestamp);
  const byKind = <K extends keyof KindMap>(kind: K): KindMap[K][] => server.filter((o): o is KindMap[K] => isKind(o, kind));
  const find = (kind: string, name: string) => server.find((o) => o.kind === kind && o.metadata.name === name);
  const fails: string[] = [];
  const pending: string[] = [];
  const infos: string[] = [];

  const rs = byKind('ReplicaSet');
  const pods = byKind('Pod');
  const jobs = byKind('Job');
  const topOwner = (pod: Pod): string => {
    const c = controllerOf(pod);
    if (!c) return 'none';
    if (c.kind === 'Job') {
      // A Job started from a CronJob (the check's `kubectl create job --from=cronjob/…`) counts for it.
      const j = jobs.find((x) => x.metadata.name === c.name);
      const cj = j && controllerOf(j);
      return cj && cj.kind === 'CronJob' ? `CronJob/${cj.name}` : `Job/${c.name}`;
    }
    if (c.kind === 'ReplicaSet') {
      const r = rs.find((x) => x.metadata.name === c.name);
      const d = r && controllerOf(r);
      return d ? `${d.kind}/${d.name}` : `ReplicaSet/${c.name}`;
    }
    return `${c.kind}/${c.name}`;
  };
  const podsOf = (owner: string) => pods.filter((p) => topOwner(p) === owner);
  const podsOfJob = (spec: JobSpec) => Math.min(spec.parallelism ?? 1, spec.completions ?? Infinity);

  // Workloads and their Pods.
  const hpas = rendered.filter((o): o is HorizontalPodAutoscaler => isKind(o, 'HorizontalPodAutoscaler'));
  const workloadNames = new Set<string>();
  let expectedTotal = 0;
  for (const w of rendered.filter(isWorkload)) {
    const name = w.metadata.name;
    const id = `${w.kind}/${name}`;
    workloadNames.add(id);
    const live = find(w.kind, name);
    if (!live) {
      fails.push(`${id}: not on the server`);
      continue;
    }
    const have = podsOf(id);
    let expected: number | null;
    if (w.kind === 'Deployment') {
      const hpa = hpas.find((h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === name);
      expected = hpa ? (hpa.spec.minReplicas ?? 1) : (w.spec.replicas ?? 1);
      if (mode === 'install') {
        const replicas = isKind(live, 'Deployment') ? live.spec.replicas : undefined;
        if (replicas !== expected) {
          pending.push(`${id}: spec.replicas ${replicas}, expected ${expected}${hpa ? " (its HPA's minReplicas)" : ''}`);
        }
        if (have.length !== expected) pending.push(`${id}: ${have.length} Pods, expected ${expected}`);
      } else {
        // After an upgrade: the newest ReplicaSet (the current template) has its Pods admitted.
        const revisionOf = (o: KubeObject) => (o.metadata.annotations || {})['deployment.kubernetes.io/revision'];
        const revision = revisionOf(live);
        const newest = rs.find((r) => controllerOf(r)?.name === name && revisionOf(r) === revision);
        const newPods = newest ? pods.filter((p) => controllerOf(p)?.name === newest.metadata.name) : [];
        if (!newest) pending.push(`${id}: no ReplicaSet of revision ${revision}`);
        else if (expected > 0 && newPods.length < 1) {
          pending.push(`${id}: the ReplicaSet of the current template (${newest.metadata.name}) has no Pod`);
        }
        expected = null;
      }
    } else if (w.kind === 'StatefulSet') {
      const replicas = w.spec.replicas ?? 1;
      // Without nodes no Pod gets ready, so OrderedReady stops after the first one.
      expected = w.spec.podManagementPolicy === 'Parallel' ? replicas : Math.min(1, replicas);
      const short = mode === 'install' ? have.length !== expected : have.length < Math.min(1, expected);
      if (short) pending.push(`${id}: ${have.length} Pods, expected ${expected}`);
      if (mode !== 'install') expected = null;
    } else if (w.kind === 'Job') {
      expected = podsOfJob(w.spec);
      if (have.length !== expected) pending.push(`${id}: ${have.length} Pods, expected ${expected}`);
    } else {
      // A CronJob has no Job before its schedule: the check starts one from it (install mode), and
      // each of its Jobs must get its Pod admitted.
      const runs = jobs.filter((j) => {
        const c = controllerOf(j);
        return c?.kind === 'CronJob' && c.name === name;
      });
      if (mode === 'install' && !runs.length) pending.push(`${id}: no Job started from it yet`);
      expected = runs.reduce((n, j) => n + podsOfJob(j.spec), 0);
      if (have.length !== expected) pending.push(`${id}: ${have.length} Pods for ${runs.length} Job(s), expected ${expected}`);
    }
    if (expected !== null) expectedTotal += expected;
    infos.push(`${id}: ${have.length} Pod(s)${expected !== null ? ` / ${expected} expected` : ''}`);
  }
  for (const p of pods) {
    const owner = topOwner(p);
    if (!workloadNames.has(owner) && mode === 'install') fails.push(`Pod ${p.metadata.name}: owned by ${owner}, which is not rendered`);
  }
  for (const r of rs) {
    const c = (r.status?.conditions || []).find((x) => x.type === 'ReplicaFailure' && x.status === 'True');
    if (c) fails.push(`ReplicaSet ${r.metadata.name}: ${c.reason}: ${c.message}`);
  }

  // HPAs: the target exists and the controller could read its scale subresource.
  for (const h of byKind('HorizontalPodAutoscaler')) {
    const ref = h.spec.scaleTargetRef;
    const id = `HorizontalPodAutoscaler/${h.metadata.name}`;
    if (!find(ref.kind, ref.name)) {
      fails.push(`${id}: scaleTargetRef ${ref.kind}/${ref.name} does not exist`);
      continue;
    }
    const able = (h.status?.conditions || []).find((c) => c.type === 'AbleToScale');
    if (!able) pending.push(`${id}: no AbleToScale condition yet`);
    else if (able.status !== 'True') fails.push(`${id}: AbleToScale=${able.status} ${able.reason}: ${able.message}`);
  }

  // PDBs and Services select the Pods of one workload: the one they are named after when it exists.
  const nameOfOwner = (o: string) => o.split('/')[1];
  const checkSelection = (id: string, name: string, selected: Pod[], suffixes: string[]) => {
    if (!selected.length) {
      pending.push(`${id}: selects no Pod`);
      return;
    }
    const owners = [...new Set(selected.map(topOwner))];
    if (owners.length !== 1) {
      fails.push(`${id}: selects Pods of ${owners.join(', ')}`);
      return;
    }
    let base = name;
    for (const s of suffixes) if (base.endsWith(s)) base = base.slice(0, -s.length);
    const named = [...workloadNames].find((w) => nameOfOwner(w) === base);
    if (named && owners[0] !== named) fails.push(`${id}: selects Pods of ${owners[0]}, expected ${named}`);
  };
  for (const b of byKind('PodDisruptionBudget')) {
    const id = `PodDisruptionBudget/${b.metadata.name}`;
    const sel = b.spec.selector;
    if (!sel || emptySelector(sel)) {
      fails.push(`${id}: empty selector`);
      continue;
    }
    checkSelection(
      id,
      b.metadata.name,
      pods.filter((p) => matchesSelector(sel, p.metadata.labels)),
      [],
    );
  }
  for (const s of byKind('Service')) {
    const id = `Service/${s.metadata.name}`;
    if (s.spec.type === 'ExternalName') continue;
    const sel = s.spec.selector || {};
    if (!Object.keys(sel).length) {
      fails.push(`${id}: no selector`);
      continue;
    }
    const selected = pods.filter((p) => matchesSelector({ matchLabels: sel }, p.metadata.labels));
    checkSelection(id, s.metadata.name, selected, ['-headless', '-metrics']);
    for (const port of s.spec.ports || []) {
      if (typeof port.targetPort !== 'string') continue;
      for (const p of selected) {
        const named = (p.spec.containers || []).some((c) => (c.ports || []).some((cp) => cp.name === port.targetPort));
        if (!named) {
          fails.push(`${id}: targetPort "${port.targetPort}" is no container port of Pod ${p.metadata.name}`);
          break;
        }
      }
    }
  }

  // Warning events: FailedCreate (PodSecurity, quota, missing ServiceAccount), forbidden, … Only the
  // HPA's "no metrics API" is expected here.
  for (const e of byKind('Event')) {
    if (e.type !== 'Warning') continue;
    if (e.involvedObject?.kind === 'HorizontalPodAutoscaler' && METRICS_REASONS.has(e.reason ?? '')) continue;
    // The CronJob controller's note on the Job this check started from it (`kubectl create job --from`).
    if (e.involvedObject?.kind === 'CronJob' && e.reason === 'UnexpectedJob') continue;
    // The API server's ClusterIP repair loop can see a new Service before the IPAddress object the
    // same create wrote (two informers), says "not allocated; repairing" and finds it there: a race
    // of a control plane that has just started, not something a manifest can cause or avoid.
    if (e.reason === 'ClusterIPNotAllocated' && e.reportingComponent === 'ipallocator-repair-controller') continue;
    fails.push(`Warning event on ${e.involvedObject?.kind}/${e.involvedObject?.name}: ${e.reason}: ${e.message}`);
  }

  const summary =
    `${ns}: ${pods.length} Pods${mode === 'install' ? ` (${expectedTotal} expected)` : ''}, ` +
    `${byKind('HorizontalPodAutoscaler').length} HPAs, ${byKind('PodDisruptionBudget').length} PDBs, ` +
    `${byKind('Service').length} Services checked`;
  return { fails, pending, infos, summary };
}

/** The lines to print and the exit code: 1 on a failure (or, when final, on anything pending), 2 while pending. */
export function installVerdict(r: InstallReport, final: boolean): { lines: string[]; code: 0 | 1 | 2 } {
  if (r.fails.length) {
    const lines = r.fails.map((f) => `FAIL ${f}`);
    if (final) lines.push(...r.pending.map((p) => `FAIL ${p}`));
    return { lines: [...lines, r.summary], code: 1 };
  }
  if (r.pending.length) {
    if (final) return { lines: [...r.pending.map((p) => `FAIL ${p} (not settled in time)`), r.summary], code: 1 };
    return { lines: [], code: 2 };
  }
  return { lines: final ? [...r.infos.map((i) => `  ${i}`), r.summary] : [], code: 0 };
}

function installCheck(opts: ParsedArgs): number {
  const cmd = 'install-check';
  const modeOption = opts.mode === undefined ? 'install' : stringOption(opts, 'mode', cmd);
  if (modeOption !== 'install' && modeOption !== 'upgrade') throw new Error(`${cmd}: --mode ${modeOption}: install or upgrade`);
  const report = evaluateInstall(loadDirs(opts._), loadDump(stringOption(opts, 'server', cmd)), modeOption, stringOption(opts, 'ns', cmd));
  const { lines, code } = installVerdict(report, opts.final === true);
  for (const l of lines) console.log(l);
  return code;
}

// ------------------------------------------------------------------------------------------ same
/** A JSON copy without status, managedFields, resourceVersion and the last-applied annotation. */
export function normalize(o: KubeObject): Record<string, unknown> {
  const c: unknown = clone(o);
  if (!isRecord(c)) return {};
  delete c.status;
  const m = isRecord(c.metadata) ? c.metadata : {};
  delete m.managedFields;
  delete m.resourceVersion;
  if (isRecord(m.annotations)) {
    delete m.annotations['kubectl.kubernetes.io/last-applied-configuration'];
    if (!Object.keys(m.annotations).length) delete m.annotations;
  }
  return c;
}

/** `.path: old -> new` of each difference (objects compared field by field, up to about 20). */
export function diffPaths(a: unknown, b: unknown, p = '', out: string[] = []): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return out;
  if (isRecord(a) && isRecord(b) && out.length < 20) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diffPaths(a[k], b[k], `${p}.${k}`, out);
  } else {
    out.push(`${p || '.'}: ${shown(a)} -> ${shown(b)}`);
  }
  return out;
}

/** What changed from dump a to dump b (status, managedFields, resourceVersion and last-applied aside). */
export function compareDumps(before: KubeObject[], after: KubeObject[]): { compared: number; problems: string[] } {
  const a = new Map(before.map((o) => [key(o), normalize(o)]));
  const b = new Map(after.map((o) => [key(o), normalize(o)]));
  const problems: string[] = [];
  for (const [k, o] of a) {
    const other = b.get(k);
    if (!other) problems.push(`${k}: gone`);
    else for (const d of diffPaths(o, other)) problems.push(`${k}: ${d}`);
  }
  for (const k of b.keys()) if (!a.has(k)) problems.push(`${k}: new`);
  return { compared: a.size, problems };
}

function same(fa: string, fb: string): number {
  const { compared, problems } = compareDumps(loadDump(fa), loadDump(fb));
  for (const p of problems) console.log(`FAIL changed ${p}`);
  console.log(`${compared} objects compared, ${problems.length} differences`);
  return problems.length ? 1 : 0;
}

// ------------------------------------------------------------------------------------------ bad-variants
function badVariants(dist: string, outDir: string, ns: string): number {
  const all = loadDirs(
    fs
      .readdirSync(dist)
      .filter((d) => d !== 'argocd')
      .sort()
      .map((d) => path.join(dist, d)),
  );
  const pick = <K extends keyof KindMap>(kind: K, pred: (o: KindMap[K]) => boolean = () => true): KindMap[K] => {
    const o = all.find((x): x is KindMap[K] => isKind(x, kind) && pred(x));
    if (!o) throw new Error(`no rendered ${kind} in ${dist}`);
    return clone(o);
  };
  const place = <T extends KubeObject>(o: T, name?: string): T => {
    o.metadata.namespace = ns;
    if (name) o.metadata.name = name;
    return o;
  };
  const write = (file: string, o: KubeObject) => fs.writeFileSync(path.join(outDir, file), dump(o, { lineWidth: -1, noRefs: true }));
  fs.mkdirSync(outDir, { recursive: true });

  // A Deployment whose first container is privileged (Pod Security "restricted" forbids it), and the
  // same pod template as a bare Pod. ServiceAccount "default": a missing one would be refused first.
  const d = place(pick('Deployment'), 'bad-privileged');
  d.spec.template.spec.serviceAccountName = 'default';
  d.spec.replicas = 1;
  const c0 = d.spec.template.spec.containers[0];
  // (allowPrivilegeEscalation: false would make the API server's own validation refuse it first.)
  c0.securityContext = { ...(c0.securityContext || {}), privileged: true };
  delete c0.securityContext.allowPrivilegeEscalation;
  write('privileged-deployment.yaml', d);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'bad-privileged-pod', namespace: ns, labels: { 'cluster-check': 'bad' } },
    spec: d.spec.template.spec,
  };
  write('privileged-pod.yaml', pod);

  // A Service port name that is no IANA_SVC_NAME.
  const s = place(
    pick('Service', (x) => (x.spec.ports || []).length > 0),
    'bad-port',
  );
  (s.spec.ports || [])[0].name = 'Bad_Port';
  delete s.spec.clusterIP;
  write('bad-port-service.yaml', s);

  // cert-manager Certificates: an unknown field (strict field validation) and a value outside the
  // CRD's enum (structural schema).
  const cert = pick('Certificate');
  const unknown = place(clone(cert), 'bad-unknown-field');
  unknown.spec.bogusField = 'x';
  write('certificate-unknown-field.yaml', unknown);
  const badEnum = place(clone(cert), 'bad-enum');
  badEnum.spec.privateKey = { ...(badEnum.spec.privateKey || {}), algorithm: 'DSA' };
  write('certificate-bad-enum.yaml', badEnum);

  // Immutable fields an upgrade must not touch in place: a Job's pod template (hence the digest in
  // Job names) and a StatefulSet's volumeClaimTemplates.
  const job = place(pick('Job'), 'bad-immutable-job');
  write('job-original.yaml', job);
  const job2 = clone(job);
  job2.spec.template.spec.containers[0].image += '-changed';
  write('job-template-changed.yaml', job2);
  const sts = place(
    pick('StatefulSet', (x) => (x.spec.volumeClaimTemplates || []).length > 0),
    'bad-immutable-sts',
  );
  write('statefulset-original.yaml', sts);
  const sts2 = clone(sts);
  const req = (sts2.spec.volumeClaimTemplates || [])[0].spec.resources.requests;
  req.storage = /^(\d+)(.*)$/.test(String(req.storage)) ? String(req.storage).replace(/^(\d+)/, (n) => String(Number(n) * 2)) : '99Gi';
  write('statefulset-claim-resized.yaml', sts2);
  return 0;
}

// ------------------------------------------------------------------------------------------ main
function run(argv: string[]): number {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'keys':
      for (const k of loadDirs(rest).map(key).sort()) console.log(k);
      return 0;
    case 'prune-args':
      for (const a of pruneCommand(rest[0])) console.log(a);
      return 0;
    case 'secret-commands':
      // One command per line, its arguments separated by tabs (the shell reads them with IFS=$'\t').
      for (const c of parseSecretCommands(fs.readFileSync(rest[0], 'utf8'), rest[0])) console.log(c.join('\t'));
      return 0;
    case 'prune-kinds':
      console.log(pruneKinds(rest[0], rest.slice(1)).join(','));
      return 0;
    case 'prune-check':
      return pruneCheck(parseArgs(rest, ['base', 'current']));
    case 'install-check':
      return installCheck(parseArgs(rest, [], ['final']));
    case 'same':
      return same(rest[0], rest[1]);
    case 'bad-variants':
      return badVariants(rest[0], rest[1], rest[2]);
    default:
      console.error(`unknown command ${cmd}`);
      return 1;
  }
}

/** The entry point of scripts/run.js: an error is a `FAIL …` line and exit 1, as any failed check. */
export function main(args: string[]): number {
  try {
    return run(args);
  } catch (e) {
    console.log(`FAIL ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
