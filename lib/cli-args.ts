/** One command-line argument: `--flag value` and `--flag=value` read alike. */
export interface CliArg {
  /** The argument as given. */
  readonly arg: string;
  /** The flag without an inline `=value` (or the argument itself). */
  readonly flag: string;
  /** The value after `=`, if the argument had one. */
  readonly inline: string | undefined;
  /** The flag's value: the inline one, else the next argument (consumed); `missing(flag)` is thrown when there is none. */
  readonly value: () => string;
}

/** The arguments in order; a flag's `value()` takes the next argument when it has no `=value`. */
export function* cliArgs(argv: readonly string[], missing: (flag: string) => Error): Generator<CliArg> {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    yield {
      arg: a,
      flag,
      inline,
      value: () => {
        const v = inline ?? argv[++i];
        if (v === undefined || v.startsWith('--')) throw missing(flag);
        return v;
      },
    };
  }
}
