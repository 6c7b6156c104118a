import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { Autoscaler } from './autoscaler';
import { DisruptionBudget } from './disruption-budget';
import { ComponentIdentity, recommendedLabels, selectorLabels } from './labels';
import {
  ImageProps, ResourceProps, RunAsProps, imageRef, probe, resourceRequirements,
  restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume, topologySpread,
} from './pod-defaults';
import { WorkloadServiceAccount } from './service-account';
import type { TemporalRoleAutoscaling } from './temporal-role';

export interface WebUiIngressProps {
  readonly host: string;
  readonly className: string;
  /** Secret holding the certificate for `host`. @default no TLS section */
  readonly tlsSecretName?: string;
  /** @default {} */
  readonly annotations?: Record<string, string>;
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
  readonly autoscaling?: TemporalRoleAutoscaling;
  /** @default no Ingress */
  readonly ingress?: WebUiIngressProps;
  /** @default false */
  readonly topologySpread?: boolean;
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
    const publicUrl = props.ingress ? `${props.ingress.tlsSecretName ? 'https' : 'http'}://${props.ingress.host}` : `http://localhost:${WebUi.PORT}`;

    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: props.name, labels },
      spec: {
        replicas: props.autoscaling ? undefined : props.replicas ?? 1,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: sa.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(props.runAs ?? { user: 1000, group: 1000 }),
            terminationGracePeriodSeconds: 30,
            topologySpreadConstraints: props.topologySpread ? topologySpread(this.selector) : undefined,
            containers: [
              {
                name: 'temporal-web',
                image: imageRef(props.image),
                imagePullPolicy: props.image.pullPolicy,
                env: [
                  { name: 'TEMPORAL_ADDRESS', value: props.frontendAddress },
                  { name: 'TEMPORAL_UI_PORT', value: String(WebUi.PORT) },
                  { name: 'TEMPORAL_DEFAULT_NAMESPACE', value: props.defaultNamespace ?? 'default' },
                  { name: 'TEMPORAL_CORS_ORIGINS', value: publicUrl },
                ],
                ports: [{ name: 'http', containerPort: WebUi.PORT, protocol: 'TCP' }],
                resources: resourceRequirements(props.resources),
                securityContext: restrictedContainerSecurityContext(),
                livenessProbe: probe({ type: 'http', path: '/healthz', port: 'http' }, { initialDelaySeconds: 10, periodSeconds: 15 }),
                readinessProbe: probe({ type: 'http', path: '/healthz', port: 'http' }, { periodSeconds: 10 }),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [scratchVolume('tmp')],
          },
        },
      },
    });
    new k8s.KubeService(this, 'Service', {
      metadata: { name: props.name, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.selector,
        ports: [{ name: 'http', port: WebUi.PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
    if (props.autoscaling) {
      new Autoscaler(this, 'Autoscaler', {
        name: props.name,
        labels,
        target: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.name },
        ...props.autoscaling,
      });
    }
    new DisruptionBudget(this, 'DisruptionBudget', { name: props.name, labels, selector: this.selector });

    if (props.ingress) {
      const ing = props.ingress;
      new k8s.KubeIngress(this, 'Ingress', {
        metadata: { name: props.name, labels, annotations: ing.annotations && Object.keys(ing.annotations).length ? ing.annotations : undefined },
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
