import { k8s } from '../imports/k8s';

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
