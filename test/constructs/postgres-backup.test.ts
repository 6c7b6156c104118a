/**
 * Rendering, plus restore.sh's guard run against a stub psql; the scripts themselves are exercised
 * against a real PostgreSQL by the integration test.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BACKUP_SCRIPT, PostgresBackup, PostgresBackupProps, RESTORE_SCRIPT } from '../../constructs/postgres-backup';
import { synthChart, testChart } from '../helpers';
import { envOf, identity, ofKind, only, postgresImage, resources } from './fixtures';

const minimal: PostgresBackupProps = {
  name: 'temporal-postgres-backup',
  identity: identity('backup', '16.4'),
  image: postgresImage,
  resources,
  host: 'temporal-postgres.temporal.svc.cluster.local',
  port: 5432,
  user: 'temporal',
  passwordSecret: { name: 'temporal-db', key: 'password' },
  databases: ['temporal', 'temporal_visibility'],
  storage: { size: '20Gi' },
};
const ca = { name: 'db-ca', key: 'root.pem' };

function synth(props: PostgresBackupProps) {
  const chart = testChart();
  const construct = new PostgresBackup(chart, 'Backup', props);
  const objects = synthChart(chart);
  const cronJob = only(objects, 'CronJob');
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  return { construct, objects, cronJob, pod, container: pod.containers[0] };
}

describe('PostgresBackup', () => {
  test('minimal props: daily at 02:15 UTC, 7 days retention, uid 999, no TLS, default storage class', () => {
    const { construct, objects, cronJob, pod, container } = synth(minimal);
    expect(construct.cronJobName).toBe('temporal-postgres-backup');
    expect(construct.claimName).toBe('temporal-postgres-backup');
    expect(cronJob.metadata.name).toBe('temporal-postgres-backup');
    expect(cronJob.spec).toMatchObject({ schedule: '15 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999 });
    expect(envOf(container)).toEqual({
      PGHOST: 'temporal-postgres.temporal.svc.cluster.local',
      PGPORT: '5432',
      PGUSER: 'temporal',
      PGPASSWORD: { secretKeyRef: { name: 'temporal-db', key: 'password' } },
      DATABASES: 'temporal temporal_visibility',
      RETENTION_DAYS: '7',
      BACKUP_DIR: '/backups',
      MAINTENANCE_DB: 'postgres',
    });
    const pvc = only(objects, 'PersistentVolumeClaim');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } });
    expect(container.image).toBe('postgres:16.4');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['backups', 'scripts', 'tmp']);
  });

  test('all props: every prop shows up', () => {
    const all: Required<PostgresBackupProps> = {
      name: 'pg-backup',
      identity: identity('backup', '16.6'),
      image: { repository: 'mirror/postgres', tag: '16.6', pullPolicy: 'Always' },
      resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      host: 'db.example',
      port: 6432,
      user: 'backup',
      passwordSecret: { name: 'pg-credentials', key: 'pw' },
      databases: ['main'],
      schedule: '0 */6 * * *',
      timeZone: 'Europe/Berlin',
      retentionDays: 30,
      storage: { size: '200Gi', storageClassName: 'cold' },
      tls: { sslMode: 'verify-full', caSecret: ca },
      maintenanceDatabase: 'template1',
      runAs: { user: 70, group: 71, fsGroup: 72 },
      backoffLimit: 4,
      activeDeadlineSeconds: 3600,
    };
    const { construct, objects, cronJob, pod, container } = synth(all);
    expect(construct.cronJobName).toBe('pg-backup');
    expect(cronJob.metadata.labels).toHaveProperty(['app.kubernetes.io/version'], '16.6');
    expect(cronJob.spec).toMatchObject({ schedule: '0 */6 * * *', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid' });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 4, activeDeadlineSeconds: 3600 });
    expect(container).toMatchObject({ image: 'mirror/postgres:16.6', imagePullPolicy: 'Always' });
    expect(container.resources).toEqual({ requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(envOf(container)).toEqual({
      PGHOST: 'db.example',
      PGPORT: '6432',
      PGUSER: 'backup',
      PGPASSWORD: { secretKeyRef: { name: 'pg-credentials', key: 'pw' } },
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: '/etc/backup/tls/ca.crt',
      DATABASES: 'main',
      RETENTION_DAYS: '30',
      BACKUP_DIR: '/backups',
      MAINTENANCE_DB: 'template1',
    });
    const pvc = only(objects, 'PersistentVolumeClaim');
    expect(pvc.metadata.name).toBe('pg-backup');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'cold', resources: { requests: { storage: '200Gi' } } });
    expect(pod.volumes).toContainEqual({
      name: 'database-ca',
      secret: { secretName: 'db-ca', items: [{ key: 'root.pem', path: 'ca.crt' }] },
    });
    expect(pod.securityContext).toMatchObject({ runAsUser: 70, runAsGroup: 71, fsGroup: 72 });
    expect(only(objects, 'ServiceAccount').metadata.name).toBe('pg-backup');
    expect(only(objects, 'ConfigMap').metadata.name).toBe('pg-backup-scripts');
  });

  test('the CronJob never overlaps and keeps a short history', () => {
    const { cronJob, pod } = synth(minimal);
    expect(cronJob.apiVersion).toBe('batch/v1');
    expect(cronJob.spec).toMatchObject({
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 21600 });
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.serviceAccountName).toBe('temporal-postgres-backup');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
  });

  test('the container runs /scripts/backup.sh from the scripts ConfigMap', () => {
    const { pod, container } = synth(minimal);
    expect(pod.containers).toHaveLength(1);
    expect(container.name).toBe('pg-dump');
    expect(container.command).toEqual(['/bin/bash', '/scripts/backup.sh']);
    expect(container.volumeMounts).toContainEqual({ name: 'scripts', mountPath: '/scripts', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'scripts', configMap: { name: 'temporal-postgres-backup-scripts', defaultMode: 0o555 } });
    expect(PostgresBackup.SCRIPTS_DIR).toBe('/scripts');
  });

  test('the ConfigMap carries backup.sh and restore.sh exactly as exported', () => {
    const { objects } = synth(minimal);
    const cm = only(objects, 'ConfigMap');
    expect(cm.metadata.name).toBe('temporal-postgres-backup-scripts');
    expect(Object.keys(cm.data).sort()).toEqual(['backup.sh', 'restore.sh']);
    expect(cm.data['backup.sh']).toBe(BACKUP_SCRIPT);
    expect(cm.data['restore.sh']).toBe(RESTORE_SCRIPT);
    expect(BACKUP_SCRIPT.startsWith('#!/bin/bash\n')).toBe(true);
    expect(RESTORE_SCRIPT.startsWith('#!/bin/bash\n')).toBe(true);
  });

  test('the env names the scripts read are all set by the container', () => {
    const { container } = synth(minimal);
    const env = envOf(container);
    for (const name of ['DATABASES', 'RETENTION_DAYS', 'BACKUP_DIR']) {
      expect(BACKUP_SCRIPT).toContain(`\${${name}`);
      expect(env).toHaveProperty([name]);
    }
    for (const name of ['DATABASES', 'BACKUP_DIR', 'MAINTENANCE_DB']) {
      expect(RESTORE_SCRIPT).toContain(`\${${name}`);
      expect(env).toHaveProperty([name]);
    }
    expect(env.PGPASSWORD).toEqual({ secretKeyRef: { name: 'temporal-db', key: 'password' } });
    expect((container.env as any[]).find((e) => e.name === 'PGPASSWORD')).not.toHaveProperty('value');
  });

  test('the backups volume is the PVC, mounted at BACKUP_DIR', () => {
    const { construct, objects, pod, container } = synth(minimal);
    const pvc = only(objects, 'PersistentVolumeClaim');
    const backups = pod.volumes.find((v: any) => v.name === 'backups');
    expect(backups).toEqual({ name: 'backups', persistentVolumeClaim: { claimName: 'temporal-postgres-backup' } });
    expect(backups.persistentVolumeClaim.claimName).toBe(pvc.metadata.name);
    expect(construct.claimName).toBe(pvc.metadata.name);
    expect(container.volumeMounts).toContainEqual({ name: 'backups', mountPath: '/backups' });
    expect(envOf(container).BACKUP_DIR).toBe(PostgresBackup.BACKUP_DIR);
    // Every mount refers to a volume of the pod.
    const volumes = new Set(pod.volumes.map((v: any) => v.name));
    for (const m of container.volumeMounts) expect(volumes.has(m.name)).toBe(true);
  });

  describe('TLS', () => {
    test('verify-full with a CA Secret: PGSSLMODE and PGSSLROOTCERT pointing at the mounted file', () => {
      const { pod, container } = synth({ ...minimal, tls: { sslMode: 'verify-full', caSecret: ca } });
      const env = envOf(container);
      expect(env.PGSSLMODE).toBe('verify-full');
      expect(env.PGSSLROOTCERT).toBe('/etc/backup/tls/ca.crt');
      const mount = container.volumeMounts.find((m: any) => m.name === 'database-ca');
      expect(mount).toEqual({ name: 'database-ca', mountPath: '/etc/backup/tls', readOnly: true });
      const volume = pod.volumes.find((v: any) => v.name === 'database-ca');
      expect(volume).toEqual({ name: 'database-ca', secret: { secretName: 'db-ca', items: [{ key: 'root.pem', path: 'ca.crt' }] } });
      // The env path is the mount path plus the item's path.
      expect(env.PGSSLROOTCERT).toBe(`${mount.mountPath}/${volume.secret.items[0].path}`);
    });

    // The postgres image ships no CA bundle, so "system" roots would verify against nothing.
    test.each(['verify-full', 'verify-ca'] as const)('%s without a caSecret throws', (sslMode) => {
      expect(() => synth({ ...minimal, tls: { sslMode } })).toThrow(
        `PostgresBackup temporal-postgres-backup: sslMode ${sslMode} needs tls.caSecret`,
      );
    });

    test('verify-ca with a CA Secret: the CA is mounted and PGSSLROOTCERT points at it', () => {
      const { pod, container } = synth({ ...minimal, tls: { sslMode: 'verify-ca', caSecret: ca } });
      expect(envOf(container)).toMatchObject({ PGSSLMODE: 'verify-ca', PGSSLROOTCERT: '/etc/backup/tls/ca.crt' });
      expect(pod.volumes).toContainEqual({
        name: 'database-ca',
        secret: { secretName: 'db-ca', items: [{ key: 'root.pem', path: 'ca.crt' }] },
      });
    });

    test('PGSSLROOTCERT is never "system"', () => {
      for (const tls of [
        { sslMode: 'require' as const },
        { sslMode: 'require' as const, caSecret: ca },
        { sslMode: 'verify-full' as const, caSecret: ca },
      ]) {
        expect(envOf(synth({ ...minimal, tls }).container).PGSSLROOTCERT).not.toBe('system');
      }
    });

    test('require: PGSSLMODE only, no root certificate', () => {
      const { pod, container } = synth({ ...minimal, tls: { sslMode: 'require' } });
      expect(envOf(container).PGSSLMODE).toBe('require');
      expect(envOf(container)).not.toHaveProperty('PGSSLROOTCERT');
      expect(pod.volumes.map((v: any) => v.name)).toEqual(['backups', 'scripts', 'tmp']);
    });

    test('no tls: neither PGSSLMODE nor PGSSLROOTCERT', () => {
      const { container } = synth(minimal);
      expect(envOf(container)).not.toHaveProperty('PGSSLMODE');
      expect(envOf(container)).not.toHaveProperty('PGSSLROOTCERT');
    });
  });

  describe('restore.sh checks CREATEDB before dropping anything', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-restore-'));
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.mkdirSync(path.join(dir, 'backups'));
      // Logs each call; answers the privilege query with $CAN_CREATE; swallows piped dumps.
      fs.writeFileSync(
        path.join(dir, 'bin', 'psql'),
        [
          '#!/bin/bash',
          'echo "$*" >> "$PSQL_LOG"',
          'case "$*" in *rolcreatedb*) echo "$CAN_CREATE";; *" -c "*) ;; *) cat > /dev/null;; esac',
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
      fs.writeFileSync(path.join(dir, 'restore.sh'), RESTORE_SCRIPT);
      for (const db of ['temporal', 'temporal_visibility']) {
        spawnSync('/bin/bash', ['-c', `echo "-- ${db}" | gzip -c > "${dir}/backups/${db}-20261122T021500Z.sql.gz"`]);
      }
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const restore = (canCreate: string) => {
      const log = path.join(dir, 'psql.log');
      const r = spawnSync('/bin/bash', [path.join(dir, 'restore.sh'), '20261122T021500Z'], {
        encoding: 'utf8',
        env: {
          PATH: `${dir}/bin:/usr/bin:/bin`,
          PSQL_LOG: log,
          CAN_CREATE: canCreate,
          PGUSER: 'temporal',
          BACKUP_DIR: `${dir}/backups`,
          DATABASES: 'temporal temporal_visibility',
          MAINTENANCE_DB: 'postgres',
        },
      });
      const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
      return { ...r, calls };
    };

    test('without CREATEDB: exits 1 after the privilege query, before any DROP DATABASE', () => {
      const r = restore('f');
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^temporal lacks CREATEDB; run ALTER ROLE "?temporal"? CREATEDB first\n$/);
      expect(r.calls).toEqual(['-tA --dbname=postgres -c SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user']);
      expect(r.calls.join('\n')).not.toContain('DROP DATABASE');
    });

    test('with CREATEDB: drops, re-creates and loads each database in order', () => {
      const r = restore('t');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.calls).toEqual([
        '-tA --dbname=postgres -c SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user',
        '-v ON_ERROR_STOP=1 --dbname=postgres -c DROP DATABASE IF EXISTS "temporal" WITH (FORCE) -c CREATE DATABASE "temporal"',
        '-v ON_ERROR_STOP=1 --single-transaction --quiet --dbname=temporal',
        '-v ON_ERROR_STOP=1 --dbname=postgres -c DROP DATABASE IF EXISTS "temporal_visibility" WITH (FORCE) -c CREATE DATABASE "temporal_visibility"',
        '-v ON_ERROR_STOP=1 --single-transaction --quiet --dbname=temporal_visibility',
      ]);
      expect(r.stdout).toContain('restored temporal_visibility from temporal_visibility-20261122T021500Z.sql.gz');
    });

    // BUG (constructs/postgres-backup.ts): the hint is written `\"$PGUSER\"` inside the template
    // literal, which renders as bare `"` and ends the echo string, so the role name is printed
    // unquoted (a wrong hint for a role such as temporal-app). Fix: `\\"$PGUSER\\"`.
    test('without CREATEDB: the hint quotes the role name', () => {
      expect(restore('f').stderr).toContain('run ALTER ROLE "temporal" CREATEDB first');
    });

    test('the check comes before the first DROP in the script text', () => {
      const check = RESTORE_SCRIPT.indexOf('rolcreatedb OR rolsuper');
      expect(check).toBeGreaterThan(0);
      expect(check).toBeLessThan(RESTORE_SCRIPT.indexOf('DROP DATABASE'));
    });
  });

  test('restricted security context with uid 999 and a read-only root filesystem', () => {
    const { pod, container } = synth({ ...minimal, tls: { sslMode: 'verify-full', caSecret: ca } });
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
  });

  test('every object carries the recommended labels; the CronJob, its Job and pod share them', () => {
    const { objects, cronJob } = synth(minimal);
    expect(ofKind(objects, 'CronJob')).toHaveLength(1);
    for (const o of objects)
      expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'backup', 'app.kubernetes.io/instance': 'temporal-test' });
    expect(cronJob.spec.jobTemplate.metadata.labels).toEqual(cronJob.metadata.labels);
    expect(cronJob.spec.jobTemplate.spec.template.metadata.labels).toEqual(cronJob.metadata.labels);
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'CronJob', 'PersistentVolumeClaim', 'ServiceAccount']);
  });
});
