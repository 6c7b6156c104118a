/** Parsers for the Kubernetes quantities and durations a spec may contain; undefined means "not valid". */

export function cpuMillis(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'm' ? n : n * 1000;
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

export function memoryBytes(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(q);
  if (!m) return undefined;
  return Number(m[1]) * MEMORY_UNITS[m[2] ?? ''];
}

/** "30d" or "72h" → hours. */
export function durationHours(d: string): number | undefined {
  const m = /^(\d+)(d|h)$/.exec(d);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 'd' ? 24 : 1);
}
