/** Build step: pre-bundles the workflow code so the worker starts without webpack. */
import { writeFileSync } from 'fs';
import * as path from 'path';
import { bundleWorkflowCode } from '@temporalio/worker';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.error, error: console.error },
  });
  const out = path.join(__dirname, 'workflow-bundle.js');
  writeFileSync(out, code);
  console.error(`workflow bundle: ${out} (${code.length} bytes)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
