/**
 * Every Secret the deployment reads, and who provides it: generated (dev only), cert-manager, or
 * the operator — directly or through an ExternalSecret. docs/deploy.md ("Prerequisites") lists the latter.
 */
import type { Spec } from '../config/schema';
import type { Topology } from './topology';

export interface Credential {
  readonly secretName: string;
  readonly keys: readonly string[];
  readonly purpose: string;
}

/** Secrets whose values come from outside the cluster (an ExternalSecret, or created by hand). */
export function operatorCredentials(spec: Spec): Credential[] {
  const out: Credential[] = [];
  const p = spec.persistence;
  if (p.passwordSecret && !p.passwordSecret.generate) {
    out.push({
      secretName: p.passwordSecret.name,
      keys: [p.passwordSecret.passwordKey],
      purpose: 'PostgreSQL password of the Temporal user',
    });
  }
  const ca = p.external?.tls.caSecret;
  if (ca) out.push({ secretName: ca.name, keys: [ca.key], purpose: 'CA bundle of the external database' });
  const es = spec.elasticsearch;
  if (es.enabled && es.security.enabled) {
    out.push({
      secretName: es.security.credentialsSecret.name,
      keys: [es.security.credentialsSecret.key],
      purpose: 'password of the Elasticsearch `elastic` user',
    });
    if (es.security.transportTlsSecret && !spec.tls.enabled) {
      out.push({
        secretName: es.security.transportTlsSecret,
        keys: ['tls.crt', 'tls.key', 'ca.crt'],
        purpose: 'Elasticsearch node-to-node certificate',
      });
    }
  }
  const ing = spec.ui.ingress;
  if (spec.ui.enabled && ing.enabled && ing.tlsSecretName && !ing.certManagerClusterIssuer) {
    out.push({ secretName: ing.tlsSecretName, keys: ['tls.crt', 'tls.key'], purpose: 'certificate of the Web UI host' });
  }
  const auth = spec.ui.auth;
  if (spec.ui.enabled && auth.enabled && auth.clientSecret) {
    out.push({ secretName: auth.clientSecret.name, keys: [auth.clientSecret.key], purpose: 'OIDC client secret of the Web UI' });
  }
  for (const pool of spec.workerPools) {
    if (pool.apiKeySecret)
      out.push({ secretName: pool.apiKeySecret.name, keys: [pool.apiKeySecret.key], purpose: `JWT/API key of worker pool ${pool.name}` });
    for (const secret of pool.envFrom.secrets)
      out.push({ secretName: secret, keys: [], purpose: `environment of worker pool ${pool.name}` });
  }
  return out;
}

/** Secrets cert-manager writes (from Certificates this app renders, or the Ingress annotation). */
export function certManagerSecrets(spec: Spec, topo: Topology): string[] {
  const out: string[] = [];
  if (spec.tls.enabled) {
    if (spec.tls.issuer?.type === 'selfSignedCA') out.push(topo.names.tls.internodeCa, topo.names.tls.frontendCa);
    out.push(topo.names.tls.internode, topo.names.tls.frontend, ...tlsClients(spec, topo).map((c) => c.secretName));
    const es = spec.elasticsearch;
    if (es.enabled && es.security.enabled && es.security.transportTlsSecret)
      out.push(topo.names.tls.elasticsearchCa, es.security.transportTlsSecret);
  }
  const ing = spec.ui.ingress;
  if (spec.ui.enabled && ing.enabled && ing.tlsSecretName && ing.certManagerClusterIssuer) out.push(ing.tlsSecretName);
  return out;
}

/**
 * Components that call a frontend and get a client certificate when TLS is on. `internal`: the
 * certificate is for the internal frontend, which trusts only the internode CA.
 */
export function tlsClients(spec: Spec, topo: Topology): { component: string; secretName: string; internal: boolean }[] {
  const operatorsInternal = spec.authorization.enabled;
  const components: [string, boolean][] = [
    ...(spec.ui.enabled ? [[topo.names.web, false] as [string, boolean]] : []),
    ...(spec.adminTools.enabled ? [[topo.names.adminTools, operatorsInternal] as [string, boolean]] : []),
    ['temporal-namespace-registration', operatorsInternal],
    ...spec.workerPools.map((p) => [p.name, false] as [string, boolean]),
  ];
  return components.map(([component, internal]) => ({ component, secretName: topo.names.tls.client(component), internal }));
}

/** A component's client certificate, when TLS is on. */
export function clientTls(spec: Spec, topo: Topology, component: string, serverName: string) {
  return spec.tls.enabled ? { secretName: topo.names.tls.client(component), serverName } : undefined;
}

/** The name the frontend the server's own clients use presents: internal-frontend serves the internode certificate. */
export function internalServerName(spec: Spec, topo: Topology): string {
  return spec.authorization.enabled ? topo.internodeServerName : topo.frontendHost;
}
