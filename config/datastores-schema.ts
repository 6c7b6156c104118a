/**
 * Spec sections for where Temporal keeps its data: the primary SQL store (in-cluster PostgreSQL,
 * an external PostgreSQL, or Aurora DSQL), visibility (SQL or Elasticsearch), backups and archival.
 * Cross-field rules live in `checkDatastores`, called from the spec's superRefine.
 */
import { z } from 'zod';
import { cronProblem, isTimeZone } from './cron';
import { cidr, deadlineSeconds, dnsLabel as name, goDuration, port, positiveInt, resourcesSchema, storageSchema } from './primitives';

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

const host = z.string().refine((h) => HOSTNAME.test(h) || IPV4.test(h), 'must be a DNS name such as "db.example.com" or an IPv4 address');
const sqlIdentifier = z
  .string()
  .max(63, 'must be at most 63 characters (a PostgreSQL identifier)')
  .regex(/^[a-z_][a-z0-9_]*$/, 'must be a PostgreSQL identifier');
const MAX_ELASTICSEARCH_NODES = 99;
const secretKeyRef = z.strictObject({
  name: name.describe('Name of the Secret.'),
  key: z.string().min(1).describe('Key in the Secret that holds the value.'),
});

export const poolSchema = z
  .strictObject({
    maxConns: positiveInt.describe('Most connections the pool opens, per Temporal pod.'),
    maxIdleConns: positiveInt.describe('Most idle connections the pool keeps open; at most maxConns.'),
    maxConnLifetime: goDuration.describe('Go duration after which a connection is closed and replaced, e.g. "1h".'),
  })
  .superRefine((p, ctx) => {
    if (p.maxIdleConns > p.maxConns) {
      ctx.addIssue({ code: 'custom', path: ['maxIdleConns'], message: `must be ≤ maxConns (${p.maxConns})` });
    }
  });

export const externalDatabaseSchema = z.strictObject({
  host: host.describe('DNS name or IPv4 address of the database; with DSQL the endpoint "<cluster-id>.dsql.<region>.on.aws".'),
  port: port.describe('Port of the database.'),
  egressCidrs: z
    .array(cidr)
    .min(1, 'list at least one CIDR that contains the database')
    .max(100, 'must list at most 100 CIDRs')
    .describe('Where the database lives, for NetworkPolicy egress (e.g. the VPC subnets of RDS).'),
  tls: z
    .strictObject({
      enabled: z.boolean().describe('Connect to the database over TLS (server, schema Job and backups); DSQL requires it.'),
      caSecret: secretKeyRef
        .nullable()
        .optional()
        .transform((c) => c ?? undefined)
        .describe("Secret (name, key) with the CA bundle that signed the server certificate; the image's system CAs when absent."),
      enableHostVerification: z
        .boolean()
        .describe('Check that the certificate names host (libpq verify-full); Temporal has no separate server name.'),
    })
    .describe('TLS to the database.'),
});

export const dsqlSchema = z.strictObject({
  region: z
    .string({ error: 'is required: the AWS region of the DSQL cluster, e.g. "us-east-1"' })
    .regex(AWS_REGION, 'must be an AWS region such as "us-east-1"')
    .describe('AWS region of the DSQL cluster, e.g. "us-east-1"; the plugin and the schema tool sign IAM tokens for it.'),
  schemaName: z
    .string()
    .regex(/^[a-z0-9]+(\/[a-z0-9]+)+$/, 'must be an embedded schema name such as "dsql/v12/temporal"')
    .default('dsql/v12/temporal')
    .describe('Embedded schema temporal-dsql-tool applies; builds differ ("dsql/v12/temporal", later "dsql/temporal"): see its --help.'),
  schemaVersion: z
    .string()
    .regex(/^\d+\.\d+$/, 'must be a schema version such as "1.12"')
    .default('1.12')
    .describe('Schema version the schema Job sets up or updates to (the tool\'s --version), e.g. "1.12".'),
});

export const persistenceSchema = z.strictObject({
  mode: z
    .enum(['inCluster', 'external', 'dsql'])
    .describe('inCluster: the PostgreSQL StatefulSet rendered here; external: a PostgreSQL you run; dsql: Aurora DSQL at external.host.'),
  pluginName: z
    .enum(['postgres12', 'postgres12_pgx', 'dsql'])
    .describe("Temporal's SQL plugin: postgres12 or postgres12_pgx for PostgreSQL; dsql with mode dsql and a server image that has it."),
  visibilityStore: z
    .enum(['sql', 'elasticsearch'])
    .describe('Where workflow visibility records live: the SQL database or Elasticsearch (always Elasticsearch with dsql).'),
  defaultDatabase: sqlIdentifier.describe('Database of the default store (histories, tasks, namespaces); "postgres" with DSQL.'),
  visibilityDatabase: sqlIdentifier.describe('Database of the SQL visibility store; only used when visibilityStore is sql.'),
  user: sqlIdentifier.describe(
    'User Temporal, the schema Job and backups connect as (the in-cluster PostgreSQL\'s superuser); "admin" with DSQL.',
  ),
  passwordSecret: z
    .strictObject({
      name: name.describe('Name of the Secret.'),
      passwordKey: z.string().min(1).describe('Key of the password in the Secret.'),
      generate: z.boolean().describe('Render a deterministic Secret instead of referencing a pre-existing one; development only.'),
    })
    .nullable()
    .optional()
    .transform((s) => s ?? undefined)
    .describe('Secret holding the database password; required except with DSQL, where it must be null (IAM authentication).'),
  pools: z
    .strictObject({
      default: poolSchema.describe('Pool of the default store.'),
      visibility: poolSchema.describe('Pool of the SQL visibility store; only used when visibilityStore is sql.'),
    })
    .describe('Connection pools; every Temporal pod opens one per SQL store.'),
  external: externalDatabaseSchema
    .optional()
    .describe('The database Temporal reaches over the network; required with mode external or dsql, absent with inCluster.'),
  dsql: dsqlSchema.optional().describe('Aurora DSQL settings (IAM authentication, schema); required with mode dsql only.'),
});

export const elasticsearchSchema = z.strictObject({
  enabled: z.boolean().describe('Render Elasticsearch; must be true exactly when persistence.visibilityStore is elasticsearch.'),
  replicas: z
    .number()
    .int('must be a whole number')
    .refine((n) => n === 1 || (n >= 3 && n % 2 === 1), 'must be 1 or an odd number ≥ 3 (a master quorum)')
    .refine(
      (n) => n <= MAX_ELASTICSEARCH_NODES,
      `must be at most ${MAX_ELASTICSEARCH_NODES} (every node is listed in cluster.initial_master_nodes)`,
    )
    .describe('Nodes, each master-eligible and data: 1 (single-node discovery) or an odd number from 3 to 99.'),
  resources: resourcesSchema.describe('Requests and limits of each node; the memory limit sizes the JVM heap (heapPercent).'),
  heapPercent: z
    .number()
    .int()
    .min(25)
    .max(75)
    .describe('JVM heap as a percentage of the memory limit, 25–75 (Elastic advises at most 50).'),
  storage: storageSchema.describe('Data volume of each node (a claim template of the StatefulSet).'),
  index: z
    .string()
    .max(255, 'must be at most 255 characters')
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a lower-case Elasticsearch index name')
    .describe('The visibility index Temporal writes (indices.visibility); the index Job creates it.'),
  security: z
    .strictObject({
      enabled: z.boolean().describe('xpack security: clients log in as the elastic user; required in production.'),
      credentialsSecret: secretKeyRef.describe(
        "Secret (name, key) with the elastic user's password; the nodes, Temporal and the Jobs read it.",
      ),
      transportTlsSecret: name
        .nullable()
        .optional()
        .transform((n) => n ?? undefined)
        .describe(
          'Secret (tls.crt, tls.key, ca.crt) for node-to-node TLS, required with security and more than one node; ' +
            'cert-manager issues it when tls.enabled.',
        ),
    })
    .describe('Authentication and node-to-node TLS of Elasticsearch.'),
});

export const backupSchema = z.strictObject({
  enabled: z.boolean().describe('Render the pg_dump CronJob; must be false with DSQL (use AWS Backup).'),
  schedule: z
    .string()
    .superRefine((s, ctx) => {
      const problem = cronProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (e.g. "15 2 * * *" or "@daily")` });
    })
    .describe('Cron schedule in timeZone: five fields ("15 2 * * *") or a macro such as "@daily".'),
  timeZone: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as "Etc/UTC" or "Europe/Berlin"')
    .describe('IANA time zone of the schedule, e.g. "Etc/UTC" or "Europe/Berlin".'),
  retentionDays: positiveInt.describe('Dumps older than this many days are deleted after each successful run.'),
  storage: storageSchema.describe('The ReadWriteOnce volume the dumps are written to.'),
  resources: resourcesSchema.describe('Requests and limits of the pg_dump container.'),
  backoffLimit: z.number().int().min(0).describe('Failed pods before a run fails.'),
  activeDeadlineSeconds: deadlineSeconds.describe(
    'Bound on one run in seconds, so a dump stuck on an unreachable database fails instead of blocking the next ones.',
  ),
});

const archivalTarget = z.strictObject({
  state: z
    .enum(['enabled', 'disabled'])
    .describe('Whether this archival is on: enabled needs a uri and archival.provider; disabled allows no uri and no enableRead.'),
  enableRead: z.boolean().describe('Let the frontend read archived data back; false while disabled.'),
  uri: z
    .string()
    .optional()
    .describe('Namespace-default URI, "file:///…" below the mount path (filestore) or "s3://bucket/prefix" (s3store).'),
});

export const archivalSchema = z.strictObject({
  history: archivalTarget.describe('History archival: the event histories of closed workflows.'),
  visibility: archivalTarget.describe('Visibility archival: the visibility records of closed workflows.'),
  provider: z
    .discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('filestore').describe('filestore: a PersistentVolumeClaim (temporal-archival) mounted in every server pod.'),
        mountPath: z.string().startsWith('/').describe('Where the archive volume is mounted in the server pods; URIs must point below it.'),
        storage: storageSchema.describe('Size and class of the archive volume.'),
        accessMode: z
          .enum(['ReadWriteOnce', 'ReadWriteMany'])
          .describe('Access mode of the claim; ReadWriteOnce only works while all server pods share a node (single-node clusters).'),
      }),
      z.strictObject({
        type: z
          .literal('s3store')
          .describe('s3store: an S3 bucket; the server pods need access to it, e.g. an IAM role in serviceAccountAnnotations.'),
        region: z.string().regex(AWS_REGION, 'must be an AWS region such as "us-east-1"').describe('AWS region of the bucket.'),
        endpoint: z.string().url().optional().describe('S3-compatible endpoint (MinIO, …); AWS S3 when absent.'),
        s3ForcePathStyle: z.boolean().describe('Address the bucket in the URL path instead of the host name (most S3-compatible stores).'),
      }),
    ])
    .nullable()
    .optional()
    .transform((p) => p ?? undefined)
    .describe('Where archives go; required when either target is enabled, absent (or null) otherwise.'),
});

type Ctx = z.RefinementCtx;
type Persistence = z.output<typeof persistenceSchema>;
type Archival = z.output<typeof archivalSchema>;

const STOCK_SERVER_IMAGE = 'temporalio/server';
const STOCK_TOOLS_IMAGE = 'temporalio/admin-tools';

export interface DatastoreRuleInput {
  readonly environment: string;
  readonly persistence: Persistence;
  readonly elasticsearch: { enabled: boolean; replicas: number; security: { enabled: boolean; transportTlsSecret?: string } };
  readonly backup: { enabled: boolean };
  readonly archival: Archival;
  readonly images: { server: { repository: string }; adminTools: { repository: string } };
}

/** Rules that span fields: which mode needs which block, DSQL's differences, archival's all-or-nothing. */
export function checkDatastores(spec: DatastoreRuleInput, ctx: Ctx): void {
  const p = spec.persistence;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

  if (p.mode === 'inCluster' && (p.external || p.dsql)) {
    issue(
      ['persistence', p.external ? 'external' : 'dsql'],
      'is only used with mode "external" or "dsql"; remove it or change persistence.mode',
    );
  }
  if (p.mode !== 'inCluster' && !p.external) {
    issue(['persistence', 'external'], `is required with mode "${p.mode}": set host, port, egressCidrs and tls of the database`);
  }
  if (p.mode !== 'dsql' && p.dsql) issue(['persistence', 'dsql'], 'is only used with mode "dsql"; remove it or set persistence.mode: dsql');
  if ((p.mode === 'dsql') !== (p.pluginName === 'dsql')) {
    issue(
      ['persistence', 'pluginName'],
      p.mode === 'dsql'
        ? 'must be "dsql" with mode "dsql"'
        : '"dsql" needs persistence.mode: dsql (and a server image with the DSQL plugin)',
    );
  }

  if (p.mode === 'dsql') {
    if (!p.dsql) issue(['persistence', 'dsql', 'region'], 'is required with mode "dsql": the AWS region of the cluster, e.g. "us-east-1"');
    if (p.passwordSecret) issue(['persistence', 'passwordSecret'], 'must be null with mode "dsql": DSQL uses IAM tokens, not a password');
    if (p.user !== 'admin') issue(['persistence', 'user'], 'must be "admin" with mode "dsql" (the DSQL plugin always connects as admin)');
    if (p.defaultDatabase !== 'postgres')
      issue(['persistence', 'defaultDatabase'], 'must be "postgres" with mode "dsql" (DSQL has one database, "postgres")');
    if (p.visibilityStore !== 'elasticsearch')
      issue(
        ['persistence', 'visibilityStore'],
        'must be "elasticsearch" with mode "dsql": the DSQL plugin does not implement SQL visibility',
      );
    if (p.external && !p.external.tls.enabled)
      issue(['persistence', 'external', 'tls', 'enabled'], 'must be true: DSQL only accepts TLS connections');
    if (p.external && p.dsql && !p.external.host.endsWith(`.dsql.${p.dsql.region}.on.aws`)) {
      issue(['persistence', 'external', 'host'], `must be the cluster endpoint "<cluster-id>.dsql.${p.dsql.region}.on.aws"`);
    }
    if (spec.images.server.repository === STOCK_SERVER_IMAGE) {
      issue(['images', 'server', 'repository'], `${STOCK_SERVER_IMAGE} has no DSQL plugin; use your server image built with it`);
    }
    if (spec.images.adminTools.repository === STOCK_TOOLS_IMAGE) {
      issue(['images', 'adminTools', 'repository'], `${STOCK_TOOLS_IMAGE} has no temporal-dsql-tool; use your tools image built with it`);
    }
    if (spec.backup.enabled)
      issue(['backup', 'enabled'], 'must be false with mode "dsql": pg_dump does not support DSQL; use AWS Backup for the cluster');
  } else if (!p.passwordSecret) {
    issue(['persistence', 'passwordSecret'], `is required with mode "${p.mode}": name the Secret (and key) holding the database password`);
  }
  if (
    spec.backup.enabled &&
    p.mode === 'external' &&
    p.external?.tls.enabled &&
    p.external.tls.enableHostVerification &&
    !p.external.tls.caSecret
  ) {
    issue(
      ['persistence', 'external', 'tls', 'caSecret'],
      'is required for backups with host verification: the postgres image used by pg_dump has no CA certificates',
    );
  }
  if (p.passwordSecret?.generate && spec.environment !== 'development') {
    issue(
      ['persistence', 'passwordSecret', 'generate'],
      'generated secrets are only allowed in development; set false and create the Secret named in passwordSecret.name before applying',
    );
  }

  if (p.visibilityStore === 'elasticsearch' && !spec.elasticsearch.enabled) {
    issue(['elasticsearch', 'enabled'], 'must be true while persistence.visibilityStore is "elasticsearch"');
  }
  if (p.visibilityStore === 'sql' && spec.elasticsearch.enabled) {
    issue(
      ['elasticsearch', 'enabled'],
      'Elasticsearch would run unused: set persistence.visibilityStore: elasticsearch, or enabled: false',
    );
  }
  const es = spec.elasticsearch;
  if (es.enabled && es.security.enabled && es.replicas > 1 && !es.security.transportTlsSecret) {
    issue(
      ['elasticsearch', 'security', 'transportTlsSecret'],
      'is required: Elasticsearch refuses to form a multi-node cluster with security on but no transport TLS; name a Secret with tls.crt, tls.key and ca.crt',
    );
  }
  if (es.enabled && !es.security.enabled && spec.environment === 'production') {
    issue(
      ['elasticsearch', 'security', 'enabled'],
      'must be true in production (anyone in the cluster network could read or delete visibility data)',
    );
  }

  const a = spec.archival;
  for (const target of ['history', 'visibility'] as const) {
    const t = a[target];
    const path = ['archival', target];
    if (t.state === 'enabled') {
      if (!t.uri)
        issue(
          [...path, 'uri'],
          `is required when ${target} archival is enabled (the namespace-default URI, e.g. ${a.provider?.type === 's3store' ? '"s3://my-bucket/temporal"' : '"file:///archival/history"'})`,
        );
      if (!a.provider) issue(['archival', 'provider'], `is required when ${target} archival is enabled: filestore or s3store`);
      if (t.uri && a.provider?.type === 'filestore' && !t.uri.startsWith(`file://${a.provider.mountPath.replace(/\/$/, '')}/`)) {
        issue(
          [...path, 'uri'],
          `must be a file:// URI below the archive volume, e.g. "file://${a.provider.mountPath.replace(/\/$/, '')}/${target}"`,
        );
      }
      if (t.uri && a.provider?.type === 's3store' && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(t.uri)) {
        issue([...path, 'uri'], 'must be an s3:// URI such as "s3://my-bucket/temporal/history"');
      }
    } else {
      if (t.uri)
        issue([...path, 'uri'], `must be absent while ${target} archival is disabled (the server rejects a disabled archival with a URI)`);
      if (t.enableRead) issue([...path, 'enableRead'], `must be false while ${target} archival is disabled`);
    }
  }
  if (a.provider && a.history.state === 'disabled' && a.visibility.state === 'disabled') {
    issue(['archival', 'provider'], 'is set but archival is disabled; enable history or visibility archival, or set provider: null');
  }
}
