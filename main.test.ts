/**
 * Full-profile snapshots: the complete YAML of each profile, exactly as written to dist/<profile>/,
 * stored as plain YAML in __snapshots__/<profile>.k8s.yaml so a PR's snapshot diff reads like the
 * manifest diff it is. `npm run test:update` (jest -u) rewrites them; `--ci` never writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PROFILES, synthesized } from './test/helpers';

function expectFileSnapshot(actual: string, file: string): void {
  const mode = (expect.getState().snapshotState as unknown as { _updateSnapshot: 'all' | 'new' | 'none' })._updateSnapshot;
  if (mode === 'all' || (mode === 'new' && !fs.existsSync(file))) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  if (!fs.existsSync(file)) throw new Error(`missing snapshot ${file}; run \`npm run test:update\``);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

describe.each(PROFILES)('profile %s', (profile) => {
  test('matches __snapshots__/<profile>.k8s.yaml', () => {
    const { files, customFiles } = synthesized(profile);
    const text = [
      ...Object.entries(files).map(([name, body]) => `# ---- ${profile}/${name}\n${body}`),
      ...Object.entries(customFiles).map(([name, body]) => `# ---- ${profile}-custom-resources/${name}\n${body}`),
    ].join('---\n');
    expectFileSnapshot(text, path.join(__dirname, '__snapshots__', `${profile}.k8s.yaml`));
  });
});
