/**
 * Go's canonical duration text (`time.Duration.String()`): `2160h0m0s`, `5m0s`, `30s`. Controllers
 * written in Go re-serialise durations this way, so rendering them canonically keeps GitOps diffs quiet.
 * Accepts `h`, `m` and `s` components (e.g. `2160h`, `1h30m`, `90s`).
 */
export function goDuration(text: string): string {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || text === '') throw new Error(`"${text}" is not a duration of h/m/s components`);
  const total = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  const h = Math.floor(total / 3600);
  const min = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${min}m${s}s`;
  if (min > 0) return `${min}m${s}s`;
  return `${s}s`;
}
