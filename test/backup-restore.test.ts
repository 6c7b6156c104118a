/**
 * Integration test: the backup CronJob's backup.sh and the restore.sh of docs/operate.md, run against a real,
 * throw-away PostgreSQL server with the environment the staging fixture profile renders. The scripts and
 * the env come from the synthesized ConfigMap and CronJob, so this breaks if either drifts; only the
 * connection (host, port, password) and BACKUP_DIR are replaced with the local test values.
 *
 * Needs PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin, Debian's `postgresql`
 * package). Without them the suite is skipped, unless REQUIRE_POSTGRES_TESTS=1 (CI), where it fails.
 * As root (CI), the server and the scripts run as the `postgres` system user: initdb refuses root,
 * and the CronJob's container is not root either.
 */
import { ChildProcess, SpawnSyncReturns, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { FX, find, synthesized } from './helpers';

const PROFILE = FX.staging;
const CRONJOB = 'temporal-postgres-backup';
const SCRIPTS_CONFIGMAP = 'temporal-postgres-backup-scripts';
const PG_ROOT = '/usr/lib/postgresql';
const PASSWORD = 'backup-test-Pa55:word';
const DAY_MS = 24 * 3600 * 1000;
const HOUR_MS = 3600 * 1000;

/** The newest /usr/lib/postgresql/<version>/bin that has the server binaries. */
function findPgBindir(): string | undefined {
  if (!fs.existsSync(PG_ROOT)) return undefined;
  return fs
    .readdirSync(PG_ROOT)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => parseFloat(b) - parseFloat(a))
    .map((v) => path.join(PG_ROOT, v, 'bin'))
    .find((bin) => ['initdb', 'pg_ctl', 'postgres', 'psql', 'pg_dump'].every((b) => fs.existsSync(path.join(bin, b))));
}

const bindir = findPgBindir();
const INSTALL_HINT =
  `PostgreSQL server binaries not found (${PG_ROOT}/*/bin/initdb): the backup/restore integration test needs them. ` +
  'Install them with `apt-get install -y postgresql` (Debian/Ubuntu).';

if (!bindir) {
  if (process.env.REQUIRE_POSTGRES_TESTS === '1') {
    test('PostgreSQL server binaries are installed (REQUIRE_POSTGRES_TESTS=1)', () => {
      throw new Error(INSTALL_HINT);
    });
  } else {
    console.warn(`${INSTALL_HINT} Skipping test/backup-restore.test.ts; set REQUIRE_POSTGRES_TESTS=1 to make this a failure.`);
  }
}

type EnvVar = { name: string; value?: string; valueFrom?: unknown };

/** The scripts and the backup container's env, exactly as the staging fixture renders them. */
function renderedBackup() {
  const { objects } = synthesized(PROFILE);
  const cronJob = find(objects, 'CronJob', CRONJOB);
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  expect(pod.containers).toHaveLength(1);
  const container = pod.containers[0];
  const scripts: Record<string, string> = find(objects, 'ConfigMap', SCRIPTS_CONFIGMAP).data;

  // The command runs a key of the scripts ConfigMap, through its volume's mount.
  const scriptsVolume = pod.volumes.find((v: any) => v.configMap?.name === SCRIPTS_CONFIGMAP);
  const scriptsMount = container.volumeMounts.find((m: any) => m.name === scriptsVolume?.name);
  expect(scriptsMount).toBeDefined();
  expect(container.command).toHaveLength(2);
  expect(container.command[0]).toBe('/bin/bash');
  expect(path.posix.dirname(container.command[1])).toBe(scriptsMount.mountPath);
  const backupKey = path.posix.basename(container.command[1]);
  expect(Object.keys(scripts).sort()).toEqual([backupKey, 'restore.sh'].sort());

  const env: EnvVar[] = container.env;
  const byName = new Map(env.map((e) => [e.name, e]));
  for (const name of ['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'DATABASES', 'RETENTION_DAYS', 'BACKUP_DIR', 'MAINTENANCE_DB']) {
    expect(byName.has(name)).toBe(true);
  }
  expect(byName.get('PGPASSWORD')!.valueFrom).toMatchObject({ secretKeyRef: expect.any(Object) });
  for (const e of env) {
    // The test can only provide literal values; PGPASSWORD is replaced by the test's password.
    if (e.name !== 'PGPASSWORD' && e.value === undefined)
      throw new Error(`env ${e.name} is not a literal value; teach this test how to provide it`);
  }
  // BACKUP_DIR is where the PVC is mounted.
  const backupsVolume = pod.volumes.find((v: any) => v.persistentVolumeClaim);
  expect(container.volumeMounts.find((m: any) => m.name === backupsVolume?.name)?.mountPath).toBe(byName.get('BACKUP_DIR')!.value);
  // Every upper-case variable the scripts read is rendered (the scripts' defaults must not be what runs).
  const read = new Set(
    [
      ...Object.values(scripts)
        .join('\n')
        .matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g),
    ].map((m) => m[1]),
  );
  expect([...read].filter((v) => !byName.has(v))).toEqual([]);

  const literal = Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
  return { backupScript: scripts[backupKey], restoreScript: scripts['restore.sh'], env: literal };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** As root, the uid/gid of the `postgres` system user; otherwise run as ourselves. */
function runAsUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => {
    const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(`running as root, and there is no 'postgres' user to run the server and the scripts as: ${r.stderr}`);
    return Number(r.stdout.trim());
  };
  return { uid: id('-u'), gid: id('-g') };
}

function describeResult(r: SpawnSyncReturns<string>): string {
  const tail = (s: string | null) => (s && s.length > 4000 ? `[…]${s.slice(-4000)}` : (s ?? ''));
  return `exit ${r.status}${r.signal ? ` (signal ${r.signal})` : ''}${r.error ? ` (${r.error.message})` : ''}\n--- stdout\n${tail(r.stdout)}\n--- stderr\n${tail(r.stderr)}`;
}

(bindir ? describe : describe.skip)(`backup.sh and restore.sh of the ${PROFILE} profile against a real PostgreSQL`, () => {
  const bin = bindir ?? '';
  let rendered: ReturnType<typeof renderedBackup>;
  let user: { uid: number; gid: number } | undefined;
  let root = '';
  let dataDir = '';
  let socketDir = '';
  let port = 0;
  let databases: string[] = [];
  let pgUser = '';
  let serverStarted = false;
  const baseEnv = () => ({ PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`, HOME: root, LC_ALL: 'C', TZ: 'UTC' });

  /** mkdir (or write a file) owned by the user the server and scripts run as. */
  const own = (p: string) => {
    if (user) fs.chownSync(p, user.uid, user.gid);
    return p;
  };
  const mkdir = (...parts: string[]) => {
    const p = path.join(root, ...parts);
    fs.mkdirSync(p, { recursive: true });
    return own(p);
  };
  const write = (p: string, data: string | Buffer) => {
    fs.writeFileSync(p, data);
    return own(p);
  };

  function run(
    cmd: string,
    args: string[],
    opts: { env?: Record<string, string>; input?: string; timeout?: number } = {},
  ): SpawnSyncReturns<string> {
    return spawnSync(cmd, args, {
      encoding: 'utf8',
      cwd: root,
      env: opts.env ?? baseEnv(),
      input: opts.input,
      timeout: opts.timeout ?? 30_000,
      maxBuffer: 64 * 1024 * 1024,
      ...(user ?? {}),
    });
  }
  function ok(r: SpawnSyncReturns<string>, what: string): SpawnSyncReturns<string> {
    if (r.status !== 0) throw new Error(`${what} failed: ${describeResult(r)}`);
    return r;
  }

  /** psql as the superuser over the unix socket (trust), not through the scripts' TCP + password path. */
  function psql(db: string, sql: string): string {
    return ok(
      run(
        path.join(bin, 'psql'),
        ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', socketDir, '-p', String(port), '-U', pgUser, '-d', db],
        { input: sql },
      ),
      `psql ${db}`,
    ).stdout.trim();
  }

  /** Runs a script from the rendered ConfigMap with the rendered env plus the test's connection and overrides. */
  function script(name: 'backup' | 'restore', args: string[], overrides: Record<string, string>): SpawnSyncReturns<string> {
    const file = path.join(root, 'scripts', `${name}.sh`);
    const env = {
      ...baseEnv(),
      ...rendered.env,
      PGHOST: '127.0.0.1',
      PGPORT: String(port),
      PGPASSWORD: PASSWORD,
      ...overrides,
    };
    return run('bash', [file, ...args], { env, timeout: 60_000 });
  }

  const backupDir = (name: string) => mkdir('backups', name);
  const listDir = (dir: string) => fs.readdirSync(dir).sort();
  const dumpName = /^(.+)-(\d{8}T\d{6}Z)\.sql\.gz$/;

  /** Row counts and checksums of every table, plus sequences, indexes and constraints. */
  function fingerprint(db: string): any {
    const table = (t: string, order: string) =>
      `(SELECT json_build_object('rows', count(*), 'md5', md5(coalesce(string_agg(x::text, E'\\n' ORDER BY ${order}), ''))) FROM ${t} x)`;
    return JSON.parse(
      psql(
        db,
        `SELECT json_build_object(
      'executions', ${table('executions', 'x.shard_id, x.namespace_id, x.workflow_id, x.run_id')},
      'history_node', ${table('history_node', 'x.id')},
      'sequences', (SELECT json_object_agg(sequencename, json_build_array(last_value::text, start_value::text, increment_by::text))
                    FROM pg_sequences WHERE schemaname = 'public'),
      'indexes', (SELECT json_agg(indexdef ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public'),
      'constraints', (SELECT json_agg(conname || ' ' || pg_get_constraintdef(oid) ORDER BY conname)
                      FROM pg_constraint WHERE connamespace = 'public'::regnamespace),
      'defaults', (SELECT json_agg(table_name || '.' || column_name || ' ' || column_default ORDER BY table_name, column_name)
                   FROM information_schema.columns WHERE table_schema = 'public' AND column_default IS NOT NULL))`,
      ),
    );
  }
  const databaseOid = (db: string) => psql(rendered.env.MAINTENANCE_DB, `SELECT oid FROM pg_database WHERE datname = '${db}'`);

  function seed(db: string): void {
    const tag = db.replace(/'/g, "''");
    psql(
      db,
      `
      CREATE SEQUENCE ticket_seq START 1000 INCREMENT 7;
      CREATE TABLE executions (
        shard_id      integer NOT NULL,
        namespace_id  bytea NOT NULL,
        workflow_id   text NOT NULL,
        run_id        bytea NOT NULL,
        next_event_id bigint NOT NULL,
        data          bytea,
        data_encoding varchar(16) NOT NULL,
        memo          text,
        created_at    timestamptz NOT NULL,
        last_update   timestamp,
        PRIMARY KEY (shard_id, namespace_id, workflow_id, run_id)
      );
      CREATE INDEX executions_by_created ON executions (created_at DESC, workflow_id);
      CREATE TABLE history_node (
        id      bigserial PRIMARY KEY,
        tree_id bytea NOT NULL,
        node_id bigint NOT NULL,
        txn_id  bigint NOT NULL,
        data    bytea NOT NULL,
        ticket  bigint NOT NULL DEFAULT nextval('ticket_seq'),
        note    text
      );
      CREATE UNIQUE INDEX history_node_tree ON history_node (tree_id, node_id, txn_id);
      INSERT INTO executions
        SELECT i % 16, decode(md5('ns' || (i % 3)), 'hex'),
               'wf-' || i || E' \\t"quoted" \\\\ back\\nslash \\u00fcn\\u00efc\\u00f8d\\u00e9 \\u2713 ' || '${tag}',
               decode(md5(i || '${tag}'), 'hex'), i::bigint * 1000000007,
               CASE WHEN i % 10 = 0 THEN NULL ELSE decode(repeat(md5(i::text), 1 + i % 20), 'hex') || '\\x00ff00'::bytea END,
               'proto3', CASE WHEN i % 7 = 0 THEN NULL ELSE repeat('memo ', i % 50) END,
               timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute 1.123456 second',
               timestamp '2026-01-01' + i * interval '37 seconds'
        FROM generate_series(1, 3000) i;
      INSERT INTO executions VALUES
        (0, '\\x'::bytea, 'edge', '\\x00'::bytea, 9223372036854775807, '\\x'::bytea, 'json', '', '-infinity', 'infinity'),
        (1, '\\x'::bytea, 'edge', '\\x00'::bytea, -9223372036854775808, NULL, 'json', E'\\\\N\\r\\n\\\\.', '1999-12-31 23:59:59.999999+13', '0001-01-01 00:00:00 BC');
      INSERT INTO history_node (tree_id, node_id, txn_id, data, note)
        SELECT decode(md5((i / 10)::text), 'hex'), i % 10 + 1, i::bigint << 20, decode(repeat(md5(i || 'x'), 1 + i % 64), 'hex'),
               CASE WHEN i % 5 = 0 THEN E'line1\\nline2\\r\\n\\\\.\\n${tag}' END
        FROM generate_series(1, 4000) i;
      SELECT nextval('ticket_seq') FROM generate_series(1, 17);
      ANALYZE;
    `,
    );
  }

  beforeAll(async () => {
    rendered = renderedBackup();
    databases = rendered.env.DATABASES.split(/\s+/).filter(Boolean);
    pgUser = rendered.env.PGUSER;
    expect(databases.length).toBeGreaterThan(0);
    expect(Number(rendered.env.RETENTION_DAYS)).toBeGreaterThanOrEqual(1);

    user = runAsUser();
    root = own(fs.mkdtempSync(path.join(os.tmpdir(), 'pg-backup-test-')));
    dataDir = path.join(root, 'data');
    socketDir = mkdir('sock');
    mkdir('scripts');
    write(path.join(root, 'scripts', 'backup.sh'), rendered.backupScript);
    write(path.join(root, 'scripts', 'restore.sh'), rendered.restoreScript);
    const pwfile = write(path.join(root, 'pwfile'), `${PASSWORD}\n`);
    port = await freePort();

    // Like the postgres image with POSTGRES_USER=$PGUSER: that role is the bootstrap superuser, with a password.
    ok(
      run(path.join(bin, 'initdb'), [
        '-D',
        dataDir,
        `--username=${pgUser}`,
        `--pwfile=${pwfile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        '--no-sync',
      ]),
      'initdb',
    );
    const serverOpts = [
      `-c listen_addresses=127.0.0.1`,
      `-p ${port}`,
      `-k '${socketDir}'`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ];
    const start = run(path.join(bin, 'pg_ctl'), [
      '-D',
      dataDir,
      '-l',
      path.join(root, 'server.log'),
      '-w',
      '-t',
      '30',
      '-o',
      serverOpts.join(' '),
      'start',
    ]);
    serverStarted = start.status === 0;
    if (!serverStarted) {
      const log = fs.existsSync(path.join(root, 'server.log')) ? fs.readFileSync(path.join(root, 'server.log'), 'utf8') : '';
      throw new Error(`pg_ctl start failed: ${describeResult(start)}\n--- server.log\n${log}`);
    }
    for (const db of databases) {
      psql(rendered.env.MAINTENANCE_DB, `CREATE DATABASE "${db}"`);
      seed(db);
    }
  }, 60_000);

  afterAll(() => {
    // Also after a failed or timed-out start: a postmaster.pid means a server may be running.
    if (serverStarted || (dataDir && fs.existsSync(path.join(dataDir, 'postmaster.pid')))) {
      const stop = run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      if (stop.status !== 0) console.warn(`pg_ctl stop failed: ${describeResult(stop)}`);
    }
    if (root) fs.rmSync(root, { recursive: true, force: true });
  }, 30_000);

  let seeded: Record<string, any> = {};
  let stamp = '';
  let mainDir = '';

  test('backup.sh writes one complete, gzip-valid dump per database', () => {
    seeded = Object.fromEntries(databases.map((db) => [db, fingerprint(db)]));
    for (const db of databases) {
      expect(seeded[db].executions.rows).toBe(3002);
      expect(seeded[db].history_node.rows).toBe(4000);
    }
    mainDir = backupDir('main');

    const r = ok(script('backup', [], { BACKUP_DIR: mainDir }), 'backup.sh');

    const files = listDir(mainDir);
    expect(files.filter((f) => f.endsWith('.partial'))).toEqual([]);
    const dumps = files.map((f) => dumpName.exec(f)).filter((m): m is RegExpExecArray => m !== null);
    expect(dumps.map((m) => m[1]).sort()).toEqual([...databases].sort());
    expect(files).toHaveLength(databases.length);
    stamp = dumps[0][2];
    expect(new Set(dumps.map((m) => m[2]))).toEqual(new Set([stamp]));
    for (const db of databases) {
      const file = path.join(mainDir, `${db}-${stamp}.sql.gz`);
      expect(r.stdout).toContain(`wrote ${file}`);
      if (user) expect(fs.statSync(file).uid).toBe(user.uid); // written by the non-root user, not by root
      const sql = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'); // throws unless gzip-valid and complete
      expect(sql).toContain('CREATE TABLE public.history_node');
      expect(sql).toContain('PostgreSQL database dump complete');
      expect(sql).not.toMatch(/ALTER .* OWNER TO|^GRANT /m); // --no-owner --no-privileges
    }
  }, 30_000);

  test('restore.sh <stamp> brings every database back to the backed-up state, even with open connections', async () => {
    expect(stamp).not.toBe('');
    // Disaster: a dropped table, deleted and changed rows, a reset sequence, a new stray table.
    for (const db of databases) {
      psql(
        db,
        `DROP TABLE history_node;
        DELETE FROM executions WHERE shard_id < 8;
        UPDATE executions SET memo = 'corrupted';
        SELECT setval('ticket_seq', 1);
        CREATE TABLE stray (id int)`,
      );
      expect(Number(psql(db, 'SELECT count(*) FROM executions'))).toBeLessThan(seeded[db].executions.rows);
    }
    // A Temporal pod that is still connected: restore.sh must terminate it (DROP DATABASE ... WITH (FORCE)).
    const db0 = databases[0];
    const idle: ChildProcess = spawn(
      path.join(bin, 'psql'),
      ['-X', '-h', socketDir, '-p', String(port), '-U', pgUser, '-d', db0, '-c', 'SELECT pg_sleep(60)'],
      { cwd: root, env: baseEnv(), stdio: 'ignore', ...(user ?? {}) },
    );
    const idleExit = new Promise<number | null>((resolve) => idle.on('exit', (code) => resolve(code)));
    try {
      for (
        let i = 0;
        i < 100 &&
        psql(rendered.env.MAINTENANCE_DB, `SELECT count(*) FROM pg_stat_activity WHERE datname = '${db0}' AND query LIKE '%pg_sleep%'`) ===
          '0';
        i++
      ) {
        await new Promise((res) => setTimeout(res, 50));
      }
      expect(
        psql(rendered.env.MAINTENANCE_DB, `SELECT count(*) FROM pg_stat_activity WHERE datname = '${db0}' AND query LIKE '%pg_sleep%'`),
      ).toBe('1');

      const r = ok(script('restore', [stamp], { BACKUP_DIR: mainDir }), `restore.sh ${stamp}`);

      for (const db of databases) {
        expect(r.stdout).toContain(`restored ${db} from ${db}-${stamp}.sql.gz`);
        expect(fingerprint(db)).toEqual(seeded[db]);
        expect(psql(db, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'stray'`)).toBe('0');
        // The restored sequences and defaults keep working.
        const maxId = Number(psql(db, 'SELECT max(id) FROM history_node'));
        expect(psql(db, `INSERT INTO history_node (tree_id, node_id, txn_id, data) VALUES ('\\x01', 1, 1, '\\x01') RETURNING id`)).toBe(
          String(maxId + 1),
        );
        psql(
          db,
          `DELETE FROM history_node WHERE id = ${maxId + 1};
          SELECT setval('history_node_id_seq', ${maxId}); SELECT setval('ticket_seq', ${seeded[db].sequences.ticket_seq[0]})`,
        );
        expect(fingerprint(db)).toEqual(seeded[db]);
      }
      expect(await idleExit).not.toBe(0);
    } finally {
      if (idle.exitCode === null && idle.signalCode === null) idle.kill();
    }
  }, 30_000);

  test('restore.sh refuses an unknown, partial or corrupt backup before touching any database', () => {
    expect(stamp).not.toBe('');
    const before = Object.fromEntries(databases.map((db) => [db, { oid: databaseOid(db), data: fingerprint(db) }]));
    const untouched = () => {
      for (const db of databases) expect({ oid: databaseOid(db), data: fingerprint(db) }).toEqual(before[db]);
    };

    // An unknown stamp: names the missing file.
    const unknown = '19700101T000000Z';
    const r1 = script('restore', [unknown], { BACKUP_DIR: mainDir });
    expect(r1.status).not.toBe(0);
    expect(r1.stderr).toContain(`missing ${path.join(mainDir, `${databases[0]}-${unknown}.sql.gz`)}`);
    untouched();

    // The stamp exists for the rendered databases but not for one more: nothing is dropped at all.
    const r2 = script('restore', [stamp], { BACKUP_DIR: mainDir, DATABASES: `${rendered.env.DATABASES} no_such_db` });
    expect(r2.status).not.toBe(0);
    expect(r2.stderr).toContain(`missing ${path.join(mainDir, `no_such_db-${stamp}.sql.gz`)}`);
    untouched();

    // A truncated dump fails gzip -t before any DROP DATABASE.
    const corruptDir = backupDir('corrupt');
    const corrupt = '20990101T000000Z';
    for (const db of databases) {
      const good = fs.readFileSync(path.join(mainDir, `${db}-${stamp}.sql.gz`));
      write(path.join(corruptDir, `${db}-${corrupt}.sql.gz`), good.subarray(0, Math.floor(good.length / 2)));
    }
    const r3 = script('restore', [corrupt], { BACKUP_DIR: corruptDir });
    expect(r3.status).not.toBe(0);
    expect(r3.stdout).not.toContain('restored');
    untouched();

    // Good dumps of the rendered databases, but a truncated one of a later database: every dump is
    // checked before the first DROP DATABASE, not just the one about to be restored.
    const mixed = '20990102T000000Z';
    for (const db of databases)
      write(path.join(corruptDir, `${db}-${mixed}.sql.gz`), fs.readFileSync(path.join(mainDir, `${db}-${stamp}.sql.gz`)));
    const good = fs.readFileSync(path.join(mainDir, `${databases[0]}-${stamp}.sql.gz`));
    write(path.join(corruptDir, `no_such_db-${mixed}.sql.gz`), good.subarray(0, Math.floor(good.length / 2)));
    const r3b = script('restore', [mixed], { BACKUP_DIR: corruptDir, DATABASES: `${rendered.env.DATABASES} no_such_db` });
    expect(r3b.status).not.toBe(0);
    expect(r3b.stdout).not.toContain('restored');
    untouched();

    // No stamp: a usage message that lists the available ones.
    const r4 = script('restore', [], { BACKUP_DIR: mainDir });
    expect(r4.status).not.toBe(0);
    expect(r4.stderr).toContain('usage: restore.sh <timestamp>');
    expect(r4.stderr).toContain(stamp);
    untouched();
  }, 30_000);

  /** Files in dir with an mtime `ageMs` ago. */
  function fakeFile(dir: string, name: string, ageMs: number, content: Buffer = zlib.gzipSync('-- fake dump\n')): string {
    const file = write(path.join(dir, name), content);
    const t = new Date(Date.now() - ageMs);
    fs.utimesSync(file, t, t);
    return name;
  }

  test('backup.sh deletes dumps older than RETENTION_DAYS and keeps newer ones', async () => {
    // The stamp has a one-second resolution: make sure this run's dumps get a new one.
    while (new Date().toISOString().replace(/[-:]|\.\d+/g, '') === stamp) await new Promise((res) => setTimeout(res, 100));
    const days = Number(rendered.env.RETENTION_DAYS);
    const db = databases[0];
    const before = listDir(mainDir);
    const expired = [
      fakeFile(mainDir, `${db}-20200101T021500Z.sql.gz`, (days + 30) * DAY_MS),
      fakeFile(mainDir, `${db}-20200102T021500Z.sql.gz`, days * DAY_MS + HOUR_MS),
      fakeFile(mainDir, `other_db-20200103T021500Z.sql.gz`, (days + 1) * DAY_MS),
      fakeFile(mainDir, `${db}-20200104T021500Z.sql.gz.partial`, 2 * HOUR_MS),
    ];
    const kept = [
      fakeFile(mainDir, `${db}-20200105T021500Z.sql.gz`, days * DAY_MS - HOUR_MS),
      fakeFile(mainDir, `${db}-20200106T021500Z.sql.gz`, DAY_MS),
      fakeFile(mainDir, `${db}-20200107T021500Z.sql.gz.partial`, 10 * 60 * 1000), // a run in progress
      fakeFile(mainDir, 'README.txt', 400 * DAY_MS, Buffer.from('not a dump\n')),
    ];

    const r = ok(script('backup', [], { BACKUP_DIR: mainDir }), 'backup.sh');

    const after = listDir(mainDir);
    for (const f of expired) expect(after).not.toContain(f);
    for (const f of [...kept, ...before]) expect(after).toContain(f);
    const fresh = after.filter((f) => !before.includes(f) && !kept.includes(f));
    expect(fresh.map((f) => dumpName.exec(f)?.[1]).sort()).toEqual([...databases].sort());
    for (const f of expired) expect(r.stdout).toContain(path.join(mainDir, f)); // find -print
  }, 30_000);

  const failures: { what: string; dir: string; overrides: () => Record<string, string>; failed: () => string[]; error: RegExp }[] = [
    {
      what: 'a wrong password',
      dir: 'fail-password',
      overrides: () => ({ PGPASSWORD: 'wrong-password' }),
      failed: () => databases,
      error: /password authentication failed for user/,
    },
    {
      what: 'a database that does not exist',
      dir: 'fail-database',
      overrides: () => ({ DATABASES: `${rendered.env.DATABASES} no_such_db` }),
      failed: () => ['no_such_db'],
      error: /database "no_such_db" does not exist/,
    },
  ];
  test.each(failures)(
    'a failed pg_dump ($what) exits non-zero, writes no dump for it and deletes no old dumps',
    ({ dir: name, overrides, failed: failedDbs, error }) => {
      const dir = backupDir(name);
      const days = Number(rendered.env.RETENTION_DAYS);
      const old = databases.map((db) => fakeFile(dir, `${db}-20200101T021500Z.sql.gz`, (days + 30) * DAY_MS));
      const oldPartial = fakeFile(dir, `${databases[0]}-20200102T021500Z.sql.gz.partial`, 2 * HOUR_MS);

      const r = script('backup', [], { BACKUP_DIR: dir, ...overrides() });

      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(error);
      const after = listDir(dir);
      for (const f of [...old, oldPartial]) expect(after).toContain(f);
      const fresh = after.filter((f) => !old.includes(f) && f !== oldPartial);
      const failed = failedDbs();
      for (const db of failed) {
        expect(fresh.filter((f) => f.startsWith(`${db}-`) && f.endsWith('.sql.gz'))).toEqual([]);
      }
      // Whatever else this run wrote is a complete dump of a database that did succeed, or a .partial.
      for (const f of fresh) {
        if (f.endsWith('.partial')) continue;
        const m = dumpName.exec(f);
        expect(m && !failed.includes(m[1])).toBe(true);
        expect(zlib.gunzipSync(fs.readFileSync(path.join(dir, f))).toString('utf8')).toContain('PostgreSQL database dump complete');
      }
    },
    30_000,
  );
});
