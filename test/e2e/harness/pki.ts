/**
 * Issues every cert-manager Certificate of a profile as cert-manager would: Issuers are followed
 * (selfSigned, or ca with its Secret), the key has the requested algorithm, size and encoding,
 * the certificate carries the commonName, dnsNames, ipAddresses, usages and isCA as specified, and
 * the Secret holds `tls.crt`, `tls.key` and `ca.crt` (the issuing CA; the certificate itself when
 * self-signed). openssl does the cryptography.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { K8sObject } from './manifests';

export type SecretData = Record<string, Buffer>;

const openssl = (args: string[], input?: string) => execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });

const USAGE_KEY = new Map([
  ['digital signature', 'digitalSignature'],
  ['key encipherment', 'keyEncipherment'],
  ['cert sign', 'keyCertSign'],
  ['crl sign', 'cRLSign'],
  ['content commitment', 'nonRepudiation'],
  ['key agreement', 'keyAgreement'],
  ['data encipherment', 'dataEncipherment'],
]);
const USAGE_EXT = new Map([
  ['server auth', 'serverAuth'],
  ['client auth', 'clientAuth'],
  ['code signing', 'codeSigning'],
  ['email protection', 'emailProtection'],
]);

function generateKey(dir: string, pk: { algorithm?: string; size?: number; encoding?: string } = {}): string {
  const file = path.join(dir, 'key.pem');
  const algorithm = (pk.algorithm ?? 'RSA').toUpperCase();
  if (algorithm === 'ECDSA') {
    const curve = { 256: 'P-256', 384: 'P-384', 521: 'P-521' }[pk.size ?? 256];
    if (!curve) throw new Error(`ECDSA size ${pk.size} is not one cert-manager supports`);
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${curve}`, '-out', file]);
    if ((pk.encoding ?? 'PKCS1') === 'PKCS1') openssl(['ec', '-in', file, '-out', file]);
  } else if (algorithm === 'RSA') {
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${pk.size ?? 2048}`, '-out', file]);
    if ((pk.encoding ?? 'PKCS1') === 'PKCS1') openssl(['rsa', '-in', file, '-traditional', '-out', file]);
  } else if (algorithm === 'ED25519') {
    openssl(['genpkey', '-algorithm', 'ED25519', '-out', file]);
  } else {
    throw new Error(`private key algorithm ${pk.algorithm} is not one cert-manager supports`);
  }
  return file;
}

/** The duration strings cert-manager takes ("87600h0m0s", "2160h") in days for openssl. */
function days(duration: string | undefined): number {
  if (!duration) return 90;
  let hours = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g))
    hours += Number(n) / ({ h: 1, m: 60, s: 3600 } as Record<string, number>)[unit];
  return Math.max(1, Math.ceil(hours / 24));
}

export class CertManager {
  private readonly issued = new Map<string, SecretData>();

  constructor(
    private readonly objects: K8sObject[],
    private readonly workDir: string,
  ) {
    fs.mkdirSync(workDir, { recursive: true });
  }

  /** Issues every Certificate (CAs first, as their Issuers need them); Secret name → data. */
  issueAll(): Map<string, SecretData> {
    const pending = this.objects.filter((o) => o.kind === 'Certificate');
    while (pending.length) {
      const ready = pending.findIndex((c) => this.issuerReady(c));
      if (ready < 0) throw new Error(`Certificates whose Issuer never becomes ready: ${pending.map((c) => c.metadata.name).join(', ')}`);
      const [cert] = pending.splice(ready, 1);
      this.issued.set(cert.spec.secretName, this.issue(cert));
    }
    return this.issued;
  }

  private issuer(cert: K8sObject): K8sObject {
    const ref = cert.spec.issuerRef;
    const kind = ref.kind ?? 'Issuer';
    const issuer = this.objects.find((o) => o.kind === kind && o.metadata.name === ref.name);
    if (!issuer) throw new Error(`Certificate ${cert.metadata.name}: ${kind} ${ref.name} is not rendered`);
    return issuer;
  }

  private issuerReady(cert: K8sObject): boolean {
    const issuer = this.issuer(cert);
    return issuer.spec.selfSigned !== undefined || (issuer.spec.ca && this.issued.has(issuer.spec.ca.secretName));
  }

  private issue(cert: K8sObject): SecretData {
    const s = cert.spec;
    const dir = path.join(this.workDir, cert.metadata.name);
    fs.mkdirSync(dir, { recursive: true });
    const keyFile = generateKey(dir, s.privateKey);
    const usages: string[] = s.usages ?? ['digital signature', 'key encipherment'];
    const keyUsage = usages.map((u) => USAGE_KEY.get(u)).filter(Boolean) as string[];
    if (s.isCA && !keyUsage.includes('keyCertSign')) keyUsage.push('keyCertSign');
    const extUsage = usages.map((u) => USAGE_EXT.get(u)).filter(Boolean) as string[];
    const san = [
      ...(s.dnsNames ?? []).map((d: string) => `DNS:${d}`),
      ...(s.ipAddresses ?? []).map((i: string) => `IP:${i}`),
      ...(s.uris ?? []).map((u: string) => `URI:${u}`),
    ];
    const ext = [
      '[ext]',
      `basicConstraints = critical, CA:${s.isCA ? 'TRUE' : 'FALSE'}`,
      `keyUsage = critical, ${keyUsage.join(', ')}`,
      ...(extUsage.length ? [`extendedKeyUsage = ${extUsage.join(', ')}`] : []),
      ...(san.length ? [`subjectAltName = ${san.join(', ')}`] : []),
      'subjectKeyIdentifier = hash',
    ];
    const subject = s.commonName ? `/CN=${s.commonName.replace(/\//g, '\\/')}` : '/';
    const csr = path.join(dir, 'req.csr');
    openssl(['req', '-new', '-key', keyFile, '-subj', subject, '-out', csr]);
    const extFile = path.join(dir, 'ext.cnf');
    const certFile = path.join(dir, 'tls.crt');
    const issuer = this.issuer(cert);
    let caPem: Buffer;
    if (issuer.spec.selfSigned !== undefined) {
      fs.writeFileSync(extFile, ext.join('\n') + '\n');
      openssl([
        'x509',
        '-req',
        '-in',
        csr,
        '-signkey',
        keyFile,
        '-days',
        String(days(s.duration)),
        '-extfile',
        extFile,
        '-extensions',
        'ext',
        '-set_serial',
        `0x${serial()}`,
        '-out',
        certFile,
      ]);
      caPem = fs.readFileSync(certFile);
    } else {
      const ca = this.issued.get(issuer.spec.ca.secretName)!;
      const caCrt = path.join(dir, 'issuer.crt');
      const caKey = path.join(dir, 'issuer.key');
      fs.writeFileSync(caCrt, ca['tls.crt']);
      fs.writeFileSync(caKey, ca['tls.key']);
      fs.writeFileSync(extFile, [...ext, 'authorityKeyIdentifier = keyid:always'].join('\n') + '\n');
      openssl([
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        caCrt,
        '-CAkey',
        caKey,
        '-days',
        String(days(s.duration)),
        '-extfile',
        extFile,
        '-extensions',
        'ext',
        '-set_serial',
        `0x${serial()}`,
        '-out',
        certFile,
      ]);
      caPem = ca['ca.crt'] ?? ca['tls.crt'];
    }
    return { 'tls.crt': fs.readFileSync(certFile), 'tls.key': fs.readFileSync(keyFile), 'ca.crt': caPem };
  }
}

const serial = () =>
  [...Array(16)]
    .map(() => Math.floor(Math.random() * 16).toString(16))
    .join('')
    .replace(/^0/, '1');
