import { Construct } from 'constructs';
import { claimLabels } from './labels';
import { goDuration } from '../lib/go-duration';
import {
  Certificate,
  CertificateSpecPrivateKeyAlgorithm,
  CertificateSpecPrivateKeyEncoding,
  CertificateSpecPrivateKeyRotationPolicy,
  CertificateSpecUsages,
} from '../imports/cert-manager-certificate';

export interface IssuerRef {
  readonly name: string;
  readonly kind: 'Issuer' | 'ClusterIssuer';
}

export interface TlsCertificateProps {
  /** Name of the Certificate and of the Secret cert-manager writes (`tls.crt`, `tls.key`, `ca.crt`). */
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly issuer: IssuerRef;
  readonly commonName: string;
  /** @default none (client certificates) */
  readonly dnsNames?: readonly string[];
  /** `server` for listeners, `client` for callers, `both` for peers that are both (internode). */
  readonly usage: 'server' | 'client' | 'both';
  /** Go duration. @default '2160h' (90 days) */
  readonly duration?: string;
  /** Go duration. @default '720h' (30 days) */
  readonly renewBefore?: string;
}

/**
 * A cert-manager Certificate with an ECDSA P-256 key in PKCS#8 (readable by Go, Java and Node
 * clients) that is regenerated on every renewal.
 */
export class TlsCertificate extends Construct {
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: TlsCertificateProps) {
    super(scope, id);
    this.secretName = props.name;
    const usages = [CertificateSpecUsages.DIGITAL_SIGNATURE, CertificateSpecUsages.KEY_ENCIPHERMENT];
    if (props.usage !== 'client') usages.push(CertificateSpecUsages.SERVER_AUTH);
    if (props.usage !== 'server') usages.push(CertificateSpecUsages.CLIENT_AUTH);
    new Certificate(this, 'Resource', {
      metadata: { name: props.name, labels: props.labels },
      spec: {
        secretName: props.name,
        secretTemplate: { labels: claimLabels(props.labels) },
        commonName: props.commonName,
        dnsNames: props.dnsNames?.length ? [...props.dnsNames] : undefined,
        duration: goDuration(props.duration ?? '2160h'),
        renewBefore: goDuration(props.renewBefore ?? '720h'),
        privateKey: ecdsaKey(CertificateSpecPrivateKeyRotationPolicy.ALWAYS),
        usages,
        issuerRef: { name: props.issuer.name, kind: props.issuer.kind, group: 'cert-manager.io' },
      },
    });
  }
}

/** ECDSA P-256 in PKCS#8: readable by Go, Java and Node clients. */
export function ecdsaKey(rotationPolicy: CertificateSpecPrivateKeyRotationPolicy) {
  return {
    algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA,
    size: 256,
    encoding: CertificateSpecPrivateKeyEncoding.PKCS8,
    rotationPolicy,
  };
}
