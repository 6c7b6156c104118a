/**
 * Security invariants for every profile: TLS material is issued and mounted where the config expects
 * it and clients verify the names servers present; authorization routes the server's own callers to
 * the internal frontend; the UI login is wired to the Ingress; credentials are never rendered outside
 * dev; RBAC stays minimal. Flows are checked separately (test/network-flows.test.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { load } from 'js-yaml';
import { synthProfile } from '../output/synth';
import { ALL_PROFILES, FX, K8sObject, WORKLOAD_KINDS, find, loadProfile, podSpec, synthesized } from './helpers';

const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const envOf = (c: any): Record<string, any> => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
const containers = (w: K8sObject): any[] => [...(podSpec(w).initContainers ?? []), ...podSpec(w).containers];

describe.each(ALL_PROFILES)('profile %s', (profile) => {
  const { spec, objects } = synthesized(profile);
  const workloads = objects.filter((o) => WORKLOAD_KINDS.includes(o.kind));
  const certificates = byKind(objects, 'Certificate');
  const certFor = (secretName: string) => certificates.find((c) => c.spec.secretName === secretName);
  const config = load(
    find(objects, 'ConfigMap', 'temporal-config').data['config.yaml'].replace(/\{\{ env "(\w+)" \| quote \}\}/g, '"$1"'),
  ) as any;
  const serverRoles = byKind(objects, 'Deployment').filter(
    (d) =>
      d.metadata.labels?.['app.kubernetes.io/name'] === 'temporal' &&
      ['frontend', 'internal-frontend', 'history', 'matching', 'worker'].includes(d.metadata.labels['app.kubernetes.io/component']),
  );

  /** The Secret mounted at `dir` in a pod (or undefined); the deepest mount wins (certs/ inside config/). */
  const secretAt = (w: K8sObject, c: any, dir: string) => {
    const mount = (c.volumeMounts ?? [])
      .filter((m: any) => dir === m.mountPath || dir.startsWith(`${m.mountPath}/`))
      .sort((x: any, y: any) => y.mountPath.length - x.mountPath.length)[0];
    return mount && podSpec(w).volumes.find((v: any) => v.name === mount.name)?.secret?.secretName;
  };

  test('TLS on: every certificate file in the server config is a mounted cert-manager Secret', () => {
    if (!spec.tls.enabled) {
      expect(config.global.tls).toBeUndefined();
      expect(certificates).toEqual([]);
      return;
    }
    const files: string[] = JSON.stringify(config.global.tls).match(/\/etc\/temporal\/tls\/[^"]+/g)!;
    expect(files.length).toBeGreaterThan(0);
    expect(config.global.tls.internode.server.requireClientAuth).toBe(true);
    expect(config.global.tls.frontend.server.requireClientAuth).toBe(spec.tls.frontendRequireClientAuth);
    for (const d of serverRoles) {
      const c = podSpec(d).containers[0];
      for (const f of files) {
        const secret = secretAt(d, c, f);
        expect([d.metadata.name, f, secret !== undefined && certFor(secret) !== undefined]).toEqual([d.metadata.name, f, true]);
      }
      // Kubelet gRPC probes cannot do TLS.
      expect(c.readinessProbe.grpc).toBeUndefined();
    }
  });

  test('TLS on: certificates chain to an issuer that exists (or the named ClusterIssuer)', () => {
    for (const cert of certificates) {
      const ref = cert.spec.issuerRef;
      if (ref.kind === 'ClusterIssuer') {
        expect(spec.tls.issuer).toEqual({ type: 'clusterIssuer', name: ref.name });
      } else {
        const issuer = find(objects, 'Issuer', ref.name);
        if (issuer.spec.ca) expect(certFor(issuer.spec.ca.secretName)?.spec.isCA).toBe(true);
      }
      expect(cert.spec.privateKey.rotationPolicy).toBe(cert.spec.isCA ? 'Never' : 'Always');
    }
  });

  test('Elasticsearch is its own trust domain: no CA signs both an Elasticsearch and a Temporal certificate', () => {
    const sts = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'temporal-elasticsearch');
    if (!sts) return;
    const settings = load(find(objects, 'ConfigMap', 'temporal-elasticsearch-config').data['elasticsearch.yml']) as any;
    const es = podSpec(sts).containers[0];
    // Relative paths in elasticsearch.yml resolve against the config directory.
    const esSecret = (file: string) => secretAt(sts, es, `/usr/share/elasticsearch/config/${file}`);
    const issuer = (secret: string | undefined) => JSON.stringify(certFor(secret!)?.spec.issuerRef);
    const esSecrets = new Set(
      ['transport', 'http'].flatMap((layer) =>
        settings[`xpack.security.${layer}.ssl.enabled`]
          ? [
              esSecret(settings[`xpack.security.${layer}.ssl.certificate`]),
              esSecret(settings[`xpack.security.${layer}.ssl.certificate_authorities`][0]),
            ]
          : [],
      ),
    );
    for (const secret of esSecrets) expect([secret, certFor(secret!) !== undefined]).toEqual([secret, true]);
    const esIssuers = new Set([...esSecrets].map(issuer));
    const temporalIssuers = new Set(
      certificates.filter((c) => !c.spec.isCA && !esSecrets.has(c.spec.secretName)).map((c) => JSON.stringify(c.spec.issuerRef)),
    );
    for (const i of esIssuers) expect([i, temporalIssuers.has(i)]).toEqual([i, false]);
    if (settings['xpack.security.transport.ssl.enabled']) {
      const transport = esSecret(settings['xpack.security.transport.ssl.certificate']);
      // The CA the nodes trust is the one that signed their certificate (cert-manager's ca.crt).
      expect(esSecret(settings['xpack.security.transport.ssl.certificate_authorities'][0])).toBe(transport);
      expect(issuer(transport)).not.toBe(issuer('temporal-internode-tls'));
      expect(issuer(transport)).not.toBe(issuer('temporal-frontend-tls'));
    }
  });

  test('Temporal verifies Elasticsearch HTTP with the CA that signs its HTTP certificate (plain HTTP: neither)', () => {
    if (!spec.elasticsearch.enabled) return;
    const settings = load(find(objects, 'ConfigMap', 'temporal-elasticsearch-config').data['elasticsearch.yml']) as any;
    const store = config.persistence.datastores[config.persistence.visibilityStore].elasticsearch;
    const httpTls = settings['xpack.security.http.ssl.enabled'] === true;
    expect(store.url.scheme).toBe(httpTls ? 'https' : 'http');
    if (!httpTls) {
      expect(store.tls).toBeUndefined();
      return;
    }
    const sts = find(objects, 'StatefulSet', 'temporal-elasticsearch');
    const httpCert = certFor(
      secretAt(sts, podSpec(sts).containers[0], `/usr/share/elasticsearch/config/${settings['xpack.security.http.ssl.certificate']}`),
    )!;
    const ref = httpCert.spec.issuerRef;
    const caSecret = ref.kind === 'Issuer' ? find(objects, 'Issuer', ref.name).spec.ca?.secretName : undefined;
    for (const d of serverRoles) {
      const mounted = secretAt(d, podSpec(d).containers[0], store.tls.caFile);
      expect([d.metadata.name, mounted === caSecret || JSON.stringify(certFor(mounted)?.spec.issuerRef) === JSON.stringify(ref)]).toEqual([
        d.metadata.name,
        true,
      ]);
    }
  });

  test('TLS on: each client of a frontend has its own client certificate and verifies a name in the server certificate', () => {
    if (!spec.tls.enabled) return;
    const frontendNames: string[] = certFor('temporal-frontend-tls')!.spec.dnsNames;
    const internodeNames: string[] = certFor('temporal-internode-tls')!.spec.dnsNames;
    const clients = workloads.filter((w) => containers(w).some((c) => envOf(c).TEMPORAL_ADDRESS !== undefined));
    expect(clients.length).toBeGreaterThanOrEqual(2);
    for (const w of clients) {
      for (const c of containers(w).filter((x) => envOf(x).TEMPORAL_ADDRESS !== undefined)) {
        const env = envOf(c);
        const [host, port] = String(env.TEMPORAL_ADDRESS).split(':');
        const serverName = env.TEMPORAL_TLS_SERVER_NAME;
        const internal = port === '7236';
        expect([w.metadata.name, (internal ? internodeNames : frontendNames).includes(serverName)]).toEqual([w.metadata.name, true]);
        if (!internal) expect(frontendNames).toContain(host);
        const certPath = env.TEMPORAL_TLS_CLIENT_CERT_PATH ?? env.TEMPORAL_TLS_CERT;
        const secret = secretAt(w, c, certPath);
        const cert = certFor(secret);
        expect([w.metadata.name, cert?.spec.usages]).toEqual([w.metadata.name, expect.arrayContaining(['client auth'])]);
      }
    }
    const secrets = clients.map((w) => podSpec(w).volumes.find((v: any) => v.name === 'client-tls').secret.secretName);
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  test("authorization routes the server's own callers through the internal frontend", () => {
    const internal = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'temporal-internal-frontend');
    expect(internal !== undefined).toBe(spec.authorization.enabled);
    if (!spec.authorization.enabled) {
      expect(config.global.authorization).toBeUndefined();
      expect(config.publicClient.hostPort).toMatch(/^temporal-frontend\./);
      return;
    }
    expect(config.global.authorization).toMatchObject({
      authorizer: 'default',
      claimMapper: 'default',
      jwtKeyProvider: { keySourceURIs: spec.authorization.jwtKeySourceURIs },
    });
    expect(config.services['internal-frontend']).toBeDefined();
    expect(config.publicClient).toBeUndefined();
    expect(find(objects, 'Service', 'temporal-internal-frontend').spec.type).toBe('ClusterIP');
    const nsJob = byKind(objects, 'Job').find((j) => j.metadata.name.startsWith('temporal-namespaces-'))!;
    expect(envOf(podSpec(nsJob).containers[0]).TEMPORAL_ADDRESS).toMatch(/^temporal-internal-frontend\..*:7236$/);
  });

  test('the UI login calls back to the Ingress host over https, with the client secret from a Secret', () => {
    if (!spec.ui.enabled) return;
    const env = envOf(podSpec(find(objects, 'Deployment', 'temporal-web')).containers[0]);
    if (!spec.ui.auth.enabled) {
      expect(env.TEMPORAL_AUTH_ENABLED).toBeUndefined();
      return;
    }
    const ingress = find(objects, 'Ingress', 'temporal-web');
    const host = ingress.spec.rules[0].host;
    expect(ingress.spec.tls[0].hosts).toContain(host);
    expect(env.TEMPORAL_AUTH_CALLBACK_URL).toBe(`https://${host}/auth/sso/callback`);
    expect(env.TEMPORAL_CORS_ORIGINS.split(',')[0]).toBe(`https://${host}`);
    expect(env.TEMPORAL_AUTH_CLIENT_SECRET).toEqual({
      secretKeyRef: { name: spec.ui.auth.clientSecret!.name, key: spec.ui.auth.clientSecret!.key },
    });
    // The OIDC session cookies overflow ingress-nginx's 4k buffer for upstream headers (502).
    if (ingress.spec.ingressClassName === 'nginx') {
      expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-buffer-size']).toBe('16k');
    }
  });

  test('outside development every credential comes from an ExternalSecret, a cert-manager Certificate, or a documented pre-created Secret', () => {
    if (spec.environment === 'development') return;
    expect(byKind(objects, 'Secret')).toEqual([]);
    if (!spec.externalSecrets.enabled) return;
    const synced = new Set(byKind(objects, 'ExternalSecret').map((e) => e.spec.target.name));
    const issued = new Set(certificates.map((c) => c.spec.secretName));
    const ingressTls = byKind(objects, 'Ingress').flatMap((i) =>
      i.metadata.annotations?.['cert-manager.io/cluster-issuer'] ? i.spec.tls.map((t: any) => t.secretName) : [],
    );
    for (const w of workloads) {
      const names = [
        ...(podSpec(w).volumes ?? []).flatMap((v: any) => (v.secret ? [v.secret.secretName] : [])),
        ...containers(w).flatMap((c) =>
          (c.env ?? []).flatMap((e: any) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [])),
        ),
      ];
      for (const n of names)
        expect([w.metadata.name, n, synced.has(n) || issued.has(n) || ingressTls.includes(n)]).toEqual([w.metadata.name, n, true]);
    }
    for (const es of byKind(objects, 'ExternalSecret')) {
      expect(es.spec.secretStoreRef).toEqual({ name: spec.externalSecrets.store.name, kind: spec.externalSecrets.store.kind });
      for (const d of es.spec.data) expect(d.remoteRef.key).toBe(`${spec.externalSecrets.remoteKeyPrefix}/${es.spec.target.name}`);
    }
  });

  test('RBAC: no wildcards, read-only verbs on named objects, and tokens only where a Role is bound', () => {
    for (const role of [...byKind(objects, 'Role'), ...byKind(objects, 'ClusterRole')]) {
      for (const rule of role.rules) {
        for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames']) expect(rule[field] ?? []).not.toContain('*');
        expect(rule.verbs.every((v: string) => ['get', 'list', 'watch'].includes(v))).toBe(true);
        expect(rule.resourceNames?.length ?? 0).toBeGreaterThan(0);
      }
    }
    expect(byKind(objects, 'ClusterRoleBinding')).toEqual([]);
    const serviceAccounts = byKind(objects, 'ServiceAccount').map((s) => s.metadata.name);
    expect(new Set(serviceAccounts).size).toBe(serviceAccounts.length);
  });

  test('Pod Security "restricted" on every pod, including databases and Jobs', () => {
    expect(find(objects, 'Namespace', spec.namespace.name).metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const w of workloads) {
      const pod = podSpec(w);
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: expect.any(Number),
        runAsGroup: expect.any(Number),
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      for (const c of containers(w)) {
        expect([w.metadata.name, c.name, c.securityContext]).toEqual([
          w.metadata.name,
          c.name,
          expect.objectContaining({
            allowPrivilegeEscalation: false,
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          }),
        ]);
      }
    }
  });
});

describe(`${FX.production} with a ClusterIssuer`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'security-cluster-issuer-'));
  const overlay = path.join(dir, 'cluster-issuer.yaml');
  fs.writeFileSync(overlay, 'tls:\n  issuer:\n    type: clusterIssuer\n    name: corp-ca\n');
  const spec = loadProfile(FX.production, [overlay]);
  const objects = JSON.parse(JSON.stringify(synthProfile(spec, path.join(dir, FX.production)))) as K8sObject[];
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('Temporal certificates come from the ClusterIssuer; the Elasticsearch transport certificate from its own namespace CA', () => {
    const certificates = byKind(objects, 'Certificate');
    const transport = certificates.find((c) => c.spec.secretName === spec.elasticsearch.security.transportTlsSecret)!;
    expect(transport.spec.issuerRef).toEqual({ name: 'temporal-elasticsearch-ca', kind: 'Issuer', group: 'cert-manager.io' });
    expect(find(objects, 'Issuer', 'temporal-elasticsearch-ca').spec).toEqual({ ca: { secretName: 'temporal-elasticsearch-ca' } });
    expect(find(objects, 'Certificate', 'temporal-elasticsearch-ca').spec.isCA).toBe(true);
    for (const c of certificates.filter((x) => x !== transport && !x.spec.isCA)) {
      expect([c.metadata.name, c.spec.issuerRef.kind, c.spec.issuerRef.name]).toEqual([c.metadata.name, 'ClusterIssuer', 'corp-ca']);
    }
    // No Temporal CA is rendered in the namespace: the ClusterIssuer is the Temporal trust domain.
    expect(
      byKind(objects, 'Issuer')
        .map((i) => i.metadata.name)
        .sort(),
    ).toEqual(['temporal-elasticsearch-ca', 'temporal-elasticsearch-ca-selfsigned']);
  });
});
