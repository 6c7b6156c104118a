import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { ComponentIdentity, recommendedLabels } from './labels';
import {
  ImageProps, ResourceProps, RunAsProps, imageRef, resourceRequirements,
  restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume,
} from './pod-defaults';
import { WorkloadServiceAccount } from './service-account';
import { shellQuote } from './shell';

export interface TemporalNamespaceProps {
  readonly name: string;
  /** Hours; the server's minimum is 24. */
  readonly retentionHours: number;
  /** @default none */
  readonly description?: string;
}

export interface NamespaceJobProps {
  /** Job name; must change whenever the namespaces do, since a Job's template is immutable. */
  readonly name: string;
  readonly serviceAccountName: string;
  readonly identity: ComponentIdentity;
  /** temporalio/admin-tools (contains the `temporal` CLI). */
  readonly image: ImageProps;
  readonly resources: ResourceProps;
  /** host:port of the frontend gRPC endpoint. */
  readonly frontendAddress: string;
  readonly namespaces: readonly TemporalNamespaceProps[];
  /** @default 10 */
  readonly backoffLimit?: number;
  /** @default 86400 */
  readonly ttlSecondsAfterFinished?: number;
  /** @default { user: 1000, group: 1000 } */
  readonly runAs?: RunAsProps;
}

/** Waits for the frontend, then registers each namespace unless it already exists. */
export class NamespaceJob extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceJobProps) {
    super(scope, id);
    const labels = recommendedLabels(props.identity);
    new WorkloadServiceAccount(this, 'ServiceAccount', { name: props.serviceAccountName, labels });

    const container = (name: string, script: string): k8s.Container => ({
      name,
      image: imageRef(props.image),
      imagePullPolicy: props.image.pullPolicy,
      command: ['/bin/sh', '-ec', script],
      env: [
        { name: 'TEMPORAL_ADDRESS', value: props.frontendAddress },
        // The CLI looks for its config under $HOME; the root filesystem is read-only.
        { name: 'HOME', value: '/tmp' },
      ],
      resources: resourceRequirements(props.resources),
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    });
    const register = props.namespaces.map((ns) => {
      const n = shellQuote(ns.name);
      const description = ns.description ? ` --description ${shellQuote(ns.description)}` : '';
      return `temporal operator namespace describe --namespace ${n} >/dev/null 2>&1 && echo "namespace ${ns.name} exists" || `
        + `temporal operator namespace create --namespace ${n} --retention ${ns.retentionHours}h${description}`;
    });

    new k8s.KubeJob(this, 'Resource', {
      metadata: { name: props.name, labels },
      spec: {
        backoffLimit: props.backoffLimit ?? 10,
        ttlSecondsAfterFinished: props.ttlSecondsAfterFinished ?? 86400,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'OnFailure',
            serviceAccountName: props.serviceAccountName,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(props.runAs ?? { user: 1000, group: 1000 }),
            initContainers: [
              container('wait-for-frontend',
                'until temporal operator cluster health; do echo "waiting for $TEMPORAL_ADDRESS"; sleep 5; done'),
            ],
            containers: [container('register-namespaces', register.join('\n'))],
            volumes: [scratchVolume('tmp')],
          },
        },
      },
    });
  }
}
