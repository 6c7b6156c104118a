#!/usr/bin/env node
// Helper of cluster-check.sh: reads rendered manifests (dist folders) and `kubectl get -o json` dumps,
// and prints what is wrong. Every command exits 0 (fine), 1 (failed) or 2 (not settled yet: the
// controllers may still be working; cluster-check.sh polls until 0/1 or its deadline).
//
//   keys DIR...                                 kind[.group]/namespace/name of every rendered object
//   prune-args README                           the "Apply with prune" command of a generated
//                                               dist/<profile>/README.md, one argument a line
//   prune-kinds README DIR...                   `kubectl get` resource arguments for the prune
//                                               allowlist and every kind rendered in DIR...
//   prune-check --base DIR... --current DIR... --before F --after F
//                                               removed objects == rendered in base but not current
//   install-check --mode install|upgrade --ns NS --server F [--final] DIR...
//                                               workloads, Pods, HPAs, PDBs, Services and events
//   same A B                                    two dumps are equal but for managedFields,
//                                               resourceVersion, status and last-applied
//   bad-variants DIST OUTDIR NS                 broken copies of rendered objects (see cluster-check.sh)
'use strict';

const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');

// ------------------------------------------------------------------------------------------ input
function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (/\.(ya?ml|json)$/.test(e.name)) out.push(p); // what `kubectl apply -f DIR --recursive` reads
  }
  return out;
}

function loadDirs(dirs) {
  const objects = [];
  for (const d of dirs) {
    if (!fs.existsSync(d)) continue;
    const files = fs.statSync(d).isDirectory() ? walk(d) : [d];
    for (const f of files) {
      for (const o of yaml.loadAll(fs.readFileSync(f, 'utf8'))) {
        if (o && typeof o === 'object' && o.kind) objects.push(o);
      }
    }
  }
  return objects;
}

function loadDump(file) {
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!text) return [];
  const j = JSON.parse(text);
  return j.kind && j.kind.endsWith('List') && Array.isArray(j.items) ? j.items : [j];
}

const groupOf = (apiVersion) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const key = (o) => {
  const g = groupOf(o.apiVersion || 'v1');
  return `${o.kind}${g ? `.${g}` : ''}/${o.metadata.namespace || ''}/${o.metadata.name}`;
};

function parseArgs(argv, multi = [], bools = []) {
  const opts = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const name = a.slice(2);
      if (bools.includes(name)) {
        opts[name] = true;
      } else if (multi.includes(name)) {
        opts[name] = [];
        while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) opts[name].push(argv[++i]);
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

// ------------------------------------------------------------------------------------------ prune
function pruneCommand(readme) {
  const text = fs.readFileSync(readme, 'utf8');
  const at = text.indexOf('## Apply with prune');
  if (at < 0) throw new Error(`${readme}: no "## Apply with prune" section`);
  const m = /```sh\n([\s\S]*?)\n```/.exec(text.slice(at));
  if (!m) throw new Error(`${readme}: no sh block in the prune section`);
  const words = m[1].replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean);
  if (words[0] !== 'kubectl' || words[1] !== 'apply') throw new Error(`${readme}: the prune command is not "kubectl apply …": ${m[1]}`);
  if (words.some((w) => /["'`$;|&<>]/.test(w))) throw new Error(`${readme}: the prune command has shell syntax this check does not run: ${m[1]}`);
  return words.slice(1);
}

// group/version/Kind from --prune-allowlist (repeated or, as kubectl does not accept, comma-separated).
function allowlist(args) {
  const out = [];
  for (let i = 0; i < args.length; i++) {
    let v = null;
    if (args[i].startsWith('--prune-allowlist=')) v = args[i].slice('--prune-allowlist='.length);
    else if (args[i] === '--prune-allowlist') v = args[++i];
    if (v) out.push(...v.split(',').filter(Boolean));
  }
  return out;
}

// `kubectl get` accepts Kind.version.group (the core group: plain Kind).
function resourceArg(group, version, kind) {
  return group && group !== 'core' ? `${kind}.${version}.${group}` : kind;
}

function pruneKinds(readme, dirs) {
  const set = new Set();
  for (const gvk of allowlist(pruneCommand(readme))) {
    const [g, v, k] = gvk.split('/');
    if (g && v && k) set.add(resourceArg(g, v, k));
  }
  for (const o of loadDirs(dirs)) {
    const [g, v] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    set.add(resourceArg(g, v, o.kind));
  }
  return [...set].sort();
}

function pruneCheck(opts) {
  const base = new Map(loadDirs(opts.base).map((o) => [key(o), o]));
  const current = new Set(loadDirs(opts.current).map(key));
  const before = new Set(loadDump(opts.before).filter((o) => !o.metadata.deletionTimestamp).map(key));
  const after = new Set(loadDump(opts.after).filter((o) => !o.metadata.deletionTimestamp).map(key));
  const expected = [...base.keys()].filter((k) => !current.has(k)).sort();
  const removed = [...before].filter((k) => !after.has(k)).sort();
  const problems = [];
  for (const k of expected) {
    if (!before.has(k)) problems.push(`removed from the dist but not on the server before the prune (kind not listed?): ${k}`);
    else if (after.has(k)) problems.push(`removed from the dist but NOT pruned: ${k}`);
  }
  for (const k of removed) if (!expected.includes(k)) problems.push(`pruned but still rendered, or never rendered: ${k}`);
  console.log(`expected to be pruned (in the base dist, not in the current one): ${expected.length ? expected.join(' ') : 'none'}`);
  console.log(`removed by the prune: ${removed.length ? removed.join(' ') : 'none'}`);
  for (const p of problems) console.log(`FAIL ${p}`);
  return problems.length ? 1 : 0;
}

// ------------------------------------------------------------------------------------------ install-check
function matchesSelector(sel, labels) {
  labels = labels || {};
  for (const [k, v] of Object.entries(sel.matchLabels || {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions || []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
const emptySelector = (sel) => !sel || (!Object.keys(sel.matchLabels || {}).length && !(sel.matchExpressions || []).length);
const controllerOf = (o) => (o.metadata.ownerReferences || []).find((r) => r.controller) || null;

// HPA reasons that only say there is no metrics API (no metrics-server in this control plane).
const METRICS_REASONS = new Set([
  'FailedGetResourceMetric', 'FailedComputeMetricsReplicas', 'FailedGetPodsMetric', 'FailedGetExternalMetric',
  'FailedGetObjectMetric', 'FailedGetContainerResourceMetric',
]);

function installCheck(opts) {
  const mode = opts.mode || 'install';
  const ns = opts.ns;
  const final = !!opts.final;
  const rendered = loadDirs(opts._).filter((o) => (o.metadata.namespace || '') === ns);
  const server = loadDump(opts.server).filter((o) => !o.metadata.deletionTimestamp);
  const byKind = (kind) => server.filter((o) => o.kind === kind);
  const find = (kind, name) => server.find((o) => o.kind === kind && o.metadata.name === name);
  const fails = [];
  const pending = [];
  const infos = [];

  const rs = byKind('ReplicaSet');
  const pods = byKind('Pod');
  const jobs = byKind('Job');
  const topOwner = (pod) => {
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
  const podsOf = (owner) => pods.filter((p) => topOwner(p) === owner);

  // Workloads and their Pods.
  const hpas = rendered.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  const workloadNames = new Set();
  let expectedTotal = 0;
  for (const w of rendered.filter((o) => ['Deployment', 'StatefulSet', 'Job', 'CronJob'].includes(o.kind))) {
    const name = w.metadata.name;
    const id = `${w.kind}/${name}`;
    workloadNames.add(id);
    const live = find(w.kind, name);
    if (!live) { fails.push(`${id}: not on the server`); continue; }
    const have = podsOf(id);
    let expected;
    if (w.kind === 'Deployment') {
      const hpa = hpas.find((h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === name);
      expected = hpa ? (hpa.spec.minReplicas ?? 1) : (w.spec.replicas ?? 1);
      if (mode === 'install') {
        if (live.spec.replicas !== expected) pending.push(`${id}: spec.replicas ${live.spec.replicas}, expected ${expected}${hpa ? ' (its HPA\'s minReplicas)' : ''}`);
        if (have.length !== expected) pending.push(`${id}: ${have.length} Pods, expected ${expected}`);
      } else {
        // After an upgrade: the newest ReplicaSet (the current template) has its Pods admitted.
        const revision = (live.metadata.annotations || {})['deployment.kubernetes.io/revision'];
        const newest = rs.find((r) => controllerOf(r)?.name === name && (r.metadata.annotations || {})['deployment.kubernetes.io/revision'] === revision);
        const newPods = newest ? pods.filter((p) => controllerOf(p)?.name === newest.metadata.name) : [];
        if (!newest) pending.push(`${id}: no ReplicaSet of revision ${revision}`);
        else if (expected > 0 && newPods.length < 1) pending.push(`${id}: the ReplicaSet of the current template (${newest.metadata.name}) has no Pod`);
        expected = null;
      }
    } else if (w.kind === 'StatefulSet') {
      const replicas = w.spec.replicas ?? 1;
      // Without nodes no Pod gets ready, so OrderedReady stops after the first one.
      expected = w.spec.podManagementPolicy === 'Parallel' ? replicas : Math.min(1, replicas);
      if (mode === 'install' ? have.length !== expected : have.length < Math.min(1, expected)) pending.push(`${id}: ${have.length} Pods, expected ${expected}`);
      if (mode !== 'install') expected = null;
    } else if (w.kind === 'Job') {
      expected = Math.min(w.spec.parallelism ?? 1, w.spec.completions ?? Infinity);
      if (have.length !== expected) pending.push(`${id}: ${have.length} Pods, expected ${expected}`);
    } else {
      // A CronJob has no Job before its schedule: the check starts one from it (install mode), and
      // each of its Jobs must get its Pod admitted.
      const runs = jobs.filter((j) => controllerOf(j)?.kind === 'CronJob' && controllerOf(j).name === name);
      if (mode === 'install' && !runs.length) pending.push(`${id}: no Job started from it yet`);
      expected = runs.reduce((n, j) => n + Math.min(j.spec.parallelism ?? 1, j.spec.completions ?? Infinity), 0);
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
    if (!find(ref.kind, ref.name)) { fails.push(`${id}: scaleTargetRef ${ref.kind}/${ref.name} does not exist`); continue; }
    const able = (h.status?.conditions || []).find((c) => c.type === 'AbleToScale');
    if (!able) pending.push(`${id}: no AbleToScale condition yet`);
    else if (able.status !== 'True') fails.push(`${id}: AbleToScale=${able.status} ${able.reason}: ${able.message}`);
  }

  // PDBs and Services select the Pods of one workload: the one they are named after when it exists.
  const nameOfOwner = (o) => o.split('/')[1];
  const checkSelection = (id, name, selected, suffixes) => {
    if (!selected.length) { pending.push(`${id}: selects no Pod`); return; }
    const owners = [...new Set(selected.map(topOwner))];
    if (owners.length !== 1) { fails.push(`${id}: selects Pods of ${owners.join(', ')}`); return; }
    let base = name;
    for (const s of suffixes) if (base.endsWith(s)) base = base.slice(0, -s.length);
    const named = [...workloadNames].find((w) => nameOfOwner(w) === base);
    if (named && owners[0] !== named) fails.push(`${id}: selects Pods of ${owners[0]}, expected ${named}`);
  };
  for (const b of byKind('PodDisruptionBudget')) {
    const id = `PodDisruptionBudget/${b.metadata.name}`;
    if (emptySelector(b.spec.selector)) { fails.push(`${id}: empty selector`); continue; }
    checkSelection(id, b.metadata.name, pods.filter((p) => matchesSelector(b.spec.selector, p.metadata.labels)), []);
  }
  for (const s of byKind('Service')) {
    const id = `Service/${s.metadata.name}`;
    if (s.spec.type === 'ExternalName') continue;
    const sel = s.spec.selector || {};
    if (!Object.keys(sel).length) { fails.push(`${id}: no selector`); continue; }
    const selected = pods.filter((p) => matchesSelector({ matchLabels: sel }, p.metadata.labels));
    checkSelection(id, s.metadata.name, selected, ['-headless', '-metrics']);
    for (const port of s.spec.ports || []) {
      if (typeof port.targetPort !== 'string') continue;
      for (const p of selected) {
        const named = (p.spec.containers || []).some((c) => (c.ports || []).some((cp) => cp.name === port.targetPort));
        if (!named) { fails.push(`${id}: targetPort "${port.targetPort}" is no container port of Pod ${p.metadata.name}`); break; }
      }
    }
  }

  // Warning events: FailedCreate (PodSecurity, quota, missing ServiceAccount), forbidden, … Only the
  // HPA's "no metrics API" is expected here.
  for (const e of byKind('Event')) {
    if (e.type !== 'Warning') continue;
    if (e.involvedObject?.kind === 'HorizontalPodAutoscaler' && METRICS_REASONS.has(e.reason)) continue;
    // The API server's ClusterIP repair loop can see a new Service before the IPAddress object the
    // same create wrote (two informers), says "not allocated; repairing" and finds it there: a race
    // of a control plane that has just started, not something a manifest can cause or avoid.
    // The CronJob controller's note on the Job this check started from it (`kubectl create job --from`).
    if (e.involvedObject?.kind === 'CronJob' && e.reason === 'UnexpectedJob') continue;
    if (e.reason === 'ClusterIPNotAllocated' && e.reportingComponent === 'ipallocator-repair-controller') continue;
    fails.push(`Warning event on ${e.involvedObject?.kind}/${e.involvedObject?.name}: ${e.reason}: ${e.message}`);
  }

  const summary = `${ns}: ${pods.length} Pods${mode === 'install' ? ` (${expectedTotal} expected)` : ''}, ` +
    `${byKind('HorizontalPodAutoscaler').length} HPAs, ${byKind('PodDisruptionBudget').length} PDBs, ${byKind('Service').length} Services checked`;
  if (fails.length) {
    for (const f of fails) console.log(`FAIL ${f}`);
    if (final) for (const p of pending) console.log(`FAIL ${p}`);
    console.log(summary);
    return 1;
  }
  if (pending.length) {
    if (final) {
      for (const p of pending) console.log(`FAIL ${p} (not settled in time)`);
      console.log(summary);
      return 1;
    }
    return 2;
  }
  if (final) {
    for (const i of infos) console.log(`  ${i}`);
    console.log(summary);
  }
  return 0;
}

// ------------------------------------------------------------------------------------------ same
function normalize(o) {
  const c = JSON.parse(JSON.stringify(o));
  delete c.status;
  const m = c.metadata || {};
  delete m.managedFields;
  delete m.resourceVersion;
  if (m.annotations) {
    delete m.annotations['kubectl.kubernetes.io/last-applied-configuration'];
    if (!Object.keys(m.annotations).length) delete m.annotations;
  }
  return c;
}

function diffPaths(a, b, p = '', out = []) {
  if (JSON.stringify(a) === JSON.stringify(b)) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b) && out.length < 20) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diffPaths(a[k], b[k], `${p}.${k}`, out);
  } else {
    out.push(`${p || '.'}: ${JSON.stringify(a)?.slice(0, 120)} -> ${JSON.stringify(b)?.slice(0, 120)}`);
  }
  return out;
}

function same(fa, fb) {
  const a = new Map(loadDump(fa).map((o) => [key(o), normalize(o)]));
  const b = new Map(loadDump(fb).map((o) => [key(o), normalize(o)]));
  const problems = [];
  for (const [k, o] of a) {
    if (!b.has(k)) problems.push(`${k}: gone`);
    else for (const d of diffPaths(o, b.get(k))) problems.push(`${k}: ${d}`);
  }
  for (const k of b.keys()) if (!a.has(k)) problems.push(`${k}: new`);
  for (const p of problems) console.log(`FAIL changed ${p}`);
  console.log(`${a.size} objects compared, ${problems.length} differences`);
  return problems.length ? 1 : 0;
}

// ------------------------------------------------------------------------------------------ bad-variants
function badVariants(dist, outDir, ns) {
  const all = loadDirs(fs.readdirSync(dist).filter((d) => d !== 'argocd').sort().map((d) => path.join(dist, d)));
  const pick = (kind, pred = () => true) => {
    const o = all.find((x) => x.kind === kind && pred(x));
    if (!o) throw new Error(`no rendered ${kind} in ${dist}`);
    return JSON.parse(JSON.stringify(o));
  };
  const place = (o, name) => {
    o.metadata.namespace = ns;
    if (name) o.metadata.name = name;
    return o;
  };
  const write = (file, o) => fs.writeFileSync(path.join(outDir, file), yaml.dump(o, { lineWidth: -1, noRefs: true }));
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
  write('privileged-pod.yaml', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad-privileged-pod', namespace: ns, labels: { 'cluster-check': 'bad' } }, spec: d.spec.template.spec });

  // A Service port name that is no IANA_SVC_NAME.
  const s = place(pick('Service', (x) => (x.spec.ports || []).length > 0), 'bad-port');
  s.spec.ports[0].name = 'Bad_Port';
  delete s.spec.clusterIP;
  write('bad-port-service.yaml', s);

  // cert-manager Certificates: an unknown field (strict field validation) and a value outside the
  // CRD's enum (structural schema).
  const cert = pick('Certificate');
  const unknown = place(JSON.parse(JSON.stringify(cert)), 'bad-unknown-field');
  unknown.spec.bogusField = 'x';
  write('certificate-unknown-field.yaml', unknown);
  const badEnum = place(JSON.parse(JSON.stringify(cert)), 'bad-enum');
  badEnum.spec.privateKey = { ...(badEnum.spec.privateKey || {}), algorithm: 'DSA' };
  write('certificate-bad-enum.yaml', badEnum);

  // Immutable fields an upgrade must not touch in place: a Job's pod template (hence the digest in
  // Job names) and a StatefulSet's volumeClaimTemplates.
  const job = place(pick('Job'), 'bad-immutable-job');
  write('job-original.yaml', job);
  const job2 = JSON.parse(JSON.stringify(job));
  job2.spec.template.spec.containers[0].image += '-changed';
  write('job-template-changed.yaml', job2);
  const sts = place(pick('StatefulSet', (x) => (x.spec.volumeClaimTemplates || []).length > 0), 'bad-immutable-sts');
  write('statefulset-original.yaml', sts);
  const sts2 = JSON.parse(JSON.stringify(sts));
  const req = sts2.spec.volumeClaimTemplates[0].spec.resources.requests;
  req.storage = /^(\d+)(.*)$/.test(String(req.storage)) ? String(req.storage).replace(/^(\d+)/, (n) => String(Number(n) * 2)) : '99Gi';
  write('statefulset-claim-resized.yaml', sts2);
  return 0;
}

// ------------------------------------------------------------------------------------------ main
function main(argv) {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'keys':
      for (const k of loadDirs(rest).map(key).sort()) console.log(k);
      return 0;
    case 'prune-args':
      for (const a of pruneCommand(rest[0])) console.log(a);
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

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.log(`FAIL ${e.message}`);
  process.exitCode = 1;
}
