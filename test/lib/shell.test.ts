import { execFileSync } from 'child_process';
import { shellQuote } from '../../lib/shell';

/** What /bin/sh actually receives as one argument. */
const throughShell = (value: string) => execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' });

describe('shellQuote', () => {
  test('leaves plain words bare and wraps anything else in single quotes', () => {
    expect(shellQuote('temporal')).toBe('temporal');
    expect(shellQuote('temporal-postgres.ns.svc.cluster.local')).toBe('temporal-postgres.ns.svc.cluster.local');
    expect(shellQuote('/etc/temporal/schema/postgresql/v12/temporal/versioned')).toBe(
      '/etc/temporal/schema/postgresql/v12/temporal/versioned',
    );
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('')).toBe("''");
  });

  test("escapes embedded single quotes as '\\''", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  test.each(["it's", 'a b', '$HOME', '`id`', '"x"', "''", 'a\nb', '*', '; rm -rf /'])(
    'round-trips %j through /bin/sh unchanged',
    (value) => {
      expect(throughShell(value)).toBe(value);
    },
  );
});
