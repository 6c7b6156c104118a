/**
 * Bad input ends the synth with exit code 1 and a message naming the profile, the field path and
 * the fix, and leaves the output folder byte-for-byte as it was.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { listProfiles } from '../config/load';
import { run } from '../main';
import { badInputHarness } from './bad-input-harness';
import { FIXTURE_ARGS, FIXTURE_PROFILES, FIXTURES_DIR, FX } from './helpers';

const h = badInputHarness();
const synth = h.synth;
const overlay = h.overlay;

const cases: Array<[string, string, string, string[]]> = [
  [
    'an unknown key',
    FX.staging,
    'temporal:\n  frontend:\n    replica: 3\n',
    [`profile "${FX.staging}"`, 'temporal.frontend: unknown key "replica"', 'remove it or fix the spelling'],
  ],
  [
    'a wrong type',
    FX.staging,
    'temporal:\n  numHistoryShards: many\n',
    [`profile "${FX.staging}"`, 'temporal.numHistoryShards: expected number, got string'],
  ],
  [
    'zero replicas',
    FX.production,
    'temporal:\n  history:\n    replicas: 0\n',
    [`profile "${FX.production}"`, 'temporal.history.replicas: must be at least 1'],
  ],
  ['negative replicas', FX.dev, 'ui:\n  replicas: -2\n', [`profile "${FX.dev}"`, 'ui.replicas: must be at least 1']],
  [
    'HPA min > max',
    FX.staging,
    'temporal:\n  matching:\n    autoscaling:\n      minReplicas: 6\n      maxReplicas: 3\n',
    ['temporal.matching.autoscaling.minReplicas: minReplicas (6) must be ≤ maxReplicas (3)', 'lower minReplicas or raise maxReplicas'],
  ],
  [
    'shards not a power of two',
    FX.production,
    'temporal:\n  numHistoryShards: 500\n',
    [`profile "${FX.production}"`, 'temporal.numHistoryShards: must be a power of two'],
  ],
  [
    'an image without a tag',
    FX.staging,
    'images:\n  server:\n    tag: ""\n',
    ['images.server.tag: must be a pinned image tag such as "1.31.2"'],
  ],
  [
    'a tag written into the repository',
    FX.staging,
    'images:\n  ui:\n    repository: temporalio/ui:2.52.0\n',
    ['images.ui.repository:', 'put the version in "tag"'],
  ],
  [
    'latest outside dev',
    FX.production,
    'images:\n  ui:\n    tag: latest\n',
    [`profile "${FX.production}"`, 'images.ui.tag: "latest" is only allowed in development'],
  ],
  ['an invalid DNS-1123 name', FX.staging, 'namespace:\n  name: Temporal_Staging\n', ['namespace.name: must be a DNS-1123 label']],
  [
    'an invalid worker pool name',
    FX.dev,
    'workerPools:\n  - name: Billing_Worker\n',
    ['workerPools[1] (Billing_Worker).name: must be a DNS-1123 label'],
  ],
  [
    'a worker pool env var the app owns',
    FX.dev,
    'workerPools:\n  - $patch: replace\n  - name: app-worker\n    env:\n      TEMPORAL_NAMESPACE: other\n',
    ['workerPools[0] (app-worker).env.TEMPORAL_NAMESPACE', 'is set by the app from the spec'],
  ],
  [
    'duplicate Temporal namespaces',
    FX.staging,
    'temporal:\n  namespaces:\n    - {name: default, retention: 1d}\n    - {name: default, retention: 2d}\n',
    [`${FX.staging}.yaml: temporal.namespaces[1]: "default" is listed twice in one list; list each name once`],
  ],
  [
    'retention below one day',
    FX.dev,
    'temporal:\n  namespaces:\n    - {name: default, retention: 12h}\n',
    ['temporal.namespaces[0] (default).retention: must be at least 1 day'],
  ],
  [
    'a generated secret outside development',
    FX.staging,
    'persistence:\n  passwordSecret:\n    generate: true\n',
    ['persistence.passwordSecret.generate: generated secrets are only allowed in development'],
  ],
  [
    'min idle connections above max',
    FX.staging,
    'persistence:\n  pools:\n    default: {maxConns: 5, maxIdleConns: 10}\n',
    ['persistence.pools.default.maxIdleConns: must be ≤ maxConns (5)'],
  ],
  [
    'more database connections than PostgreSQL allows',
    FX.staging,
    'persistence:\n  pools:\n    default: {maxConns: 100}\n',
    ['postgres.maxConnections: 250 is below the 1010 connections the Temporal pods may open', 'lower persistence.pools.*.maxConns'],
  ],
  [
    'an external database without a host',
    FX.staging,
    'persistence:\n  mode: external\n',
    [`profile "${FX.staging}"`, 'persistence.external: is required with mode "external"', 'set host, port, egressCidrs and tls'],
  ],
  [
    'an external database with an empty egress list',
    FX.production,
    'persistence:\n  external:\n    egressCidrs: []\n',
    ['persistence.external.egressCidrs: list at least one CIDR that contains the database'],
  ],
  [
    'DSQL without a region',
    FX.production,
    'images: {server: {repository: my/server-dsql}, adminTools: {repository: my/tools-dsql}}\npersistence:\n  mode: dsql\n  pluginName: dsql\n  user: admin\n  defaultDatabase: postgres\n  passwordSecret: null\n  external: {host: abc.dsql.us-east-1.on.aws}\nbackup: {enabled: false}\n',
    [`profile "${FX.production}"`, 'persistence.dsql.region: is required with mode "dsql"', 'e.g. "us-east-1"'],
  ],
  [
    'DSQL with the stock server image and SQL visibility',
    FX.staging,
    'persistence:\n  mode: dsql\n  pluginName: dsql\n  user: admin\n  defaultDatabase: postgres\n  passwordSecret: null\n  visibilityStore: sql\n  dsql: {region: us-east-1}\n  external: {host: abc.dsql.us-east-1.on.aws, port: 5432, egressCidrs: [0.0.0.0/0], tls: {enabled: true, enableHostVerification: true}}\nelasticsearch: {enabled: false}\n',
    [
      'images.server.repository: temporalio/server has no DSQL plugin',
      'persistence.visibilityStore: must be "elasticsearch" with mode "dsql"',
      'backup.enabled: must be false with mode "dsql"',
    ],
  ],
  [
    'archival enabled without a URI',
    FX.staging,
    'archival:\n  history: {state: enabled, enableRead: true}\n  provider: {type: s3store, region: us-east-1, s3ForcePathStyle: false}\n',
    [`profile "${FX.staging}"`, 'archival.history.uri: is required when history archival is enabled', 's3://my-bucket/temporal'],
  ],
  [
    'archival disabled but with a URI',
    FX.dev,
    'archival:\n  visibility: {state: disabled, enableRead: false}\n',
    ['archival.visibility.uri: must be absent while visibility archival is disabled'],
  ],
  [
    'a filestore URI outside the archive volume',
    FX.dev,
    'archival:\n  history: {uri: "file:///tmp/history"}\n',
    ['archival.history.uri: must be a file:// URI below the archive volume', 'file:///var/temporal/archival/history'],
  ],
  [
    'an unknown dynamic-config key',
    FX.staging,
    'temporal:\n  dynamicConfig:\n    frontend.rsp: 100\n',
    [
      `profile "${FX.staging}"`,
      'temporal.dynamicConfig.frontend.rsp: unknown dynamic-config key "frontend.rsp"',
      'config/dynamic-config.ts',
    ],
  ],
  [
    'a dynamic-config key that does not exist in 1.31',
    FX.production,
    'temporal:\n  dynamicConfig:\n    history.enableArchival: true\n',
    ['temporal.dynamicConfig.history.enableArchival: "history.enableArchival" never existed', 'spec\'s "archival" section'],
  ],
  [
    'an unknown dynamic-config constraint',
    FX.staging,
    'temporal:\n  dynamicConfig:\n    frontend.namespaceRPS: [{value: 10, constraints: {namespaces: x}}]\n',
    ['temporal.dynamicConfig.frontend.namespaceRPS[0].constraints: unknown key "namespaces"'],
  ],
  [
    'a dynamic-config constraint with a wrong value',
    FX.staging,
    'temporal:\n  dynamicConfig:\n    matching.rps: [{value: 10, constraints: {taskType: Workflows}}]\n',
    ['temporal.dynamicConfig.matching.rps[0].constraints.taskType:', '"Workflow"', '"Activity"'],
  ],
  [
    'an empty client namespace selector',
    FX.staging,
    'networkPolicies:\n  clientNamespaces:\n    - {}\n',
    [
      `profile "${FX.staging}"`,
      'networkPolicies.clientNamespaces[0]: must name at least one label',
      'an empty selector matches every namespace',
    ],
  ],
  [
    'TLS on without an issuer',
    FX.staging,
    'tls:\n  issuer: null\n',
    [`profile "${FX.staging}"`, 'tls.issuer: is required when TLS is on', '{type: selfSignedCA}', 'clusterIssuer'],
  ],
  ['TLS off outside development', FX.production, 'tls:\n  enabled: false\n', ['tls.enabled: must be true in production']],
  [
    'OIDC without a client secret reference',
    FX.production,
    'ui:\n  auth:\n    clientSecret: null\n',
    [`profile "${FX.production}"`, 'ui.auth.clientSecret: is required for OIDC login', 'name the Secret and key'],
  ],
  [
    'JWT authorization without key sources',
    FX.production,
    'authorization:\n  jwtKeySourceURIs: []\n',
    ['authorization.jwtKeySourceURIs: list at least one JWKS URL'],
  ],
  [
    'a plain-http JWKS URL',
    FX.production,
    'authorization:\n  jwtKeySourceURIs: ["http://idp/keys"]\n',
    ['authorization.jwtKeySourceURIs[0]: must be an https:// URL'],
  ],
  [
    'HTTPS needed but no egress range for it',
    FX.production,
    'networkPolicies:\n  httpsEgressCidrs: []\n',
    ["networkPolicies.httpsEgressCidrs: list the address ranges of S3 archival, JWT key sources, the UI's OIDC provider"],
  ],
  [
    'a worker pool without a task queue',
    FX.dev,
    'workerPools:\n  - $patch: replace\n  - name: app-worker\n    taskQueues: []\n',
    [`profile "${FX.dev}"`, 'workerPools[0] (app-worker).taskQueues: list at least one task queue the pool polls'],
  ],
  [
    'duplicate worker pool names',
    FX.staging,
    'workerPools:\n  - name: billing\n  - name: billing\n',
    ['workerPools[1]: "billing" is listed twice in one list; list each name once'],
  ],
  [
    'KEDA and an HPA on one pool',
    FX.staging,
    'workerPools:\n  - $patch: replace\n  - name: app-worker\n    keda: {minReplicas: 1, maxReplicas: 4, targetQueueSize: 5, activationTargetQueueSize: 0, queueTypes: [workflow], pollingIntervalSeconds: 30, cooldownPeriodSeconds: 300}\n',
    ['workerPools[0] (app-worker).keda: KEDA and an HPA cannot both scale one Deployment', 'set autoscaling: null'],
  ],
  [
    'a single-node volume on a scaled pool',
    FX.dev,
    'workerPools:\n  - $patch: replace\n  - name: app-worker\n    volume: {size: 1Gi, mountPath: /data, accessMode: ReadWriteOnce}\n',
    ['workerPools[0] (app-worker).volume.accessMode: ReadWriteOnce cannot be mounted by 3 pods'],
  ],
  [
    'a pool env var the app sets',
    FX.dev,
    'workerPools:\n  - $patch: replace\n  - name: app-worker\n    env:\n      JAVA_TOOL_OPTIONS: -Xmx1g\n',
    ['workerPools[0] (app-worker).env.JAVA_TOOL_OPTIONS', 'is set by the app from the spec'],
  ],
  [
    'alerts without any metrics',
    FX.dev,
    'monitoring:\n  alerts: true\n  prometheusAnnotations: false\n',
    ['monitoring.alerts: alerts need metrics'],
  ],
  [
    'a worker pool without a token while authorization is on',
    FX.production,
    'workerPools:\n  - $patch: replace\n  - name: app-worker\n    temporalNamespace: production\n',
    ['workerPools[0] (app-worker).apiKeySecret: is required while authorization is on'],
  ],
  [
    'Elasticsearch visibility with Elasticsearch off',
    FX.staging,
    'elasticsearch:\n  enabled: false\n',
    ['elasticsearch.enabled: must be true while persistence.visibilityStore is "elasticsearch"'],
  ],
  [
    'a multi-node secure Elasticsearch without transport TLS',
    FX.production,
    'elasticsearch:\n  security:\n    transportTlsSecret: null\n',
    [
      'elasticsearch.security.transportTlsSecret: is required: Elasticsearch refuses to form a multi-node cluster with security on but no transport TLS',
    ],
  ],
  [
    'an even number of Elasticsearch nodes',
    FX.production,
    'elasticsearch:\n  replicas: 2\n',
    ['elasticsearch.replicas: must be 1 or an odd number ≥ 3'],
  ],
  [
    'a Job deadline too short to pull an image',
    FX.staging,
    'jobs:\n  activeDeadlineSeconds:\n    setup: 0\n',
    [`profile "${FX.staging}"`, 'jobs.activeDeadlineSeconds.setup: must be at least 60 seconds'],
  ],
  [
    'a backup without a deadline',
    FX.production,
    'backup:\n  activeDeadlineSeconds: null\n',
    [`profile "${FX.production}"`, 'backup.activeDeadlineSeconds:'],
  ],
  [
    'minReadySeconds beyond the progress deadline',
    FX.production,
    'temporal:\n  history:\n    minReadySeconds: 600\n',
    ['temporal.history.minReadySeconds: must be below 600'],
  ],
  [
    'a YAML overlay that does not parse',
    FX.staging,
    'temporal:\n  frontend: [unclosed\n',
    [`profile "${FX.staging}"`, 'is not valid YAML', 'Fix the syntax'],
  ],
  ['a YAML overlay that is a list', FX.staging, '- a\n- b\n', ['must contain a mapping of spec fields']],
];

test.each(cases)('rejects %s with a precise message', (_name, profile, text, expected) => {
  const file = overlay(profile, text);
  const { code, err } = synth(['--profile', profile, '--overlay', file]);
  expect(code).toBe(1);
  for (const e of expected) expect(err).toContain(e);
  expect(err).toContain('dist/ was left unchanged.');
});

test('one bad profile stops every profile from being written', () => {
  const file = overlay('all', 'temporal:\n  numHistoryShards: 3\n');
  const { code, err } = synth(['--profile', FIXTURE_PROFILES.join(','), '--overlay', file]);
  expect(code).toBe(1);
  expect(err).toContain(`profile "${FIXTURE_PROFILES[0]}"`);
});

test('`autoscaling: null` in an overlay removes an inherited HPA and pins replicas', () => {
  const other = path.join(h.work(), 'pinned-dist');
  const file = overlay('pinned', 'temporal:\n  history:\n    replicas: 3\n    autoscaling: null\n');
  expect(
    run(
      ['--outdir', other, ...FIXTURE_ARGS, '--profile', FX.staging, '--overlay', file, '--quiet'],
      { out: () => undefined, err: () => undefined },
      {},
    ),
  ).toBe(0);
  const serverFile = fs.readdirSync(path.join(other, FX.staging)).find((f) => f.endsWith('-temporal-server.k8s.yaml'))!;
  const text = fs.readFileSync(path.join(other, FX.staging, serverFile), 'utf8');
  const docs = text.split('\n---\n');
  const history = docs.find((d) => d.startsWith('apiVersion: apps/v1\nkind: Deployment') && d.includes('\n  name: temporal-history\n'))!;
  expect(history).toContain('\n  replicas: 3\n');
  expect(docs.some((d) => d.includes('kind: HorizontalPodAutoscaler') && d.includes('\n  name: temporal-history\n'))).toBe(false);
});

test('rejects an unknown profile name and lists the known ones', () => {
  const { code, err } = synth(['--profile', 'qa']);
  expect(code).toBe(1);
  expect(err).toContain(`unknown profile "qa". Known profiles: ${listProfiles(FIXTURES_DIR).join(', ')}.`);
});

test('rejects an unknown command-line argument', () => {
  const { code, err } = synth(['--profiles', 'dev']);
  expect(code).toBe(1);
  expect(err).toContain('unknown argument "--profiles"');
});

test('accepts latest in development, and a YAML-only profile from the overlays folder', () => {
  const dir = path.join(h.work(), 'overlays');
  fs.mkdirSync(dir, { recursive: true });
  // A development profile (the dev fixture) beside a YAML-only staging-environment one.
  fs.copyFileSync(path.join(FIXTURES_DIR, `${FX.dev}.yaml`), path.join(dir, `${FX.dev}.yaml`));
  fs.writeFileSync(
    path.join(dir, 'qa.yaml'),
    'environment: staging\nnamespace:\n  name: temporal-qa\ninstance: temporal-qa\nui:\n  ingress:\n    host: temporal.qa.example.com\n',
  );
  const other = path.join(h.work(), 'other-dist');
  const out: string[] = [];
  const code = run(
    [
      '--outdir',
      other,
      '--overlays-dir',
      dir,
      '--profile',
      `${FX.dev},qa`,
      '--overlay',
      overlay('latest', 'images:\n  ui:\n    tag: latest\n'),
    ],
    { out: (l) => out.push(l), err: (l) => out.push(l) },
    {},
  );
  expect(code).toBe(1); // latest is allowed for the development profile, but the qa profile is a staging environment
  expect(out.join('\n')).toContain('profile "qa": invalid spec');
  expect(fs.existsSync(other)).toBe(false);
  const ok = run(
    ['--outdir', other, '--overlays-dir', dir, '--profile', `${FX.dev},qa`, '--quiet'],
    { out: () => undefined, err: () => undefined },
    {},
  );
  expect(ok).toBe(0);
  expect(fs.readdirSync(other).sort()).toEqual(['.synth-manifest', 'argocd', FX.dev, 'qa', 'qa-custom-resources'].sort());
  expect(fs.readFileSync(path.join(other, 'qa', '0000-namespace.k8s.yaml'), 'utf8')).toContain('name: temporal-qa');
});

test('the real entry point exits 1 and prints the message on stderr', () => {
  const file = overlay('e2e', 'temporal:\n  numHistoryShards: 500\n');
  const res = spawnSync(
    process.execPath,
    [
      path.join(__dirname, '..', 'scripts', 'run.js'),
      'main.ts',
      '--outdir',
      path.join(h.work(), 'dist'),
      ...FIXTURE_ARGS,
      '--profile',
      FX.staging,
      '--overlay',
      file,
    ],
    { encoding: 'utf8' },
  );
  expect(res.status).toBe(1);
  expect(res.stderr).toContain(`profile "${FX.staging}": invalid spec`);
  expect(res.stderr).toContain('temporal.numHistoryShards: must be a power of two');
});
