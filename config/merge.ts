/**
 * Deep merge for profile layers: objects merge key by key, arrays and scalars replace, and `null`
 * removes the key (e.g. `autoscaling: null` drops an inherited HPA, `env: {X: null}` an inherited variable).
 * An object whose `type` differs from the inherited one (a probe, an archival provider) replaces it.
 */

export type DeepPartial<T> = T extends readonly (infer _U)[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | null }
    : T;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge<T>(base: T, override: unknown): T {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  if ('type' in base && 'type' in override && base.type !== override.type) return override as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v === null) delete out[k];
    else out[k] = k in out ? deepMerge(out[k], v) : v;
  }
  return out as T;
}
