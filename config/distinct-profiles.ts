/** Checks across profiles: what one profile owns in a cluster, no other may claim. */
import { LoadOptions, profileSources, SpecError } from './load';
import type { Spec } from './schema';

/** Two profiles sharing a namespace, instance or Ingress host would have Argo CD fight over the same objects. */
export function checkDistinctProfiles(specs: readonly { profile: string; spec: Spec }[], options: LoadOptions): void {
  const claims = new Map<string, string>();
  for (const { profile, spec } of specs) {
    const owned: [string, string][] = [
      ['namespace.name', spec.namespace.name],
      ['instance', spec.instance],
    ];
    if (spec.ui.enabled && spec.ui.ingress.enabled) owned.push(['ui.ingress.host', spec.ui.ingress.host]);
    for (const [field, value] of owned) {
      const key = `${field}=${value}`;
      const other = claims.get(key);
      if (other !== undefined && other !== profile) {
        throw new SpecError(
          profile,
          `profile "${profile}": ${field} "${value}" is also used by profile "${other}"; ` +
            `each profile needs its own ${field}, or their objects and Argo CD Applications collide. Change it in ${profileSources(profile, options).join(' or ')}.`,
        );
      }
      claims.set(key, profile);
    }
  }
}
