/**
 * The import graph of the app's folders, read from the code: which top-level folder imports which.
 * `npm run docs` writes it into docs/architecture.md; test/architecture.test.ts fails
 * when the page and the code disagree, or when an import breaks the layering rules below.
 */
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..');

/** The app's folders in the order data flows through them (main.ts is the entry). */
export const LAYERS = ['main.ts', 'overlays', 'config', 'charts', 'constructs', 'imports', 'lib', 'output', 'reports'] as const;
export type Layer = (typeof LAYERS)[number];

/** What each folder may import (besides itself, Node built-ins and npm packages). */
export const ALLOWED: Readonly<Record<Layer, readonly Layer[]>> = {
  'main.ts': ['config', 'lib', 'output'],
  overlays: ['config'], // type-only: the shape profile values must have
  config: ['overlays', 'lib'],
  charts: ['config', 'constructs', 'imports', 'lib'],
  constructs: ['imports', 'lib'],
  imports: [],
  lib: [],
  output: ['charts', 'config', 'lib', 'reports'],
  reports: ['config', 'lib'],
};

export interface Import {
  readonly from: string;
  readonly to: string;
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

const layerOf = (file: string): Layer | undefined => {
  const rel = path.relative(ROOT, file);
  const top = rel.split(path.sep)[0];
  return (LAYERS as readonly string[]).includes(top) ? (top as Layer) : undefined;
};

/** Every relative import between the app's files (paths relative to the root, without `.ts`). */
export function appImports(): Import[] {
  const files = LAYERS.flatMap((l) => (l.endsWith('.ts') ? [path.join(ROOT, l)] : sourceFiles(path.join(ROOT, l))));
  const imports: Import[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
      imports.push({
        from: path.relative(ROOT, file).replace(/\.ts$/, ''),
        to: path.relative(ROOT, path.resolve(path.dirname(file), m[1])),
      });
    }
  }
  return imports;
}

/** Folder → the folders it imports, from the code. */
export function folderGraph(imports = appImports()): Map<Layer, Set<Layer>> {
  const graph = new Map<Layer, Set<Layer>>(LAYERS.map((l) => [l, new Set<Layer>()]));
  for (const i of imports) {
    const from = layerOf(path.join(ROOT, i.from + '.ts')) ?? 'main.ts';
    const to = layerOf(path.join(ROOT, i.to)) ?? layerOf(path.join(ROOT, i.to + '.ts'));
    if (to && to !== from) graph.get(from)!.add(to);
  }
  return graph;
}

/** Imports that break ALLOWED, and chart files that import another chart file. */
export function layeringProblems(imports = appImports()): string[] {
  const problems: string[] = [];
  for (const i of imports) {
    const from = layerOf(path.join(ROOT, i.from + '.ts')) ?? 'main.ts';
    const to = layerOf(path.join(ROOT, i.to)) ?? layerOf(path.join(ROOT, i.to + '.ts'));
    if (to && to !== from && !ALLOWED[from].includes(to))
      problems.push(`${i.from} imports ${i.to}: ${from} may import only ${ALLOWED[from].join(', ') || 'nothing of the app'}`);
    // One chart per concern: charts share the spec-derived tables, never each other.
    if (/^charts\/.*-chart$/.test(i.from) && /^charts\/.*-chart$/.test(i.to))
      problems.push(`${i.from} imports ${i.to}: a chart reaches into another chart`);
  }
  return problems;
}

const BEGIN = '<!-- folder-imports:begin (npm run docs) -->';
const END = '<!-- folder-imports:end -->';
export const ARCHITECTURE_PAGE = path.join(ROOT, 'docs', 'architecture.md');

/** The generated block: a Mermaid picture of the folder graph and one table row per folder. */
export function importTable(graph = folderGraph()): string {
  const sorted = (l: Layer) => [...graph.get(l)!].sort((a, b) => LAYERS.indexOf(a) - LAYERS.indexOf(b));
  const id = (l: Layer) => l.replace('.ts', '');
  const edges = LAYERS.flatMap((l) => sorted(l).map((t) => `  ${id(l)} --> ${id(t)}`));
  const rows = LAYERS.map(
    (l) =>
      `| \`${l}\` | ${
        sorted(l)
          .map((t) => `\`${t}\``)
          .join(', ') || '—'
      } |`,
  );
  return [BEGIN, '```mermaid', 'graph TD', ...edges, '```', '', '| folder | imports |', '|---|---|', ...rows, END].join('\n');
}

/** The page with its generated block replaced by the current one. */
export function withImportTable(page: string, table = importTable()): string {
  const a = page.indexOf(BEGIN);
  const b = page.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${path.relative(ROOT, ARCHITECTURE_PAGE)}: no ${BEGIN} … ${END} block`);
  return page.slice(0, a) + table + page.slice(b + END.length);
}

export function main(): number {
  const page = fs.readFileSync(ARCHITECTURE_PAGE, 'utf8');
  const next = withImportTable(page);
  if (next !== page) fs.writeFileSync(ARCHITECTURE_PAGE, next);
  const problems = layeringProblems();
  for (const p of problems) console.error(p);
  console.log(`${path.relative(process.cwd(), ARCHITECTURE_PAGE)}: ${next === page ? 'up to date' : 'updated'}`);
  return problems.length ? 1 : 0;
}
