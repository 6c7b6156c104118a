import { Construct } from 'constructs';
import { ClientTlsProps, cliTlsEnv, clientTlsVolume } from './client-tls';
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
import { ScaledDeployment } from './scaled-deployment';
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
  /** Client certificate for a TLS frontend. @default plaintext */
  readonly tls?: ClientTlsProps;
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
    const tls = props.tls;
    const tlsVolume = tls && clientTlsVolume(tls);
    new ScaledDeployment(this, 'Deployment', {
      name: props.name,
      labels,
      selector: this.selector,
      serviceAccountName: sa.name,
      replicas: 1,
      disruptionBudget: false,
      strategy: { type: 'Recreate' },
      runAs: props.runAs ?? { user: 1000, group: 1000 },
      terminationGracePeriodSeconds: 5,
      containers: [
        {
          name: 'admin-tools',
          image: imageRef(props.image),
          imagePullPolicy: props.image.pullPolicy,
          env: [
            { name: 'TEMPORAL_ADDRESS', value: props.frontendAddress },
            { name: 'HOME', value: '/tmp' },
            ...(tls ? cliTlsEnv(tls) : []),
          ],
          resources: resourceRequirements(props.resources),
          securityContext: restrictedContainerSecurityContext(),
          livenessProbe: probe({ type: 'exec', command: ['temporal', '--version'] }, { periodSeconds: 60 }),
          readinessProbe: probe(
            { type: 'exec', command: ['temporal', 'operator', 'cluster', 'health'] },
            { periodSeconds: 30, timeoutSeconds: 10 },
          ),
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...(tlsVolume ? [tlsVolume.mount] : [])],
        },
      ],
      volumes: tlsVolume ? [tlsVolume.volume] : undefined,
    });
  }
}
