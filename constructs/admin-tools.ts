import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { ComponentIdentity, recommendedLabels, selectorLabels } from './labels';
import {
  ImageProps, ResourceProps, RunAsProps, imageRef, probe, resourceRequirements,
  restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume,
} from './pod-defaults';
import { WorkloadServiceAccount } from './service-account';

export interface AdminToolsProps {
  /** e.g. `temporal-admin-tools`. */
  readonly name: string;
  readonly identity: ComponentIdentity;
  /** temporalio/admin-tools (temporal CLI, tdbg, schema tools). */
  readonly image: ImageProps;
  readonly resources: ResourceProps;
  /** host:port of the frontend gRPC endpoint. */
  readonly frontendAddress: string;
  /** @default { user: 1000, group: 1000 } */
  readonly runAs?: RunAsProps;
}

/** A single admin-tools pod to `kubectl exec` into (`temporal`, `tdbg`); not exposed by any Service. */
export class AdminTools extends Construct {
  readonly selector: Record<string, string>;

  constructor(scope: Construct, id: string, props: AdminToolsProps) {
    super(scope, id);
    const labels = recommendedLabels(props.identity);
    this.selector = selectorLabels(props.identity);
    const sa = new WorkloadServiceAccount(this, 'ServiceAccount', { name: props.name, labels });
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: props.name, labels },
      spec: {
        replicas: 1,
        revisionHistoryLimit: 3,
        selector: { matchLabels: this.selector },
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: sa.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(props.runAs ?? { user: 1000, group: 1000 }),
            terminationGracePeriodSeconds: 5,
            containers: [
              {
                name: 'admin-tools',
                image: imageRef(props.image),
                imagePullPolicy: props.image.pullPolicy,
                env: [
                  { name: 'TEMPORAL_ADDRESS', value: props.frontendAddress },
                  { name: 'HOME', value: '/tmp' },
                ],
                resources: resourceRequirements(props.resources),
                securityContext: restrictedContainerSecurityContext(),
                livenessProbe: probe({ type: 'exec', command: ['temporal', '--version'] }, { periodSeconds: 60 }),
                readinessProbe: probe({ type: 'exec', command: ['temporal', 'operator', 'cluster', 'health'] }, { periodSeconds: 30, timeoutSeconds: 10 }),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [scratchVolume('tmp')],
          },
        },
      },
    });
  }
}
