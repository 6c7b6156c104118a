/**
 * Amazon S3 for the profiles that archive to s3:// URIs, and the EKS pod identity webhook (IRSA)
 * that gives the server pods their AWS role. Stood up by the harness, with no change to the
 * rendered config:
 *
 * - The server's s3store (go.temporal.io/server common/archiver/s3store, AWS SDK for Go v2) builds
 *   its client with `o.BaseEndpoint = s3config.Endpoint` (nil when the config sets no endpoint),
 *   which overwrites any AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3 the SDK read. So the bucket is
 *   reached where AWS serves it: https://<bucket>.s3.<region>.amazonaws.com (virtual-hosted style,
 *   s3ForcePathStyle false). Those names resolve, through the pods' hosts files, to an address of
 *   the harness on the bridge, where the emulator (test/e2e/build/s3: gofakes3 in memory, created
 *   with the buckets) serves TLS on 443 with certificates from a harness CA (standing in for
 *   Amazon's), which the pods trust through AWS_CA_BUNDLE (read by the SDK's config loader).
 * - Credentials come as on EKS: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, which the SDK's
 *   default chain turns into an sts:AssumeRoleWithWebIdentity call to
 *   https://sts.<region>.amazonaws.com, answered by the emulator's STS stand-in (for the annotated
 *   roles only). The token file, a projected volume on EKS, is a file of the run folder here.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Cluster } from './cluster';
import { ExternalCa } from './external';
import { K8sObject, ProfileManifests, ofKind } from './manifests';
import { killGroup, sleep, tcpOpen, waitExit } from './pod';

/** The annotation the EKS pod identity webhook acts on. */
export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
/** Where the webhook mounts the projected token (the harness uses a run-folder path instead). */
const EKS_TOKEN_PATH = '/var/run/secrets/eks.amazonaws.com/serviceaccount/token';

const HTTPS_PORT = 443;
/** A plain-HTTP listener of the emulator, for the harness's own look-ups (path style). */
const PLAIN_PORT = 9000;

export interface S3Archival {
  /** Buckets of the s3:// URIs in the rendered ConfigMaps and pod templates (Job scripts). */
  readonly buckets: string[];
  /** Regions of the s3store providers in the server config (us-east-1 when none is set). */
  readonly regions: string[];
  /** Endpoints the s3store providers set (none in the profiles so far: AWS itself). */
  readonly endpoints: string[];
}

const BUCKET_URI = /\bs3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?=[/\s'"`;,)]|$)/g;

function podTemplate(o: K8sObject): { spec: { containers: any[]; initContainers?: any[] } } | undefined {
  return o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
}

/** What the rendered objects say about S3: buckets (s3:// URIs), regions and endpoints (s3store config). */
export function s3Archival(m: ProfileManifests): S3Archival {
  const texts: string[] = [];
  for (const cm of ofKind(m, 'ConfigMap')) texts.push(...Object.values(cm.data ?? {}).map(String));
  for (const o of m.objects) {
    const t = podTemplate(o);
    if (!t?.spec?.containers) continue;
    for (const c of [...(t.spec.initContainers ?? []), ...t.spec.containers]) {
      texts.push(...(c.command ?? []), ...(c.args ?? []), ...(c.env ?? []).map((e: { value?: string }) => e.value ?? ''));
    }
  }
  const buckets = new Set<string>();
  const regions = new Set<string>();
  const endpoints = new Set<string>();
  for (const text of texts) {
    for (const [, bucket] of text.matchAll(BUCKET_URI)) buckets.add(bucket);
    // `s3store:` blocks of the archival providers: their indented keys.
    for (const block of text.matchAll(/^([ \t]*)s3store:[ \t]*\n((?:\1[ \t]+\S.*\n?)+)/gm)) {
      const region = /^[ \t]*region:[ \t]*['"]?([a-z0-9-]+)/m.exec(block[2])?.[1];
      const endpoint = /^[ \t]*endpoint:[ \t]*['"]?([^'"\s]+)/m.exec(block[2])?.[1];
      if (region) regions.add(region);
      if (endpoint) endpoints.add(endpoint);
    }
  }
  return { buckets: [...buckets].sort(), regions: regions.size ? [...regions].sort() : ['us-east-1'], endpoints: [...endpoints] };
}

/** The buckets of the s3:// URIs in the rendered config and Job scripts. */
export const s3Buckets = (m: ProfileManifests): string[] => s3Archival(m).buckets;

/** ServiceAccounts carrying the IRSA annotation → their role ARN. */
export function irsaServiceAccounts(m: ProfileManifests): Map<string, string> {
  const out = new Map<string, string>();
  for (const sa of ofKind(m, 'ServiceAccount')) {
    const arn = sa.metadata.annotations?.[ROLE_ARN_ANNOTATION];
    if (arn) out.set(sa.metadata.name, arn);
  }
  return out;
}

export interface S3Emulator {
  /** The emulator's address on the bridge (every AWS name below resolves to it). */
  readonly address: string;
  /** The DNS names registered: <bucket>.s3.<region>.amazonaws.com, s3.<region>…, sts.<region>…, and the global ones. */
  readonly hosts: string[];
  /** The CA that signed the emulator's certificates (AWS_CA_BUNDLE). */
  readonly caFile: string;
  /** Env every AWS-enabled pod gets (region, CA bundle; static keys in `static` mode). */
  readonly env: Record<string, string>;
  /** The env the pod identity webhook injects into pods of `serviceAccount` (role `roleArn`). */
  envFor(serviceAccount: string, roleArn: string): Record<string, string>;
  /** Object keys in a bucket (through the plain-HTTP listener, path style). */
  listObjects(bucket: string, prefix?: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface S3Options {
  /** @default the regions of the rendered s3store config */
  readonly regions?: string[];
  /**
   * `web-identity`: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, as IRSA injects (the SDK calls the
   * STS stand-in); `static`: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY. @default 'web-identity'
   */
  readonly credentials?: 'web-identity' | 'static';
  /** Roles STS lets a web identity assume. @default the annotated ServiceAccounts' roles */
  readonly roles?: string[];
}

/**
 * Starts the S3 (+ STS) emulator as a process of the harness on an address of its own, creates
 * `buckets`, and points the AWS names at it in every pod's hosts file. It stops with the cluster.
 */
export async function startS3(cluster: Cluster, binary: string, buckets: string[], opts: S3Options = {}): Promise<S3Emulator> {
  const regions = opts.regions ?? s3Archival(cluster.manifests).regions;
  const roles = opts.roles ?? [...new Set(irsaServiceAccounts(cluster.manifests).values())];
  const mode = opts.credentials ?? 'web-identity';
  const dir = path.join(cluster.runDir, 's3');
  fs.mkdirSync(path.join(dir, 'tls'), { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o755);
  const ca = new ExternalCa(path.join(dir, 'ca'));
  fs.chmodSync(ca.certFile, 0o644);

  // Regional and global endpoints; the SDK for Go v2 uses the regional ones (us-east-1 included).
  const s3Bases = [...regions.map((r) => `s3.${r}.amazonaws.com`), 's3.amazonaws.com'];
  const hosts = [
    ...new Set([
      ...s3Bases.flatMap((base) => [base, ...buckets.map((b) => `${b}.${base}`)]),
      ...regions.map((r) => `sts.${r}.amazonaws.com`),
      'sts.amazonaws.com',
    ]),
  ];
  const args = ['--http-addr', '', '--addr', ''];
  for (const host of hosts) {
    const { cert, key } = ca.issue(host);
    const c = path.join(dir, 'tls', `${host}.crt`);
    const k = path.join(dir, 'tls', `${host}.key`);
    fs.writeFileSync(c, cert);
    fs.writeFileSync(k, key, { mode: 0o600 });
    args.push('--tls', `${c},${k}`);
  }
  for (const base of s3Bases) args.push('--host-base', base);
  for (const b of buckets) args.push('--bucket', b);
  for (const role of roles) args.push('--sts-role', role);

  const address = cluster.network.addHostAddress();
  args[1] = `${address}:${PLAIN_PORT}`;
  args[3] = `${address}:${HTTPS_PORT}`;
  const logFile = cluster.logFile('s3-emulator');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  cluster.track(child);
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`s3-emulator exited ${child.exitCode ?? child.signalCode}: ${fs.readFileSync(logFile, 'utf8').trim().slice(-500)}`);
    }
    // The plain listener opens after the TLS one (probing 443 would log a handshake error).
    if (await tcpOpen(address, PLAIN_PORT, 1000)) break;
    if (i > 100) throw new Error(`s3-emulator not listening on ${address} after 10 s (log: ${logFile})`);
    await sleep(100);
  }
  for (const host of hosts) cluster.network.setName(host, [address]);

  const env: Record<string, string> = {
    AWS_REGION: regions[0],
    AWS_DEFAULT_REGION: regions[0],
    AWS_STS_REGIONAL_ENDPOINTS: 'regional',
    AWS_CA_BUNDLE: ca.certFile,
    ...(mode === 'static' ? { AWS_ACCESS_KEY_ID: 'AKIAE2EEMULATOR00001', AWS_SECRET_ACCESS_KEY: 'e2e-emulator-secret' } : {}),
  };
  let closed: Promise<void> | undefined;
  const emulator: S3Emulator = {
    address,
    hosts,
    caFile: ca.certFile,
    env,
    envFor(serviceAccount, roleArn) {
      if (mode === 'static') return { ...env };
      // The projected token the webhook mounts at EKS_TOKEN_PATH; its content is not checked.
      const tokenDir = path.join(dir, 'irsa', serviceAccount);
      fs.mkdirSync(tokenDir, { recursive: true, mode: 0o755 });
      const token = path.join(tokenDir, path.basename(EKS_TOKEN_PATH));
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      fs.writeFileSync(
        token,
        `${b64({ alg: 'none' })}.${b64({ iss: 'https://oidc.eks.e2e', aud: ['sts.amazonaws.com'], sub: `system:serviceaccount:${cluster.namespace}:${serviceAccount}` })}.`,
        { mode: 0o644 },
      );
      return { ...env, AWS_ROLE_ARN: roleArn, AWS_WEB_IDENTITY_TOKEN_FILE: token };
    },
    async listObjects(bucket, prefix = '') {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const q = new URLSearchParams({ 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) });
        const res = await fetch(`http://${address}:${PLAIN_PORT}/${encodeURIComponent(bucket)}?${q}`, {
          signal: AbortSignal.timeout(10_000),
        });
        const xml = await res.text();
        if (!res.ok) throw new Error(`list ${bucket}/${prefix}: HTTP ${res.status} ${xml.slice(0, 300)}`);
        for (const [, k] of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(unescapeXml(k));
        token = /<IsTruncated>true<\/IsTruncated>/.test(xml) ? /<NextContinuationToken>([^<]*)</.exec(xml)?.[1] : undefined;
      } while (token);
      return keys;
    },
    close() {
      closed ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        killGroup(child, 'SIGTERM');
        await waitExit(child, 5000, 's3-emulator').catch(() => killGroup(child, 'SIGKILL'));
      })();
      return closed;
    },
  };
  cluster.onClose(() => emulator.close());
  return emulator;
}

/**
 * The EKS pod identity webhook's part: the pods of every ServiceAccount annotated with
 * eks.amazonaws.com/role-arn get the emulator's env for that role. Returns "<sa> → <role>" lines.
 */
export function installPodIdentityWebhook(cluster: Cluster, s3: S3Emulator): string[] {
  const out: string[] = [];
  for (const [sa, arn] of irsaServiceAccounts(cluster.manifests)) {
    cluster.envWebhooks.push({ serviceAccounts: (name) => name === sa, env: s3.envFor(sa, arn) });
    out.push(`${sa} → ${arn}`);
  }
  return out;
}

const unescapeXml = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#(\d+));/g, (_, e: string, n?: string) =>
    n ? String.fromCharCode(Number(n)) : ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[e],
  );
