/**
 * `npm run e2e [-- --profile P]...`: boots each synthesized profile from dist/ with the real
 * Temporal binaries, real PostgreSQL and real SDK workers, in the order of its Argo CD sync waves,
 * and checks that it works. Prints a table per profile and writes it to .e2e/<profile>.md; exits
 * non-zero on any failure; every process and network namespace is removed on exit.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Cluster } from './harness/cluster';
import { Binaries, Images } from './harness/images';
import { isJvmTlsPool, loadManifests, ofKind } from './harness/manifests';
import { Network } from './harness/network';
import { Report } from './harness/report';
import { s3Archival } from './harness/s3';
import { runScenario } from './scenario';
import { runUpgrade } from './upgrade';
import { LATEST_PATCH, parseVersion } from '../../config/versions';
import { cliArgs } from '../../lib/cli-args';

/** The project checkout (this file runs from a bundle under .build/, so it is found, not assumed). */
function projectRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'cdk8s.yaml')) && fs.existsSync(path.join(dir, 'test', 'e2e'))) return dir;
  }
  throw new Error(`cannot find the project above ${__dirname}`);
}

const root = projectRoot();
const e2eDir = path.join(root, 'test', 'e2e');
const cacheDir = process.env.TEMPORAL_E2E_CACHE ?? path.join(process.env.HOME ?? '/root', '.cache', 'temporal-cdk8s-e2e');

/** The temporal CLI each admin-tools image bundles (.github/actions/build-docker-images/scripts/main.go). */
const ADMIN_TOOLS_CLI: Record<string, string> = { '1.31.2': '1.7.2' };

/** Elasticsearch is in no registry these machines reach; OpenSearch 2 (a documented visibility store since 1.30.1) stands in. */
const OPENSEARCH_VERSION = '2.19.6';

function parseArgs(argv: string[]): { profiles: string[]; keep: boolean; hold: boolean; dist: string; upgrade: boolean } {
  const profiles: string[] = [];
  let upgrade = false;
  let dist = path.join(root, 'dist');
  let keep = false;
  let hold = false;
  for (const { arg: a, flag, value } of cliArgs(argv, (f) => new Error(`${f} needs a value`))) {
    if (flag === '--profile' || flag === '-p') profiles.push(...value().split(',').filter(Boolean));
    else if (a === '--keep') keep = true;
    else if (a === '--hold') hold = true;
    else if (a === '--upgrade') upgrade = true;
    else if (flag === '--dist') dist = path.resolve(value());
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: npm run e2e -- [--profile dev|staging|production]... [--dist dir] [--upgrade] [--keep] [--hold]\n' +
          '  --upgrade: start the profile synthesized at the previous minor release, then apply dist/ as an upgrade\n' +
          '  boots dist/<profile> with the real Temporal binaries and checks it; --keep leaves the run folder for inspection;\n' +
          '  --hold keeps each cluster running after its checks until SIGUSR2 (pods: ip netns list, logs in the run folder)',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return { profiles: profiles.length ? profiles : ['dev', 'staging', 'production'], keep, hold, dist, upgrade };
}

/** The image tag a profile deploys for a repository (the binaries are built at that version). */
function tagOf(objects: { kind: string; spec?: any }[], repository: string): string {
  const images = objects.flatMap((o) => {
    const pod = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec?.template?.spec;
    return pod ? [...(pod.initContainers ?? []), ...pod.containers].map((c: { image: string }) => c.image) : [];
  });
  const tags = [...new Set(images.filter((i) => i.startsWith(`${repository}:`)).map((i) => i.slice(repository.length + 1)))];
  if (tags.length !== 1) throw new Error(`expected one tag of ${repository}, found ${tags.join(', ') || 'none'}`);
  return tags[0];
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 })
    .toString()
    .trim();
}

function postgresBin(): string {
  const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  const dir = versions.map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => fs.existsSync(path.join(d, 'initdb')));
  if (!dir) throw new Error('no PostgreSQL server binaries (apt-get install postgresql)');
  return dir;
}

async function runE2e(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (process.getuid?.() !== 0) throw new Error('the e2e harness needs root (network namespaces, bind mounts, setpriv)');
  const outDir = path.join(root, '.e2e');
  fs.mkdirSync(outDir, { recursive: true });
  const reports: Report[] = [];
  let cluster: Cluster | undefined;
  const cleanup = () => {
    void cluster?.close();
    Network.teardown();
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  process.once('SIGTERM', () => {
    cleanup();
    process.exit(143);
  });

  for (const profile of args.profiles) {
    const manifests = loadManifests(args.dist, profile);
    const report = new Report(args.upgrade ? `${profile} upgrade` : profile, (l) => console.log(l));
    let previous: ReturnType<typeof loadManifests> | undefined;
    reports.push(report);
    let bin: Binaries | undefined;
    await report.step('build or reuse the binaries (cached per version)', 5400, async () => {
      const server = tagOf(manifests.objects, 'temporalio/server');
      const ui = tagOf(manifests.objects, 'temporalio/ui');
      const elasticsearch = manifests.objects.some(
        (o) => o.kind === 'StatefulSet' && JSON.stringify(o.spec.template.spec.containers).includes('elasticsearch/elasticsearch:'),
      );
      run(
        'bash',
        [
          path.join(e2eDir, 'build', 'build-binaries.sh'),
          '--server',
          server,
          '--ui',
          ui,
          '--cli',
          ADMIN_TOOLS_CLI[server] ?? '',
          ...(elasticsearch ? ['--opensearch', OPENSEARCH_VERSION] : []),
          ...(s3Archival(manifests).buckets.length ? ['--s3'] : []),
        ],
        { TEMPORAL_E2E_CACHE: cacheDir },
      );
      const tsWorker = run('bash', [path.join(e2eDir, 'workers', 'ts-worker', 'build.sh')], { TEMPORAL_E2E_CACHE: cacheDir })
        .split('\n')
        .pop()!;
      const jvm = ofKind(manifests, 'Deployment').some(isJvmTlsPool);
      const springJar = jvm
        ? run('bash', [path.join(e2eDir, 'workers', 'spring-worker', 'build.sh')], { TEMPORAL_E2E_CACHE: cacheDir })
            .split('\n')
            .pop()!
        : undefined;
      const cli = ADMIN_TOOLS_CLI[server];
      if (!cli) throw new Error(`which temporal CLI the admin-tools ${server} image bundles is not recorded in ADMIN_TOOLS_CLI`);
      const cliDir = path.join(cacheDir, `cli-${cli}`);
      const javaHome = path.dirname(path.dirname(fs.realpathSync('/usr/bin/java')));
      const tsApp = (args: string[] | undefined) => ({
        argv: args ?? ['node', '/app/worker.js'],
        binds: [{ src: tsWorker, dst: '/app' }],
        env: { NODE_ENV: 'production' },
        workingDir: '/app',
      });
      const springApp = (args: string[] | undefined) => ({
        argv: args ?? ['java', '-jar', '/app/app.jar'],
        binds: [
          { src: path.dirname(springJar!), dst: '/app' },
          { src: javaHome, dst: '/opt/java/openjdk' },
        ],
        env: { PATH: '/opt/java/openjdk/bin:/usr/bin:/bin', JAVA_HOME: '/opt/java/openjdk' },
        workingDir: '/app',
      });
      bin = {
        serverDir: path.join(cacheDir, `server-${server}`),
        cliDir,
        uiDir: path.join(cacheDir, `ui-server-${ui}`),
        postgresBin: postgresBin(),
        opensearchDir: elasticsearch ? path.join(cacheDir, `opensearch-${OPENSEARCH_VERSION}`, 'dist') : undefined,
        javaHome,
        appImages: {
          'ghcr.io/example-org/temporal-app-worker': jvm && springJar ? springApp : tsApp,
          'ghcr.io/example-org/temporal-ruby-worker': tsApp,
        },
      };
      if (args.upgrade) {
        // The previous minor's newest patch, synthesized from this checkout with only the two tags changed.
        const v = parseVersion(server)!;
        const prev = LATEST_PATCH[`${v.major}.${v.minor - 1}`];
        if (!prev) throw new Error(`no previous release of ${server} in config/versions.ts LATEST_PATCH`);
        run('bash', [path.join(e2eDir, 'build', 'build-binaries.sh'), '--server', prev, '--ui', ui, '--cli', cli], {
          TEMPORAL_E2E_CACHE: cacheDir,
        });
        const work = fs.mkdtempSync(path.join(os.tmpdir(), `temporal-cdk8s-upgrade-${profile}-`));
        fs.writeFileSync(path.join(work, 'previous.yaml'), `images:\n  server:\n    tag: "${prev}"\n  adminTools:\n    tag: "${prev}"\n`);
        run(process.execPath, [
          path.join(root, 'scripts', 'run.js'),
          'main.ts',
          '--quiet',
          '--profile',
          profile,
          '--overlay',
          path.join(work, 'previous.yaml'),
          '--outdir',
          path.join(work, 'dist'),
          '--new-cluster',
        ]);
        previous = loadManifests(path.join(work, 'dist'), profile);
        report.notes.push(
          `upgrade: from ${prev} (dist synthesized from this checkout with images.server/adminTools.tag ${prev}) to ${server} (${args.dist}); CLI ${cli} build for both`,
        );
      }
      return `server ${server}${previous ? ` and ${tagOf(previous.objects, 'temporalio/server')}` : ''}, ui ${ui}, CLI ${fs.readFileSync(path.join(cliDir, 'VERSION'), 'utf8').trim()}`;
    });
    if (!bin) continue;
    const images = new Images(bin, path.join(e2eDir, 'harness', 'image-files'));
    const runDir = path.join('/var/tmp', `temporal-cdk8s-e2e${process.env.TEMPORAL_E2E_NET ?? ''}`, profile);
    cluster = new Cluster(previous ?? manifests, runDir, images, (l) => console.log(l));
    if (cluster.userSecrets.length)
      report.notes.push(`Secrets a user creates before applying, generated by the harness: ${cluster.userSecrets.join('; ')}`);
    try {
      const opts = {
        serverBinary: path.join(bin.serverDir, 'bin', 'temporal-server'),
        s3Binary: path.join(cacheDir, 's3-1.2.0', 'bin', 's3-emulator'),
      };
      if (previous) await runUpgrade(cluster, report, opts, manifests);
      else await runScenario(cluster, report, opts);
      if (args.hold) {
        console.log(`holding ${profile}: run folder ${runDir}; kill -USR2 ${process.pid} to go on`);
        await new Promise<void>((resolve) => process.once('SIGUSR2', () => resolve()));
      }
    } finally {
      report.notes.push(...images.substitutions);
      await cluster.close();
      cluster = undefined;
      if (!args.keep) fs.rmSync(runDir, { recursive: true, force: true });
    }
    report.write(path.join(outDir, `${profile}${args.upgrade ? '-upgrade' : ''}.md`));
    console.log(`\n${report.table()}`);
  }
  const failed = reports.filter((r) => r.failed).map((r) => r.profile);
  console.log(failed.length ? `e2e FAILED: ${failed.join(', ')}` : `e2e passed: ${reports.map((r) => r.profile).join(', ')}`);
  return failed.length ? 1 : 0;
}

/** `npm run e2e` (through scripts/run.js). */
export function main(argv: readonly string[]): Promise<number> {
  return runE2e([...argv]).catch((e) => {
    console.error(`e2e: ${(e as Error).message}`);
    Network.teardown();
    return 2;
  });
}
