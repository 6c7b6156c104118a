import { k8s } from '../imports/k8s';
import { claimLabels } from './labels';

/**
 * A StatefulSet whose claim templates are rendered as the API server stores them — `apiVersion: v1`,
 * `kind: PersistentVolumeClaim`, `spec.volumeMode: Filesystem`, `status: {phase: Pending}` — so GitOps
 * tools comparing Git with the live object see no drift, and `kubectl apply --server-side` over a
 * client-side install does not conflict on the list (the real API server compares it whole). (The L1
 * class's serialiser drops apiVersion/kind, so they are added after it.)
 */
export class ClaimingStatefulSet extends k8s.KubeStatefulSet {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdk8s declares ApiObject.toJson(): any
  public toJson(): any {
    const json = super.toJson();
    const templates = json.spec?.volumeClaimTemplates;
    if (Array.isArray(templates)) {
      json.spec.volumeClaimTemplates = templates.map((t: { spec?: Record<string, unknown> } & Record<string, unknown>) => ({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        ...t,
        spec: { ...t.spec, volumeMode: t.spec?.volumeMode ?? 'Filesystem' },
        status: { phase: 'Pending' },
      }));
    }
    return json;
  }
}

/** The `data` claim template of a database StatefulSet: one ReadWriteOnce volume per pod. */
export function dataClaimTemplate(
  labels: Record<string, string>,
  storage: { readonly size: string; readonly storageClassName?: string },
): k8s.KubePersistentVolumeClaimProps {
  return {
    // Immutable once created: no version label, or an image bump would fail to apply. No instance
    // label either: Argo CD's label tracking would count these PVCs as its own and prune them.
    metadata: { name: 'data', labels: claimLabels(labels) },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: storage.storageClassName,
      resources: { requests: { storage: k8s.Quantity.fromString(storage.size) } },
    },
  };
}
