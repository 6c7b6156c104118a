/**
 * Reading the hand-written documentation (README.md and docs/*.md) for test/docs-links.test.ts and
 * test/docs-commands.test.ts: the pages, their fenced code blocks, headings with GitHub's anchors, local
 * links, and the shell commands shown in `sh`, `bash` and `console` blocks.
 */
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..');

/** README.md and every page under docs/, as paths relative to the project. */
export function docPages(root: string = ROOT): string[] {
  const docs = fs
    .readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

export interface FencedBlock {
  /** first word of the info string ("sh", "yaml", …; "" for none) */
  readonly lang: string;
  /** 1-based line number of the first line inside the fence */
  readonly line: number;
  readonly lines: readonly string[];
}

export interface Prose {
  /** 1-based line number */
  readonly line: number;
  readonly text: string;
}

/** The fenced code blocks of a page and its other lines (prose, tables, headings). */
export function splitPage(markdown: string): { blocks: FencedBlock[]; prose: Prose[] } {
  const blocks: FencedBlock[] = [];
  const prose: Prose[] = [];
  const lines = markdown.split('\n');
  let open: { fence: string; lang: string; line: number; lines: string[] } | undefined;
  lines.forEach((text, i) => {
    if (open) {
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(text);
      if (close && close[1][0] === open.fence[0] && close[1].length >= open.fence.length) {
        blocks.push({ lang: open.lang, line: open.line, lines: open.lines });
        open = undefined;
      } else open.lines.push(text);
      return;
    }
    const start = /^\s*(`{3,}|~{3,})\s*([^\s`]*)/.exec(text);
    if (start) open = { fence: start[1], lang: start[2].toLowerCase(), line: i + 2, lines: [] };
    else prose.push({ line: i + 1, text });
  });
  if (open) throw new Error(`unclosed code fence opened on line ${open.line - 1}`);
  return { blocks, prose };
}

/** GitHub's heading anchor (github-slugger): lower case, punctuation and symbols dropped, spaces → "-". */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, '') // inline HTML
    .trim();
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a page's headings, numbered like GitHub does when a slug repeats ("x", "x-1", …). */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text } of splitPage(markdown).prose) {
    const m = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!m) continue;
    const slug = githubSlug(m[1]);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

export interface Link {
  readonly line: number;
  readonly target: string;
}

/** Inline links and images outside code (fences and `code spans`). */
export function links(markdown: string): Link[] {
  const out: Link[] = [];
  for (const { line, text } of splitPage(markdown).prose) {
    const withoutCode = text.replace(/(`+)[\s\S]*?\1/g, (m) => ' '.repeat(m.length));
    for (const m of withoutCode.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g))
      out.push({ line, target: m[1] });
  }
  return out;
}

export interface DocCommand {
  /** page, relative to the project */
  readonly file: string;
  /** 1-based line where the command starts */
  readonly line: number;
  /** the command, continuation lines joined, comment and prompt removed, spaces collapsed outside quotes */
  readonly command: string;
}

export const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);

/**
 * Removes a `#` comment (one starting a word, outside quotes) and collapses unquoted runs of blanks.
 * Returns the text up to the comment, trimmed.
 */
export function stripComment(line: string): string {
  let out = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      out += c;
      if (c === '\\' && quote === '"' && i + 1 < line.length) out += line[++i];
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '\\' && i + 1 < line.length) {
      out += c + line[++i];
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    if (c === '#' && (out === '' || /\s$/.test(out))) break;
    if (/\s/.test(c)) {
      if (!/\s$/.test(out)) out += ' ';
      continue;
    }
    out += c;
  }
  if (quote) throw new Error(`unterminated ${quote} quote in: ${line}`);
  return out.trim();
}

/** Splits a command list on `&&`, `||` and `;` outside quotes (pipelines stay whole). */
export function splitList(command: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote) {
      if (c === quote) quote = undefined;
      current += c;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    const two = command.slice(i, i + 2);
    if (two === '&&' || two === '||' || c === ';') {
      parts.push(current.trim());
      current = '';
      if (c !== ';') i++;
      continue;
    }
    current += c;
  }
  parts.push(current.trim());
  return parts.filter(Boolean);
}

/**
 * The commands of a page's shell blocks. `sh`/`bash`/`shell`: every line is a command (a leading `$ ` is
 * a prompt); `console`: only lines starting with `$ ` are, the others are output. A line ending in `\`
 * continues on the next; `#` starts a comment; `a && b` is two commands.
 */
export function shellCommands(markdown: string, file: string): DocCommand[] {
  const out: DocCommand[] = [];
  for (const block of splitPage(markdown).blocks) {
    if (!SHELL_LANGS.has(block.lang)) continue;
    const console_ = block.lang === 'console';
    for (let i = 0; i < block.lines.length; i++) {
      let text = block.lines[i];
      const line = block.line + i;
      const prompt = /^\s*\$ /.exec(text);
      if (console_ && !prompt) continue;
      if (prompt) text = text.slice(prompt[0].length);
      while (/\\$/.test(text) && i + 1 < block.lines.length) {
        const next = block.lines[++i];
        text = text.slice(0, -1) + ' ' + (console_ ? next.replace(/^\s*> ?/, '') : next.trimStart());
      }
      const command = stripComment(text);
      for (const part of splitList(command)) out.push({ file, line, command: part });
    }
  }
  return out;
}
