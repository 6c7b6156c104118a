/**
 * How the spec's persistence section becomes Temporal datastores. This is the one place where the
 * three primary-store modes differ:
 *
 * | | inCluster | external | dsql |
 * |---|---|---|---|
 * | server | StatefulSet `temporal-postgres` | `external.host:port` | `external.host:5432` |
 * | plugin | postgres12(_pgx) | postgres12(_pgx) | dsql (custom server image) |
 * | auth | password Secret | password Secret | IAM token as `admin` (ServiceAccount role) |
 * | TLS | off (in-cluster) | `external.tls` | required, host verified |
 * | schema | temporal-sql-tool | temporal-sql-tool | temporal-dsql-tool (custom tools image) |
 * | visibility | SQL or Elasticsearch | SQL or Elasticsearch | Elasticsearch only |
 * | backups | pg_dump CronJob | pg_dump CronJob | AWS Backup (not rendered) |
 */
import type { ElasticsearchStoreProps, SqlStoreProps } from '../constructs/server-config';
import { ElasticsearchCluster } from '../constructs/elasticsearch-cluster';
import type { Spec } from '../config/schema';
import type { Topology } from './topology';

type Pool = Spec['persistence']['pools']['default'];

/** TLS to the database server, as every SQL client here takes it; undefined for plaintext. */
export function databaseTls(spec: Spec): { enableHostVerification: boolean; caSecret?: { name: string; key: string } } | undefined {
  const tls = spec.persistence.external?.tls;
  return tls?.enabled ? { enableHostVerification: tls.enableHostVerification, caSecret: tls.caSecret } : undefined;
}

function sqlStore(spec: Spec, topo: Topology, database: string, pool: Pool): SqlStoreProps {
  const p = spec.persistence;
  const common = {
    kind: 'sql' as const,
    host: topo.databaseHost,
    port: topo.databasePort,
    database,
    maxConns: pool.maxConns,
    maxIdleConns: pool.maxIdleConns,
    maxConnLifetime: pool.maxConnLifetime,
    tls: databaseTls(spec),
  };
  if (p.mode === 'dsql') {
    return {
      ...common,
      pluginName: 'dsql',
      user: 'admin',
      // The plugin signs IAM tokens for this endpoint in this region.
      pluginEnv: { REGION: p.dsql!.region, CLUSTER_ENDPOINT: topo.databaseHost },
    };
  }
  return {
    ...common,
    pluginName: p.pluginName,
    user: p.user,
    password: { name: p.passwordSecret!.name, key: p.passwordSecret!.passwordKey },
  };
}

/** The default (history, tasks, namespaces) store. */
export function defaultStore(spec: Spec, topo: Topology): SqlStoreProps {
  return sqlStore(spec, topo, spec.persistence.defaultDatabase, spec.persistence.pools.default);
}

/** The visibility store: the SQL visibility database or the in-cluster Elasticsearch index. */
export function visibilityStore(spec: Spec, topo: Topology): SqlStoreProps | ElasticsearchStoreProps {
  if (spec.persistence.visibilityStore === 'sql') {
    return sqlStore(spec, topo, spec.persistence.visibilityDatabase, spec.persistence.pools.visibility);
  }
  const es = spec.elasticsearch;
  return {
    kind: 'elasticsearch',
    scheme: 'http',
    hostPort: topo.elasticsearchUrl.replace(/^http:\/\//, ''),
    index: es.index,
    version: 'v8',
    credentials: elasticsearchCredentials(spec),
  };
}

export function elasticsearchCredentials(spec: Spec) {
  const s = spec.elasticsearch.security;
  return s.enabled ? { username: ElasticsearchCluster.USER, password: s.credentialsSecret } : undefined;
}

/** ServiceAccount annotations, or undefined when there are none (no empty `annotations: {}`). */
export function serverAccountAnnotations(spec: Spec): Record<string, string> | undefined {
  const a = spec.temporal.serviceAccountAnnotations;
  return Object.keys(a).length ? a : undefined;
}
