/**
 * The ingress controller's part, for the browser: a TLS-terminating reverse proxy for one rendered
 * Ingress rule, serving the Ingress host with the certificate of its TLS Secret and forwarding to
 * the backend Service's ready pods with the X-Forwarded-* headers ingress-nginx sets. Where
 * cert-manager's ingress-shim would issue that Secret from a ClusterIssuer (Let's Encrypt), the
 * harness issues it from a CA of its own.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import type { Cluster } from './cluster';
import type { K8sObject } from './manifests';

export interface IngressEndpoint {
  /** https://<host> as users open it. */
  readonly url: string;
  readonly host: string;
  /** Where the proxy listens (the browser maps the host there). */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

function selfIssued(dir: string, host: string): { key: Buffer; cert: Buffer } {
  fs.mkdirSync(dir, { recursive: true });
  const key = path.join(dir, 'tls.key');
  const cert = path.join(dir, 'tls.crt');
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
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=${host}`,
      '-addext',
      `subjectAltName=DNS:${host}`,
    ],
    { stdio: 'ignore' },
  );
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

export async function startIngress(cluster: Cluster, ingress: K8sObject): Promise<IngressEndpoint> {
  const rule = ingress.spec.rules[0];
  const host: string = rule.host;
  const backend = rule.http.paths[0].backend.service;
  const tls = ingress.spec.tls?.find((t: { hosts: string[] }) => t.hosts.includes(host));
  if (!tls) throw new Error(`Ingress ${ingress.metadata.name} has no TLS for ${host}: plain HTTP needs no stand-in`);
  const rendered = cluster.secret(tls.secretName, true);
  const material = rendered['tls.crt']
    ? { key: rendered['tls.key'], cert: rendered['tls.crt'] }
    : selfIssued(path.join(cluster.runDir, 'ingress-tls'), host);
  const svc = cluster.manifests.objects.find((o) => o.kind === 'Service' && o.metadata.name === backend.name);
  if (!svc) throw new Error(`Ingress backend Service ${backend.name} is not rendered`);
  const svcPort = svc.spec.ports.find((p: { name?: string; port: number }) =>
    backend.port.name ? p.name === backend.port.name : p.port === backend.port.number,
  );
  const server = https.createServer({ key: material.key, cert: material.cert }, (req, res) => {
    const target = cluster.network.resolve(`${backend.name}.${cluster.namespace}.svc.cluster.local`)[0];
    if (!target) {
      res.writeHead(503).end('no ready endpoints');
      return;
    }
    const targetPort = typeof svcPort.targetPort === 'number' ? svcPort.targetPort : svcPort.port;
    const upstream = http.request(
      {
        host: target,
        port: targetPort,
        method: req.method,
        path: req.url,
        headers: {
          ...req.headers,
          'x-forwarded-proto': 'https',
          'x-forwarded-host': host,
          'x-forwarded-for': req.socket.remoteAddress ?? '',
        },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      res.writeHead(502).end(String(e));
    });
    req.pipe(upstream);
  });
  const address = cluster.network.hostAddress;
  // Port 443, as users reach the Ingress: the UI's CORS origins name the host without a port.
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(443, address, resolve));
  const port = 443;
  return {
    url: `https://${host}`,
    host,
    address,
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
