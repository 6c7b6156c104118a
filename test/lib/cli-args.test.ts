import { cliArgs } from '../../lib/cli-args';

const read = (argv: string[]) => {
  const out: string[] = [];
  for (const a of cliArgs(argv, (f) => new Error(`${f} needs a value`))) {
    out.push(a.flag === '--x' || a.flag === '-x' ? `${a.flag}=${a.value()}` : a.arg);
  }
  return out;
};

describe('cliArgs', () => {
  test('--flag value and --flag=value read alike; other arguments pass as given', () => {
    expect(read(['--x', 'a', '--x=b', '-x', 'c', '--quiet', 'free'])).toEqual(['--x=a', '--x=b', '-x=c', '--quiet', 'free']);
  });

  test('a value may hold "="; an empty inline value is a value', () => {
    expect(read(['--x=a=b', '--x='])).toEqual(['--x=a=b', '--x=']);
  });

  test('a flag without a value, or followed by another flag, throws the caller’s error', () => {
    expect(() => read(['--x'])).toThrow('--x needs a value');
    expect(() => read(['--x', '--quiet'])).toThrow('--x needs a value');
  });
});
