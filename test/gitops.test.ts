/**
 * Delivery rules: Argo CD sync waves on every object in dependency order, Jobs as Sync hooks, a
 * one-pass `kubectl apply` (files in lexical order, everything an object needs comes earlier),
 * objects that need CRDs in their own folder, the Argo CD AppProject and Applications, and no
 * field Argo CD would keep re-syncing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import { customResourcesDir, needsCrd, synthArgoCd } from '../output/synth';
import { ALL_PROFILES, FIXTURE_PROFILES, FX, K8sObject, PROFILES, find, podSpec, synthesized } from './helpers';

const wave = (o: K8sObject) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave']);
const component = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'];
const isWorkload = (o: K8sObject) => ['Deployment', 'StatefulSet', 'Job', 'CronJob'].includes(o.kind);

describe.each(ALL_PROFILES)('profile %s', (profile) => {
  const { spec, objects, files, customFiles } = synthesized(profile);
  const ns = spec.namespace.name;

  test('every object has a sync wave, in dependency order', () => {
    for (const o of objects) expect([o.kind, o.metadata.name, Number.isInteger(wave(o))]).toEqual([o.kind, o.metadata.name, true]);
    const maxWave = (pred: (o: K8sObject) => boolean) => Math.max(...objects.filter(pred).map(wave));
    const minWave = (pred: (o: K8sObject) => boolean) => Math.min(...objects.filter(pred).map(wave));
    const config = (o: K8sObject) =>
      ['ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Secret', 'ExternalSecret', 'Certificate', 'Issuer'].includes(o.kind) &&
      component(o) !== 'monitoring';
    const datastores = (o: K8sObject) => o.kind === 'StatefulSet';
    const setupJobs = (o: K8sObject) => o.kind === 'Job' && ['schema', 'es-index'].includes(component(o)!);
    const roles = (o: K8sObject) =>
      o.kind === 'Deployment' && ['frontend', 'internal-frontend', 'history', 'matching', 'worker'].includes(component(o)!);
    const namespaceJob = (o: K8sObject) => o.kind === 'Job' && component(o) === 'namespace-registration';
    const clients = (o: K8sObject) => o.kind === 'Deployment' && ['web', 'admin-tools', 'worker-pool'].includes(component(o)!);
    const last = (o: K8sObject) =>
      ['ServiceMonitor', 'PrometheusRule', 'CronJob', 'HorizontalPodAutoscaler', 'ScaledObject', 'Ingress'].includes(o.kind);

    expect(wave(find(objects, 'Namespace', ns))).toBe(0);
    const chain = [config, datastores, setupJobs, roles, namespaceJob, clients, last].filter((p) => objects.some(p));
    for (let i = 1; i < chain.length; i++) expect(maxWave(chain[i - 1])).toBeLessThan(minWave(chain[i]));
    expect(minWave(config)).toBeGreaterThan(0);
  });

  // Argo CD enters a wave only once every object of the previous one is healthy (gitops-engine
  // sync_context.go), and ends the sync right after applying the last wave when it holds no hook.
  test('what is healthy only after the sync (autoscalers, Ingress, backup CronJob) is in the last wave, which holds no hook', () => {
    const lastWave = Math.max(...objects.map(wave));
    const after = objects.filter((o) => ['HorizontalPodAutoscaler', 'ScaledObject', 'Ingress', 'CronJob'].includes(o.kind));
    for (const o of after) expect([o.kind, o.metadata.name, wave(o)]).toEqual([o.kind, o.metadata.name, lastWave]);
    expect(objects.filter((o) => wave(o) === lastWave && o.metadata.annotations?.['argocd.argoproj.io/hook'])).toEqual([]);
    for (const s of objects.filter((o) => ['HorizontalPodAutoscaler', 'ScaledObject'].includes(o.kind))) {
      expect(wave(s)).toBeGreaterThan(wave(find(objects, 'Deployment', s.spec.scaleTargetRef.name)));
    }
  });

  test('every standalone PVC is in the earliest wave of the workloads that mount it (WaitForFirstConsumer)', () => {
    const claims = objects.filter((o) => o.kind === 'PersistentVolumeClaim');
    for (const c of claims) {
      const consumers = objects.filter(
        (o) => isWorkload(o) && (podSpec(o).volumes ?? []).some((v: any) => v.persistentVolumeClaim?.claimName === c.metadata.name),
      );
      expect([c.metadata.name, consumers.length > 0]).toEqual([c.metadata.name, true]);
      expect([c.metadata.name, wave(c)]).toEqual([c.metadata.name, Math.min(...consumers.map(wave))]);
    }
  });

  test('a CA Issuer comes in a wave after the Certificate that writes its Secret; no Certificate before its Issuer', () => {
    const certs = objects.filter((o) => o.kind === 'Certificate');
    for (const issuer of objects.filter((o) => o.kind === 'Issuer' && o.spec.ca)) {
      const ca = certs.find((c) => c.spec.secretName === issuer.spec.ca.secretName)!;
      expect([issuer.metadata.name, wave(issuer) > wave(ca)]).toEqual([issuer.metadata.name, true]);
    }
    for (const c of certs.filter((x) => x.spec.issuerRef.kind === 'Issuer')) {
      expect(wave(c)).toBeGreaterThanOrEqual(wave(find(objects, 'Issuer', c.spec.issuerRef.name)));
    }
  });

  test('Jobs are Argo CD Sync hooks replaced on every sync; nothing else is a hook', () => {
    for (const o of objects) {
      const hook = o.metadata.annotations?.['argocd.argoproj.io/hook'];
      if (o.kind === 'Job') {
        expect([o.metadata.name, hook, o.metadata.annotations?.['argocd.argoproj.io/hook-delete-policy']]).toEqual([
          o.metadata.name,
          'Sync',
          'BeforeHookCreation',
        ]);
      } else {
        expect([o.kind, o.metadata.name, hook]).toEqual([o.kind, o.metadata.name, undefined]);
      }
    }
  });

  test('objects that need a CRD are only in the custom-resources folder', () => {
    const core = Object.values(files).flatMap((t) => loadAll(t) as K8sObject[]);
    const custom = Object.values(customFiles).flatMap((t) => loadAll(t) as K8sObject[]);
    expect(core.filter((o) => needsCrd(o.apiVersion)).map((o) => o.kind)).toEqual([]);
    expect(custom.filter((o) => !needsCrd(o.apiVersion)).map((o) => o.kind)).toEqual([]);
    expect(core.length + custom.length).toBe(objects.length);
  });

  test('kubectl apply in lexical file order: the namespace and everything an object references come first', () => {
    // kubectl applies dist/<profile>/ in file order, then dist/<profile>-custom-resources/.
    const ordered = [
      ...Object.keys(files)
        .sort()
        .flatMap((f) => loadAll(files[f]) as K8sObject[]),
      ...Object.keys(customFiles)
        .sort()
        .flatMap((f) => loadAll(customFiles[f]) as K8sObject[]),
    ];
    const seen = new Set<string>();
    const key = (kind: string, name: string) => `${kind}/${name}`;
    // Secrets come from cert-manager, external-secrets or the operator (docs/deploy.md "Secrets to create"), not from these files.
    const later = new Set([
      ...objects.filter((o) => o.kind === 'Certificate').map((c) => key('Secret', c.spec.secretName)),
      ...objects.filter((o) => o.kind === 'ExternalSecret').map((e) => key('Secret', e.spec.target.name)),
    ]);
    const needs = (o: K8sObject): string[] => {
      const refs: string[] = [];
      if (o.kind !== 'Namespace') refs.push(key('Namespace', o.metadata.namespace ?? ns));
      if (isWorkload(o)) {
        const pod = podSpec(o);
        refs.push(key('ServiceAccount', pod.serviceAccountName));
        for (const v of pod.volumes ?? []) {
          if (v.configMap) refs.push(key('ConfigMap', v.configMap.name));
          if (v.persistentVolumeClaim) refs.push(key('PersistentVolumeClaim', v.persistentVolumeClaim.claimName));
          if (v.secret && objects.some((x) => x.kind === 'Secret' && x.metadata.name === v.secret.secretName))
            refs.push(key('Secret', v.secret.secretName));
        }
      }
      if (o.kind === 'RoleBinding')
        refs.push(key(o.roleRef.kind, o.roleRef.name), ...o.subjects.map((s: any) => key('ServiceAccount', s.name)));
      if (o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject')
        refs.push(key(o.spec.scaleTargetRef.kind ?? 'Deployment', o.spec.scaleTargetRef.name));
      if (o.kind === 'Ingress')
        for (const r of o.spec.rules) for (const p of r.http.paths) refs.push(key('Service', p.backend.service.name));
      if (o.kind === 'Certificate' && o.spec.issuerRef.kind === 'Issuer') refs.push(key('Issuer', o.spec.issuerRef.name));
      if (o.kind === 'Issuer' && o.spec.ca) refs.push(key('Certificate', o.spec.ca.secretName));
      return refs.filter((r) => !later.has(r));
    };
    for (const o of ordered) {
      for (const r of needs(o)) expect([key(o.kind, o.metadata.name), r, seen.has(r)]).toEqual([key(o.kind, o.metadata.name), r, true]);
      seen.add(key(o.kind, o.metadata.name));
    }
  });

  test('no field Argo CD would keep re-syncing', () => {
    const scaled = new Set(
      objects.filter((o) => ['HorizontalPodAutoscaler', 'ScaledObject'].includes(o.kind)).map((o) => o.spec.scaleTargetRef.name),
    );
    for (const d of objects.filter((o) => o.kind === 'Deployment' && scaled.has(o.metadata.name))) expect(d.spec.replicas).toBeUndefined();
    // The API server fills in claim templates' apiVersion/kind, volumeMode and status, and compares
    // the list whole under server-side apply (a real v1.37 API server refused the apply otherwise).
    for (const s of objects.filter((o) => o.kind === 'StatefulSet')) {
      for (const t of s.spec.volumeClaimTemplates ?? []) {
        expect(t).toMatchObject({
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          spec: { volumeMode: 'Filesystem' },
          status: { phase: 'Pending' },
        });
      }
    }
    // Data outlives the Application: Namespaces and PVCs are never deleted or pruned by Argo CD.
    for (const o of objects.filter((x) => x.kind === 'Namespace' || x.kind === 'PersistentVolumeClaim')) {
      expect(o.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Delete=false,Prune=false');
    }
    // Durations as Go prints them, quantities as the API server stores them.
    const goCanonical = /^(\d+h\d+m\d+s|\d+m\d+s|\d+s)$/;
    for (const c of objects.filter((o) => o.kind === 'Certificate')) {
      expect(c.spec.duration).toMatch(goCanonical);
      expect(c.spec.renewBefore).toMatch(goCanonical);
    }
    for (const e of objects.filter((o) => o.kind === 'ExternalSecret')) expect(e.spec.refreshInterval).toMatch(goCanonical);
    const quantities: string[] = [];
    const walk = (v: unknown, k = ''): void => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, k));
      else if (v && typeof v === 'object') Object.entries(v).forEach(([kk, vv]) => walk(vv, kk));
      else if (typeof v === 'string' && ['cpu', 'memory', 'storage', 'sizeLimit'].includes(k)) quantities.push(v);
    };
    objects.forEach((o) => walk(o.spec));
    for (const q of quantities) {
      expect([q, canonicalQuantity(q)]).toEqual([q, q]);
    }
  });
});

/** The API server's canonical form: whole CPUs without "m", memory in the largest exact binary unit. */
function canonicalQuantity(q: string): string {
  const cpu = /^(\d+)m$/.exec(q);
  if (cpu) return Number(cpu[1]) % 1000 === 0 ? String(Number(cpu[1]) / 1000) : q;
  const bin = /^(\d+)(Ki|Mi|Gi|Ti)$/.exec(q);
  if (bin) {
    const units = ['Ki', 'Mi', 'Gi', 'Ti'];
    let n = Number(bin[1]);
    let u = units.indexOf(bin[2]);
    while (u < units.length - 1 && n % 1024 === 0) {
      n /= 1024;
      u++;
    }
    return `${n}${units[u]}`;
  }
  return q;
}

test('the fixtures exercise the wave checks: each renders autoscalers, an Ingress and standalone PVCs', () => {
  for (const fx of Object.values(FX)) {
    const kinds = new Set(synthesized(fx).objects.map((o) => o.kind));
    for (const kind of ['HorizontalPodAutoscaler', 'Ingress', 'PersistentVolumeClaim'])
      expect([fx, kind, kinds.has(kind)]).toEqual([fx, kind, true]);
  }
});

describe.each([
  ['the example profiles', PROFILES],
  ['the fixture profiles', FIXTURE_PROFILES],
])('Argo CD objects of %s', (_name, names) => {
  const profiles = names.map((profile) => {
    const s = synthesized(profile);
    return { profile, spec: s.spec, objects: s.objects as never, hasCustom: Object.keys(s.customFiles).length > 0 };
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-'));
  synthArgoCd(profiles, dir);
  const docs = fs.readdirSync(dir).flatMap((f) => loadAll(fs.readFileSync(path.join(dir, f), 'utf8')) as K8sObject[]);
  fs.rmSync(dir, { recursive: true, force: true });
  const apps = docs.filter((d) => d.kind === 'Application');
  const project = find(docs, 'AppProject', profiles[0].spec.gitops.project);

  test('one Application per profile, each reading only its own folders of dist/', () => {
    // Named like the instance, so label-based tracking keeps app.kubernetes.io/instance as selectors expect.
    expect(apps.map((a) => a.metadata.name)).toEqual(profiles.map((p) => p.spec.instance));
    for (const p of profiles) {
      const app = find(docs, 'Application', p.spec.instance);
      expect(app.metadata.namespace).toBe(p.spec.gitops.argocdNamespace);
      expect(app.spec.project).toBe(project.metadata.name);
      expect(app.spec.source).toMatchObject({ repoURL: p.spec.gitops.repoURL, targetRevision: p.spec.gitops.targetRevision, path: 'dist' });
      const dirs = [p.profile, ...(p.hasCustom ? [customResourcesDir(p.profile)] : [])];
      expect(app.spec.source.directory).toEqual({ recurse: true, include: `{${dirs.map((d) => `${d}/*.yaml`).join(',')}}` });
      expect(app.spec.destination).toEqual({ server: p.spec.gitops.destinationServer, namespace: p.spec.namespace.name });
      expect(app.spec.syncPolicy.syncOptions).toContain('CreateNamespace=false');
      expect(app.spec.syncPolicy.retry).toMatchObject({ limit: expect.any(Number), backoff: { duration: expect.any(String), factor: 2 } });
    }
  });

  test('each Application syncs as its profile says: automated with or without prune, or by hand', () => {
    const automated = {
      'automated-prune': { prune: true, selfHeal: true },
      automated: { prune: false, selfHeal: true },
      manual: undefined,
    };
    for (const p of profiles) {
      expect([p.profile, find(docs, 'Application', p.spec.instance).spec.syncPolicy.automated]).toEqual([
        p.profile,
        automated[p.spec.gitops.syncPolicy],
      ]);
    }
  });

  test("the AppProject allows this repository, the profiles' namespaces and exactly the kinds they render", () => {
    expect(project.spec.sourceRepos).toEqual([profiles[0].spec.gitops.repoURL]);
    expect(project.spec.destinations.map((d: any) => d.namespace).sort()).toEqual(profiles.map((p) => p.spec.namespace.name).sort());
    const rendered = new Set(
      profiles.flatMap((p) =>
        (p.objects as unknown as K8sObject[]).map((o) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`),
      ),
    );
    const allowed = new Set(
      [...project.spec.clusterResourceWhitelist, ...project.spec.namespaceResourceWhitelist].map((k: any) => `${k.group}/${k.kind}`),
    );
    expect([...allowed].sort()).toEqual([...rendered].sort());
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
  });
});

test(`${FX.dev} syncs automatically with prune, ${FX.staging} automatically without, ${FX.production} by hand`, () => {
  const fixtures = Object.values(FX).map((profile) => {
    const s = synthesized(profile);
    return { profile, spec: s.spec, objects: s.objects as never, hasCustom: Object.keys(s.customFiles).length > 0 };
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-fixtures-'));
  synthArgoCd(fixtures, dir);
  const docs = fs.readdirSync(dir).flatMap((f) => loadAll(fs.readFileSync(path.join(dir, f), 'utf8')) as K8sObject[]);
  fs.rmSync(dir, { recursive: true, force: true });
  const app = (profile: string) => find(docs, 'Application', fixtures.find((p) => p.profile === profile)!.spec.instance);
  expect(app(FX.dev).spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  expect(app(FX.staging).spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
  expect(app(FX.production).spec.syncPolicy.automated).toBeUndefined();
});
