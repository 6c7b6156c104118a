/**
 * The project folder (the one holding package.json) for the tools under scripts/ and bench/: they run
 * from their source folder under jest and from the bundle in .build/ when started by scripts/run.js.
 */
import * as fs from 'fs';
import * as path from 'path';

export function projectRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}
