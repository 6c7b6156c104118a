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
