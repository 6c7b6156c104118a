/** The backup CronJob's schedule and time zone: what Kubernetes refuses is refused, what it accepts is accepted. */
import * as fs from 'fs';
import * as path from 'path';
import { badInputHarness } from './bad-input-harness';
import { FX } from './helpers';

const h = badInputHarness();
const backup = (schedule: string, timeZone = 'Etc/UTC') =>
  `backup:\n  schedule: ${JSON.stringify(schedule)}\n  timeZone: ${JSON.stringify(timeZone)}\n`;

test.each<[string, string]>([
  ['61 * * * *', 'minute "61": 61 is out of range (0–59)'],
  ['0 24 * * *', 'hour "24": 24 is out of range (0–23)'],
  ['0 0 0 * *', 'day of month "0": 0 is out of range (1–31)'],
  ['0 0 1 13 *', 'month "13": 13 is out of range (1–12 or JAN–DEC)'],
  ['0 0 * * 7', 'day of week "7": 7 is out of range (0–6 or SUN–SAT)'],
  ['*/0 * * * *', 'minute "*/0": a step must be at least 1'],
  ['0 5-2 * * *', 'hour "5-2": range 5-2 starts after it ends'],
  ['0 0 * * MON-FOO', 'day of week "MON-FOO": "MON-FOO" is not a number or name'],
  ['0 0 1,,2 * *', 'day of month "1,,2": "" is not a value, range or step'],
  ['15 2 * *', 'has 4 fields; a schedule has five'],
  ['0 15 2 * * *', 'has 6 fields'],
  ['@reboot', 'unknown macro "@reboot"'],
  ['TZ=UTC 0 2 * * *', 'must not set a time zone inside the schedule; use backup.timeZone'],
])('refuses the schedule %p', (schedule, message) => {
  h.expectRefused(FX.staging, backup(schedule), [`backup.schedule: ${message}`]);
});

test.each(['Mars/Olympus', 'utc', 'europe/berlin', '+01:00', 'UTC+1', ''])('refuses the time zone %p', (tz) => {
  h.expectRefused(FX.staging, backup('15 2 * * *', tz), [
    'backup.timeZone: must be an IANA time zone such as "Etc/UTC" or "Europe/Berlin"',
  ]);
});

test.each<[string, string]>([
  ['@daily', 'UTC'],
  ['@hourly', 'Etc/UTC'],
  ['@weekly', 'Europe/Berlin'],
  ['@monthly', 'Asia/Kolkata'],
  ['@yearly', 'America/Argentina/Buenos_Aires'],
  ['@annually', 'Europe/Kyiv'],
  ['@midnight', 'US/Eastern'],
  ['*/15 1-5 * JAN-MAR MON-FRI', 'Etc/GMT+5'],
  ['0 0 1,15 * *', 'Australia/Sydney'],
  ['5/10 2 ? * sun', 'Etc/UTC'],
  ['0 3 1-31/2 * 1-5', 'Etc/UTC'],
])('accepts the schedule %p in %p', (schedule, tz) => {
  const dir = h.expectAccepted(FX.staging, backup(schedule, tz));
  const text = fs
    .readdirSync(dir)
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
  expect(text).toContain('kind: CronJob');
  expect(text).toContain(`timeZone: ${tz}`);
});
