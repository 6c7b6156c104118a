import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { ClientTlsProps, cliTlsEnv, clientTlsVolume } from './client-tls';
import { recommendedLabels } from './labels';
import { SetupJob, SetupJobBaseProps, jobStep } from './setup-job';
import { shellQuote } from '../lib/shell';

export interface TemporalNamespaceProps {
  readonly name: string;
  /** Hours; the server's minimum is 24. */
  readonly retentionHours: number;
  /** @default none */
  readonly description?: string;
}

export interface NamespaceJobProps extends SetupJobBaseProps {
  /** host:port of the frontend (or internal-frontend) gRPC endpoint. */
  readonly frontendAddress: string;
  /** Client certificate for a TLS frontend. @default plaintext */
  readonly tls?: ClientTlsProps;
  readonly namespaces: readonly TemporalNamespaceProps[];
  /**
   * Archival URIs for the namespaces (the cluster must have archival enabled for each). A URI can
   * only be set when a namespace is created; existing namespaces get the archival state turned on.
   * @default archival off
   */
  readonly archival?: { readonly historyUri?: string; readonly visibilityUri?: string };
}

/** Waits for the frontend, then creates each namespace, or updates it if it already exists. */
export class NamespaceJob extends Construct {
  readonly jobName: string;

  constructor(scope: Construct, id: string, props: NamespaceJobProps) {
    super(scope, id);
    const env: k8s.EnvVar[] = [
      { name: 'TEMPORAL_ADDRESS', value: props.frontendAddress },
      // The CLI looks for its config under $HOME; the root filesystem is read-only.
      { name: 'HOME', value: '/tmp' },
      ...(props.tls ? cliTlsEnv(props.tls) : []),
    ];
    const tlsVolume = props.tls && clientTlsVolume(props.tls);
    // Create missing namespaces; bring existing ones to the declared retention and description.
    const a = props.archival ?? {};
    const states = [
      ...(a.historyUri ? ['--history-archival-state enabled'] : []),
      ...(a.visibilityUri ? ['--visibility-archival-state enabled'] : []),
    ];
    const uris = [
      ...(a.historyUri ? [`--history-uri ${shellQuote(a.historyUri)}`] : []),
      ...(a.visibilityUri ? [`--visibility-uri ${shellQuote(a.visibilityUri)}`] : []),
    ];
    const register = props.namespaces.map((ns) => {
      const n = shellQuote(ns.name);
      const settings = [
        `--retention ${ns.retentionHours}h`,
        ...(ns.description ? [`--description ${shellQuote(ns.description)}`] : []),
        ...states,
      ].join(' ');
      return (
        `if temporal operator namespace describe --namespace ${n} >/dev/null 2>&1; ` +
        `then temporal operator namespace update --namespace ${n} ${settings}; ` +
        `else temporal operator namespace create --namespace ${n} ${[settings, ...uris].join(' ')}; fi`
      );
    });
    const step = (name: string, script: string) =>
      jobStep({ name, image: props.image, script, resources: props.resources, env, volumeMounts: tlsVolume && [tlsVolume.mount] });
    this.jobName = new SetupJob(this, 'Job', {
      name: props.name,
      serviceAccountName: props.serviceAccountName,
      labels: recommendedLabels(props.identity),
      steps: [
        step('wait-for-frontend', 'until temporal operator cluster health; do echo "waiting for $TEMPORAL_ADDRESS"; sleep 5; done'),
        step('register-namespaces', register.join('\n')),
      ],
      backoffLimit: props.backoffLimit,
      activeDeadlineSeconds: props.activeDeadlineSeconds,
      ttlSecondsAfterFinished: props.ttlSecondsAfterFinished,
      runAs: props.runAs,
      volumes: tlsVolume && [tlsVolume.volume],
    }).jobName;
  }
}
