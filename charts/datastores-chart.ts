import { createHash } from 'crypto';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { PostgresCluster } from '../constructs/postgres-cluster';
import { SchemaJob } from '../constructs/schema-job';
import { memoryBytes } from '../overlays/quantities';
import type { Spec } from '../overlays/schema';
import { SCHEMA_DIRS, Topology } from './topology';

/** In-cluster PostgreSQL, its credentials, and the schema Job that prepares both databases. */
export class DatastoresChart extends Chart {
  constructor(scope: Construct, id: string, spec: Spec, topo: Topology) {
    super(scope, id, { namespace: topo.namespace, disableResourceNameHashes: true });
    const p = spec.persistence;
    const passwordSecret = { name: p.passwordSecret.name, key: p.passwordSecret.passwordKey };

    const postgres = new PostgresCluster(this, 'Postgres', {
      name: topo.names.postgres,
      identity: topo.identity('database', { name: 'postgresql', version: spec.images.postgres.tag }),
      image: spec.images.postgres,
      resources: spec.postgres.resources,
      storage: spec.postgres.storage,
      user: p.user,
      database: p.defaultDatabase,
      passwordSecret,
      generatedPassword: p.passwordSecret.generate ? devPassword(spec.instance) : undefined,
      port: spec.postgres.port,
      ...postgresTuning(spec.postgres.resources.limits.memory, spec.postgres.maxConnections),
    });

    new SchemaJob(this, 'SchemaJob', {
      name: topo.names.schemaJob,
      serviceAccountName: 'temporal-schema',
      identity: topo.identity('schema'),
      image: spec.images.adminTools,
      waitImage: spec.images.postgres,
      resources: spec.jobs.resources,
      pluginName: p.pluginName,
      host: topo.postgresHost,
      port: postgres.port,
      user: p.user,
      passwordSecret,
      stores: [
        { store: 'default', database: p.defaultDatabase, schemaDir: SCHEMA_DIRS.default },
        { store: 'visibility', database: p.visibilityDatabase, schemaDir: SCHEMA_DIRS.visibility },
      ],
      backoffLimit: spec.jobs.backoffLimit,
      ttlSecondsAfterFinished: spec.jobs.ttlSecondsAfterFinished,
    });
  }
}

/** shared_buffers at a quarter of the memory limit; /dev/shm at an eighth (at least 64Mi). */
function postgresTuning(memoryLimit: string, maxConnections: number) {
  const mib = Math.floor(memoryBytes(memoryLimit)! / 2 ** 20);
  return { maxConnections, sharedBuffers: `${Math.max(32, Math.floor(mib / 4))}MB`, shmSize: `${Math.max(64, Math.floor(mib / 8))}Mi` };
}

/** Deterministic (so dist/ is reproducible) and only ever rendered for development profiles. */
function devPassword(instance: string): string {
  return `dev-${createHash('sha256').update(`${instance}/postgres/dev-only`).digest('hex').slice(0, 24)}`;
}
