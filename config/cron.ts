/**
 * CronJob schedules and time zones as Kubernetes accepts them: the five-field syntax of
 * robfig/cron's standard parser (ranges, steps, lists, `*`, `?`, JAN–DEC, SUN–SAT) or a macro, and
 * an IANA time-zone name.
 */

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly { name: string; min: number; max: number; names?: readonly string[] }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 6, names: DAYS },
];

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const EVERY = /^@every\s+(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** Why `schedule` is not a schedule Kubernetes accepts; undefined when it is one. */
export function cronProblem(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s.startsWith('@')) {
    return MACROS.has(s) || EVERY.test(s) ? undefined : `unknown macro "${s}"; use one of ${[...MACROS].join(', ')} or five fields`;
  }
  if (/^(CRON_)?TZ=/.test(s)) return 'must not set a time zone inside the schedule; use backup.timeZone';
  const fields = s.split(/\s+/).filter(Boolean);
  if (fields.length !== 5)
    return `has ${fields.length} field${fields.length === 1 ? '' : 's'}; a schedule has five (minute hour day-of-month month day-of-week) or is a macro such as "@daily"`;
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(fields[i], FIELDS[i]);
    if (problem) return `${FIELDS[i].name} "${fields[i]}": ${problem}`;
  }
  return undefined;
}

function fieldProblem(field: string, f: (typeof FIELDS)[number]): string | undefined {
  const value = (text: string): number | undefined => {
    if (/^\d+$/.test(text)) return Number(text);
    const i = f.names?.indexOf(text.toUpperCase()) ?? -1;
    return i >= 0 ? i + (f.name === 'month' ? 1 : 0) : undefined;
  };
  const range = `${f.min}–${f.max}${f.names ? ` or ${f.names[0]}–${f.names[f.names.length - 1]}` : ''}`;
  for (const part of field.split(',')) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) return `"${part}" is not a value, range or step`;
    if (m[2] !== undefined && Number(m[2]) === 0) return 'a step must be at least 1';
    if (m[1] === '*' || m[1] === '?') continue;
    const [a, b, extra] = m[1].split('-');
    if (extra !== undefined) return `"${m[1]}" is not a range such as 1-5`;
    const start = value(a);
    const end = b === undefined ? start : value(b);
    if (start === undefined || end === undefined) return `"${m[1]}" is not a number${f.names ? ' or name' : ''} in ${range}`;
    if (start < f.min || end > f.max) return `${start < f.min ? start : end} is out of range (${range})`;
    if (start > end) return `range ${m[1]} starts after it ends`;
  }
  return undefined;
}

const ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC']);
const ZONE_NAME = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/;

/** An IANA time-zone name (as the tz database spells it, so the kube-controller-manager finds it). */
export function isTimeZone(tz: string): boolean {
  if (ZONES.has(tz)) return true;
  // ICU lists one name per zone; links such as Asia/Kolkata or US/Eastern are valid too.
  if (!ZONE_NAME.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
