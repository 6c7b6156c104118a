import { load } from 'js-yaml';
import {
  AuthorizationProps,
  ElasticsearchStoreProps,
  ServerConfig,
  ServerConfigProps,
  ServerTlsProps,
  SqlStoreProps,
} from '../../constructs/server-config';
import type { TemporalServerConfig } from '../../constructs/temporal-config/model';
import { renderDynamicConfig, renderServerConfig } from '../../constructs/temporal-config/render';
import { K8sObject, synthChart, testChart } from '../helpers';
import { ofKind } from './fixtures';

const minimal: ServerConfigProps = {
  configMapName: 'temporal-config',
  dynamicConfigMapName: 'temporal-dynamic-config',
  labels: { app: 'temporal' },
  numHistoryShards: 512,
  ports: {
    frontend: { grpc: 7233, membership: 6933, http: 7243 },
    history: { grpc: 7234, membership: 6934 },
    matching: { grpc: 7235, membership: 6935 },
    worker: { grpc: 7239, membership: 6939 },
  },
  frontendHost: 'temporal-frontend.ns.svc.cluster.local',
  persistence: {
    default: { ...sql('temporal') },
    visibility: { ...sql('temporal_visibility'), password: { name: 'pg', key: 'password' } },
  },
};

function sql(database: string): SqlStoreProps {
  return {
    kind: 'sql',
    pluginName: 'postgres12',
    host: 'temporal-postgres.ns.svc.cluster.local',
    port: 5432,
    database,
    user: 'temporal',
    password: { name: 'pg', key: 'password' },
    maxConns: 20,
    maxIdleConns: 10,
    maxConnLifetime: '1h',
  };
}

const es: ElasticsearchStoreProps = {
  kind: 'elasticsearch',
  scheme: 'http',
  hostPort: 'temporal-elasticsearch.ns.svc.cluster.local:9200',
  index: 'temporal_visibility_v1',
  credentials: { username: 'elastic', password: { name: 'es', key: 'password' } },
};

function synth(props: ServerConfigProps) {
  const chart = testChart();
  const config = new ServerConfig(chart, 'Config', props);
  const maps = ofKind(synthChart(chart), 'ConfigMap');
  const byName = (name: string): K8sObject => maps.find((m) => m.metadata.name === name)!;
  return { config, maps, byName };
}

/** Parses the rendered config; template expressions become the string `ENV:<name>`. */
const parseTemplate = (text: string): any => load(text.replace(/\{\{ env "(\w+)" \| quote \}\}/g, '"ENV:$1"'));
const rendered = (props: ServerConfigProps): any => parseTemplate(synth(props).byName('temporal-config').data['config.yaml']);

const serverTls: ServerTlsProps = {
  internodeSecret: 'temporal-internode-tls',
  internodeServerName: 'temporal-internode.temporal-test.svc',
  frontendSecret: 'temporal-frontend-tls',
  frontendRequireClientAuth: true,
};
const authorization: AuthorizationProps = {
  jwtKeySourceURIs: ['https://idp.example.com/.well-known/jwks.json'],
  refreshInterval: '1m',
  permissionsClaimName: 'permissions',
};
const internalFrontendPorts = { ...minimal.ports, 'internal-frontend': { grpc: 7236, membership: 6936, http: 7246 } };

/** The two certificate Secret volumes a TLS server pod mounts. */
const serverTlsVolumes = (internode: string, frontend: string) => [
  {
    volume: { name: 'internode-tls', secret: { secretName: internode } },
    mount: { name: 'internode-tls', mountPath: '/etc/temporal/tls/internode', readOnly: true },
  },
  {
    volume: { name: 'frontend-tls', secret: { secretName: frontend } },
    mount: { name: 'frontend-tls', mountPath: '/etc/temporal/tls/frontend', readOnly: true },
  },
];

describe('ServerConfig', () => {
  test('minimal props: two ConfigMaps with the documented defaults', () => {
    const { config, maps, byName } = synth(minimal);
    expect(maps.map((m) => m.metadata.name)).toEqual(['temporal-config', 'temporal-dynamic-config']);
    for (const m of maps) expect(m.metadata.labels).toEqual({ app: 'temporal' });
    expect(Object.keys(byName('temporal-config').data)).toEqual(['config.yaml']);
    expect(Object.keys(byName('temporal-dynamic-config').data)).toEqual(['dynamic_config.yaml']);
    expect(load(byName('temporal-dynamic-config').data['dynamic_config.yaml'])).toEqual({});

    const c = parseTemplate(byName('temporal-config').data['config.yaml']);
    expect(c.log).toEqual({ stdout: true, level: 'info', format: 'json' });
    expect(c.clusterMetadata).toMatchObject({ masterClusterName: 'active', currentClusterName: 'active' });
    expect(Object.keys(c.clusterMetadata.clusterInformation)).toEqual(['active']);
    expect(c.global.metrics.prometheus).toEqual({ framework: 'tally', listenAddress: '0.0.0.0:9090' });
    expect(config.metricsPort).toBe(9090);
    expect(c.dynamicConfigClient).toEqual({ filepath: '/etc/temporal/dynamic_config/dynamic_config.yaml', pollInterval: '10s' });
    expect(config.configMapName).toBe('temporal-config');
    expect(config.dynamicConfigMapName).toBe('temporal-dynamic-config');
  });

  test('all props: every prop shows up in the rendered config', () => {
    const all: Required<ServerConfigProps> = {
      ...minimal,
      numHistoryShards: 2048,
      logLevel: 'debug',
      clusterName: 'primary',
      metricsPort: 9191,
      dynamicConfig: {
        'frontend.rps': 1200,
        'system.enableNexus': true,
        'limit.maxIDLength': undefined,
        'matching.numTaskqueueReadPartitions': [
          { value: 8, constraints: { namespace: 'prod', taskQueueName: 'busy', taskType: undefined } },
          { value: 4 },
        ],
      },
      dynamicConfigPollIntervalSeconds: 30,
      persistence: { default: sql('temporal'), visibility: es },
      archival: {
        history: { enabled: true, enableRead: true, uri: 'file:///archival/history' },
        visibility: { enabled: false, enableRead: false },
        provider: { type: 'filestore', claimName: 'temporal-archival', mountPath: '/archival' },
      },
      tls: {
        internodeSecret: 'tc-internode',
        internodeServerName: 'internode.tc',
        frontendSecret: 'tc-frontend',
        frontendRequireClientAuth: true,
        refreshInterval: '5m',
      },
      authorization: {
        jwtKeySourceURIs: ['https://a.example/jwks', 'https://b.example/jwks'],
        refreshInterval: '10m',
        permissionsClaimName: 'temporal-permissions',
        audience: 'temporal-api',
      },
    };
    const { config, byName } = synth(all);
    const c = parseTemplate(byName('temporal-config').data['config.yaml']);
    expect(c.persistence.numHistoryShards).toBe(2048);
    expect(c.log.level).toBe('debug');
    expect(c.clusterMetadata).toMatchObject({ masterClusterName: 'primary', currentClusterName: 'primary' });
    expect(c.clusterMetadata.clusterInformation.primary).toEqual({
      enabled: true,
      initialFailoverVersion: 1,
      rpcAddress: 'temporal-frontend.ns.svc.cluster.local:7233',
      httpAddress: 'temporal-frontend.ns.svc.cluster.local:7243',
    });
    expect(c.global.metrics.prometheus.listenAddress).toBe('0.0.0.0:9191');
    expect(config.metricsPort).toBe(9191);
    expect(c.dynamicConfigClient.pollInterval).toBe('30s');
    expect(load(byName('temporal-dynamic-config').data['dynamic_config.yaml'])).toEqual({
      'frontend.rps': [{ value: 1200 }],
      'matching.numTaskqueueReadPartitions': [{ value: 8, constraints: { namespace: 'prod', taskQueueName: 'busy' } }, { value: 4 }],
      'system.enableNexus': [{ value: true }],
    });
    expect(c.persistence.visibilityStore).toBe('es-visibility');
    expect(Object.keys(c.persistence.datastores)).toEqual(['default', 'es-visibility']);
    expect(c.archival.history.provider).toEqual({ filestore: { fileMode: '0666', dirMode: '0766' } });
    expect(c.global.tls).toEqual({
      internode: {
        server: {
          certFile: '/etc/temporal/tls/internode/tls.crt',
          keyFile: '/etc/temporal/tls/internode/tls.key',
          requireClientAuth: true,
          clientCaFiles: ['/etc/temporal/tls/internode/ca.crt'],
        },
        client: { serverName: 'internode.tc', rootCaFiles: ['/etc/temporal/tls/internode/ca.crt'] },
      },
      frontend: {
        server: {
          certFile: '/etc/temporal/tls/frontend/tls.crt',
          keyFile: '/etc/temporal/tls/frontend/tls.key',
          requireClientAuth: true,
          clientCaFiles: ['/etc/temporal/tls/frontend/ca.crt', '/etc/temporal/tls/internode/ca.crt'],
        },
        client: { serverName: 'temporal-frontend.ns.svc.cluster.local', rootCaFiles: ['/etc/temporal/tls/frontend/ca.crt'] },
      },
      systemWorker: {
        certFile: '/etc/temporal/tls/internode/tls.crt',
        keyFile: '/etc/temporal/tls/internode/tls.key',
        client: { serverName: 'temporal-frontend.ns.svc.cluster.local', rootCaFiles: ['/etc/temporal/tls/frontend/ca.crt'] },
      },
      refreshInterval: '5m',
    });
    expect(c.global.authorization).toEqual({
      jwtKeyProvider: { keySourceURIs: ['https://a.example/jwks', 'https://b.example/jwks'], refreshInterval: '10m' },
      permissionsClaimName: 'temporal-permissions',
      authorizer: 'default',
      claimMapper: 'default',
      audience: 'temporal-api',
    });
    expect(config.podVolumes).toEqual([
      ...serverTlsVolumes('tc-internode', 'tc-frontend'),
      {
        volume: { name: 'archival', persistentVolumeClaim: { claimName: 'temporal-archival' } },
        mount: { name: 'archival', mountPath: '/archival' },
      },
    ]);
  });

  test('Elasticsearch visibility: es-visibility store with url object and password from the env; no dangling SQL store', () => {
    const { config, byName } = synth({ ...minimal, persistence: { default: sql('temporal'), visibility: es } });
    const c = parseTemplate(byName('temporal-config').data['config.yaml']);
    expect(c.persistence.visibilityStore).toBe('es-visibility');
    expect(Object.keys(c.persistence.datastores).sort()).toEqual(['default', 'es-visibility']);
    expect(c.persistence.datastores['es-visibility']).toEqual({
      elasticsearch: {
        version: 'v8',
        url: { scheme: 'http', host: 'temporal-elasticsearch.ns.svc.cluster.local:9200' },
        username: 'elastic',
        password: 'ENV:TEMPORAL_VISIBILITY_STORE_PASSWORD',
        indices: { visibility: 'temporal_visibility_v1' },
      },
    });
    expect(config.podEnv.find((e) => e.name === 'TEMPORAL_VISIBILITY_STORE_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({
      name: 'es',
      key: 'password',
    });
  });

  test('external TLS: caFile points at the mounted CA Secret, shared by both stores', () => {
    const tls = { enableHostVerification: true, caSecret: { name: 'db-ca', key: 'ca.pem' } };
    const { config, byName } = synth({
      ...minimal,
      persistence: { default: { ...sql('temporal'), tls }, visibility: { ...sql('temporal_visibility'), tls } },
    });
    const c = parseTemplate(byName('temporal-config').data['config.yaml']);
    // No serverName: host verification checks the certificate against the connect address's host.
    const expected = { enabled: true, caFile: '/etc/temporal/tls/default-ca/ca.crt', enableHostVerification: true };
    expect(c.persistence.datastores.default.sql.tls).toEqual(expected);
    expect(c.persistence.datastores.visibility.sql.tls).toEqual(expected);
    expect(config.podVolumes).toEqual([
      {
        volume: { name: 'default-ca', secret: { secretName: 'db-ca', items: [{ key: 'ca.pem', path: 'ca.crt' }] } },
        mount: { name: 'default-ca', mountPath: '/etc/temporal/tls/default-ca', readOnly: true },
      },
    ]);
  });

  test('SQL TLS has no serverName prop, and none is rendered', () => {
    // @ts-expect-error serverName was removed from SqlStoreProps.tls
    const tls: SqlStoreProps['tls'] = { enableHostVerification: false, serverName: 'db.example.com' };
    const c = rendered({ ...minimal, persistence: { default: { ...sql('temporal'), tls }, visibility: sql('temporal_visibility') } });
    expect(c.persistence.datastores.default.sql.tls).toEqual({ enabled: true, enableHostVerification: false });
    expect(c.persistence.datastores.visibility.sql).not.toHaveProperty('tls');
  });

  test('DSQL: plugin dsql, no password key or env, plugin env for the IAM token', () => {
    const dsql: SqlStoreProps = {
      ...sql('postgres'),
      pluginName: 'dsql',
      user: 'admin',
      password: undefined,
      tls: { enableHostVerification: true },
      pluginEnv: { REGION: 'us-east-1', CLUSTER_ENDPOINT: 'x.dsql.us-east-1.on.aws' },
    };
    const { config, byName } = synth({ ...minimal, persistence: { default: dsql, visibility: es } });
    const c = parseTemplate(byName('temporal-config').data['config.yaml']);
    expect(c.persistence.datastores.default.sql).not.toHaveProperty('password');
    expect(c.persistence.datastores.default.sql).toMatchObject({
      pluginName: 'dsql',
      user: 'admin',
      tls: { enabled: true, enableHostVerification: true },
    });
    expect(config.podEnv.map((e) => e.name)).toEqual(['TEMPORAL_VISIBILITY_STORE_PASSWORD', 'CLUSTER_ENDPOINT', 'REGION']);
  });

  test('archival: enabled targets get the provider and a URI; disabled ones neither (the server rule)', () => {
    const { byName } = synth({
      ...minimal,
      archival: {
        history: { enabled: true, enableRead: true, uri: 's3://bucket/history' },
        visibility: { enabled: false, enableRead: false },
        provider: { type: 's3store', region: 'eu-west-1', s3ForcePathStyle: true, endpoint: 'https://minio:9000' },
      },
    });
    const c = parseTemplate(byName('temporal-config').data['config.yaml']);
    expect(c.archival).toEqual({
      history: {
        state: 'enabled',
        enableRead: true,
        provider: { s3store: { region: 'eu-west-1', endpoint: 'https://minio:9000', s3ForcePathStyle: true } },
      },
      visibility: { state: 'disabled', enableRead: false },
    });
    expect(c.namespaceDefaults).toEqual({
      archival: { history: { state: 'enabled', URI: 's3://bucket/history' }, visibility: { state: 'disabled' } },
    });
  });

  test('no archival props: no archival or namespaceDefaults keys at all', () => {
    const c = parseTemplate(synth(minimal).byName('temporal-config').data['config.yaml']);
    expect(c).not.toHaveProperty('archival');
    expect(c).not.toHaveProperty('namespaceDefaults');
  });

  test('persistence: both SQL stores, passwords read from the environment', () => {
    const { byName } = synth(minimal);
    const c = parseTemplate(byName('temporal-config').data['config.yaml']);
    expect(c.persistence).toMatchObject({ defaultStore: 'default', visibilityStore: 'visibility', numHistoryShards: 512 });
    const common = {
      pluginName: 'postgres12',
      connectAddr: 'temporal-postgres.ns.svc.cluster.local:5432',
      connectProtocol: 'tcp',
      user: 'temporal',
      maxConns: 20,
      maxIdleConns: 10,
      maxConnLifetime: '1h',
    };
    expect(c.persistence.datastores.default.sql).toEqual({
      ...common,
      databaseName: 'temporal',
      password: 'ENV:TEMPORAL_DEFAULT_STORE_PASSWORD',
    });
    expect(c.persistence.datastores.visibility.sql).toEqual({
      ...common,
      databaseName: 'temporal_visibility',
      password: 'ENV:TEMPORAL_VISIBILITY_STORE_PASSWORD',
    });
  });

  test('services: one rpc block per role, httpPort only where given; membership broadcasts the pod IP', () => {
    const { byName } = synth(minimal);
    const c = parseTemplate(byName('temporal-config').data['config.yaml']);
    expect(c.services).toEqual({
      frontend: { rpc: { grpcPort: 7233, membershipPort: 6933, httpPort: 7243, bindOnIP: '0.0.0.0' } },
      history: { rpc: { grpcPort: 7234, membershipPort: 6934, bindOnIP: '0.0.0.0' } },
      matching: { rpc: { grpcPort: 7235, membershipPort: 6935, bindOnIP: '0.0.0.0' } },
      worker: { rpc: { grpcPort: 7239, membershipPort: 6939, bindOnIP: '0.0.0.0' } },
    });
    expect(c.global.membership).toEqual({ maxJoinDuration: '30s', broadcastAddress: 'ENV:POD_IP' });
    expect(c.publicClient).toEqual({ hostPort: 'temporal-frontend.ns.svc.cluster.local:7233' });
  });

  test('services are rendered in the order the ports are given, only for the roles given', () => {
    const c = rendered({
      ...minimal,
      ports: {
        worker: { grpc: 7239, membership: 6939 },
        frontend: { grpc: 7233, membership: 6933 },
        history: { grpc: 7234, membership: 6934 },
      },
    });
    expect(Object.keys(c.services)).toEqual(['worker', 'frontend', 'history']);
    expect(c.services).not.toHaveProperty('matching');
  });

  test('ports without a frontend throw', () => {
    const { frontend, ...rest } = minimal.ports;
    expect(frontend).toBeDefined();
    expect(() => synth({ ...minimal, ports: rest })).toThrow('ServerConfig: ports.frontend is required');
  });

  test('internal-frontend: its own services entry; no publicClient, so roles find it through membership', () => {
    const c = rendered({ ...minimal, ports: internalFrontendPorts });
    expect(Object.keys(c.services)).toEqual(['frontend', 'history', 'matching', 'worker', 'internal-frontend']);
    expect(c.services['internal-frontend']).toEqual({ rpc: { grpcPort: 7236, membershipPort: 6936, httpPort: 7246, bindOnIP: '0.0.0.0' } });
    expect(c).not.toHaveProperty('publicClient');
    // The cluster's public addresses stay on the public frontend.
    expect(c.clusterMetadata.clusterInformation.active).toMatchObject({
      rpcAddress: 'temporal-frontend.ns.svc.cluster.local:7233',
      httpAddress: 'temporal-frontend.ns.svc.cluster.local:7243',
    });
  });

  describe('server TLS', () => {
    test('no tls: no global.tls and no certificate volumes', () => {
      const { config } = synth(minimal);
      expect(rendered(minimal).global).not.toHaveProperty('tls');
      expect(config.podVolumes).toEqual([]);
    });

    test('internode mTLS (always client auth) and the frontend certificate, from files in the two mounted Secrets', () => {
      const { config } = synth({ ...minimal, tls: serverTls });
      const tls = rendered({ ...minimal, tls: serverTls }).global.tls;
      expect(tls.internode).toEqual({
        server: {
          certFile: '/etc/temporal/tls/internode/tls.crt',
          keyFile: '/etc/temporal/tls/internode/tls.key',
          requireClientAuth: true,
          clientCaFiles: ['/etc/temporal/tls/internode/ca.crt'],
        },
        client: { serverName: 'temporal-internode.temporal-test.svc', rootCaFiles: ['/etc/temporal/tls/internode/ca.crt'] },
      });
      expect(tls.frontend.server).toEqual({
        certFile: '/etc/temporal/tls/frontend/tls.crt',
        keyFile: '/etc/temporal/tls/frontend/tls.key',
        requireClientAuth: true,
        clientCaFiles: ['/etc/temporal/tls/frontend/ca.crt', '/etc/temporal/tls/internode/ca.crt'],
      });
      expect(tls.frontend.client).toEqual({
        serverName: 'temporal-frontend.ns.svc.cluster.local',
        rootCaFiles: ['/etc/temporal/tls/frontend/ca.crt'],
      });
      expect(tls.refreshInterval).toBe('1m');
      expect(config.podVolumes).toEqual(serverTlsVolumes('temporal-internode-tls', 'temporal-frontend-tls'));
      // Every file the config names lies under a mount of the pod.
      const mounts = config.podVolumes.map((v) => v.mount.mountPath);
      const files = JSON.stringify(tls).match(/\/etc\/temporal\/tls\/[^"]+/g)!;
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(mounts.some((m) => f.startsWith(`${m}/`))).toBe(true);
    });

    test('frontendRequireClientAuth false: the frontend asks for no client certificate and lists no client CAs', () => {
      const tls = rendered({ ...minimal, tls: { ...serverTls, frontendRequireClientAuth: false } }).global.tls;
      expect(tls.frontend.server).toEqual({
        certFile: '/etc/temporal/tls/frontend/tls.crt',
        keyFile: '/etc/temporal/tls/frontend/tls.key',
        requireClientAuth: false,
      });
      // Internode stays mutual.
      expect(tls.internode.server).toMatchObject({ requireClientAuth: true, clientCaFiles: ['/etc/temporal/tls/internode/ca.crt'] });
    });

    test('the system worker calls the public frontend with the internode certificate', () => {
      const tls = rendered({ ...minimal, tls: serverTls }).global.tls;
      expect(tls.systemWorker).toEqual({
        certFile: '/etc/temporal/tls/internode/tls.crt',
        keyFile: '/etc/temporal/tls/internode/tls.key',
        client: { serverName: 'temporal-frontend.ns.svc.cluster.local', rootCaFiles: ['/etc/temporal/tls/frontend/ca.crt'] },
      });
    });

    test('with an internal-frontend there is no systemWorker section (it uses the internode settings)', () => {
      const { config } = synth({ ...minimal, ports: internalFrontendPorts, tls: serverTls });
      const tls = rendered({ ...minimal, ports: internalFrontendPorts, tls: serverTls }).global.tls;
      expect(tls).not.toHaveProperty('systemWorker');
      expect(Object.keys(tls)).toEqual(['internode', 'frontend', 'refreshInterval']);
      expect(config.podVolumes).toEqual(serverTlsVolumes('temporal-internode-tls', 'temporal-frontend-tls'));
    });

    test('tls changes the config checksum (pods roll onto the certificates)', () => {
      expect(synth({ ...minimal, tls: serverTls }).config.checksum).not.toBe(synth(minimal).config.checksum);
    });
  });

  describe('authorization', () => {
    test('no authorization: no global.authorization', () => {
      expect(rendered(minimal).global).not.toHaveProperty('authorization');
    });

    test('the default authorizer and claim mapper with the JWT key provider; audience left out unless given', () => {
      const c = rendered({ ...minimal, authorization });
      expect(c.global.authorization).toEqual({
        jwtKeyProvider: { keySourceURIs: ['https://idp.example.com/.well-known/jwks.json'], refreshInterval: '1m' },
        permissionsClaimName: 'permissions',
        authorizer: 'default',
        claimMapper: 'default',
      });
      expect(rendered({ ...minimal, authorization: { ...authorization, audience: 'temporal' } }).global.authorization.audience).toBe(
        'temporal',
      );
    });

    test("authorization with an internal-frontend: the server's own calls bypass the public frontend", () => {
      const c = rendered({ ...minimal, ports: internalFrontendPorts, authorization });
      expect(c.global.authorization.authorizer).toBe('default');
      expect(c.services).toHaveProperty('internal-frontend');
      expect(c).not.toHaveProperty('publicClient');
    });
  });

  test('the frontend httpAddress falls back to 7243 when the frontend has no http port', () => {
    const { byName } = synth({ ...minimal, ports: { ...minimal.ports, frontend: { grpc: 7233, membership: 6933 } } });
    const c = parseTemplate(byName('temporal-config').data['config.yaml']);
    expect(c.clusterMetadata.clusterInformation.active.httpAddress).toBe('temporal-frontend.ns.svc.cluster.local:7243');
    expect(c.services.frontend.rpc).not.toHaveProperty('httpPort');
  });

  test('the checksum is a stable sha256 of the static config; dynamic-config edits do not roll pods', () => {
    const base = synth(minimal).config.checksum;
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(synth(minimal).config.checksum).toBe(base);
    expect(synth({ ...minimal, dynamicConfig: { 'frontend.rps': 1 } }).config.checksum).toBe(base);
    expect(synth({ ...minimal, logLevel: 'warn' }).config.checksum).not.toBe(base);
  });
});

describe('renderServerConfig', () => {
  const { model } = synth(minimal).config;

  test('starts with # enable-template so the server renders it', () => {
    expect(renderServerConfig(model).split('\n')[0]).toBe('# enable-template');
  });

  test('an {env} reference becomes an unquoted {{ env "X" | quote }} expression', () => {
    const text = renderServerConfig(model);
    expect(text).toContain('password: {{ env "TEMPORAL_DEFAULT_STORE_PASSWORD" | quote }}\n');
    expect(text).toContain('password: {{ env "TEMPORAL_VISIBILITY_STORE_PASSWORD" | quote }}\n');
    expect(text).toContain('broadcastAddress: {{ env "POD_IP" | quote }}\n');
    expect(text).not.toMatch(/['"]\{\{/);
    expect(text).not.toContain('__TEMPLATE_REF_');
  });

  test('undefined fields are left out', () => {
    const text = renderServerConfig(model);
    expect(text.match(/httpPort:/g)).toHaveLength(1);
    expect(text).not.toContain('undefined');
  });

  test('an object with env and other keys is not an env reference', () => {
    const odd = { ...model, publicClient: { hostPort: 'x:1', env: 'NOT_A_REF' } } as unknown as TemporalServerConfig;
    const text = renderServerConfig(odd);
    expect(text).not.toContain('{{ env "NOT_A_REF"');
    expect(parseTemplate(text).publicClient).toEqual({ hostPort: 'x:1', env: 'NOT_A_REF' });
  });
});

describe('renderDynamicConfig', () => {
  test('no values: a comment and an empty mapping', () => {
    for (const values of [{}, { a: undefined }]) {
      const text = renderDynamicConfig(values);
      expect(text).toMatch(/^# No overrides: every key uses the server default\.\n/);
      expect(load(text)).toEqual({});
    }
  });

  test('keys sorted, each a list with one value, undefined dropped', () => {
    expect(renderDynamicConfig({ 'z.key': 'v', 'a.key': 3, 'm.key': false, 'n.key': undefined })).toBe(
      'a.key:\n  - value: 3\nm.key:\n  - value: false\nz.key:\n  - value: v\n',
    );
  });
});
