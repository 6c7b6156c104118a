import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { CertificateAuthority } from '../constructs/certificate-authority';
import { recommendedLabels } from '../constructs/labels';
import { SyncedSecret } from '../constructs/synced-secret';
import { IssuerRef, TlsCertificate } from '../constructs/tls-certificate';
import { caCommonName } from '../lib/names';
import type { Spec } from '../config/schema';
import { operatorCredentials, tlsClients } from './credentials';
import type { Topology } from './topology';

/**
 * Credentials and certificates, applied before anything that mounts them: an ExternalSecret per
 * credential (when the profile uses external-secrets.io), and the cert-manager issuer chains with the
 * internode, frontend, client and Elasticsearch transport certificates (when TLS is on).
 */
export class SecretsChart extends Chart {
  constructor(scope: Construct, id: string, spec: Spec, topo: Topology) {
    super(scope, id, { namespace: topo.namespace, disableResourceNameHashes: true });
    const es = spec.externalSecrets;
    if (es.enabled) {
      const labels = recommendedLabels(topo.identity('credentials'));
      for (const c of operatorCredentials(spec).filter((x) => x.keys.length > 0)) {
        new SyncedSecret(this, c.secretName, {
          name: c.secretName,
          labels,
          keys: c.keys,
          remoteKey: `${es.remoteKeyPrefix}/${c.secretName}`,
          store: es.store,
          refreshInterval: es.refreshInterval,
        });
      }
    }

    const tls = spec.tls;
    if (!tls.enabled || !tls.issuer) return;
    const labels = recommendedLabels(topo.identity('tls'));
    // Two CAs: what the server roles trust from each other is not what the frontend trusts from
    // clients, so a worker's or the UI's certificate can never talk to history, matching or the
    // internal frontend. A ClusterIssuer signs both sides.
    const ca = (name: string, commonName: string): IssuerRef =>
      tls.issuer!.type === 'clusterIssuer'
        ? { name: tls.issuer!.name, kind: 'ClusterIssuer' }
        : new CertificateAuthority(this, name, { name, labels, commonName }).issuer;
    const internodeCa = ca(topo.names.tls.internodeCa, caCommonName(spec.instance, 'internode'));
    const frontendCa = ca(topo.names.tls.frontendCa, caCommonName(spec.instance, 'frontend'));
    const cert = (name: string, issuer: IssuerRef, commonName: string, usage: 'server' | 'client' | 'both', dnsNames?: readonly string[]) =>
      new TlsCertificate(this, name, {
        name,
        labels,
        issuer,
        commonName,
        usage,
        dnsNames,
        duration: tls.certificateDuration,
        renewBefore: tls.renewBefore,
      });

    // One certificate for every role: roles reach each other by pod IP and verify this name.
    cert(topo.names.tls.internode, internodeCa, 'temporal-internode', 'both', [topo.internodeServerName]);
    cert(topo.names.tls.frontend, frontendCa, 'temporal-frontend', 'server', topo.frontendDnsNames);
    for (const c of tlsClients(spec, topo)) cert(c.secretName, c.internal ? internodeCa : frontendCa, c.component, 'client');
    const search = spec.elasticsearch;
    if (search.enabled && search.security.enabled && search.security.transportTlsSecret) {
      // A CA of its own, even with a ClusterIssuer: Elasticsearch nodes accept any peer certificate
      // their CA signed, so a shared CA would let every Temporal certificate join the cluster (and
      // the Elasticsearch certificate talk to Temporal's internode listeners).
      const name = topo.names.tls.elasticsearchCa;
      const searchCa = new CertificateAuthority(this, name, { name, labels, commonName: `Temporal ${spec.instance} Elasticsearch CA` })
        .issuer;
      const nodes = `*.${topo.names.elasticsearch}-headless.${topo.namespace}.svc.cluster.local`;
      cert(search.security.transportTlsSecret, searchCa, topo.names.elasticsearch, 'both', [nodes]);
    }
  }
}
