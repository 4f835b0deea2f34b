// Vitest global setup: the CLI, end-to-end and crypto-worker tests run the compiled dist/, so a
// test run after an edit to src/ must never test the old build. Rebuild when any source is newer
// than its output (or dist/ is missing); `npm test` builds first, so there this finds nothing to do.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE_DIRS = ['src', 'runbook', 'bench'];

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

/** The first source whose compiled file is missing or older than it, if any. */
export function staleSource(): string | undefined {
  for (const dir of SOURCE_DIRS) {
    const abs = path.join(root, dir);
    if (!existsSync(abs)) continue;
    for (const file of sources(abs)) {
      const out = path.join(root, 'dist', path.relative(root, file)).replace(/\.tsx?$/, '.js');
      if (!existsSync(out) || statSync(out).mtimeMs < statSync(file).mtimeMs) return path.relative(root, file);
    }
  }
  return undefined;
}

export default function setup(): void {
  const stale = staleSource();
  if (stale === undefined) return;
  console.log(`dist/ is older than ${stale}: building before the tests run`);
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  const still = staleSource();
  if (still !== undefined) throw new Error(`the build left dist/ older than ${still}: the tests would run stale code`);
}
