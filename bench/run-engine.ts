// Runs one engine measurement in a forked bench worker and returns what it reports.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineJob, EngineJobFailure, EngineJobResult } from './engine-job.js';

let worker = fileURLToPath(new URL('./engine-worker.js', import.meta.url));

/** Forks workers from this script from now on (a snapshot of the build, see build-snapshot.ts). */
export function setWorkerScript(path: string): void {
  worker = path;
}

/** Ink renders only a final frame when it thinks it runs in CI; the TUI simulation must not. */
function envWithoutCi(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key.startsWith('CI_')) delete env[key];
  return env;
}

export function runEngineInWorker(job: EngineJob): Promise<EngineJobResult> {
  return new Promise((resolve, reject) => {
    // Output is captured, not shown: Ink restores the cursor on exit, which would land in the table.
    const child = fork(worker, [], { env: envWithoutCi(), stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    let answered = false;
    child.once('message', (message: EngineJobResult | EngineJobFailure) => {
      answered = true;
      if (message.ok) resolve(message);
      else reject(new Error(`engine worker: ${message.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!answered)
        reject(new Error(`engine worker exited with code ${code} before reporting${stderr ? `:\n${stderr}` : ''}`));
    });
    child.send(job);
  });
}
