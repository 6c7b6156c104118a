import { createHash } from 'crypto';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { DsqlSchemaJob } from '../constructs/dsql-schema-job';
import { ElasticsearchCluster } from '../constructs/elasticsearch-cluster';
import { ElasticsearchIndexJob } from '../constructs/elasticsearch-index-job';
import { PostgresBackup } from '../constructs/postgres-backup';
import { PostgresCluster } from '../constructs/postgres-cluster';
import { SchemaJob, SchemaStore } from '../constructs/schema-job';
import { memoryBytes } from '../lib/quantities';
import type { Spec } from '../config/schema';
import { databaseTls, elasticsearchCredentials, serverAccountAnnotations } from './stores';
import { SCHEMA_DIRS, Topology } from './topology';

/**
 * Where Temporal keeps its data: the in-cluster PostgreSQL (unless the database is external), the
 * Elasticsearch visibility cluster, the Jobs that prepare their schemas, and the backup CronJob.
 */
export class DatastoresChart extends Chart {
  constructor(scope: Construct, id: string, spec: Spec, topo: Topology) {
    super(scope, id, { namespace: topo.namespace, disableResourceNameHashes: true });
    const p = spec.persistence;
    const passwordSecret = p.passwordSecret && { name: p.passwordSecret.name, key: p.passwordSecret.passwordKey };
    const jobDefaults = {
      backoffLimit: spec.jobs.backoffLimit,
      activeDeadlineSeconds: spec.jobs.activeDeadlineSeconds.setup,
      ttlSecondsAfterFinished: spec.jobs.ttlSecondsAfterFinished,
    };

    if (p.mode === 'inCluster') {
      new PostgresCluster(this, 'Postgres', {
        name: topo.names.postgres,
        identity: topo.identity('database', { name: 'postgresql', version: spec.images.postgres.tag }),
        image: spec.images.postgres,
        resources: spec.postgres.resources,
        storage: spec.postgres.storage,
        user: p.user,
        database: p.defaultDatabase,
        passwordSecret: passwordSecret!,
        generatedPassword: p.passwordSecret!.generate ? devPassword(spec.instance) : undefined,
        port: spec.postgres.port,
        ...postgresTuning(spec.postgres.resources.limits.memory, spec.postgres.maxConnections),
      });
    }

    const sqlDatabases = [p.defaultDatabase, ...(p.visibilityStore === 'sql' ? [p.visibilityDatabase] : [])];
    if (p.mode === 'dsql') {
      new DsqlSchemaJob(this, 'SchemaJob', {
        name: topo.names.schemaJob,
        serviceAccountName: 'temporal-schema',
        serviceAccountAnnotations: serverAccountAnnotations(spec) ?? {},
        identity: topo.identity('schema'),
        image: spec.images.adminTools,
        resources: spec.jobs.resources,
        endpoint: topo.databaseHost,
        region: p.dsql!.region,
        schemaName: p.dsql!.schemaName,
        schemaVersion: p.dsql!.schemaVersion,
        ...jobDefaults,
      });
    } else {
      const stores: SchemaStore[] = [{ store: 'default', database: p.defaultDatabase, schemaDir: SCHEMA_DIRS.default }];
      if (p.visibilityStore === 'sql')
        stores.push({ store: 'visibility', database: p.visibilityDatabase, schemaDir: SCHEMA_DIRS.visibility });
      new SchemaJob(this, 'SchemaJob', {
        name: topo.names.schemaJob,
        serviceAccountName: 'temporal-schema',
        identity: topo.identity('schema'),
        image: spec.images.adminTools,
        waitImage: spec.images.postgres,
        resources: spec.jobs.resources,
        pluginName: p.pluginName as 'postgres12' | 'postgres12_pgx',
        host: topo.databaseHost,
        port: topo.databasePort,
        user: p.user,
        passwordSecret: passwordSecret!,
        stores,
        tls: databaseTls(spec),
        ...jobDefaults,
      });
    }

    if (spec.elasticsearch.enabled) {
      const es = spec.elasticsearch;
      new ElasticsearchCluster(this, 'Elasticsearch', {
        name: topo.names.elasticsearch,
        identity: topo.identity('visibility', { name: 'elasticsearch', version: spec.images.elasticsearch.tag }),
        image: spec.images.elasticsearch,
        replicas: es.replicas,
        resources: es.resources,
        heapPercent: es.heapPercent,
        storage: es.storage,
        security: es.security.enabled
          ? { passwordSecret: es.security.credentialsSecret, transportTlsSecret: es.security.transportTlsSecret }
          : undefined,
        topologySpread: spec.topologySpread,
        initResources: spec.jobs.resources,
      });
      new ElasticsearchIndexJob(this, 'IndexJob', {
        name: topo.names.indexJob,
        serviceAccountName: 'temporal-es-index',
        identity: topo.identity('es-index'),
        image: spec.images.adminTools,
        waitImage: spec.images.elasticsearch,
        resources: spec.jobs.resources,
        url: topo.elasticsearchUrl,
        index: es.index,
        credentials: elasticsearchCredentials(spec),
        ...jobDefaults,
      });
    }

    if (spec.backup.enabled && p.mode !== 'dsql') {
      const tls = databaseTls(spec);
      new PostgresBackup(this, 'Backup', {
        name: topo.names.backup,
        identity: topo.identity('backup', { name: 'postgresql', version: spec.images.postgres.tag }),
        image: spec.images.postgres,
        resources: spec.backup.resources,
        host: topo.databaseHost,
        port: topo.databasePort,
        user: p.user,
        passwordSecret: passwordSecret!,
        databases: sqlDatabases,
        schedule: spec.backup.schedule,
        timeZone: spec.backup.timeZone,
        retentionDays: spec.backup.retentionDays,
        storage: spec.backup.storage,
        backoffLimit: spec.backup.backoffLimit,
        activeDeadlineSeconds: spec.backup.activeDeadlineSeconds,
        tls: tls && { sslMode: tls.enableHostVerification ? 'verify-full' : 'require', caSecret: tls.caSecret },
      });
    }
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
