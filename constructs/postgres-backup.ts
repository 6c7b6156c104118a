import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { ComponentIdentity, recommendedLabels } from './labels';
import {
  ImageProps,
  ResourceProps,
  RunAsProps,
  imageRef,
  resourceRequirements,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchVolume,
} from './pod-defaults';
import { WorkloadServiceAccount } from './service-account';

export interface PostgresBackupProps {
  /** Name of the CronJob, its ServiceAccount, scripts ConfigMap and PVC, e.g. `temporal-postgres-backup`. */
  readonly name: string;
  readonly identity: ComponentIdentity;
  /** An image with `pg_dump`, `psql` and bash of the server's major version or newer (the postgres image). */
  readonly image: ImageProps;
  readonly resources: ResourceProps;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly passwordSecret: { readonly name: string; readonly key: string };
  /** Databases dumped on each run, one file each. */
  readonly databases: readonly string[];
  /** @default '15 2 * * *' */
  readonly schedule?: string;
  /** @default 'Etc/UTC' */
  readonly timeZone?: string;
  /** Dumps older than this are deleted after a successful run. @default 7 */
  readonly retentionDays?: number;
  readonly storage: { readonly size: string; /** @default the cluster's default class */ readonly storageClassName?: string };
  /** libpq TLS (`PGSSLMODE`; verify-ca and verify-full need the CA bundle Secret). @default libpq's `prefer` */
  readonly tls?: {
    readonly sslMode: 'require' | 'verify-ca' | 'verify-full';
    readonly caSecret?: { readonly name: string; readonly key: string };
  };
  /** Database to connect to for DROP/CREATE DATABASE during a restore. @default 'postgres' */
  readonly maintenanceDatabase?: string;
  /** @default { user: 999, group: 999 } (the postgres user of the official image) */
  readonly runAs?: RunAsProps;
  /** Failed pods (restartPolicy Never) before a run fails. @default 2 */
  readonly backoffLimit?: number;
  /** Seconds before Kubernetes fails a run, e.g. one stuck on an unreachable database. @default 21600 (6 hours) */
  readonly activeDeadlineSeconds?: number;
}

/** The scripts the CronJob runs (backup) and an operator runs by hand (restore). See docs/operate.md "Backups and restore". */
export const BACKUP_SCRIPT = `#!/bin/bash
# Dumps each database in $DATABASES to $BACKUP_DIR/<db>-<UTC timestamp>.sql.gz, then deletes
# dumps older than $RETENTION_DAYS days. A dump is written under a temporary name and renamed only
# when pg_dump and gzip both succeeded, so a failed run never leaves a truncated file behind.
set -euo pipefail
: "\${BACKUP_DIR:=/backups}" "\${DATABASES:?}" "\${RETENTION_DAYS:?}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
for db in $DATABASES; do
  out="$BACKUP_DIR/$db-$stamp.sql.gz"
  pg_dump --dbname="$db" --format=plain --no-owner --no-privileges | gzip -c > "$out.partial"
  mv "$out.partial" "$out"
  echo "wrote $out ($(wc -c < "$out") bytes)"
done
# Retention: only after every dump of this run succeeded.
find "$BACKUP_DIR" -maxdepth 1 -name '*.sql.gz' -type f -mtime "+$((RETENTION_DAYS - 1))" -print -delete
find "$BACKUP_DIR" -maxdepth 1 -name '*.partial' -type f -mmin +60 -print -delete
`;

export const RESTORE_SCRIPT = `#!/bin/bash
# Usage: restore.sh <timestamp>   (e.g. 20261122T021500Z, from the dump file names)
# Recreates each database in $DATABASES from $BACKUP_DIR/<db>-<timestamp>.sql.gz.
# Stop every Temporal pod first: the databases are dropped, and open connections are terminated.
set -euo pipefail
: "\${BACKUP_DIR:=/backups}" "\${DATABASES:?}" "\${MAINTENANCE_DB:=postgres}"
stamp="\${1:?usage: restore.sh <timestamp>; available: $(ls "$BACKUP_DIR" | sed -n 's/.*-\\([0-9TZ]*\\)\\.sql\\.gz$/\\1/p' | sort -u | tr '\\n' ' ')}"
# Dropping needs ownership, re-creating needs CREATEDB: check before dropping anything.
can_create=$(psql -tA --dbname="$MAINTENANCE_DB" -c "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
[ "$can_create" = t ] || { echo "$PGUSER lacks CREATEDB; run ALTER ROLE \\"$PGUSER\\" CREATEDB first" >&2; exit 1; }
for db in $DATABASES; do
  test -s "$BACKUP_DIR/$db-$stamp.sql.gz" || { echo "missing $BACKUP_DIR/$db-$stamp.sql.gz" >&2; exit 1; }
  gzip -t "$BACKUP_DIR/$db-$stamp.sql.gz"
done
for db in $DATABASES; do
  psql -v ON_ERROR_STOP=1 --dbname="$MAINTENANCE_DB" -c "DROP DATABASE IF EXISTS \\"$db\\" WITH (FORCE)" -c "CREATE DATABASE \\"$db\\""
  gunzip -c "$BACKUP_DIR/$db-$stamp.sql.gz" | psql -v ON_ERROR_STOP=1 --single-transaction --quiet --dbname="$db"
  echo "restored $db from $db-$stamp.sql.gz"
done
`;

/**
 * A CronJob that runs `pg_dump | gzip` of each database onto a PVC and prunes old dumps. Its
 * ConfigMap also carries restore.sh, run with the same pod spec by the restore procedure of docs/operate.md.
 */
export class PostgresBackup extends Construct {
  static readonly BACKUP_DIR = '/backups';
  static readonly SCRIPTS_DIR = '/scripts';
  readonly cronJobName: string;
  readonly claimName: string;

  constructor(scope: Construct, id: string, props: PostgresBackupProps) {
    super(scope, id);
    const labels = recommendedLabels(props.identity);
    this.cronJobName = props.name;
    this.claimName = props.name;
    const scriptsName = `${props.name}-scripts`;
    const scripts = { 'backup.sh': BACKUP_SCRIPT, 'restore.sh': RESTORE_SCRIPT };

    new WorkloadServiceAccount(this, 'ServiceAccount', { name: props.name, labels });
    new k8s.KubeConfigMap(this, 'Scripts', { metadata: { name: scriptsName, labels }, data: scripts });
    new k8s.KubePersistentVolumeClaim(this, 'Storage', {
      metadata: { name: this.claimName, labels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: props.storage.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(props.storage.size) } },
      },
    });

    const ca = props.tls?.caSecret;
    // The postgres image ships no CA certificates, so libpq could verify against nothing.
    if (props.tls?.sslMode.startsWith('verify') && !ca)
      throw new Error(`PostgresBackup ${props.name}: sslMode ${props.tls.sslMode} needs tls.caSecret`);
    // libpq reads the connection from PG* variables, so the scripts carry no connection details.
    const env: k8s.EnvVar[] = [
      { name: 'PGHOST', value: props.host },
      { name: 'PGPORT', value: String(props.port) },
      { name: 'PGUSER', value: props.user },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: props.passwordSecret.name, key: props.passwordSecret.key } } },
      ...(props.tls ? [{ name: 'PGSSLMODE', value: props.tls.sslMode }] : []),
      ...(ca ? [{ name: 'PGSSLROOTCERT', value: '/etc/backup/tls/ca.crt' }] : []),
      { name: 'DATABASES', value: props.databases.join(' ') },
      { name: 'RETENTION_DAYS', value: String(props.retentionDays ?? 7) },
      { name: 'BACKUP_DIR', value: PostgresBackup.BACKUP_DIR },
      { name: 'MAINTENANCE_DB', value: props.maintenanceDatabase ?? 'postgres' },
    ];

    new k8s.KubeCronJob(this, 'CronJob', {
      metadata: { name: props.name, labels },
      spec: {
        schedule: props.schedule ?? '15 2 * * *',
        timeZone: props.timeZone ?? 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: props.backoffLimit ?? 2,
            activeDeadlineSeconds: props.activeDeadlineSeconds ?? 6 * 3600,
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: 'Never',
                serviceAccountName: props.name,
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                securityContext: restrictedPodSecurityContext(props.runAs ?? { user: 999, group: 999 }),
                containers: [
                  {
                    name: 'pg-dump',
                    image: imageRef(props.image),
                    imagePullPolicy: props.image.pullPolicy,
                    command: ['/bin/bash', `${PostgresBackup.SCRIPTS_DIR}/backup.sh`],
                    env,
                    resources: resourceRequirements(props.resources),
                    securityContext: restrictedContainerSecurityContext(),
                    volumeMounts: [
                      { name: 'backups', mountPath: PostgresBackup.BACKUP_DIR },
                      { name: 'scripts', mountPath: PostgresBackup.SCRIPTS_DIR, readOnly: true },
                      { name: 'tmp', mountPath: '/tmp' },
                      ...(ca ? [{ name: 'database-ca', mountPath: '/etc/backup/tls', readOnly: true }] : []),
                    ],
                  },
                ],
                volumes: [
                  { name: 'backups', persistentVolumeClaim: { claimName: this.claimName } },
                  { name: 'scripts', configMap: { name: scriptsName, defaultMode: 0o555 } },
                  scratchVolume('tmp'),
                  ...(ca ? [{ name: 'database-ca', secret: { secretName: ca.name, items: [{ key: ca.key, path: 'ca.crt' }] } }] : []),
                ],
              },
            },
          },
        },
      },
    });
  }
}
