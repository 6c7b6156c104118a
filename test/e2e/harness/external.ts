/**
 * What lies outside the cluster in production, stood up by the harness: a managed PostgreSQL
 * reached by its DNS name over TLS (verify-full against a CA the harness issues and hands over
 * through the secret store, as a cloud provider's CA bundle would be), an OIDC issuer's JWKS over
 * HTTPS, and JWTs for the worker pools minted with the configured permissions claim.
 */
import { execFileSync } from 'child_process';
import { createPrivateKey, generateKeyPairSync, KeyObject, sign } from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import type { Cluster } from './cluster';
import type { K8sObject } from './manifests';
import type { Pod } from './pod';

/** A CA of the outside world (the database's and the identity provider's certificates). */
export class ExternalCa {
  readonly certFile: string;
  private readonly keyFile: string;

  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.keyFile = path.join(dir, 'ca.key');
    this.certFile = path.join(dir, 'ca.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', this.keyFile, '-out', this.certFile,
      '-days', '2', '-subj', '/CN=e2e external CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { stdio: 'ignore' });
  }

  get pem(): string {
    return fs.readFileSync(this.certFile, 'utf8');
  }

  /** A server certificate for `host`. */
  issue(host: string): { cert: Buffer; key: Buffer } {
    const key = path.join(this.dir, `${host}.key`);
    const csr = path.join(this.dir, `${host}.csr`);
    const cert = path.join(this.dir, `${host}.crt`);
    const ext = path.join(this.dir, `${host}.ext`);
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${host}`], { stdio: 'ignore' });
    fs.writeFileSync(ext, `subjectAltName=DNS:${host}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n`);
    execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', this.certFile, '-CAkey', this.keyFile, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', cert], { stdio: 'ignore' });
    return { cert: fs.readFileSync(cert), key: fs.readFileSync(key) };
  }

  /** The system CA bundle plus this CA, for processes that verify with the system trust store. */
  systemBundle(): string {
    const file = path.join(this.dir, 'ca-certificates.crt');
    const system = ['/etc/ssl/certs/ca-certificates.crt'].filter(fs.existsSync).map((f) => fs.readFileSync(f, 'utf8')).join('');
    fs.writeFileSync(file, system + this.pem);
    return file;
  }
}

/**
 * The managed PostgreSQL a production profile points at (`host:port` from the rendered config),
 * run from the same postgres stand-in with TLS on; the credentials are the secret store's values.
 */
export async function startExternalPostgres(cluster: Cluster, ca: ExternalCa, host: string, user: string, password: string): Promise<Pod> {
  const { cert, key } = ca.issue(host);
  cluster.addSecret('e2e-external-postgres-tls', { 'tls.crt': cert, 'tls.key': key });
  const workload: K8sObject = {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'e2e-external-postgres' },
    spec: {
      replicas: 1,
      volumeClaimTemplates: [{ metadata: { name: 'data' } }],
      template: {
        metadata: { labels: { 'e2e.temporal.io/external': 'postgres' } },
        spec: {
          securityContext: { runAsUser: 999, runAsGroup: 999, fsGroup: 999 },
          containers: [{
            name: 'postgres',
            image: 'postgres:17.6',
            args: ['-c', 'ssl=on', '-c', 'ssl_cert_file=/etc/postgres-tls/tls.crt', '-c', 'ssl_key_file=/etc/postgres-tls/tls.key', '-c', 'max_connections=300'],
            env: [{ name: 'POSTGRES_USER', value: user }, { name: 'POSTGRES_PASSWORD', value: password }, { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' }],
            readinessProbe: { exec: { command: ['pg_isready', '-h', '127.0.0.1', '-U', user] } },
            volumeMounts: [
              { name: 'data', mountPath: '/var/lib/postgresql/data' },
              { name: 'run', mountPath: '/var/run/postgresql' },
              { name: 'tls', mountPath: '/etc/postgres-tls', readOnly: true },
            ],
          }],
          volumes: [{ name: 'run', emptyDir: {} }, { name: 'tls', secret: { secretName: 'e2e-external-postgres-tls', defaultMode: 0o640 } }],
        },
      },
    },
  };
  const pod = cluster.newPod(workload, { ordinal: 0 });
  await pod.run(60_000);
  await pod.waitReady(120_000);
  cluster.network.setName(host, [pod.ip]);
  return pod;
}

/** An OIDC issuer's signing key, its JWKS over HTTPS, and tokens signed with it. */
export class Issuer {
  private readonly key: KeyObject;
  private readonly kid = 'e2e-1';
  private server?: https.Server;

  constructor() {
    this.key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }

  /** Serves the JWKS at the path of `jwksUrl`, on an address of its own that the URL's host resolves to. */
  async serve(cluster: Cluster, ca: ExternalCa, jwksUrl: string): Promise<void> {
    const url = new URL(jwksUrl);
    const address = cluster.network.addHostAddress();
    const { cert, key } = ca.issue(url.hostname);
    const jwk = { ...createPrivateKey(this.key.export({ format: 'pem', type: 'pkcs8' })).export({ format: 'jwk' }) };
    const pub = { kty: jwk.kty, n: jwk.n, e: jwk.e, kid: this.kid, alg: 'RS256', use: 'sig' };
    const origin = `${url.protocol}//${url.host}`;
    this.server = https.createServer({ cert, key }, (req, res) => {
      const reqPath = req.url?.split('?')[0] ?? '';
      const discovery = '/.well-known/openid-configuration';
      if (reqPath === url.pathname) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [pub] }));
      } else if (reqPath.endsWith(discovery)) {
        // OIDC discovery for the issuer at that path (the Web UI server reads it at start).
        const issuer = `${origin}${reqPath.slice(0, -discovery.length)}`;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          issuer, jwks_uri: jwksUrl, authorization_endpoint: `${issuer}/protocol/openid-connect/auth`, token_endpoint: `${issuer}/protocol/openid-connect/token`,
          userinfo_endpoint: `${issuer}/protocol/openid-connect/userinfo`, response_types_supported: ['code'], subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve, reject) => this.server!.once('error', reject).listen(Number(url.port || 443), address, resolve));
    cluster.network.setName(url.hostname, [address]);
  }

  token(claims: Record<string, unknown>, ttlSeconds = 3600): string {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const body = `${b64({ alg: 'RS256', typ: 'JWT', kid: this.kid })}.${b64({ iat: now, nbf: now - 60, exp: now + ttlSeconds, ...claims })}`;
    return `${body}.${sign('RSA-SHA256', Buffer.from(body), this.key).toString('base64url')}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
