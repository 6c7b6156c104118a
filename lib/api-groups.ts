/** API groups every cluster serves; any other object needs a CRD (cert-manager, KEDA, …). */
const BUILT_IN_GROUPS = new Set(['', 'apps', 'batch', 'policy', 'autoscaling', 'networking.k8s.io', 'rbac.authorization.k8s.io']);

export const needsCrd = (apiVersion: string) => !BUILT_IN_GROUPS.has(apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
