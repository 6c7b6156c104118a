import { WebUi, WebUiProps } from '../../constructs/web-ui';
import {
  clientTls,
  clientTlsMount,
  clientTlsVolumeFor,
  envOf,
  expectRestrictedContainers,
  expectSelectors,
  identity,
  ofKind,
  only,
  resources,
  selectorOf,
  synthWorkload,
} from './fixtures';

const uiImage = { repository: 'temporalio/ui', tag: '2.38.3', pullPolicy: 'IfNotPresent' as const };
/** The UI server's TLS env (`uiTlsEnv`), name → value. */
const uiTlsEnvFor = (serverName: string) => ({
  TEMPORAL_TLS_CA: '/etc/temporal/tls/client/ca.crt',
  TEMPORAL_TLS_CERT: '/etc/temporal/tls/client/tls.crt',
  TEMPORAL_TLS_KEY: '/etc/temporal/tls/client/tls.key',
  TEMPORAL_TLS_SERVER_NAME: serverName,
  TEMPORAL_TLS_ENABLE_HOST_VERIFICATION: 'true',
});
const oidc = {
  providerUrl: 'https://login.example.com/realms/temporal',
  clientId: 'temporal-ui',
  clientSecret: { name: 'temporal-ui-oidc', key: 'client-secret' },
};

const minimal: WebUiProps = {
  name: 'temporal-web',
  identity: identity('web', '2.38.3'),
  image: uiImage,
  resources,
  frontendAddress: 'temporal-frontend.ns.svc.cluster.local:7233',
};

function synth(props: WebUiProps) {
  const { workload, ...rest } = synthWorkload((chart) => new WebUi(chart, 'Web', props));
  return { ...rest, deployment: workload };
}

describe('WebUi', () => {
  test('minimal props: 1 replica, default namespace, localhost CORS origin, no HPA and no Ingress', () => {
    const { construct, objects, deployment, pod, container } = synth(minimal);
    expect(deployment.spec.replicas).toBe(1);
    expect(envOf(container)).toEqual({
      TEMPORAL_ADDRESS: 'temporal-frontend.ns.svc.cluster.local:7233',
      TEMPORAL_UI_PORT: '8080',
      TEMPORAL_DEFAULT_NAMESPACE: 'default',
      TEMPORAL_CORS_ORIGINS: 'http://localhost:8080',
      TEMPORAL_CSRF_COOKIE_INSECURE: 'true', // served over plain HTTP (port-forward)
    });
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(ofKind(objects, 'Ingress')).toHaveLength(0);
    expect(pod).not.toHaveProperty('topologySpreadConstraints');
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(only(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(construct.serviceName).toBe('temporal-web');
  });

  test('all props: every prop shows up', () => {
    const all: Required<WebUiProps> = {
      name: 'ui',
      identity: identity('ui', '2.39.0'),
      image: { repository: 'mirror/ui', tag: '2.39.0', pullPolicy: 'Always' },
      resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      frontendAddress: 'fe:7233',
      defaultNamespace: 'orders',
      replicas: 4,
      autoscaling: { minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 75 },
      ingress: {
        host: 'temporal.example.com',
        className: 'nginx',
        tlsSecretName: 'temporal-tls',
        certManagerClusterIssuer: 'letsencrypt-prod',
        annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' },
      },
      topologySpread: true,
      tls: { secretName: 'ui-client-cert', serverName: 'fe.example.internal' },
      auth: {
        providerUrl: 'https://idp.example.com',
        clientId: 'ui-client',
        clientSecret: { name: 'ui-oidc', key: 'secret' },
        scopes: ['openid', 'groups'],
        useIdTokenAsBearer: false,
      },
      extraCorsOrigins: ['https://ops.example.com', 'https://admin.example.com'],
      runAs: { user: 5000, group: 5001, fsGroup: 5002 },
    };
    const { objects, deployment, pod, container } = synth(all);
    expect(deployment.metadata.name).toBe('ui');
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(container).toMatchObject({ image: 'mirror/ui:2.39.0', imagePullPolicy: 'Always' });
    expect(container.resources).toEqual({ requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
    expect(envOf(container)).toEqual({
      TEMPORAL_ADDRESS: 'fe:7233',
      TEMPORAL_UI_PORT: '8080',
      TEMPORAL_DEFAULT_NAMESPACE: 'orders',
      TEMPORAL_CORS_ORIGINS: 'https://temporal.example.com,https://ops.example.com,https://admin.example.com',
      ...uiTlsEnvFor('fe.example.internal'),
      TEMPORAL_AUTH_ENABLED: 'true',
      TEMPORAL_AUTH_TYPE: 'oidc',
      TEMPORAL_AUTH_PROVIDER_URL: 'https://idp.example.com',
      TEMPORAL_AUTH_ISSUER_URL: 'https://idp.example.com',
      TEMPORAL_AUTH_CLIENT_ID: 'ui-client',
      TEMPORAL_AUTH_CLIENT_SECRET: { secretKeyRef: { name: 'ui-oidc', key: 'secret' } },
      TEMPORAL_AUTH_CALLBACK_URL: 'https://temporal.example.com/auth/sso/callback',
      TEMPORAL_AUTH_SCOPES: 'openid,groups',
      TEMPORAL_AUTH_USE_ID_TOKEN_AS_BEARER: 'false',
    });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, clientTlsMount]);
    expect(pod.volumes).toContainEqual(clientTlsVolumeFor('ui-client-cert'));
    expect(pod.topologySpreadConstraints).toHaveLength(2);
    expect(pod.securityContext).toMatchObject({ runAsUser: 5000, runAsGroup: 5001, fsGroup: 5002 });

    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 4, scaleTargetRef: { kind: 'Deployment', name: 'ui' } });
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(75);

    const ingress = only(objects, 'Ingress');
    expect(ingress.metadata.name).toBe('ui');
    expect(ingress.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/proxy-buffer-size': '16k',
      'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
    });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['temporal.example.com'], secretName: 'temporal-tls' }],
      rules: [
        {
          host: 'temporal.example.com',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'ui', port: { name: 'http' } } } }] },
        },
      ],
    });
  });

  test('an Ingress without TLS or annotations: no tls section, no annotations, http CORS origin', () => {
    const { objects, container } = synth({ ...minimal, ingress: { host: 'ui.local', className: 'traefik', annotations: {} } });
    const ingress = only(objects, 'Ingress');
    expect(ingress.spec).not.toHaveProperty('tls');
    expect(ingress.metadata).not.toHaveProperty('annotations');
    expect(ingress.spec.ingressClassName).toBe('traefik');
    expect(envOf(container).TEMPORAL_CORS_ORIGINS).toBe('http://ui.local');
  });

  test("tls: the UI server's TEMPORAL_TLS_* env (host verification on), client-tls mounted read-only", () => {
    const { pod, container } = synth({ ...minimal, tls: clientTls });
    expect(envOf(container)).toEqual({
      TEMPORAL_ADDRESS: 'temporal-frontend.ns.svc.cluster.local:7233',
      TEMPORAL_UI_PORT: '8080',
      TEMPORAL_DEFAULT_NAMESPACE: 'default',
      TEMPORAL_CORS_ORIGINS: 'http://localhost:8080',
      TEMPORAL_CSRF_COOKIE_INSECURE: 'true',
      ...uiTlsEnvFor('temporal-frontend.temporal-test.svc'),
    });
    // Not the CLI's variable names: the UI server does not read those.
    expect(envOf(container)).not.toHaveProperty('TEMPORAL_TLS_CLIENT_CERT_PATH');
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, clientTlsMount]);
    expect(pod.volumes).toContainEqual(clientTlsVolumeFor('temporal-client-tls'));
  });

  test('no tls and no auth: no TEMPORAL_TLS_* or TEMPORAL_AUTH_* env, no client-tls volume', () => {
    const { pod, container } = synth(minimal);
    expect(Object.keys(envOf(container)).filter((n) => /^TEMPORAL_(TLS|AUTH)/.test(n))).toEqual([]);
    expect(pod.volumes.map((v: any) => v.name)).not.toContain('client-tls');
  });

  test('auth defaults: scopes openid,profile,email, ID token as bearer; the client secret only by reference', () => {
    const { container } = synth({ ...minimal, auth: oidc });
    const env = envOf(container);
    expect(env).toMatchObject({
      TEMPORAL_AUTH_ENABLED: 'true',
      TEMPORAL_AUTH_TYPE: 'oidc',
      TEMPORAL_AUTH_PROVIDER_URL: 'https://login.example.com/realms/temporal',
      TEMPORAL_AUTH_ISSUER_URL: 'https://login.example.com/realms/temporal',
      TEMPORAL_AUTH_CLIENT_ID: 'temporal-ui',
      TEMPORAL_AUTH_SCOPES: 'openid,profile,email',
      TEMPORAL_AUTH_USE_ID_TOKEN_AS_BEARER: 'true',
      // Without an Ingress the public URL is the port-forward address.
      TEMPORAL_AUTH_CALLBACK_URL: 'http://localhost:8080/auth/sso/callback',
    });
    expect(env.TEMPORAL_AUTH_CLIENT_SECRET).toEqual({ secretKeyRef: { name: 'temporal-ui-oidc', key: 'client-secret' } });
    expect((container.env as any[]).find((e) => e.name === 'TEMPORAL_AUTH_CLIENT_SECRET')).not.toHaveProperty('value');
  });

  test.each([
    ['an Ingress with TLS', { host: 'ui.example.com', className: 'nginx', tlsSecretName: 'ui-tls' }, 'https://ui.example.com'],
    ['an Ingress without TLS', { host: 'ui.local', className: 'nginx' }, 'http://ui.local'],
  ])('auth callback and first CORS origin are the public URL: %s → %s', (_label, ingress, url) => {
    const { container } = synth({ ...minimal, ingress, auth: oidc, extraCorsOrigins: ['https://other.example.com'] });
    expect(envOf(container).TEMPORAL_AUTH_CALLBACK_URL).toBe(`${url}/auth/sso/callback`);
    expect(envOf(container).TEMPORAL_CORS_ORIGINS).toBe(`${url},https://other.example.com`);
  });

  test('extraCorsOrigins: a comma list after the public URL, in the given order', () => {
    const { container } = synth({ ...minimal, extraCorsOrigins: ['https://b.example.com', 'https://a.example.com'] });
    expect(envOf(container).TEMPORAL_CORS_ORIGINS).toBe('http://localhost:8080,https://b.example.com,https://a.example.com');
    expect(envOf(container).TEMPORAL_CORS_ORIGINS.split(',')[0]).toBe('http://localhost:8080');
  });

  test('OIDC behind ingress-nginx: a 16k proxy buffer for the session cookies, unless an annotation sets another', () => {
    const ingress = (props: Partial<WebUiProps>) => only(synth({ ...minimal, ...props }).objects, 'Ingress').metadata.annotations ?? {};
    const nginx = { host: 'ui.example.com', className: 'nginx', tlsSecretName: 'ui-tls' };
    expect(ingress({ ingress: nginx, auth: oidc })).toEqual({ 'nginx.ingress.kubernetes.io/proxy-buffer-size': '16k' });
    expect(ingress({ ingress: nginx })).toEqual({});
    expect(ingress({ ingress: { ...nginx, className: 'traefik' }, auth: oidc })).toEqual({});
    const own = { 'nginx.ingress.kubernetes.io/proxy-buffer-size': '32k' };
    expect(ingress({ ingress: { ...nginx, annotations: own }, auth: oidc })).toEqual(own);
  });

  test('certManagerClusterIssuer sets cert-manager.io/cluster-issuer, over an annotation of the same key', () => {
    const issuerOnly = synth({
      ...minimal,
      ingress: { host: 'ui.example.com', className: 'nginx', tlsSecretName: 'ui-tls', certManagerClusterIssuer: 'internal-ca' },
    });
    expect(only(issuerOnly.objects, 'Ingress').metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'internal-ca' });
    const both = synth({
      ...minimal,
      ingress: {
        host: 'ui.example.com',
        className: 'nginx',
        tlsSecretName: 'ui-tls',
        certManagerClusterIssuer: 'internal-ca',
        annotations: { 'cert-manager.io/cluster-issuer': 'stale', a: 'b' },
      },
    });
    expect(only(both.objects, 'Ingress').metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'internal-ca', a: 'b' });
  });

  test('a ClusterIP Service on 8080 targeting the named http port; /healthz probes', () => {
    const { objects, container } = synth({ ...minimal, replicas: 2 });
    expect(only(objects, 'Deployment').spec.replicas).toBe(2);
    const svc = only(objects, 'Service');
    expect(svc.metadata.name).toBe('temporal-web');
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }] });
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http', scheme: 'HTTP' });
    expect(container.livenessProbe).toMatchObject({ initialDelaySeconds: 10, periodSeconds: 15 });
  });

  test('selectors are the selector labels only; containers are restricted', () => {
    const { construct, objects } = synth(minimal);
    expect(construct.selector).toEqual(selectorOf('web'));
    expectSelectors(objects, selectorOf('web'));
    expectRestrictedContainers(objects);
  });
});
