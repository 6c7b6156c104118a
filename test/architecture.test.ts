/**
 * The layering of docs/architecture.md, checked against the code: the generated picture matches the
 * imports, constructs never import the config layer, lib/ imports nothing of the app, and no chart
 * file reaches into another chart.
 */
import * as fs from 'fs';
import { appImports, ARCHITECTURE_PAGE, folderGraph, importTable, layeringProblems, withImportTable } from '../scripts/architecture';

describe('architecture', () => {
  test('docs/architecture.md shows the folder imports the code has (npm run docs refreshes it)', () => {
    const page = fs.readFileSync(ARCHITECTURE_PAGE, 'utf8');
    expect(page).toBe(withImportTable(page));
  });

  test('every import keeps the layering', () => {
    expect(layeringProblems()).toEqual([]);
  });

  test('the imports are found (the check cannot pass by reading nothing)', () => {
    const imports = appImports();
    expect(imports.length).toBeGreaterThan(100);
    expect(folderGraph(imports).get('charts')!.has('constructs')).toBe(true);
  });

  test('a construct importing the config layer, or a chart importing a chart, is caught', () => {
    const bad = [
      { from: 'constructs/worker-pool', to: 'config/schema' },
      { from: 'lib/yaml', to: 'charts/topology' },
      { from: 'charts/web-chart', to: 'charts/workers-chart' },
    ];
    expect(layeringProblems(bad)).toEqual([
      'constructs/worker-pool imports config/schema: constructs may import only imports, lib',
      'lib/yaml imports charts/topology: lib may import only nothing of the app',
      'charts/web-chart imports charts/workers-chart: a chart reaches into another chart',
    ]);
    expect(importTable(folderGraph(bad))).toContain('| `constructs` | `config` |');
  });
});
