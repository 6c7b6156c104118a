import { WebUi, WebUiProps } from '../../constructs/web-ui';
import { envOf, expectRestrictedContainers, expectSelectors, identity, ofKind, only, resources, selectorOf, synthWorkload } from './fixtures';

const uiImage = { repository: 'temporalio/ui', tag: '2.38.3', pullPolicy: 'IfNotPresent' as const };
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
      ingress: { host: 'temporal.example.com', className: 'nginx', tlsSecretName: 'temporal-tls', annotations: { 'cert-manager.io/cluster-issuer': 'le' } },
      topologySpread: true,
      runAs: { user: 5000, group: 5001, fsGroup: 5002 },
    };
    const { objects, deployment, pod, container } = synth(all);
    expect(deployment.metadata.name).toBe('ui');
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(container).toMatchObject({ image: 'mirror/ui:2.39.0', imagePullPolicy: 'Always' });
    expect(container.resources).toEqual({ requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
    expect(envOf(container)).toMatchObject({ TEMPORAL_ADDRESS: 'fe:7233', TEMPORAL_DEFAULT_NAMESPACE: 'orders', TEMPORAL_CORS_ORIGINS: 'https://temporal.example.com' });
    expect(pod.topologySpreadConstraints).toHaveLength(2);
    expect(pod.securityContext).toMatchObject({ runAsUser: 5000, runAsGroup: 5001, fsGroup: 5002 });

    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 4, scaleTargetRef: { kind: 'Deployment', name: 'ui' } });
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(75);

    const ingress = only(objects, 'Ingress');
    expect(ingress.metadata.name).toBe('ui');
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'le' });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['temporal.example.com'], secretName: 'temporal-tls' }],
      rules: [{
        host: 'temporal.example.com',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'ui', port: { name: 'http' } } } }] },
      }],
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
