/**
 * Numbers Kubernetes (or PostgreSQL, Go, the server) cannot store, derived checks that must not
 * overflow, and quantities that are zero, negative or malformed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { badInputHarness } from './bad-input-harness';
import { FX } from './helpers';

const h = badInputHarness();
const INT32 = 'must be at most 2147483647 (Kubernetes stores it as a 32-bit integer)';

describe('numbers beyond what Kubernetes accepts', () => {
  test.each<[string, string, string, string[]]>([
    ['replicas above int32', FX.staging, 'temporal:\n  history:\n    replicas: 3000000000\n', [`temporal.history.replicas: ${INT32}`]],
    [
      'HPA minReplicas above int32',
      FX.staging,
      'ui:\n  autoscaling:\n    minReplicas: 2147483648\n    maxReplicas: 2147483649\n',
      [`ui.autoscaling.minReplicas: ${INT32}`, `ui.autoscaling.maxReplicas: ${INT32}`],
    ],
    [
      'KEDA maxReplicas of 2^40',
      FX.staging,
      'workerPools:\n  - name: app-worker\n    keda: {maxReplicas: 1099511627776}\n',
      [`workerPools[0] (app-worker).keda.maxReplicas: ${INT32}`],
    ],
    ['a port of 0', FX.dev, 'postgres:\n  port: 0\n', ['postgres.port: must be a port from 1 to 65535']],
    [
      'a port of 65536',
      FX.staging,
      'networkPolicies:\n  apiServer:\n    ports: [443, 65536]\n',
      ['networkPolicies.apiServer.ports[1]: must be a port from 1 to 65535'],
    ],
    [
      'a pool metrics port of 70000',
      FX.dev,
      'workerPools:\n  - name: app-worker\n    metricsPort: 70000\n',
      ['workerPools[0] (app-worker).metricsPort: must be a port from 1 to 65535'],
    ],
    ['a Job backoffLimit above int32', FX.dev, 'jobs:\n  backoffLimit: 1e12\n', [`jobs.backoffLimit: ${INT32}`]],
    [
      'a shard count of 2^32 (a power of two, but not an int32)',
      FX.production,
      'temporal:\n  numHistoryShards: 4294967296\n',
      [`temporal.numHistoryShards: ${INT32}`],
    ],
    [
      'more Elasticsearch nodes than a quorum list holds',
      FX.production,
      'elasticsearch:\n  replicas: 999\n',
      ['elasticsearch.replicas: must be at most 99'],
    ],
    [
      "max_connections above PostgreSQL's limit",
      FX.staging,
      'postgres:\n  maxConnections: 1000000\n',
      ['postgres.maxConnections: must be at most 262143'],
    ],
    [
      'a dynamic-config integer beyond 2^53',
      FX.staging,
      'temporal:\n  dynamicConfig:\n    frontend.rps: 1e300\n',
      ['temporal.dynamicConfig.frontend.rps: must be between ±9007199254740991'],
    ],
    ['a fractional replica count', FX.dev, 'ui:\n  replicas: 1.5\n', ['ui.replicas: must be a whole number']],
  ])('refuses %s', (_name, profile, text, expected) => {
    h.expectRefused(profile, text, expected);
  });

  test('the connection budget is computed exactly, not in floating point', () => {
    const err = h.expectRefused(
      FX.staging,
      'temporal:\n  frontend:\n    autoscaling:\n      maxReplicas: 2147483647\npersistence:\n  pools:\n    default: {maxConns: 2147483647, maxIdleConns: 1}\n',
      [
        'postgres.maxConnections: 250 is below the 4611686027017322501 connections',
        '(2147483653 pods at max scale × 2147483647 pooled connections each + 10)',
      ],
    );
    expect(err).not.toMatch(/e\+\d/);
  });

  test.each<[string, string, string]>([
    ['int32 replicas for a Deployment without HPA', FX.dev, 'ui:\n  replicas: 2147483647\n  autoscaling: null\n'],
    ['ports at both ends of the range', FX.staging, 'networkPolicies:\n  apiServer:\n    ports: [1, 65535]\n'],
    [
      'a KEDA pool that scales to zero',
      FX.staging,
      'workerPools:\n  - name: app-worker\n    autoscaling: null\n    keda: {minReplicas: 0, maxReplicas: 2147483647, targetQueueSize: 1, activationTargetQueueSize: 0, queueTypes: [workflow], pollingIntervalSeconds: 30, cooldownPeriodSeconds: 300}\n',
    ],
  ])('accepts %s', (_name, profile, text) => {
    h.expectAccepted(profile, text);
  });
});

describe('zero, negative and malformed quantities', () => {
  test.each<[string, string, string, string[]]>([
    ['a zero PostgreSQL volume', FX.staging, 'postgres:\n  storage:\n    size: "0"\n', ['postgres.storage.size: must be more than zero']],
    [
      'a zero Elasticsearch volume',
      FX.staging,
      'elasticsearch:\n  storage:\n    size: 0Gi\n',
      ['elasticsearch.storage.size: must be more than zero'],
    ],
    ['a negative backup volume', FX.staging, 'backup:\n  storage:\n    size: -5Gi\n', ['backup.storage.size: must be a byte quantity']],
    [
      'a zero archival volume',
      FX.dev,
      'archival:\n  provider:\n    storage:\n      size: 0Mi\n',
      ['archival.provider.storage.size: must be more than zero'],
    ],
    [
      'a zero pool volume',
      FX.dev,
      'workerPools:\n  - name: app-worker\n    autoscaling: null\n    replicas: 1\n    volume: {size: "0", mountPath: /data, accessMode: ReadWriteOnce}\n',
      ['workerPools[0] (app-worker).volume.size: must be more than zero'],
    ],
    [
      'a size with two decimal points',
      FX.staging,
      'postgres:\n  storage:\n    size: 1.5.5Gi\n',
      ['postgres.storage.size: must be a byte quantity'],
    ],
    [
      'a size in GB (not a Kubernetes suffix)',
      FX.staging,
      'postgres:\n  storage:\n    size: 10GB\n',
      ['postgres.storage.size: must be a byte quantity'],
    ],
    [
      'memory in milli-bytes',
      FX.dev,
      'ui:\n  resources:\n    limits: {memory: 512m}\n',
      ['ui.resources.limits.memory: must be a byte quantity', '"m" would mean thousandths of a byte'],
    ],
    [
      'a zero memory limit',
      FX.dev,
      'ui:\n  resources:\n    requests: {memory: "0"}\n    limits: {memory: "0"}\n',
      ['ui.resources.limits.memory: must be more than zero'],
    ],
    [
      'a size beyond int64 bytes',
      FX.staging,
      'postgres:\n  storage:\n    size: 99999999Ei\n',
      ['postgres.storage.size: must be a byte quantity'],
    ],
  ])('refuses %s', (_name, profile, text, expected) => {
    h.expectRefused(profile, text, expected);
  });

  test.each<[string, string, string, string]>([
    ['a fractional size', FX.staging, 'postgres:\n  storage:\n    size: 1.5Gi\n', "storage: '1.5Gi'"],
    ['a pebibyte volume', FX.staging, 'elasticsearch:\n  storage:\n    size: 1Pi\n', "storage: '1Pi'"],
    ['a decimal exponent', FX.staging, 'backup:\n  storage:\n    size: "5e9"\n', "storage: '5e9'"],
  ])('accepts %s', (_name, profile, text, rendered) => {
    const dir = h.expectAccepted(profile, text);
    const all = fs
      .readdirSync(dir)
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    expect(all).toContain(rendered);
  });
});
