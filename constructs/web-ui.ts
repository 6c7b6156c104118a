import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { ClientTlsProps, clientTlsVolume, uiTlsEnv } from './client-tls';
import { ComponentIdentity, recommendedLabels, selectorLabels } from './labels';
import {
  ImageProps,
  ResourceProps,
  RunAsProps,
  imageRef,
  probe,
  resourceRequirements,
  restrictedContainerSecurityContext,
} from './pod-defaults';
import { AutoscalingProps, ScaledDeployment } from './scaled-deployment';
import { WorkloadServiceAccount } from './service-account';

export interface WebUiIngressProps {
  readonly host: string;
  readonly className: string;
  /** Secret holding the certificate for `host`. @default no TLS section */
  readonly tlsSecretName?: string;
  /** cert-manager ClusterIssuer that issues `tlsSecretName` (sets `cert-manager.io/cluster-issuer`). @default none */
  readonly certManagerClusterIssuer?: string;
  /** Override anything rendered, e.g. the proxy buffer set for OIDC behind class `nginx`. @default {} */
  readonly annotations?: Record<string, string>;
}

export interface WebUiAuthProps {
  /** The identity provider's issuer URL. */
  readonly providerUrl: string;
  readonly clientId: string;
  readonly clientSecret: { readonly name: string; readonly key: string };
  /** @default ['openid', 'profile', 'email'] */
  readonly scopes?: readonly string[];
  /** @default true */
  readonly useIdTokenAsBearer?: boolean;
}

export interface WebUiProps {
  /** Name of the Deployment, Service, HPA, PDB, Ingress, e.g. `temporal-web`. */
  readonly name: string;
  readonly identity: ComponentIdentity;
  readonly image: ImageProps;
  readonly resources: ResourceProps;
  /** host:port of the frontend gRPC endpoint. */
  readonly frontendAddress: string;
  /** @default 'default' */
  readonly defaultNamespace?: string;
  /** @default 1 (when no autoscaling) */
  readonly replicas?: number;
  /** @default none */
  readonly autoscaling?: AutoscalingProps;
  /** @default no Ingress */
  readonly ingress?: WebUiIngressProps;
  /** @default false */
  readonly topologySpread?: boolean;
  /** Client certificate for a TLS frontend. @default plaintext */
  readonly tls?: ClientTlsProps;
  /** OIDC login; the callback is `<public URL>/auth/sso/callback`. @default no login */
  readonly auth?: WebUiAuthProps;
  /** CORS origins besides the public URL. @default [] */
  readonly extraCorsOrigins?: readonly string[];
  /** @default { user: 1000, group: 1000 } (ui image ≥ 2.38.3) */
  readonly runAs?: RunAsProps;
}

/** The Temporal Web UI: Deployment, Service on 8080, optional HPA, PDB and Ingress. */
export class WebUi extends Construct {
  static readonly PORT = 8080;
  readonly serviceName: string;
  readonly selector: Record<string, string>;

  constructor(scope: Construct, id: string, props: WebUiProps) {
    super(scope, id);
    const labels = recommendedLabels(props.identity);
    this.selector = selectorLabels(props.identity);
    this.serviceName = props.name;
    const sa = new WorkloadServiceAccount(this, 'ServiceAccount', { name: props.name, labels });
    const auth = props.auth;
    const tlsVolume = props.tls && clientTlsVolume(props.tls);
    const publicUrl = props.ingress
      ? `${props.ingress.tlsSecretName ? 'https' : 'http'}://${props.ingress.host}`
      : `http://localhost:${WebUi.PORT}`;

    new ScaledDeployment(this, 'Deployment', {
      name: props.name,
      labels,
      selector: this.selector,
      serviceAccountName: sa.name,
      replicas: props.replicas,
      autoscaling: props.autoscaling,
      runAs: props.runAs ?? { user: 1000, group: 1000 },
      topologySpread: props.topologySpread,
      containers: [
        {
          name: 'temporal-web',
          image: imageRef(props.image),
          imagePullPolicy: props.image.pullPolicy,
          env: [
            { name: 'TEMPORAL_ADDRESS', value: props.frontendAddress },
            { name: 'TEMPORAL_UI_PORT', value: String(WebUi.PORT) },
            { name: 'TEMPORAL_DEFAULT_NAMESPACE', value: props.defaultNamespace ?? 'default' },
            { name: 'TEMPORAL_CORS_ORIGINS', value: [publicUrl, ...(props.extraCorsOrigins ?? [])].join(',') },
            // The `_csrf` cookie is Secure by default; a browser on plain HTTP drops it and every write
            // action (terminate, signal, cancel) fails the CSRF check.
            ...(publicUrl.startsWith('http:') ? [{ name: 'TEMPORAL_CSRF_COOKIE_INSECURE', value: 'true' }] : []),
            ...(props.tls ? uiTlsEnv(props.tls) : []),
            ...(auth ? authEnv(auth, publicUrl) : []),
          ],
          ports: [{ name: 'http', containerPort: WebUi.PORT, protocol: 'TCP' }],
          resources: resourceRequirements(props.resources),
          securityContext: restrictedContainerSecurityContext(),
          livenessProbe: probe({ type: 'http', path: '/healthz', port: 'http' }, { initialDelaySeconds: 10, periodSeconds: 15 }),
          readinessProbe: probe({ type: 'http', path: '/healthz', port: 'http' }, { periodSeconds: 10 }),
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...(tlsVolume ? [tlsVolume.mount] : [])],
        },
      ],
      volumes: tlsVolume ? [tlsVolume.volume] : undefined,
    });
    new k8s.KubeService(this, 'Service', {
      metadata: { name: props.name, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.selector,
        ports: [{ name: 'http', port: WebUi.PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
    if (props.ingress) {
      const ing = props.ingress;
      const annotations = {
        // The OIDC session cookies the UI sets overflow ingress-nginx's 4k buffer for upstream
        // response headers ("upstream sent too big header", a 502 after login).
        ...(auth && ing.className === 'nginx' ? { 'nginx.ingress.kubernetes.io/proxy-buffer-size': '16k' } : {}),
        ...ing.annotations,
        ...(ing.certManagerClusterIssuer ? { 'cert-manager.io/cluster-issuer': ing.certManagerClusterIssuer } : {}),
      };
      new k8s.KubeIngress(this, 'Ingress', {
        metadata: { name: props.name, labels, annotations: Object.keys(annotations).length ? annotations : undefined },
        spec: {
          ingressClassName: ing.className,
          tls: ing.tlsSecretName ? [{ hosts: [ing.host], secretName: ing.tlsSecretName }] : undefined,
          rules: [
            {
              host: ing.host,
              http: {
                paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: props.name, port: { name: 'http' } } } }],
              },
            },
          ],
        },
      });
    }
  }
}

/** The UI server's OIDC settings (server/config/docker.yaml of temporalio/ui). */
function authEnv(a: WebUiAuthProps, publicUrl: string): k8s.EnvVar[] {
  return [
    { name: 'TEMPORAL_AUTH_ENABLED', value: 'true' },
    { name: 'TEMPORAL_AUTH_TYPE', value: 'oidc' },
    { name: 'TEMPORAL_AUTH_PROVIDER_URL', value: a.providerUrl },
    { name: 'TEMPORAL_AUTH_ISSUER_URL', value: a.providerUrl },
    { name: 'TEMPORAL_AUTH_CLIENT_ID', value: a.clientId },
    { name: 'TEMPORAL_AUTH_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: a.clientSecret.name, key: a.clientSecret.key } } },
    { name: 'TEMPORAL_AUTH_CALLBACK_URL', value: `${publicUrl}/auth/sso/callback` },
    { name: 'TEMPORAL_AUTH_SCOPES', value: (a.scopes ?? ['openid', 'profile', 'email']).join(',') },
    { name: 'TEMPORAL_AUTH_USE_ID_TOKEN_AS_BEARER', value: String(a.useIdTokenAsBearer ?? true) },
  ];
}
