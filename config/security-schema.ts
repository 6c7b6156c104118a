/**
 * Spec sections for who may talk to Temporal and how: TLS (cert-manager), JWT authorization, the Web
 * UI's OIDC login, and where credentials come from (ExternalSecrets or Secrets the operator creates).
 * Cross-field rules live in `checkSecurity`, called from the spec's superRefine.
 */
import { z } from 'zod';
import { dnsLabel, dnsSubdomain, goDuration } from './primitives';
import { goDurationSeconds } from '../lib/quantities';

const httpsUrl = z.string().regex(/^https:\/\/[^\s/]+(\/\S*)?$/, 'must be an https:// URL');

export const tlsSchema = z.strictObject({
  enabled: z
    .boolean()
    .describe('mTLS between the Temporal roles and TLS on the frontend; clients get certificates. Only development may turn it off.'),
  issuer: z
    .discriminatedUnion('type', [
      z.strictObject({
        type: z
          .literal('selfSignedCA')
          .describe('selfSignedCA: self-signed internode and frontend CAs, each with a CA Issuer, in the namespace.'),
      }),
      z.strictObject({
        type: z.literal('clusterIssuer').describe('clusterIssuer: a cert-manager ClusterIssuer you run signs the Temporal certificates.'),
        name: dnsSubdomain.describe('Name of the ClusterIssuer.'),
      }),
    ])
    .nullable()
    .optional()
    .transform((i) => i ?? undefined)
    .describe('Who signs the certificates; required when TLS is on.'),
  frontendRequireClientAuth: z
    .boolean()
    .describe('Clients of the frontend must present a certificate (internode traffic always requires one).'),
  refreshInterval: goDuration.describe('How often the server re-reads its certificate files, so rotated certificates are picked up.'),
  certificateDuration: goDuration.describe('Lifetime of every leaf certificate, a Go duration of at least 1h, e.g. "2160h".'),
  renewBefore: goDuration.describe('How long before expiry cert-manager renews a certificate; shorter than certificateDuration.'),
});

export const authorizationSchema = z.strictObject({
  enabled: z
    .boolean()
    .describe('Turn on JWT authorization (default authorizer and claim mapper); adds the internal-frontend role and needs TLS.'),
  jwtKeySourceURIs: z
    .array(httpsUrl)
    .max(20, 'must list at most 20 URLs')
    .describe('JWKS URLs (https) the frontend fetches signing keys from; at least one when enabled.'),
  refreshInterval: goDuration.describe('How often the frontend re-fetches the signing keys, a Go duration.'),
  permissionsClaimName: z.string().min(1).describe('The claim that holds "<namespace>:<role>" permissions.'),
  audience: z.string().min(1).optional().describe('Expected aud of tokens; not checked when absent.'),
});

export const uiAuthSchema = z.strictObject({
  enabled: z.boolean().describe('Turn on OIDC login; needs providerUrl, clientId, clientSecret and an Ingress with tlsSecretName.'),
  providerUrl: httpsUrl.optional().describe('Issuer URL (https) of the identity provider; required when enabled.'),
  clientId: z.string().min(1).optional().describe('OIDC client id of the Web UI; required when enabled.'),
  clientSecret: z
    .strictObject({
      name: dnsLabel.describe('Name of the Secret.'),
      key: z.string().min(1).describe('Key in the Secret that holds the client secret.'),
    })
    .nullable()
    .optional()
    .transform((s) => s ?? undefined)
    .describe('Secret (name, key) with the OIDC client secret; required when enabled.'),
  scopes: z.array(z.string().min(1)).min(1).max(50, 'must list at most 50 scopes').describe('OAuth scopes the UI requests at login.'),
  useIdTokenAsBearer: z.boolean().describe('Send the ID token (not the access token) to the frontend as the bearer token.'),
});

export const externalSecretsSchema = z.strictObject({
  enabled: z.boolean().describe('Render an ExternalSecret for every credential instead of expecting pre-created Secrets.'),
  store: z
    .strictObject({
      name: dnsLabel.describe('Name of the store.'),
      kind: z.enum(['SecretStore', 'ClusterSecretStore']).describe('Kind of the store.'),
    })
    .describe('The external-secrets.io store the ExternalSecrets read from.'),
  remoteKeyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_./-]+$/, 'must be a path such as "temporal/production"')
    .describe('Remote key of each Secret is "<remoteKeyPrefix>/<Secret name>"; each Secret key is a property of it.'),
  refreshInterval: goDuration.describe('How often the operator re-reads the store, a Go duration.'),
});

interface SecurityRuleInput {
  readonly tls: z.output<typeof tlsSchema>;
  readonly authorization: z.output<typeof authorizationSchema>;
  readonly ui: { enabled: boolean; auth: z.output<typeof uiAuthSchema>; ingress: { enabled: boolean; tlsSecretName?: string } };
  readonly environment: string;
  readonly networkPolicies: { enabled: boolean; httpsEgressCidrs: readonly string[] };
  readonly archival: { provider?: { type: string } };
  readonly persistence: { mode: string };
}

export function checkSecurity(spec: SecurityRuleInput, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (spec.tls.enabled && !spec.tls.issuer) {
    issue(
      ['tls', 'issuer'],
      'is required when TLS is on: {type: selfSignedCA} (a CA in the namespace) or {type: clusterIssuer, name: <your ClusterIssuer>}',
    );
  }
  const duration = goDurationSeconds(spec.tls.certificateDuration)!;
  const renew = goDurationSeconds(spec.tls.renewBefore)!;
  // cert-manager refuses a Certificate shorter than an hour, or renewed only after it expired.
  if (spec.tls.enabled && duration < 3600) issue(['tls', 'certificateDuration'], "must be at least 1h (cert-manager's minimum)");
  if (spec.tls.enabled && renew >= duration) {
    issue(['tls', 'renewBefore'], `must be shorter than certificateDuration (${spec.tls.certificateDuration}), e.g. a third of it`);
  }
  if (spec.environment !== 'development' && !spec.tls.enabled) {
    issue(['tls', 'enabled'], `must be true in ${spec.environment}; only development may run without TLS`);
  }
  const a = spec.authorization;
  if (a.enabled && a.jwtKeySourceURIs.length === 0) {
    issue(['authorization', 'jwtKeySourceURIs'], 'list at least one JWKS URL when authorization is enabled');
  }
  if (a.enabled && !spec.tls.enabled) {
    issue(['authorization', 'enabled'], 'needs tls.enabled: the internal-frontend trusts callers by their internode certificate');
  }
  const np = spec.networkPolicies;
  const needsHttps = [
    spec.archival.provider?.type === 's3store' && 'S3 archival',
    spec.persistence.mode === 'dsql' && 'Aurora DSQL (AWS STS)',
    a.enabled && 'JWT key sources',
    spec.ui.enabled && spec.ui.auth.enabled && "the UI's OIDC provider",
  ].filter((x): x is string => typeof x === 'string');
  if (np.enabled && needsHttps.length && np.httpsEgressCidrs.length === 0) {
    issue(
      ['networkPolicies', 'httpsEgressCidrs'],
      `list the address ranges of ${needsHttps.join(', ')} (port 443), e.g. ["0.0.0.0/0"] or your NAT/VPC endpoint ranges`,
    );
  }
  const u = spec.ui.auth;
  if (spec.ui.enabled && u.enabled) {
    if (!u.providerUrl) issue(['ui', 'auth', 'providerUrl'], 'is required for OIDC login: the issuer URL of your identity provider');
    if (!u.clientId) issue(['ui', 'auth', 'clientId'], 'is required for OIDC login');
    if (!u.clientSecret)
      issue(['ui', 'auth', 'clientSecret'], 'is required for OIDC login: name the Secret and key holding the client secret');
    if (!spec.ui.ingress.enabled || !spec.ui.ingress.tlsSecretName) {
      issue(['ui', 'ingress', 'tlsSecretName'], 'is required for OIDC login: the callback URL must be https on the Ingress host');
    }
  }
}
