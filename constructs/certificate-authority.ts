import { Construct } from 'constructs';
import { claimLabels } from './labels';
import { goDuration } from '../lib/go-duration';
import { Issuer } from '../imports/cert-manager-issuer';
import { IssuerRef, ecdsaKey } from './tls-certificate';
import { Certificate, CertificateSpecPrivateKeyRotationPolicy } from '../imports/cert-manager-certificate';

export interface CertificateAuthorityProps {
  /** Name of the CA Issuer; the CA certificate's Secret is `<name>` too, the bootstrap issuer `<name>-selfsigned`. */
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly commonName: string;
  /** Go duration. @default '87600h' (10 years) */
  readonly duration?: string;
  /** Go duration. @default '720h' */
  readonly renewBefore?: string;
}

/**
 * A private CA in the namespace with cert-manager: a self-signed Issuer bootstraps a CA Certificate,
 * and a CA Issuer signs everything else with it. Leaf certificates carry the CA in `ca.crt`.
 */
export class CertificateAuthority extends Construct {
  readonly issuer: IssuerRef;

  constructor(scope: Construct, id: string, props: CertificateAuthorityProps) {
    super(scope, id);
    const bootstrap = `${props.name}-selfsigned`;
    new Issuer(this, 'SelfSigned', { metadata: { name: bootstrap, labels: props.labels }, spec: { selfSigned: {} } });
    new Certificate(this, 'Ca', {
      metadata: { name: props.name, labels: props.labels },
      spec: {
        isCa: true,
        commonName: props.commonName,
        secretName: props.name,
        secretTemplate: { labels: claimLabels(props.labels) },
        duration: goDuration(props.duration ?? '87600h'),
        renewBefore: goDuration(props.renewBefore ?? '720h'),
        // Keep the CA key across renewals, so certificates it signed stay valid.
        privateKey: ecdsaKey(CertificateSpecPrivateKeyRotationPolicy.NEVER),
        issuerRef: { name: bootstrap, kind: 'Issuer', group: 'cert-manager.io' },
      },
    });
    new Issuer(this, 'Issuer', { metadata: { name: props.name, labels: props.labels }, spec: { ca: { secretName: props.name } } });
    this.issuer = { name: props.name, kind: 'Issuer' };
  }
}
