/**
 * Deep merge for profile layers: objects merge key by key, scalars replace, and `null` removes the key
 * (e.g. `autoscaling: null` drops an inherited HPA, `env: {X: null}` an inherited variable). An object
 * whose `type` differs from the inherited one (a probe, an archival provider) replaces it.
 *
 * Lists of named entries (`workerPools`, `temporal.namespaces`: every entry an object with a `name`)
 * merge by name: an entry with an inherited name merges into it, a new name is appended, and the
 * inherited entries an overlay does not mention stay. Removal is explicit, as in kustomize's strategic
 * merge patches: `{name: x, $patch: delete}` removes entry x, and an entry `{$patch: replace}` makes the
 * list's other entries replace the inherited list. Other lists (CIDRs, task queues, options) replace.
 */

export type DeepPartial<T> = T extends readonly (infer _U)[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> | null } : T;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A merge directive used wrongly; `path` is the field path of the list. */
export class MergeError extends Error {
  constructor(
    readonly path: readonly (string | number)[],
    message: string,
  ) {
    super(message);
    this.name = 'MergeError';
  }
}

/** Something a layer did that the user may not expect, such as replacing a whole inherited list. */
export interface MergeNotice {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface MergeOptions {
  /** Called when a layer replaces an inherited list of named entries (`{$patch: replace}`). */
  readonly onNotice?: (notice: MergeNotice) => void;
  /** What a new entry of the named list at this path starts from (worker pools: their defaults). */
  readonly entryDefaults?: (path: readonly (string | number)[]) => unknown;
}

const PATCH = '$patch';
const isNamed = (e: unknown): e is Record<string, unknown> & { name: string } => isPlainObject(e) && typeof e.name === 'string';
const isDirective = (e: unknown): e is Record<string, unknown> => isPlainObject(e) && PATCH in e;

/** A list an overlay gives as named entries (or directives), over an inherited list of named entries (or none). */
function mergesByName(base: unknown, override: unknown[]): boolean {
  const inherited = base === undefined ? [] : base;
  if (!Array.isArray(inherited) || !inherited.every(isNamed)) return false;
  return override.length > 0 && override.every((e) => isNamed(e) || isDirective(e));
}

function mergeNamedList(base: unknown, override: unknown[], at: (string | number)[], options: MergeOptions): unknown[] {
  const inherited = (Array.isArray(base) ? base : []) as (Record<string, unknown> & { name: string })[];
  let replace = false;
  const entries: (Record<string, unknown> & { name: string })[] = [];
  const deletes = new Set<string>();
  override.forEach((e, i) => {
    const entry = e as Record<string, unknown>;
    const patch = entry[PATCH];
    if (patch === undefined) {
      if (entries.some((x) => x.name === entry.name))
        throw new MergeError([...at, i], `"${entry.name}" is listed twice in one list; list each name once`);
      entries.push(entry as Record<string, unknown> & { name: string });
    } else if (patch === 'replace' && Object.keys(entry).length === 1) {
      replace = true;
    } else if (patch === 'delete' && typeof entry.name === 'string' && Object.keys(entry).length === 2) {
      deletes.add(entry.name);
    } else {
      throw new MergeError(
        [...at, i],
        `"${PATCH}: ${String(patch)}" is not a list directive here: write {name: <entry>, ${PATCH}: delete} to remove an inherited ` +
          `entry, or an entry {${PATCH}: replace} alone to replace the whole inherited list`,
      );
    }
  });
  for (const name of deletes) {
    if (!inherited.some((e) => e.name === name)) {
      const known = inherited.map((e) => e.name).join(', ') || 'none';
      throw new MergeError(at, `cannot delete "${name}": no inherited entry has that name (inherited: ${known})`);
    }
    if (entries.some((e) => e.name === name)) throw new MergeError(at, `"${name}" is both deleted and given; keep one`);
  }
  const defaults = options.entryDefaults?.(at);
  const fresh = (entry: Record<string, unknown>): Record<string, unknown> =>
    defaults === undefined ? { ...entry } : deepMerge(defaults as Record<string, unknown>, entry);
  if (replace) {
    const dropped = inherited.filter((e) => !entries.some((x) => x.name === e.name)).map((e) => e.name);
    options.onNotice?.({ path: at, message: `replaces the whole inherited list${dropped.length ? ` (drops ${dropped.join(', ')})` : ''}` });
    return entries.map(fresh);
  }
  const out = inherited.filter((e) => !deletes.has(e.name)).map((e) => ({ ...e }) as Record<string, unknown>);
  for (const entry of entries) {
    const i = out.findIndex((e) => e.name === entry.name);
    if (i >= 0) out[i] = deepMerge(out[i], entry, options, [...at, i]);
    else out.push(fresh(entry));
  }
  return out;
}

export function deepMerge<T>(base: T, override: unknown, options: MergeOptions = {}, at: (string | number)[] = []): T {
  if (override === undefined) return base;
  if (Array.isArray(override)) {
    if (mergesByName(base, override)) return mergeNamedList(base, override, at, options) as T;
    return override as T;
  }
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  if ('type' in base && 'type' in override && base.type !== override.type) return override as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v === null) delete out[k];
    else out[k] = deepMerge(out[k], v, options, [...at, k]);
  }
  return out as T;
}
