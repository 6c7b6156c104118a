/** The per-profile result table: each step with its result and seconds, printed and written to a file. */
import * as fs from 'fs';

export interface StepResult {
  readonly step: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly detail: string;
}

export class Report {
  readonly steps: StepResult[] = [];
  readonly notes: string[] = [];

  constructor(
    readonly profile: string,
    private readonly log: (line: string) => void,
  ) {}

  get failed(): boolean {
    return this.steps.some((s) => !s.ok);
  }

  /** Runs one step under a timeout; a failure is recorded, and `fatal` steps stop the profile. */
  async step<T>(name: string, timeoutSeconds: number, fn: () => Promise<T | string | void>): Promise<boolean> {
    const started = Date.now();
    this.log(`[${this.profile}] ${name} …`);
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutSeconds} s`)), timeoutSeconds * 1000);
        }),
      ]);
      const detail = typeof result === 'string' ? result : '';
      this.steps.push({ step: name, ok: true, seconds: (Date.now() - started) / 1000, detail });
      this.log(`[${this.profile}] ${name}: ok${detail ? ` (${detail})` : ''}`);
      return true;
    } catch (e) {
      const detail = (e as Error).message.split('\n').slice(0, 6).join(' | ');
      this.steps.push({ step: name, ok: false, seconds: (Date.now() - started) / 1000, detail });
      this.log(`[${this.profile}] ${name}: FAILED: ${(e as Error).message}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  table(): string {
    const rows = this.steps.map(
      (s) => `| ${s.step} | ${s.ok ? 'ok' : 'FAILED'} | ${s.seconds.toFixed(1)} | ${s.detail.replace(/\|/g, '\\|')} |`,
    );
    const total = this.steps.reduce((a, s) => a + s.seconds, 0);
    return [
      `### ${this.profile}: ${this.failed ? 'FAILED' : 'passed'} in ${total.toFixed(0)} s`,
      '',
      '| step | result | seconds | detail |',
      '|---|---|---|---|',
      ...rows,
      '',
      ...(this.notes.length ? ['Substitutions and remapped values:', '', ...this.notes.map((n) => `- ${n}`), ''] : []),
    ].join('\n');
  }

  write(file: string): void {
    fs.writeFileSync(file, this.table() + '\n');
  }
}
