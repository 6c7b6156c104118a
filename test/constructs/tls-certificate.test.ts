import { TlsCertificate, TlsCertificateProps } from '../../constructs/tls-certificate';
import { synthChart, testChart } from '../helpers';
import { only } from './fixtures';

const labels = { 'app.kubernetes.io/name': 'temporal', 'app.kubernetes.io/component': 'tls' };
const minimal: TlsCertificateProps = {
  name: 'temporal-frontend-tls',
  labels,
  issuer: { name: 'temporal-ca', kind: 'Issuer' },
  commonName: 'temporal-frontend',
  usage: 'server',
};

function synth(props: TlsCertificateProps) {
  const chart = testChart();
  const construct = new TlsCertificate(chart, 'Cert', props);
  const objects = synthChart(chart);
  const cert = only(objects, 'Certificate');
  return { construct, objects, cert };
}

describe('TlsCertificate', () => {
  test('minimal props: a cert-manager.io/v1 Certificate, 90 days renewed 30 days ahead, no dnsNames', () => {
    const { construct, objects, cert } = synth(minimal);
    expect(objects).toHaveLength(1);
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    expect(cert.metadata).toMatchObject({ name: 'temporal-frontend-tls', namespace: 'temporal-test', labels });
    expect(cert.spec).toEqual({
      secretName: 'temporal-frontend-tls',
      secretTemplate: { labels },
      commonName: 'temporal-frontend',
      duration: '2160h0m0s',
      renewBefore: '720h0m0s',
      privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS8', rotationPolicy: 'Always' },
      usages: ['digital signature', 'key encipherment', 'server auth'],
      issuerRef: { name: 'temporal-ca', kind: 'Issuer', group: 'cert-manager.io' },
    });
    expect(construct.secretName).toBe('temporal-frontend-tls');
  });

  test('all props: every prop shows up', () => {
    const all: Required<TlsCertificateProps> = {
      name: 'temporal-internode-tls',
      labels: { team: 'platform' },
      issuer: { name: 'corp-ca', kind: 'ClusterIssuer' },
      commonName: 'temporal-internode',
      dnsNames: ['temporal-internode', 'temporal-history-headless.temporal.svc'],
      usage: 'both',
      duration: '720h0m0s',
      renewBefore: '240h0m0s',
    };
    const { construct, cert } = synth(all);
    expect(cert.metadata).toMatchObject({ name: 'temporal-internode-tls', labels: { team: 'platform' } });
    expect(cert.spec).toEqual({
      secretName: 'temporal-internode-tls',
      secretTemplate: { labels: { team: 'platform' } },
      commonName: 'temporal-internode',
      dnsNames: ['temporal-internode', 'temporal-history-headless.temporal.svc'],
      duration: '720h0m0s',
      renewBefore: '240h0m0s',
      privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS8', rotationPolicy: 'Always' },
      usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'],
      issuerRef: { name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    });
    expect(construct.secretName).toBe('temporal-internode-tls');
  });

  test.each([
    ['server', ['digital signature', 'key encipherment', 'server auth']],
    ['client', ['digital signature', 'key encipherment', 'client auth']],
    ['both', ['digital signature', 'key encipherment', 'server auth', 'client auth']],
  ] as const)('usage %s → %j', (usage, usages) => {
    expect(synth({ ...minimal, usage }).cert.spec.usages).toEqual(usages);
  });

  test('a server certificate cannot authenticate a client, and a client certificate cannot serve', () => {
    expect(synth({ ...minimal, usage: 'server' }).cert.spec.usages).not.toContain('client auth');
    expect(synth({ ...minimal, usage: 'client' }).cert.spec.usages).not.toContain('server auth');
  });

  test('an empty dnsNames list is left out (a client certificate names no host)', () => {
    const { cert } = synth({ ...minimal, usage: 'client', dnsNames: [] });
    expect(cert.spec).not.toHaveProperty('dnsNames');
    expect(cert.spec.commonName).toBe('temporal-frontend');
  });

  test('dnsNames are rendered in the given order', () => {
    const { cert } = synth({ ...minimal, dnsNames: ['b.example', 'a.example', 'c.example'] });
    expect(cert.spec.dnsNames).toEqual(['b.example', 'a.example', 'c.example']);
  });

  test("the Secret cert-manager writes has the Certificate's name and labels", () => {
    const { construct, cert } = synth({ ...minimal, name: 'orders-worker-client-tls', usage: 'client' });
    expect(cert.spec.secretName).toBe(cert.metadata.name);
    expect(construct.secretName).toBe('orders-worker-client-tls');
    expect(cert.spec.secretTemplate).toEqual({ labels: cert.metadata.labels });
  });

  test('the private key is regenerated on every renewal', () => {
    expect(synth(minimal).cert.spec.privateKey.rotationPolicy).toBe('Always');
  });
});
