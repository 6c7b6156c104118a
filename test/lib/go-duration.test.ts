import { goDuration } from '../../lib/go-duration';

describe('goDuration', () => {
  test.each([
    ['2160h', '2160h0m0s'],
    ['1h', '1h0m0s'],
    ['90m', '1h30m0s'],
    ['5m', '5m0s'],
    ['30s', '30s'],
    ['90s', '1m30s'],
    ['1h30m', '1h30m0s'],
    ['0s', '0s'],
    ['2160h0m0s', '2160h0m0s'],
  ])('%s → %s (Go time.Duration.String())', (input, canonical) => {
    expect(goDuration(input)).toBe(canonical);
  });

  test.each(['', '1d', '10', '-5s', '1.5h', 'h'])('rejects %p', (input) => {
    expect(() => goDuration(input)).toThrow('is not a duration');
  });
});
