import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { jobName } from '../lib/names';
import {
  ImageProps,
  ResourceProps,
  RunAsProps,
  imageRef,
  resourceRequirements,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchVolume,
} from './pod-defaults';
import type { ComponentIdentity } from './labels';
import { WorkloadServiceAccount } from './service-account';

export interface JobStepProps {
  /** Container name (DNS label). */
  readonly name: string;
  readonly image: ImageProps;
  /** Run by `/bin/sh -ec`. */
  readonly script: string;
  readonly resources: ResourceProps;
  /** @default [] */
  readonly env?: k8s.EnvVar[];
  /** Mounts besides the writable /tmp. @default [] */
  readonly volumeMounts?: k8s.VolumeMount[];
}

/** A hardened container that runs a shell script with a writable /tmp. */
export function jobStep(props: JobStepProps): k8s.Container {
  return {
    name: props.name,
    image: imageRef(props.image),
    imagePullPolicy: props.image.pullPolicy,
    command: ['/bin/sh', '-ec', props.script],
    env: props.env?.length ? props.env : undefined,
    resources: resourceRequirements(props.resources),
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...(props.volumeMounts ?? [])],
  };
}

/** What every Job built on SetupJob takes besides its own work. */
export interface SetupJobBaseProps {
  /** Name prefix; include the server version. The Job is `<name>-<digest of its pod template>`. */
  readonly name: string;
  readonly serviceAccountName: string;
  readonly identity: ComponentIdentity;
  /** The image the steps run (usually temporalio/admin-tools of the server's version). */
  readonly image: ImageProps;
  readonly resources: ResourceProps;
  /** @default 5 */
  readonly backoffLimit?: number;
  /** Seconds before Kubernetes fails the Job, waits and retries included. @default 900 */
  readonly activeDeadlineSeconds?: number;
  /** @default 86400 */
  readonly ttlSecondsAfterFinished?: number;
  /** @default { user: 1000, group: 1000 } */
  readonly runAs?: RunAsProps;
}

export interface SetupJobProps {
  /**
   * Name prefix. A Job's pod template is immutable, so the Job is named `<name>-<digest>` where the
   * digest covers the whole template: any change to what the Job runs creates a new Job.
   */
  readonly name: string;
  readonly serviceAccountName: string;
  readonly labels: Record<string, string>;
  /** Run in order; all but the last as init containers. */
  readonly steps: readonly k8s.Container[];
  /**
   * Retries (container restarts: the pod restarts `OnFailure`); 5 back-offs (10 s doubling) fit
   * within the default deadline, so a step that always fails ends on its own error.
   * @default 5
   */
  readonly backoffLimit?: number;
  /**
   * Seconds before Kubernetes fails the Job, waits and retries included: a wait for an unreachable
   * database would otherwise keep the Job, and the Argo CD sync waiting on it, running forever.
   * @default 900
   */
  readonly activeDeadlineSeconds?: number;
  /** @default 86400 */
  readonly ttlSecondsAfterFinished?: number;
  /** @default { user: 1000, group: 1000 } */
  readonly runAs?: RunAsProps;
  /** Volumes the steps mount besides /tmp. @default [] */
  readonly volumes?: k8s.Volume[];
  /** Annotations on the Job's ServiceAccount, e.g. a cloud IAM role. @default none */
  readonly serviceAccountAnnotations?: Record<string, string>;
}

/** A one-shot Job of ordered steps with its own ServiceAccount and no API token. */
export class SetupJob extends Construct {
  readonly jobName: string;

  constructor(scope: Construct, id: string, props: SetupJobProps) {
    super(scope, id);
    if (props.steps.length === 0) throw new Error(`SetupJob ${props.name} needs at least one step`);
    new WorkloadServiceAccount(this, 'ServiceAccount', {
      name: props.serviceAccountName,
      labels: props.labels,
      annotations: props.serviceAccountAnnotations,
    });
    const init = props.steps.slice(0, -1);
    const template: k8s.PodTemplateSpec = {
      metadata: { labels: props.labels },
      spec: {
        restartPolicy: 'OnFailure',
        serviceAccountName: props.serviceAccountName,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: restrictedPodSecurityContext(props.runAs ?? { user: 1000, group: 1000 }),
        initContainers: init.length ? [...init] : undefined,
        containers: [props.steps[props.steps.length - 1]],
        volumes: [scratchVolume('tmp'), ...(props.volumes ?? [])],
      },
    };
    this.jobName = jobName(props.name, createHash('sha256').update(JSON.stringify(template)).digest('hex'));
    new k8s.KubeJob(this, 'Resource', {
      metadata: { name: this.jobName, labels: props.labels },
      spec: {
        backoffLimit: props.backoffLimit ?? 5,
        activeDeadlineSeconds: props.activeDeadlineSeconds ?? 900,
        ttlSecondsAfterFinished: props.ttlSecondsAfterFinished ?? 86400,
        template,
      },
    });
  }
}
