import { k8s } from '../imports/k8s';
import { claimLabels } from './labels';

/**
 * A StatefulSet whose claim templates carry `apiVersion: v1` and `kind: PersistentVolumeClaim`, as the
 * API server stores them, so GitOps tools comparing Git with the live object see no drift. (The L1
 * class's serialiser drops those fields, so they are added after it.)
 */
export class ClaimingStatefulSet extends k8s.KubeStatefulSet {
  public toJson(): any {
    const json = super.toJson();
    const templates = json.spec?.volumeClaimTemplates;
    if (Array.isArray(templates)) {
      json.spec.volumeClaimTemplates = templates.map((t: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...t }));
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
