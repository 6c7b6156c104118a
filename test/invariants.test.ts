/**
 * Rules every synthesized object of every profile must follow (DEVELOPERS.md, "Stable, readable
 * output" and "Correct for real"). Each check walks the real output of `synthProfile`, for the example
 * profiles (whatever their values) and the fixtures; a check that needs specific values reads a fixture.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { load } from 'js-yaml';
import { cpuMillis, memoryBytes } from '../lib/quantities';
import { ALL_PROFILES, FX, K8sObject, WORKLOAD_KINDS, find, matches, podLabels, podSpec, selects, synthesized } from './helpers';
import { DYNAMIC_CONFIG_KEYS } from '../config/dynamic-config';
import { checkConfigKeys } from './temporal-config-keys';

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
const allContainers = (spec: any): any[] => [...(spec.initContainers ?? []), ...spec.containers];
const workloads = (objects: K8sObject[]) => objects.filter((o) => WORKLOAD_KINDS.includes(o.kind));
const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);

describe.each(ALL_PROFILES)('profile %s', (profile) => {
  const { objects, spec, files } = synthesized(profile);
  const ns = spec.namespace.name;
  const pw = spec.persistence.passwordSecret;
  const es = spec.elasticsearch;
  const externalSecrets = new Set<string>([
    ...(pw && !pw.generate ? [pw.name] : []),
    ...(spec.persistence.external?.tls.caSecret ? [spec.persistence.external.tls.caSecret.name] : []),
    ...(es.enabled && es.security.enabled
      ? [es.security.credentialsSecret.name, ...(es.security.transportTlsSecret ? [es.security.transportTlsSecret] : [])]
      : []),
    ...(spec.ui.auth.clientSecret ? [spec.ui.auth.clientSecret.name] : []),
    ...spec.workerPools.flatMap((p) => (p.apiKeySecret ? [p.apiKeySecret.name] : [])),
    ...(spec.ui.ingress.tlsSecretName ? [spec.ui.ingress.tlsSecretName] : []),
    ...spec.workerPools.flatMap((p) => p.envFrom.secrets),
  ]);
  const exists = (kind: string, name: string) => objects.some((o) => o.kind === kind && o.metadata.name === name);

  test('the first file holds the Namespace, so one `kubectl apply -R` pass works on an empty cluster', () => {
    const [first] = Object.keys(files);
    expect(first).toMatch(/^0000-/);
    expect(load(files[first].split('\n---\n')[0])).toMatchObject({ kind: 'Namespace', metadata: { name: ns } });
    expect(Object.keys(files)).toEqual([...Object.keys(files)].sort());
  });

  test('the Namespace enforces Pod Security "restricted"', () => {
    expect(find(objects, 'Namespace', ns).metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  test('names are human and unique, with no cdk8s hashes, and objects sit in the namespace', () => {
    const seen = new Set<string>();
    for (const o of objects) {
      expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(o.metadata.name).not.toMatch(/-c8[0-9a-f]{6}$/);
      const key = `${o.kind}/${o.metadata.name}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      if (!CLUSTER_SCOPED.has(o.kind)) expect(o.metadata.namespace).toBe(ns);
    }
    expect(JSON.stringify(objects)).not.toContain('cdk8s.io/metadata.addr');
  });

  test('every object carries the app.kubernetes.io labels', () => {
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
      for (const key of ['name', 'instance', 'component', 'part-of', 'version', 'managed-by']) {
        expect([o.kind, o.metadata.name, o.metadata.labels?.[`app.kubernetes.io/${key}`]]).toEqual([
          o.kind,
          o.metadata.name,
          expect.any(String),
        ]);
      }
      expect(o.metadata.labels!['app.kubernetes.io/instance']).toBe(spec.instance);
    }
  });

  test('workload selectors are explicit and match their pod labels', () => {
    for (const w of workloads(objects).filter((o) => o.kind !== 'Job' && o.kind !== 'CronJob')) {
      const selector = w.spec.selector.matchLabels;
      expect(Object.keys(selector).sort()).toEqual(['app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/name']);
      expect(matches(selector, podLabels(w))).toBe(true);
    }
  });

  test('Services select pods that expose every target port', () => {
    for (const svc of byKind(objects, 'Service')) {
      const targets = workloads(objects).filter((w) => matches(svc.spec.selector, podLabels(w)));
      expect([svc.metadata.name, targets.length]).toEqual([svc.metadata.name, 1]);
      const ports = podSpec(targets[0]).containers.flatMap((c: any) => c.ports ?? []);
      for (const p of svc.spec.ports) {
        const found = ports.some((cp: any) =>
          typeof p.targetPort === 'string' ? cp.name === p.targetPort : cp.containerPort === (p.targetPort ?? p.port),
        );
        expect([svc.metadata.name, p.name, found]).toEqual([svc.metadata.name, p.name, true]);
      }
    }
  });

  test('HPAs target an existing Deployment that sets no replicas', () => {
    for (const hpa of byKind(objects, 'HorizontalPodAutoscaler')) {
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      const target = find(objects, hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name);
      expect(target.spec.replicas).toBeUndefined();
      expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    }
  });

  test('KEDA ScaledObjects target an existing Deployment that sets no replicas and has no HPA of its own', () => {
    const hpaTargets = new Set(byKind(objects, 'HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef.name));
    for (const so of byKind(objects, 'ScaledObject')) {
      const target = find(objects, so.spec.scaleTargetRef.kind, so.spec.scaleTargetRef.name);
      expect(target.spec.replicas).toBeUndefined();
      expect(hpaTargets.has(target.metadata.name)).toBe(false);
      for (const t of so.spec.triggers) {
        if (t.authenticationRef) expect(exists('TriggerAuthentication', t.authenticationRef.name)).toBe(true);
      }
    }
  });

  test('ServiceMonitors select Services that have the scraped port; TriggerAuthentications read issued Secrets', () => {
    for (const sm of byKind(objects, 'ServiceMonitor')) {
      const services = byKind(objects, 'Service').filter((svc) => matches(sm.spec.selector.matchLabels, svc.metadata.labels ?? {}));
      const withPort = services.filter((svc) => svc.spec.ports.some((p: any) => p.name === sm.spec.endpoints[0].port));
      expect([sm.metadata.name, withPort.length]).toEqual([sm.metadata.name, 1]);
    }
    const provided = new Set([
      ...byKind(objects, 'Certificate').map((c) => c.spec.secretName),
      ...byKind(objects, 'ExternalSecret').map((e) => e.spec.target.name),
      ...externalSecrets,
    ]);
    for (const ta of byKind(objects, 'TriggerAuthentication')) {
      for (const ref of ta.spec.secretTargetRef)
        expect([ta.metadata.name, ref.name, provided.has(ref.name)]).toEqual([ta.metadata.name, ref.name, true]);
    }
  });

  test('Deployments without an HPA or ScaledObject set replicas explicitly', () => {
    const scaled = new Set(
      [...byKind(objects, 'HorizontalPodAutoscaler'), ...byKind(objects, 'ScaledObject')].map((h) => h.spec.scaleTargetRef.name),
    );
    for (const d of byKind(objects, 'Deployment').filter((x) => !scaled.has(x.metadata.name))) {
      expect(d.spec.replicas).toBeGreaterThanOrEqual(1);
    }
  });

  test('PDBs select exactly one workload and never block a drain', () => {
    for (const pdb of byKind(objects, 'PodDisruptionBudget')) {
      expect(workloads(objects).filter((w) => matches(pdb.spec.selector.matchLabels, podLabels(w)))).toHaveLength(1);
      expect(pdb.spec.maxUnavailable).toBe(1);
    }
  });

  test('NetworkPolicies select existing pods and open only ports those pods serve', () => {
    const policies = byKind(objects, 'NetworkPolicy');
    if (!spec.networkPolicies.enabled) expect(policies).toEqual([]);
    if (spec.networkPolicies.enabled) {
      // Default deny: a rule-less policy selects every pod (podSelector {}) for both ingress and egress.
      const defaultDeny = policies.filter(
        (np) =>
          Object.keys(np.spec.podSelector ?? {}).length === 0 &&
          ['Ingress', 'Egress'].every((t) => (np.spec.policyTypes ?? []).includes(t)) &&
          !np.spec.ingress?.length &&
          !np.spec.egress?.length,
      );
      expect(['default-deny policies', defaultDeny.length > 0]).toEqual(['default-deny policies', true]);
    }
    // cert-manager creates the ACME HTTP-01 solver pods itself, during a challenge.
    const solverPolicy = (np: K8sObject) => np.spec.podSelector?.matchLabels?.['acme.cert-manager.io/http01-solver'] === 'true';
    for (const np of policies.filter((x) => !solverPolicy(x))) {
      // podSelector {} selects every pod of the namespace; any other selector must match a workload here.
      const selectsAll = Object.keys(np.spec.podSelector ?? {}).length === 0;
      const selected = selectsAll ? workloads(objects) : workloads(objects).filter((w) => selects(np.spec.podSelector, podLabels(w)));
      expect([np.metadata.name, selected.length > 0]).toEqual([np.metadata.name, true]);
      for (const rule of np.spec.ingress ?? []) {
        for (const p of rule.ports ?? []) {
          if (typeof p.port !== 'number') continue;
          for (const w of selected) {
            const served = podSpec(w)
              .containers.flatMap((c: any) => c.ports ?? [])
              .map((cp: any) => cp.containerPort);
            expect([np.metadata.name, w.metadata.name, p.port, served.includes(p.port)]).toEqual([
              np.metadata.name,
              w.metadata.name,
              p.port,
              true,
            ]);
          }
        }
      }
    }
  });

  test('every referenced ConfigMap, Secret, PVC, ServiceAccount and Role exists (or is a declared external Secret)', () => {
    const synced = new Set(byKind(objects, 'ExternalSecret').map((e) => e.spec.target.name));
    const issued = new Set(byKind(objects, 'Certificate').map((c) => c.spec.secretName));
    const annotatedIngressTls = byKind(objects, 'Ingress')
      .filter((i) => i.metadata.annotations?.['cert-manager.io/cluster-issuer'])
      .flatMap((i) => (i.spec.tls ?? []).map((t: any) => t.secretName));
    const poolSecrets = new Set(spec.workerPools.flatMap((p) => p.envFrom.secrets));
    const secretOk = (name: string) =>
      exists('Secret', name) ||
      synced.has(name) ||
      issued.has(name) ||
      poolSecrets.has(name) ||
      annotatedIngressTls.includes(name) ||
      (!spec.externalSecrets.enabled && externalSecrets.has(name));
    for (const w of workloads(objects)) {
      const pod = podSpec(w);
      const claimTemplates = new Set((w.spec.volumeClaimTemplates ?? []).map((t: any) => t.metadata.name));
      expect(exists('ServiceAccount', pod.serviceAccountName)).toBe(true);
      for (const v of pod.volumes ?? []) {
        if (v.configMap)
          expect([w.metadata.name, v.configMap.name, exists('ConfigMap', v.configMap.name)]).toEqual([
            w.metadata.name,
            v.configMap.name,
            true,
          ]);
        if (v.secret) expect(secretOk(v.secret.secretName)).toBe(true);
        if (v.persistentVolumeClaim) expect(exists('PersistentVolumeClaim', v.persistentVolumeClaim.claimName)).toBe(true);
      }
      for (const c of allContainers(pod)) {
        const mounted = new Set([...(pod.volumes ?? []).map((v: any) => v.name), ...claimTemplates]);
        for (const m of c.volumeMounts ?? []) expect([c.name, m.name, mounted.has(m.name)]).toEqual([c.name, m.name, true]);
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) expect([c.name, e.name, secretOk(e.valueFrom.secretKeyRef.name)]).toEqual([c.name, e.name, true]);
          if (e.valueFrom?.configMapKeyRef) expect(exists('ConfigMap', e.valueFrom.configMapKeyRef.name)).toBe(true);
        }
        for (const e of c.envFrom ?? []) {
          if (e.secretRef) expect(secretOk(e.secretRef.name)).toBe(true);
          if (e.configMapRef) expect(exists('ConfigMap', e.configMapRef.name)).toBe(true);
        }
      }
    }
    for (const rb of byKind(objects, 'RoleBinding')) {
      expect(exists(rb.roleRef.kind, rb.roleRef.name)).toBe(true);
      for (const s of rb.subjects) expect(exists('ServiceAccount', s.name)).toBe(true);
    }
    for (const role of byKind(objects, 'Role')) {
      for (const rule of role.rules) {
        expect(rule.verbs.every((v: string) => ['get', 'list', 'watch'].includes(v))).toBe(true);
        expect(rule.resourceNames.length).toBeGreaterThan(0);
        for (const name of rule.resourceNames) {
          const kind = rule.resources[0] === 'secrets' ? 'Secret' : 'ConfigMap';
          expect(kind === 'Secret' ? secretOk(name) : exists(kind, name)).toBe(true);
        }
      }
    }
    for (const ing of byKind(objects, 'Ingress')) {
      for (const rule of ing.spec.rules) {
        for (const p of rule.http.paths) {
          const svc = find(objects, 'Service', p.backend.service.name);
          expect(svc.spec.ports.map((sp: any) => sp.name)).toContain(p.backend.service.port.name);
        }
      }
      for (const tls of ing.spec.tls ?? []) expect(secretOk(tls.secretName)).toBe(true);
    }
  });

  test('only components that call the Kubernetes API mount a token, and they have a Role', () => {
    const bound = new Set(byKind(objects, 'RoleBinding').flatMap((rb) => rb.subjects.map((s: any) => s.name)));
    for (const w of workloads(objects)) {
      const pod = podSpec(w);
      expect(typeof pod.automountServiceAccountToken).toBe('boolean');
      if (pod.automountServiceAccountToken) expect(bound.has(pod.serviceAccountName)).toBe(true);
    }
    for (const sa of byKind(objects, 'ServiceAccount')) {
      expect(sa.automountServiceAccountToken).toBe(bound.has(sa.metadata.name));
    }
  });

  test('every pod meets Pod Security "restricted"', () => {
    for (const w of workloads(objects)) {
      const pod = podSpec(w);
      expect([w.metadata.name, pod.hostNetwork ?? false, pod.hostPID ?? false, pod.hostIPC ?? false]).toEqual([
        w.metadata.name,
        false,
        false,
        false,
      ]);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      for (const v of pod.volumes ?? []) {
        expect(
          Object.keys(v)
            .filter((k) => k !== 'name')
            .every((k) =>
              ['configMap', 'secret', 'emptyDir', 'persistentVolumeClaim', 'projected', 'downwardAPI', 'ephemeral', 'csi'].includes(k),
            ),
        ).toBe(true);
      }
      for (const c of allContainers(pod)) {
        expect([w.metadata.name, c.name, c.securityContext]).toEqual([
          w.metadata.name,
          c.name,
          expect.objectContaining({
            allowPrivilegeEscalation: false,
            privileged: false,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
          }),
        ]);
        expect(c.securityContext.capabilities.add).toBeUndefined();
        expect((c.ports ?? []).every((p: any) => p.hostPort === undefined)).toBe(true);
      }
    }
  });

  test('every container has requests, a memory limit, a pull policy and a pinned image; long-running ones have probes', () => {
    for (const w of workloads(objects)) {
      const pod = podSpec(w);
      for (const c of allContainers(pod)) {
        const where = `${w.kind}/${w.metadata.name} ${c.name}`;
        expect([where, c.resources?.requests?.cpu, c.resources?.requests?.memory, c.resources?.limits?.memory]).toEqual([
          where,
          expect.any(String),
          expect.any(String),
          expect.any(String),
        ]);
        expect([where, c.imagePullPolicy]).toEqual([where, expect.stringMatching(/^(IfNotPresent|Always|Never)$/)]);
        // repository[:registry port]/path:tag, optionally pinned by a digest (README "Changing or adding a profile").
        expect(c.image).toMatch(/^[^:@]+(:\d+)?\/?[^:@]*:[A-Za-z0-9_][A-Za-z0-9_.-]*(@sha256:[0-9a-f]{64})?$/);
        if (spec.environment !== 'development') expect(c.image).not.toMatch(/:latest$/);
      }
      if (w.kind !== 'Job' && w.kind !== 'CronJob') {
        for (const c of pod.containers) {
          expect([w.metadata.name, c.readinessProbe !== undefined, c.livenessProbe !== undefined]).toEqual([w.metadata.name, true, true]);
        }
      }
    }
  });

  test('Jobs set backoffLimit, ttlSecondsAfterFinished and a deadline from the spec; schema Jobs are named by server version', () => {
    const jobs = byKind(objects, 'Job');
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    const deadlines = spec.jobs.activeDeadlineSeconds;
    for (const j of jobs) {
      expect(j.spec.backoffLimit).toBe(spec.jobs.backoffLimit);
      expect(j.spec.ttlSecondsAfterFinished).toBe(spec.jobs.ttlSecondsAfterFinished);
      const expected =
        j.metadata.labels!['app.kubernetes.io/component'] === 'namespace-registration' ? deadlines?.namespaces : deadlines?.setup;
      expect([j.metadata.name, j.spec.activeDeadlineSeconds]).toEqual([j.metadata.name, expected]);
      expect(j.spec.activeDeadlineSeconds).toBeGreaterThanOrEqual(60);
      expect(j.metadata.name).toContain(spec.images.server.tag.replace(/\./g, '-'));
    }
    // An unreachable database must fail a sync, not keep it Running: every Job has a deadline.
    for (const c of byKind(objects, 'CronJob')) {
      expect(c.spec.jobTemplate.spec).toMatchObject({
        backoffLimit: spec.backup.backoffLimit,
        activeDeadlineSeconds: spec.backup.activeDeadlineSeconds,
      });
      expect(c.spec.jobTemplate.spec.activeDeadlineSeconds).toBeGreaterThanOrEqual(60);
    }
  });

  test('Temporal role Deployments wait minReadySeconds from the spec before counting a new pod available', () => {
    const roles: Record<string, keyof typeof spec.temporal> = {
      frontend: 'frontend',
      'internal-frontend': 'internalFrontend',
      history: 'history',
      matching: 'matching',
      worker: 'worker',
    };
    const deployments = byKind(objects, 'Deployment').filter((d) => roles[d.metadata.labels!['app.kubernetes.io/component']]);
    expect(deployments.length).toBeGreaterThanOrEqual(4);
    for (const d of deployments) {
      const role = spec.temporal[roles[d.metadata.labels!['app.kubernetes.io/component']]] as { minReadySeconds?: number };
      expect([d.metadata.name, d.spec.minReadySeconds]).toEqual([d.metadata.name, role.minReadySeconds]);
    }
  });

  test("the server config uses only real Temporal keys and matches the pods' checksum", () => {
    const config = find(objects, 'ConfigMap', 'temporal-config').data['config.yaml'];
    const dynamic = find(objects, 'ConfigMap', 'temporal-dynamic-config').data['dynamic_config.yaml'];
    expect(config.split('\n')[0]).toBe('# enable-template');
    // The server renders the whole file as a Go template: only the env lookups may use delimiters.
    expect(config.replace(/\{\{ env "[A-Z_][A-Z0-9_]*" \| quote \}\}/g, '')).not.toMatch(/\{\{|\}\}/);
    const parsed = load(config.replace(/\{\{ env "(\w+)" \| quote \}\}/g, '"$1"')) as Record<string, unknown>;
    expect(checkConfigKeys(parsed)).toEqual([]);
    const registered = new Set(Object.keys(DYNAMIC_CONFIG_KEYS).map((k) => k.toLowerCase()));
    expect(Object.keys((load(dynamic) as object | null) ?? {}).filter((k) => !registered.has(k.toLowerCase()))).toEqual([]);
    const checksum = createHash('sha256').update(config).digest('hex');
    for (const role of ['frontend', 'history', 'matching', 'worker']) {
      const d = find(objects, 'Deployment', `temporal-${role}`);
      expect(d.spec.template.metadata.annotations['checksum/config']).toBe(checksum);
      const env = Object.fromEntries(d.spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
      expect(env.TEMPORAL_SERVICES.value).toBe(role);
      expect(env.TEMPORAL_SERVER_CONFIG_FILE_PATH.value).toBe('/etc/temporal/config/config.yaml');
      expect(env.POD_IP.valueFrom.fieldRef.fieldPath).toBe('status.podIP');
    }
  });

  test('every shell script in a container is valid POSIX sh; mounted bash scripts are valid bash', () => {
    for (const w of workloads(objects)) {
      for (const c of allContainers(podSpec(w)).filter((x) => x.command?.[0] === '/bin/sh')) {
        const res = spawnSync('sh', ['-n'], { input: c.command[c.command.length - 1], encoding: 'utf8' });
        expect([w.metadata.name, c.name, res.status, res.stderr]).toEqual([w.metadata.name, c.name, 0, '']);
      }
      for (const probe of allContainers(podSpec(w)).flatMap((c) => [c.readinessProbe, c.livenessProbe, c.startupProbe])) {
        if (probe?.exec?.command[0] !== '/bin/sh') continue;
        const res = spawnSync('sh', ['-n'], { input: probe.exec.command[2], encoding: 'utf8' });
        expect([w.metadata.name, res.status, res.stderr]).toEqual([w.metadata.name, 0, '']);
      }
    }
    for (const cm of byKind(objects, 'ConfigMap')) {
      for (const [key, text] of Object.entries<string>(cm.data ?? {}).filter(([k]) => k.endsWith('.sh'))) {
        const res = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
        expect([cm.metadata.name, key, res.status, res.stderr]).toEqual([cm.metadata.name, key, 0, '']);
      }
    }
  });

  test('no literal secret values outside development', () => {
    if (spec.environment === 'development') return;
    expect(byKind(objects, 'Secret')).toEqual([]);
    for (const cm of byKind(objects, 'ConfigMap')) {
      for (const text of Object.values<string>(cm.data ?? {})) {
        expect(text).not.toMatch(/(password|secret|token)\s*[:=]\s*(?!\{\{)['"]?[A-Za-z0-9+/=_-]{6,}/i);
      }
    }
    for (const w of workloads(objects)) {
      for (const c of allContainers(podSpec(w))) {
        for (const e of c.env ?? []) {
          if (/(PASSWORD|PWD|SECRET|TOKEN|API_KEY)$/i.test(e.name)) expect([c.name, e.name, e.value]).toEqual([c.name, e.name, undefined]);
          if (e.value !== undefined) expect([c.name, e.name, looksLikeSecret(e.value)]).toEqual([c.name, e.name, false]);
        }
      }
    }
    // ExternalSecrets name where values come from; they never carry a value or template data.
    for (const es of byKind(objects, 'ExternalSecret')) {
      expect(es.spec.target.template).toBeUndefined();
      for (const d of es.spec.data) expect(Object.keys(d.remoteRef).sort()).toEqual(['key', 'property']);
    }
  });
});

/** A random-looking token: long, no separators a path, host or URL would have, high entropy. */
function looksLikeSecret(value: string): boolean {
  if (value.length < 16 || /[\s.:/,@]/.test(value)) return false;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const entropy = [...counts.values()].reduce((h, n) => h - (n / value.length) * Math.log2(n / value.length), 0);
  return entropy > 3.5 && /\d/.test(value) && /[a-zA-Z]/.test(value);
}

test(`${FX.staging}: role Deployments wait the defaults' minReadySeconds, history and matching at least 30 s`, () => {
  // The fixture sets no minReadySeconds: these are overlays/base.ts's. History and matching take shards
  // and ring membership after their TCP port opens.
  const { objects } = synthesized(FX.staging);
  for (const role of ['frontend', 'history', 'matching', 'worker']) {
    expect(find(objects, 'Deployment', `temporal-${role}`).spec.minReadySeconds).toBeGreaterThan(0);
  }
  expect(find(objects, 'Deployment', 'temporal-history').spec.minReadySeconds).toBeGreaterThanOrEqual(30);
  expect(find(objects, 'Deployment', 'temporal-matching').spec.minReadySeconds).toBeGreaterThanOrEqual(30);
});

// The example dev profile is sized for a 4 GiB laptop (README "Profiles"); the fixture shaped like it
// proves the rendering adds no requests beyond the spec's (init containers, sidecars) that would break that.
test(`${FX.dev} fits a 4 GiB laptop: requests of everything at minimum scale ≤ 2 CPU / 3 GiB`, () => {
  const { objects } = synthesized(FX.dev);
  const hpaMin = new Map(byKind(objects, 'HorizontalPodAutoscaler').map((h) => [h.spec.scaleTargetRef.name, h.spec.minReplicas]));
  let cpu = 0;
  let mem = 0;
  for (const w of workloads(objects)) {
    const pod = podSpec(w);
    const sum = (cs: any[], f: (c: any) => number) => cs.reduce((a, c) => a + f(c), 0);
    const max = (cs: any[], f: (c: any) => number) => cs.reduce((a, c) => Math.max(a, f(c)), 0);
    const reqCpu = (c: any) => cpuMillis(c.resources.requests.cpu)!;
    const reqMem = (c: any) => memoryBytes(c.resources.requests.memory)!;
    const replicas = w.spec.replicas ?? hpaMin.get(w.metadata.name) ?? 1;
    cpu += replicas * Math.max(sum(pod.containers, reqCpu), max(pod.initContainers ?? [], reqCpu));
    mem += replicas * Math.max(sum(pod.containers, reqMem), max(pod.initContainers ?? [], reqMem));
  }
  expect(cpu).toBeLessThanOrEqual(2000);
  expect(mem).toBeLessThanOrEqual(3 * 2 ** 30);
});
