/**
 * Every link from README.md and docs/*.md to a local file or heading resolves: the file exists inside
 * the project, and an anchor names a heading of the target page by GitHub's rules (lower case, punctuation
 * dropped, spaces as "-", "-1", "-2" for repeats).
 */
import * as fs from 'fs';
import * as path from 'path';
import { docPages, githubSlug, headingAnchors, links, ROOT } from './docs-markdown';

interface Problem {
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly problem: string;
}

/** What is wrong with each local link of a page (given its text), relative to the project root. */
export function linkProblems(file: string, text: string, root: string = ROOT): Problem[] {
  const problems: Problem[] = [];
  for (const { line, target } of links(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
    const [rawPath, anchor] = target.split('#', 2) as [string, string | undefined];
    const report = (problem: string) => problems.push({ file, line, target, problem });
    const targetFile =
      rawPath === '' ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), decodeURIComponent(rawPath));
    if (path.relative(root, targetFile).startsWith('..')) {
      report('points outside the project');
      continue;
    }
    if (rawPath !== '' && !fs.existsSync(targetFile)) {
      report(`no file ${path.relative(root, targetFile)}`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!targetFile.endsWith('.md')) {
      report('an anchor into a file that is not a Markdown page');
      continue;
    }
    const anchors = headingAnchors(rawPath === '' ? text : fs.readFileSync(targetFile, 'utf8'));
    if (!anchors.has(decodeURIComponent(anchor))) report(`no heading with the anchor #${anchor} in ${path.relative(root, targetFile)}`);
  }
  return problems;
}

describe('GitHub heading anchors', () => {
  test.each([
    ['Real runs: `npm run e2e`', 'real-runs-npm-run-e2e'],
    ['One-off runs: `--set`, `npm run spec`, `--stdout`', 'one-off-runs---set-npm-run-spec---stdout'],
    ['External PostgreSQL (RDS, Cloud SQL, Azure…)', 'external-postgresql-rds-cloud-sql-azure'],
    ['Known limits (and where they are handled)', 'known-limits-and-where-they-are-handled'],
    ["A setting's path", 'a-settings-path'],
    ['What `dist/` holds', 'what-dist-holds'],
    ['Customise → [Profiles](customise.md)', 'customise--profiles'],
    ['workerPools_x', 'workerpools_x'],
  ])('%s → #%s', (heading, slug) => {
    expect(githubSlug(heading)).toBe(slug);
  });

  test('a repeated heading gets -1, -2', () => {
    expect([...headingAnchors('# A\n## Tests\n```sh\n# not a heading\n```\n### Tests\n## Tests\n')]).toEqual([
      'a',
      'tests',
      'tests-1',
      'tests-2',
    ]);
  });
});

describe('links between the pages', () => {
  const pages = docPages();

  test('the pages link to each other', () => {
    const local = pages.flatMap((f) => links(fs.readFileSync(path.join(ROOT, f), 'utf8')).filter((l) => !/^[a-z]+:/i.test(l.target)));
    expect(local.length).toBeGreaterThan(40);
    expect(local.filter((l) => l.target.includes('#')).length).toBeGreaterThan(20);
  });

  test.each(pages)('every local link of %s resolves', (file) => {
    expect(linkProblems(file, fs.readFileSync(path.join(ROOT, file), 'utf8'))).toEqual([]);
  });

  test('a broken file, a broken anchor and a link out of the project are caught (links in code are not links)', () => {
    const text = [
      '# Page',
      '[ok](deploy.md#with-kubectl) [self](#page) [ok file](../package.json)',
      '[gone](nothing.md) [bad anchor](deploy.md#no-such-heading) [out](../../etc/passwd) `[code](missing.md)`',
      '```md',
      '[in a fence](missing.md)',
      '```',
    ].join('\n');
    expect(linkProblems('docs/page.md', text).map((p) => `${p.target}: ${p.problem}`)).toEqual([
      'nothing.md: no file docs/nothing.md',
      'deploy.md#no-such-heading: no heading with the anchor #no-such-heading in docs/deploy.md',
      '../../etc/passwd: points outside the project',
    ]);
  });
});
