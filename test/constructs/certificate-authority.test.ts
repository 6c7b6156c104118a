import { CertificateAuthority, CertificateAuthorityProps } from '../../constructs/certificate-authority';
import { TlsCertificate } from '../../constructs/tls-certificate';
import { K8sObject, find, synthChart, testChart } from '../helpers';
import { ofKind, only } from './fixtures';

const labels = { 'app.kubernetes.io/name': 'temporal', 'app.kubernetes.io/component': 'tls' };
const minimal: CertificateAuthorityProps = { name: 'temporal-ca', labels, commonName: 'Temporal temporal-test CA' };

function synth(props: CertificateAuthorityProps) {
  const chart = testChart();
  const construct = new CertificateAuthority(chart, 'Ca', props);
  const objects = synthChart(chart);
  return { construct, objects };
}

const issuers = (objects: K8sObject[]) => ofKind(objects, 'Issuer');

describe('CertificateAuthority', () => {
  test('minimal props: self-signed Issuer → CA Certificate → CA Issuer, 10 years renewed 30 days ahead', () => {
    const { construct, objects } = synth(minimal);
    expect(objects.map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.name}`)).toEqual([
      'cert-manager.io/v1/Issuer/temporal-ca-selfsigned',
      'cert-manager.io/v1/Certificate/temporal-ca',
      'cert-manager.io/v1/Issuer/temporal-ca',
    ]);
    for (const o of objects) expect(o.metadata).toMatchObject({ namespace: 'temporal-test', labels });

    expect(find(objects, 'Issuer', 'temporal-ca-selfsigned').spec).toEqual({ selfSigned: {} });
    expect(only(objects, 'Certificate').spec).toEqual({
      isCA: true,
      commonName: 'Temporal temporal-test CA',
      secretName: 'temporal-ca',
      secretTemplate: { labels },
      duration: '87600h0m0s',
      renewBefore: '720h0m0s',
      privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS8', rotationPolicy: 'Never' },
      issuerRef: { name: 'temporal-ca-selfsigned', kind: 'Issuer', group: 'cert-manager.io' },
    });
    expect(find(objects, 'Issuer', 'temporal-ca').spec).toEqual({ ca: { secretName: 'temporal-ca' } });
    expect(construct.issuer).toEqual({ name: 'temporal-ca', kind: 'Issuer' });
  });

  test('all props: every prop shows up', () => {
    const all: Required<CertificateAuthorityProps> = {
      name: 'corp-ca',
      labels: { team: 'platform' },
      commonName: 'Corp CA',
      duration: '43800h0m0s',
      renewBefore: '2160h0m0s',
    };
    const { construct, objects } = synth(all);
    expect(
      issuers(objects)
        .map((i) => i.metadata.name)
        .sort(),
    ).toEqual(['corp-ca', 'corp-ca-selfsigned']);
    for (const o of objects) expect(o.metadata.labels).toEqual({ team: 'platform' });
    const ca = only(objects, 'Certificate');
    expect(ca.metadata.name).toBe('corp-ca');
    expect(ca.spec).toMatchObject({
      isCA: true,
      commonName: 'Corp CA',
      secretName: 'corp-ca',
      secretTemplate: { labels: { team: 'platform' } },
      duration: '43800h0m0s',
      renewBefore: '2160h0m0s',
      issuerRef: { name: 'corp-ca-selfsigned', kind: 'Issuer', group: 'cert-manager.io' },
    });
    expect(find(objects, 'Issuer', 'corp-ca').spec).toEqual({ ca: { secretName: 'corp-ca' } });
    expect(construct.issuer).toEqual({ name: 'corp-ca', kind: 'Issuer' });
  });

  test('the chain links up: the CA Issuer reads the Secret the CA Certificate writes, which the self-signed Issuer signs', () => {
    const { objects } = synth(minimal);
    const selfSigned = issuers(objects).find((i) => i.spec.selfSigned)!;
    const ca = only(objects, 'Certificate');
    const caIssuer = issuers(objects).find((i) => i.spec.ca)!;
    expect(ca.spec.issuerRef.name).toBe(selfSigned.metadata.name);
    expect(caIssuer.spec.ca.secretName).toBe(ca.spec.secretName);
    expect(caIssuer.metadata.name).toBe('temporal-ca');
  });

  test('the CA key is kept across renewals (rotationPolicy Never), so issued certificates stay valid', () => {
    const ca = only(synth(minimal).objects, 'Certificate');
    expect(ca.spec.privateKey.rotationPolicy).toBe('Never');
    expect(ca.spec).not.toHaveProperty('usages');
    expect(ca.spec).not.toHaveProperty('dnsNames');
  });

  test('its issuer signs leaf certificates: issuerRef of a TlsCertificate points at the CA Issuer', () => {
    const chart = testChart();
    const ca = new CertificateAuthority(chart, 'Ca', minimal);
    new TlsCertificate(chart, 'Leaf', {
      name: 'temporal-frontend-tls',
      labels,
      issuer: ca.issuer,
      commonName: 'temporal-frontend',
      usage: 'server',
    });
    const objects = synthChart(chart);
    const leaf = find(objects, 'Certificate', 'temporal-frontend-tls');
    expect(leaf.spec.issuerRef).toEqual({ name: 'temporal-ca', kind: 'Issuer', group: 'cert-manager.io' });
    expect(leaf.spec.privateKey.rotationPolicy).toBe('Always');
    expect(leaf.spec).not.toHaveProperty('isCA');
    expect(find(objects, 'Issuer', leaf.spec.issuerRef.name).spec).toEqual({ ca: { secretName: 'temporal-ca' } });
  });
});
