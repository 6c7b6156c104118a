/** The app.kubernetes.io/* labels every object carries, and the stable subset selectors use. */

export interface ComponentIdentity {
  /** `app.kubernetes.io/name`, e.g. `temporal` or `postgresql`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`, e.g. `temporal-dev`. */
  readonly instance: string;
  /** `app.kubernetes.io/component`, e.g. `frontend`. */
  readonly component: string;
  /** `app.kubernetes.io/part-of`. @default 'temporal' */
  readonly partOf?: string;
  /** `app.kubernetes.io/version`, usually the image tag. */
  readonly version: string;
}

export function recommendedLabels(id: ComponentIdentity): Record<string, string> {
  return {
    'app.kubernetes.io/name': id.name,
    'app.kubernetes.io/instance': id.instance,
    'app.kubernetes.io/component': id.component,
    'app.kubernetes.io/part-of': id.partOf ?? 'temporal',
    'app.kubernetes.io/version': id.version,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

/** Never changes when the version does, so Deployment selectors stay immutable-safe. */
export function selectorLabels(id: ComponentIdentity): Record<string, string> {
  return {
    'app.kubernetes.io/name': id.name,
    'app.kubernetes.io/instance': id.instance,
    'app.kubernetes.io/component': id.component,
  };
}

/**
 * Labels for objects a controller creates from a template (PVCs from claim templates, Secrets from
 * cert-manager): no version (templates are immutable) and no instance (Argo CD's label-based tracking
 * would adopt them as its own and prune them).
 */
export function claimLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels).filter(([k]) => !['app.kubernetes.io/version', 'app.kubernetes.io/instance'].includes(k)),
  );
}
