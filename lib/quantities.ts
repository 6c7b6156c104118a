/** Parsers for the Kubernetes quantities and durations a spec may contain; undefined means "not valid". */

/** Kubernetes stores a quantity as an int64 of its base unit; anything larger cannot be applied. */
export const MAX_QUANTITY = 2 ** 63 - 1;

export function cpuMillis(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q);
  if (!m) return undefined;
  const n = Number(m[1]);
  const millis = m[2] === 'm' ? n : n * 1000;
  return millis / 1000 <= MAX_QUANTITY ? millis : undefined;
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Bytes, from the suffixes Kubernetes accepts for byte counts (no milli: "512m" means 0.512 bytes). */
export function memoryBytes(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(?:(k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)|[eE](\d{1,2}))?$/.exec(q);
  if (!m) return undefined;
  const bytes = Number(m[1]) * (m[3] !== undefined ? 10 ** Number(m[3]) : MEMORY_UNITS[m[2] ?? '']);
  return bytes <= MAX_QUANTITY ? bytes : undefined;
}

/** The longest duration Go can represent (int64 nanoseconds), in hours. */
export const MAX_GO_DURATION_HOURS = 2562047;

/** "30d" or "72h" → hours. */
export function durationHours(d: string): number | undefined {
  const m = /^(\d+)(d|h)$/.exec(d);
  if (!m) return undefined;
  const hours = Number(m[1]) * (m[2] === 'd' ? 24 : 1);
  return hours <= MAX_GO_DURATION_HOURS ? hours : undefined;
}

/** A Go duration of h/m/s components in that order (`2160h`, `1h30m`, `90s`) → seconds. */
export function goDurationSeconds(d: string): number | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  if (!m || d === '') return undefined;
  const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return seconds <= MAX_GO_DURATION_HOURS * 3600 ? seconds : undefined;
}
