/**
 * What lies outside the cluster in production, stood up by the harness: a managed PostgreSQL
 * reached by its DNS name over TLS (verify-full against a CA the harness issues and hands over
 * through the secret store, as a cloud provider's CA bundle would be), an OIDC issuer's JWKS over
 * HTTPS (with OIDC discovery and an authorization-code flow for the Web UI's login), and JWTs for the
 * worker pools minted with the configured permissions claim.
 */
import { execFileSync } from 'child_process';
import { createPrivateKey, generateKeyPairSync, KeyObject, randomBytes, sign } from 'crypto';
import * as fs from 'fs';
import type * as http from 'http';
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
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        this.keyFile,
        '-out',
        this.certFile,
        '-days',
        '2',
        '-subj',
        '/CN=e2e external CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      { stdio: 'ignore' },
    );
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
    execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        csr,
        '-subj',
        `/CN=${host}`,
      ],
      { stdio: 'ignore' },
    );
    fs.writeFileSync(ext, `subjectAltName=DNS:${host}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n`);
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        this.certFile,
        '-CAkey',
        this.keyFile,
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        ext,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    return { cert: fs.readFileSync(cert), key: fs.readFileSync(key) };
  }

  /** The system CA bundle plus this CA, for processes that verify with the system trust store. */
  systemBundle(): string {
    const file = path.join(this.dir, 'ca-certificates.crt');
    const system = ['/etc/ssl/certs/ca-certificates.crt']
      .filter(fs.existsSync)
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('');
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
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'e2e-external-postgres' },
    spec: {
      replicas: 1,
      volumeClaimTemplates: [{ metadata: { name: 'data' } }],
      template: {
        metadata: { labels: { 'e2e.temporal.io/external': 'postgres' } },
        spec: {
          securityContext: { runAsUser: 999, runAsGroup: 999, fsGroup: 999 },
          containers: [
            {
              name: 'postgres',
              image: 'postgres:17.6',
              args: [
                '-c',
                'ssl=on',
                '-c',
                'ssl_cert_file=/etc/postgres-tls/tls.crt',
                '-c',
                'ssl_key_file=/etc/postgres-tls/tls.key',
                '-c',
                'max_connections=300',
              ],
              env: [
                { name: 'POSTGRES_USER', value: user },
                { name: 'POSTGRES_PASSWORD', value: password },
                { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
              ],
              readinessProbe: { exec: { command: ['pg_isready', '-h', '127.0.0.1', '-U', user] } },
              volumeMounts: [
                { name: 'data', mountPath: '/var/lib/postgresql/data' },
                { name: 'run', mountPath: '/var/run/postgresql' },
                { name: 'tls', mountPath: '/etc/postgres-tls', readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'run', emptyDir: {} },
            { name: 'tls', secret: { secretName: 'e2e-external-postgres-tls', defaultMode: 0o640 } },
          ],
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

/** An OAuth client registered with the issuer (the Web UI's). */
export interface OidcClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
  /** Claims every ID token for this client carries (the permissions claim Temporal maps). */
  readonly claims: Record<string, unknown>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  nonce?: string;
  scope: string;
  issuer: string;
  expires: number;
}

/**
 * An OIDC issuer: its signing key, its JWKS and discovery document over HTTPS, tokens signed with
 * it, and a minimal authorization-code flow (no login form: the user is "e2e" and consents at once)
 * for the clients registered with `addClient`.
 */
export class Issuer {
  private readonly key: KeyObject;
  private readonly kid = 'e2e-1';
  private server?: https.Server;
  private readonly clients = new Map<string, OidcClient>();
  private readonly codes = new Map<string, PendingCode>();
  private readonly accessTokens = new Map<string, { sub: string; email: string; expires: number }>();
  /** What the flow served, for the report: `auth`, `token`, `userinfo` counts and refusals. */
  readonly served: string[] = [];
  /** The bridge address the issuer's host resolves to (a browser maps the host there). */
  address?: string;
  /** The host of the issuer's URLs (login.example.com). */
  host?: string;

  constructor() {
    this.key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }

  /** Registers an OAuth client (the Web UI's client id, secret and callback). */
  addClient(client: OidcClient): void {
    this.clients.set(client.clientId, client);
  }

  /**
   * Serves the JWKS at the path of `jwksUrl`, on an address of its own that the URL's host resolves to,
   * with, for the issuer at any path `<issuer>` of that host: `<issuer>/.well-known/openid-configuration`
   * and the Keycloak-style endpoints `<issuer>/protocol/openid-connect/{auth,token,userinfo}`.
   */
  async serve(cluster: Cluster, ca: ExternalCa, jwksUrl: string): Promise<void> {
    const url = new URL(jwksUrl);
    const address = cluster.network.addHostAddress();
    const { cert, key } = ca.issue(url.hostname);
    const jwk = { ...createPrivateKey(this.key.export({ format: 'pem', type: 'pkcs8' })).export({ format: 'jwk' }) };
    const pub = { kty: jwk.kty, n: jwk.n, e: jwk.e, kid: this.kid, alg: 'RS256', use: 'sig' };
    const origin = `${url.protocol}//${url.host}`;
    const discovery = '/.well-known/openid-configuration';
    const endpoint = /^(.*)\/protocol\/openid-connect\/(auth|token|userinfo)$/;
    this.server = https.createServer({ cert, key }, (req, res) => {
      const reqUrl = new URL(req.url ?? '/', origin);
      const reqPath = reqUrl.pathname;
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
      const ep = endpoint.exec(reqPath);
      if (reqPath === url.pathname) {
        json(200, { keys: [pub] });
      } else if (reqPath.endsWith(discovery)) {
        // OIDC discovery for the issuer at that path (the Web UI server reads it at start).
        const issuer = `${origin}${reqPath.slice(0, -discovery.length)}`;
        json(200, {
          issuer,
          jwks_uri: jwksUrl,
          authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
          token_endpoint: `${issuer}/protocol/openid-connect/token`,
          userinfo_endpoint: `${issuer}/protocol/openid-connect/userinfo`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          grant_types_supported: ['authorization_code'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        });
      } else if (ep) {
        const issuer = `${origin}${ep[1]}`;
        if (ep[2] === 'auth' && req.method === 'GET') this.authorize(issuer, reqUrl.searchParams, res);
        else if (ep[2] === 'token' && req.method === 'POST')
          readBody(req).then(
            (body) => this.exchange(req, body, json),
            (e) => json(400, { error: 'invalid_request', error_description: String(e) }),
          );
        else if (ep[2] === 'userinfo') this.userinfo(req, json);
        else res.writeHead(405).end();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve, reject) => this.server!.once('error', reject).listen(Number(url.port || 443), address, resolve));
    cluster.network.setName(url.hostname, [address]);
    this.address = address;
    this.host = url.hostname;
  }

  /** The authorization endpoint: checks the client and its redirect URI, then sends the browser back with a code at once. */
  private authorize(issuer: string, q: URLSearchParams, res: http.ServerResponse): void {
    const refuse = (why: string) => {
      this.served.push(`auth refused: ${why}`);
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`e2e issuer: ${why}`);
    };
    const client = this.clients.get(q.get('client_id') ?? '');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!client) return refuse(`unknown client_id ${q.get('client_id')}`);
    if (!client.redirectUris.includes(redirectUri)) return refuse(`redirect_uri ${redirectUri} is not registered for ${client.clientId}`);
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const scope = q.get('scope') ?? '';
    if (q.get('response_type') !== 'code') back.searchParams.set('error', 'unsupported_response_type');
    else if (!scope.split(' ').includes('openid')) back.searchParams.set('error', 'invalid_scope');
    else {
      const code = randomBytes(24).toString('base64url');
      this.codes.set(code, {
        clientId: client.clientId,
        redirectUri,
        nonce: q.get('nonce') ?? undefined,
        scope,
        issuer,
        expires: Date.now() + 60_000,
      });
      back.searchParams.set('code', code);
    }
    this.served.push(back.searchParams.has('error') ? `auth refused: ${back.searchParams.get('error')}` : 'auth');
    res.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' }).end();
  }

  /** The token endpoint: exchanges a code once, for the client that asked for it, authenticated by its secret (basic or form). */
  private exchange(
    req: http.IncomingMessage,
    body: string,
    json: (status: number, body: unknown, headers?: Record<string, string>) => void,
  ): void {
    const form = new URLSearchParams(body);
    const refuse = (status: number, error: string, why: string) => {
      this.served.push(`token refused: ${why}`);
      json(status, { error, error_description: why }, status === 401 ? { 'www-authenticate': 'Basic realm="e2e"' } : {});
    };
    let clientId = form.get('client_id') ?? '';
    let secret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      // RFC 6749 §2.3.1: both are form-urlencoded before the base64 (golang.org/x/oauth2 does so).
      const [id, ...rest] = Buffer.from(basic[1], 'base64').toString().split(':');
      clientId = decodeURIComponent(id.replace(/\+/g, ' '));
      secret = decodeURIComponent(rest.join(':').replace(/\+/g, ' '));
    }
    const client = this.clients.get(clientId);
    if (!client || secret !== client.clientSecret)
      return refuse(
        401,
        'invalid_client',
        `client ${clientId || '(none)'}: ${client ? 'wrong secret' : 'unknown'}${basic ? ' (basic auth)' : ' (form)'}`,
      );
    if (form.get('grant_type') !== 'authorization_code')
      return refuse(400, 'unsupported_grant_type', `grant_type ${form.get('grant_type')}`);
    const code = form.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code);
    if (!pending || pending.expires < Date.now()) return refuse(400, 'invalid_grant', 'unknown, used or expired code');
    if (pending.clientId !== clientId) return refuse(400, 'invalid_grant', `code issued to ${pending.clientId}, redeemed by ${clientId}`);
    if ((form.get('redirect_uri') ?? '') !== pending.redirectUri)
      return refuse(400, 'invalid_grant', `redirect_uri ${form.get('redirect_uri')} differs from the authorization request's`);
    const ttl = 3600;
    const { accessToken, idToken } = this.tokensFor(client, pending.issuer, pending.nonce, ttl);
    this.served.push('token');
    json(200, { access_token: accessToken, id_token: idToken, token_type: 'Bearer', expires_in: ttl, scope: pending.scope });
  }

  /**
   * What the token endpoint hands `client` for the user "e2e-user": an opaque access token (good for
   * userinfo only) and an RS256 ID token (iss, aud = azp = client id, sub, email, nonce if asked, and
   * the client's claims). Also for callers of the UI's API outside a browser, as the UI would send them.
   */
  tokensFor(client: OidcClient, issuer: string, nonce?: string, ttlSeconds = 3600): { accessToken: string; idToken: string } {
    const sub = 'e2e-user';
    const email = 'e2e-user@example.com';
    const accessToken = randomBytes(32).toString('base64url');
    this.accessTokens.set(accessToken, { sub, email, expires: Date.now() + ttlSeconds * 1000 });
    const idToken = this.token(
      {
        ...client.claims,
        iss: issuer,
        aud: client.clientId,
        azp: client.clientId,
        sub,
        email,
        email_verified: true,
        name: 'E2E User',
        ...(nonce !== undefined ? { nonce } : {}),
      },
      ttlSeconds,
    );
    return { accessToken, idToken };
  }

  private userinfo(req: http.IncomingMessage, json: (status: number, body: unknown, headers?: Record<string, string>) => void): void {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const t = this.accessTokens.get(bearer);
    if (!t || t.expires < Date.now()) {
      this.served.push('userinfo refused');
      return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    this.served.push('userinfo');
    json(200, { sub: t.sub, email: t.email, email_verified: true, name: 'E2E User' });
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

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => resolve(Buffer.concat(chunks).toString()))
      .on('error', reject);
  });
}
