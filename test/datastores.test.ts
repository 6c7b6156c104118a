/**
 * Datastore invariants for every profile (examples and fixtures), and for the Aurora DSQL example overlay
 * on the production fixture: every store the
 * server config names exists and is reachable, has the Job that prepares it, is waited for by the
 * server pods, is backed up where the profile backs up, and archival follows the server's rule.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { load } from 'js-yaml';
import { synthProfile } from '../output/synth';
import type { Spec } from '../config/schema';
import { ALL_PROFILES, FX, K8sObject, find, loadProfile, podSpec, synthesized } from './helpers';

const DSQL_OVERLAY = path.resolve(__dirname, '..', 'overlays', 'examples', 'aurora-dsql.yaml');

function synthWithOverlay(profile: string, overlay: string): { spec: Spec; objects: K8sObject[] } {
  const spec = loadProfile(profile, [overlay]);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-overlay-'));
  try {
    // synthProfile returns every object, those in the custom-resources folder included.
    const objects = synthProfile(spec, path.join(root, profile)) as unknown as K8sObject[];
    return { spec, objects: JSON.parse(JSON.stringify(objects)) };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const CASES: [string, () => { spec: Spec; objects: K8sObject[] }][] = [
  ...ALL_PROFILES.map((p): [string, () => { spec: Spec; objects: K8sObject[] }] => [p, () => synthesized(p)]),
  [`${FX.production} + examples/aurora-dsql.yaml`, () => synthWithOverlay(FX.production, DSQL_OVERLAY)],
];

const scriptsOf = (o: K8sObject): string[] => {
  const pod = podSpec(o);
  return [...(pod.initContainers ?? []), ...pod.containers].map((c: any) => (c.command ?? []).join(' '));
};

describe.each(CASES)('%s', (_name, load_) => {
  const { spec, objects } = load_();
  const ns = spec.namespace.name;
  const configText = find(objects, 'ConfigMap', 'temporal-config').data['config.yaml'] as string;
  const config = load(configText.replace(/\{\{ env "(\w+)" \| quote \}\}/g, '"ENV:$1"')) as any;
  const stores: Record<string, any> = config.persistence.datastores;
  const jobs = objects.filter((o) => o.kind === 'Job');
  const roles = ['frontend', 'history', 'matching', 'worker'].map((r) => find(objects, 'Deployment', `temporal-${r}`));

  /** `svc.ns.svc.cluster.local:port` → the Service and its port, or undefined. */
  const serviceFor = (hostPort: string) => {
    const [host, port] = hostPort.split(':');
    const m = new RegExp(`^([a-z0-9-]+)\\.${ns}\\.svc\\.cluster\\.local$`).exec(host);
    if (!m) return undefined;
    const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === m[1]);
    return svc && svc.spec.ports.some((p: any) => p.port === Number(port)) ? svc : undefined;
  };

  test('defaultStore and visibilityStore name existing datastores, and no datastore is left unused', () => {
    const used = [config.persistence.defaultStore, config.persistence.visibilityStore];
    expect(Object.keys(stores).sort()).toEqual([...new Set(used)].sort());
    for (const s of Object.values(stores)) expect(Object.keys(s)).toHaveLength(1);
    expect(Object.keys(stores[config.persistence.visibilityStore])[0]).toBe(
      spec.persistence.visibilityStore === 'sql' ? 'sql' : 'elasticsearch',
    );
  });

  test('every store is reachable: an in-cluster Service with the port, or the declared external host', () => {
    for (const [name, s] of Object.entries(stores)) {
      if (s.sql) {
        const reachable =
          spec.persistence.mode === 'inCluster'
            ? serviceFor(s.sql.connectAddr) !== undefined
            : s.sql.connectAddr === `${spec.persistence.external!.host}:${spec.persistence.external!.port}`;
        expect([name, s.sql.connectAddr, reachable]).toEqual([name, s.sql.connectAddr, true]);
      } else {
        expect([name, serviceFor(s.elasticsearch.url.host) !== undefined]).toEqual([name, true]);
      }
    }
    const postgres = objects.some((o) => o.kind === 'StatefulSet' && o.metadata.name === 'temporal-postgres');
    expect(postgres).toBe(spec.persistence.mode === 'inCluster');
  });

  test('every SQL store has a schema Job for its database; every Elasticsearch store an index Job for its index', () => {
    for (const s of Object.values(stores)) {
      if (s.sql) {
        const tool = s.sql.pluginName === 'dsql' ? 'temporal-dsql-tool' : 'temporal-sql-tool';
        const job = jobs.find((j) =>
          scriptsOf(j).some(
            (c) => c.includes(tool) && (tool === 'temporal-dsql-tool' || c.includes(`--database ${s.sql.databaseName} update-schema`)),
          ),
        );
        expect([s.sql.databaseName, job?.metadata.name]).toEqual([s.sql.databaseName, expect.stringMatching(/^temporal-schema-/)]);
        if (tool === 'temporal-dsql-tool') expect(scriptsOf(job!).join('\n')).not.toContain('--disable-versioning');
      } else {
        const index = s.elasticsearch.indices.visibility;
        const job = jobs.find((j) => scriptsOf(j).some((c) => c.includes(`create-index --index ${index}`)));
        expect([index, job?.metadata.name]).toEqual([index, expect.stringMatching(/^temporal-es-index-/)]);
        const env = Object.fromEntries(podSpec(job!).containers[0].env.map((e: any) => [e.name, e.value]));
        expect(env.ES_SERVER).toBe(`${s.elasticsearch.url.scheme}://${s.elasticsearch.url.host}`);
      }
    }
  });

  test('server pods wait for their stores before starting, and carry the env the config reads', () => {
    const refs = [...configText.matchAll(/\{\{ env "(\w+)" \| quote \}\}/g)].map((m) => m[1]);
    for (const d of roles) {
      const pod = podSpec(d);
      const init = (pod.initContainers ?? []).map((c: any) => c.name);
      expect(init.includes('wait-for-database')).toBe(spec.persistence.mode !== 'dsql');
      expect(init.includes('wait-for-visibility-index')).toBe(spec.persistence.visibilityStore === 'elasticsearch');
      const env = new Set(pod.containers[0].env.map((e: any) => e.name));
      for (const r of refs) expect([d.metadata.name, r, env.has(r)]).toEqual([d.metadata.name, r, true]);
      // A CA file in the config must be a mounted file.
      for (const s of Object.values(stores)) {
        const ca = s.sql?.tls?.caFile as string | undefined;
        if (ca) expect(pod.containers[0].volumeMounts.some((m: any) => ca.startsWith(`${m.mountPath}/`))).toBe(true);
      }
    }
  });

  test('DSQL differs from PostgreSQL only where it must', () => {
    const sql = stores[config.persistence.defaultStore].sql;
    if (spec.persistence.mode !== 'dsql') {
      expect(sql.pluginName).not.toBe('dsql');
      expect(sql.password).toBe('ENV:TEMPORAL_DEFAULT_STORE_PASSWORD');
      return;
    }
    expect(sql).toMatchObject({
      pluginName: 'dsql',
      user: 'admin',
      databaseName: 'postgres',
      tls: { enabled: true, enableHostVerification: true },
    });
    expect(sql).not.toHaveProperty('password');
    for (const d of roles) {
      const env = Object.fromEntries(podSpec(d).containers[0].env.map((e: any) => [e.name, e.value]));
      expect(env).toMatchObject({ REGION: spec.persistence.dsql!.region, CLUSTER_ENDPOINT: spec.persistence.external!.host });
      expect(env).not.toHaveProperty('TEMPORAL_DEFAULT_STORE_PASSWORD');
      expect(find(objects, 'ServiceAccount', d.metadata.name).metadata.annotations).toMatchObject(spec.temporal.serviceAccountAnnotations);
    }
    expect(find(objects, 'ServiceAccount', 'temporal-schema').metadata.annotations).toMatchObject(spec.temporal.serviceAccountAnnotations);
    expect(objects.some((o) => o.kind === 'CronJob')).toBe(false);
  });

  test('the backup CronJob dumps every SQL database of the profile (when backups are on)', () => {
    const cron = objects.filter((o) => o.kind === 'CronJob');
    if (!spec.backup.enabled || spec.persistence.mode === 'dsql') {
      expect(cron).toEqual([]);
      return;
    }
    expect(cron).toHaveLength(1);
    const env = Object.fromEntries(podSpec(cron[0]).containers[0].env.map((e: any) => [e.name, e]));
    const sqlDbs = Object.values(stores)
      .filter((s) => s.sql)
      .map((s) => s.sql.databaseName);
    expect(env.DATABASES.value.split(' ').sort()).toEqual(sqlDbs.sort());
    expect(`${env.PGHOST.value}:${env.PGPORT.value}`).toBe(stores[config.persistence.defaultStore].sql.connectAddr);
    expect(env.PGPASSWORD.valueFrom.secretKeyRef.name).toBe(spec.persistence.passwordSecret!.name);
    expect(cron[0].spec).toMatchObject({ schedule: spec.backup.schedule, concurrencyPolicy: 'Forbid' });
  });

  test('archival follows the server rule: enabled = provider + URI, disabled = neither', () => {
    for (const target of ['history', 'visibility'] as const) {
      const cluster = config.archival?.[target];
      const uri = config.namespaceDefaults?.archival?.[target]?.URI;
      if (spec.archival[target].state === 'enabled') {
        expect(cluster.state).toBe('enabled');
        expect(Object.keys(cluster.provider)).toHaveLength(1);
        expect(uri).toBe(spec.archival[target].uri);
      } else {
        expect(cluster?.state ?? 'disabled').toBe('disabled');
        expect(cluster?.provider).toBeUndefined();
        expect(cluster?.enableRead ?? false).toBe(false);
        expect(uri).toBeUndefined();
      }
    }
    const fs = config.archival?.history?.provider?.filestore ?? config.archival?.visibility?.provider?.filestore;
    if (fs) {
      const claim = find(objects, 'PersistentVolumeClaim', 'temporal-archival');
      for (const d of roles) {
        const pod = podSpec(d);
        const vol = pod.volumes.find((v: any) => v.persistentVolumeClaim?.claimName === claim.metadata.name);
        const mount = pod.containers[0].volumeMounts.find((m: any) => m.name === vol.name);
        for (const t of ['history', 'visibility']) {
          const u = config.namespaceDefaults.archival[t].URI as string | undefined;
          if (u) expect(u.startsWith(`file://${mount.mountPath}/`)).toBe(true);
        }
      }
    }
    const nsJob = jobs.find((j) => j.metadata.name.startsWith('temporal-namespaces-'))!;
    const script = podSpec(nsJob).containers[0].command[2] as string;
    expect(script.includes('--history-uri')).toBe(spec.archival.history.state === 'enabled');
    expect(script.includes('--visibility-uri')).toBe(spec.archival.visibility.state === 'enabled');
  });

  test('Elasticsearch runs restricted, without sysctls, and with the configured node count', () => {
    const sts = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'temporal-elasticsearch');
    expect(sts !== undefined).toBe(spec.elasticsearch.enabled);
    if (!sts) return;
    const pod = podSpec(sts);
    expect(sts.spec.replicas).toBe(spec.elasticsearch.replicas);
    expect(pod.securityContext.sysctls).toBeUndefined();
    const settings = load(find(objects, 'ConfigMap', 'temporal-elasticsearch-config').data['elasticsearch.yml']) as any;
    expect(settings['node.store.allow_mmap']).toBe(false);
    expect(settings['xpack.security.enabled']).toBe(spec.elasticsearch.security.enabled);
    // Bootstrapping is for the first start only: never in elasticsearch.yml, where it would stay forever.
    expect(settings).not.toHaveProperty(['cluster.initial_master_nodes']);
    if (spec.elasticsearch.replicas === 1) {
      expect(settings['discovery.type']).toBe('single-node');
    } else {
      const start = pod.containers[0].command.join(' ') as string;
      const pods = Array.from({ length: spec.elasticsearch.replicas }, (_, i) => `${sts.metadata.name}-${i}`);
      expect(start).toMatch(/if \[ -d \/usr\/share\/elasticsearch\/data\/_state \]/);
      expect(start).toContain(`cluster.initial_master_nodes=${pods.join(',')} `);
    }
  });

  test("Elasticsearch readiness is the node's own, not cluster health", () => {
    const sts = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'temporal-elasticsearch');
    if (!sts) return;
    const ready = podSpec(sts).containers[0].readinessProbe.exec.command.join(' ');
    expect(ready).toContain('http://127.0.0.1:9200/');
    expect(ready).not.toMatch(/_cluster\/health|wait_for_status/);
  });
});
