/**
 * What each container image brings, reproduced from locally built or installed software: the
 * binaries on PATH, files the image carries at fixed paths (the admin-tools schema), the default
 * entrypoint when a container sets no `command`, and the user. Every such stand-in is listed in
 * `substitutions`, which the harness prints with its results.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface ImageRuntime {
  /** Read-only binds into the container's filesystem (image content). */
  readonly binds: { src: string; dst: string }[];
  /** Env the image sets (PATH, JAVA_HOME); the container's env is applied over it. */
  readonly env: Record<string, string>;
  /** argv when the container has no `command`: the image's ENTRYPOINT/CMD with the container's args. */
  entrypoint(args: string[] | undefined): string[];
  readonly workingDir?: string;
  /** USER of the image, when the pod sets no runAsUser. */
  readonly user?: number;
  /** /etc/passwd lines the image has (programs such as initdb look up their uid). */
  readonly passwd?: string[];
  /** argv that replaces a container's own command, where the stand-in cannot run the image's script. */
  override?(container: { name: string; command?: string[] }): string[] | undefined;
}

export interface Binaries {
  /** server-<v>/ from test/e2e/build/build-binaries.sh: bin/, schema/, entrypoint.sh */
  readonly serverDir: string;
  readonly cliDir: string;
  readonly uiDir: string;
  /** Debian PostgreSQL's bin directory (initdb, postgres, pg_isready, psql, pg_dump). */
  readonly postgresBin: string;
  /** OpenSearch distribution (dist/ of opensearch-<v> from build-binaries.sh --opensearch). */
  readonly opensearchDir?: string;
  readonly javaHome: string;
  /** Worker-pool images → the app that stands in for them. */
  readonly appImages: Record<
    string,
    (args: string[] | undefined) => {
      argv: string[];
      binds: { src: string; dst: string }[];
      env: Record<string, string>;
      workingDir?: string;
    }
  >;
}

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class Images {
  readonly substitutions = new Set<string>();

  /** @param filesDir test/e2e/harness/image-files: the harness's stand-ins for image scripts */
  constructor(
    private readonly bin: Binaries,
    private readonly filesDir: string,
  ) {}

  /**
   * A CA bundle that replaces the system trust store in server pods, so the outside world the
   * harness stands up (the JWKS endpoint) is trusted as a public CA would be. @default the image's
   */
  systemTrust?: string;

  /** The server build of a release: server-<tag> beside the profile's own (an upgrade runs two). */
  private serverDir(tag: string): string {
    const dir = path.join(path.dirname(this.bin.serverDir), `server-${tag.replace(/@sha256:.*/, '')}`);
    return fs.existsSync(dir) ? dir : this.bin.serverDir;
  }

  runtime(image: string): ImageRuntime {
    const repo = image.replace(/@sha256:[0-9a-f]+$/, '').replace(/:[^/:]+$/, '');
    const tag = image.slice(repo.length + 1);
    const note = (s: string) => this.substitutions.add(s);
    const serverDir = this.serverDir(tag);
    switch (repo) {
      case 'temporalio/server':
        note(
          `${image}: temporal-server built from go.temporal.io/server (${path.basename(serverDir)}); the image's /etc/temporal/entrypoint.sh is the module's docker/scripts/sh/entrypoint.sh, run by bash (it uses pipefail, which the image's busybox sh has and Debian's dash lacks)`,
        );
        return {
          binds: [
            { src: path.join(serverDir, 'bin'), dst: '/opt/temporal/bin' },
            { src: path.join(serverDir, 'entrypoint.sh'), dst: '/etc/temporal/entrypoint.sh' },
            ...(this.systemTrust ? [{ src: this.systemTrust, dst: '/etc/ssl/certs/ca-certificates.crt' }] : []),
          ],
          env: { PATH: `/opt/temporal/bin:${SYSTEM_PATH}` },
          entrypoint: (args) => (args ? args : ['bash', '/etc/temporal/entrypoint.sh']),
          workingDir: '/etc/temporal',
          user: 1000,
        };
      case 'temporalio/admin-tools':
        note(
          `${image}: temporal-sql-tool, temporal-elasticsearch-tool, tdbg from go.temporal.io/server; /etc/temporal/schema from the module's schema/; the temporal CLI from ${path.basename(this.bin.cliDir)} (see its SUBSTITUTION.txt)`,
        );
        return {
          binds: [
            { src: path.join(serverDir, 'bin'), dst: '/opt/temporal/bin' },
            { src: path.join(this.bin.cliDir, 'bin'), dst: '/opt/temporal-cli/bin' },
            { src: path.join(serverDir, 'schema'), dst: '/etc/temporal/schema' },
          ],
          env: { PATH: `/opt/temporal/bin:/opt/temporal-cli/bin:${SYSTEM_PATH}` },
          entrypoint: (args) => ['sleep', 'infinity', ...(args ?? [])].slice(0, 2),
          workingDir: '/etc/temporal',
          user: 1000,
        };
      case 'postgres':
        note(
          `${image}: Debian's PostgreSQL (${this.bin.postgresBin}); the image's docker-entrypoint.sh is test/e2e/harness/image-files/postgres-entrypoint.sh (initdb with POSTGRES_USER/PASSWORD/DB, scram for TCP, then postgres with the container's args)`,
        );
        return {
          // Used in place: PostgreSQL finds its libraries and share files relative to its binaries.
          binds: [{ src: path.join(this.filesDir, 'postgres-entrypoint.sh'), dst: '/usr/local/bin/docker-entrypoint.sh' }],
          env: { PATH: `${this.bin.postgresBin}:${SYSTEM_PATH}`, PGDATA: '/var/lib/postgresql/data' },
          entrypoint: (args) => ['/usr/local/bin/docker-entrypoint.sh', ...(args ?? ['postgres'])],
          user: 999,
          passwd: ['postgres:x:999:999::/var/lib/postgresql:/bin/bash'],
        };
      case 'temporalio/ui':
        note(
          `${image}: ui-server built from github.com/temporalio/ui-server/v2 (${path.basename(this.bin.uiDir)}), run as the image does: ./ui-server --env docker start in a folder with config/docker.yaml`,
        );
        return {
          binds: [
            { src: this.bin.uiDir, dst: '/home/ui-server' },
            ...(this.systemTrust ? [{ src: this.systemTrust, dst: '/etc/ssl/certs/ca-certificates.crt' }] : []),
          ],
          env: { PATH: SYSTEM_PATH },
          entrypoint: (args) => args ?? ['./bin/ui-server', '--env', 'docker', 'start'],
          workingDir: '/home/ui-server',
          user: 1000,
        };
      case 'docker.elastic.co/elasticsearch/elasticsearch': {
        const os = this.bin.opensearchDir;
        if (!os) throw new Error(`${image}: no OpenSearch stand-in built (build-binaries.sh --opensearch)`);
        note(
          `${image}: OpenSearch ${path.basename(path.dirname(os))} (integ-test distribution from Maven Central with mapper-extras) on the machine's JDK, single node, no security plugin: ` +
            "the image's config directory is OpenSearch's, so the copy-config init container runs as rendered but the rendered elasticsearch.yml and start command are not used; basic-auth credentials are accepted unchecked; only one node of a multi-node StatefulSet is started",
        );
        const argv = [
          'sh',
          '-c',
          'OPENSEARCH_JAVA_OPTS="${ES_JAVA_OPTS:-}" exec /usr/share/elasticsearch/bin/opensearch -Ediscovery.type=single-node -Enetwork.host=0.0.0.0 ' +
            '-Ehttp.port=9200 -Epath.data=/usr/share/elasticsearch/data -Epath.logs=/usr/share/elasticsearch/logs',
        ];
        return {
          // Laid out as the Elasticsearch image is (home /usr/share/elasticsearch), so relative paths
          // in jvm.options (logs/gc.log) land in the mounted logs volume.
          binds: [
            ...['bin', 'lib', 'modules', 'plugins', 'config'].map((d) => ({ src: path.join(os, d), dst: `/usr/share/elasticsearch/${d}` })),
            { src: this.bin.javaHome, dst: '/opt/java/openjdk' },
          ],
          env: {
            PATH: SYSTEM_PATH,
            JAVA_HOME: '/opt/java/openjdk',
            OPENSEARCH_HOME: '/usr/share/elasticsearch',
            OPENSEARCH_PATH_CONF: '/usr/share/elasticsearch/config',
            OPENSEARCH_TMPDIR: '/tmp',
          },
          entrypoint: () => argv,
          override: (c) => (c.name === 'elasticsearch' ? argv : undefined),
          // The image's WORKDIR: the JVM's GC log goes to logs/ (the mounted logs volume).
          workingDir: '/usr/share/elasticsearch',
          user: 1000,
        };
      }
      case 'eclipse-temurin':
        note(`${image}: the machine's JDK (${this.bin.javaHome}) as the JRE with keytool`);
        return {
          binds: [{ src: this.bin.javaHome, dst: '/opt/java/openjdk' }],
          env: { PATH: `/opt/java/openjdk/bin:${SYSTEM_PATH}`, JAVA_HOME: '/opt/java/openjdk' },
          entrypoint: (args) => args ?? ['jshell'],
        };
      default: {
        const app = this.bin.appImages[repo];
        if (!app) throw new Error(`image ${image}: the harness has no stand-in for it`);
        const a = app(undefined);
        note(`${image}: ${a.argv.join(' ')} (the e2e app standing in for the pool's image, tag ${tag})`);
        return { binds: a.binds, env: { PATH: SYSTEM_PATH, ...a.env }, entrypoint: (args) => app(args).argv, workingDir: a.workingDir };
      }
    }
  }
}

export const exists = (p: string) => fs.existsSync(p);
