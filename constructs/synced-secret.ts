import { Construct } from 'constructs';
import { goDuration } from '../lib/go-duration';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
} from '../imports/external-secrets';

export interface SyncedSecretProps {
  /** Name of the Kubernetes Secret the operator creates (and of the ExternalSecret). */
  readonly name: string;
  readonly labels: Record<string, string>;
  /** Keys of the Secret; each is read from the property of the same name of `remoteKey`. */
  readonly keys: readonly string[];
  /** The entry in the external store, e.g. `temporal/production/temporal-postgres-credentials`. */
  readonly remoteKey: string;
  readonly store: { readonly name: string; readonly kind: 'SecretStore' | 'ClusterSecretStore' };
  /** Go duration. @default '1h' */
  readonly refreshInterval?: string;
}

/**
 * An external-secrets.io ExternalSecret: the Secret's values live in an external store (AWS Secrets
 * Manager, Vault, …) and the external-secrets operator writes the Kubernetes Secret. No value is
 * ever rendered; the Secret is owned by the ExternalSecret and deleted with it.
 */
export class SyncedSecret extends Construct {
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: SyncedSecretProps) {
    super(scope, id);
    this.secretName = props.name;
    new ExternalSecret(this, 'Resource', {
      metadata: { name: props.name, labels: props.labels },
      spec: {
        refreshInterval: goDuration(props.refreshInterval ?? '1h'),
        secretStoreRef: {
          name: props.store.name,
          kind:
            props.store.kind === 'ClusterSecretStore'
              ? ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE
              : ExternalSecretSpecSecretStoreRefKind.SECRET_STORE,
        },
        // Owner: the Secret belongs to the ExternalSecret. Retain: deleting the entry in the store keeps the Secret.
        target: {
          name: props.name,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
        },
        data: props.keys.map((key) => ({ secretKey: key, remoteRef: { key: props.remoteKey, property: key } })),
      },
    });
  }
}
