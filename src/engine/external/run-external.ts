// Runs the application's own reencrypt-secrets (container or local binary) and reports it through
// the same events and summary as the built-in engine. Abort kills its whole process tree.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { DEFAULT_COLUMNS, type EncryptedColumn } from '../../db/column.js';
import { ExternalProcessError, UserError } from '../../errors.js';
import { plainLine } from '../../text/terminal-safe.js';
import type { EngineEventListener, RunKind, RunSummary } from '../events.js';
import {
  buildExternalCommand,
  type ExternalCommand,
  type ExternalEngine,
  type ExternalEnv,
} from './external-command.js';
import { columnLabel, ExternalTally } from './external-tally.js';
import { parseLogLine } from './log-line.js';
import { scrubSecrets } from './scrub.js';

export type { ExternalEngine, ExternalEnv } from './external-command.js';

export const TAIL_LINES = 20;
const DEFAULT_KILL_GRACE_MS = 3000;

export interface ExternalReencryptOptions {
  kind: RunKind;
  batchSize: number;
  engine: ExternalEngine;
  env: ExternalEnv;
  /** Rows counted by the caller beforehand (the tool prints no total until it ends). */
  totalRows: number;
  primaryKeyId: string;
  signal?: AbortSignal | undefined;
  onEvent: EngineEventListener;
  /** The columns the tool's registry holds, to label its tables as the built-in engine does. */
  columns?: readonly EncryptedColumn[] | undefined;
  /** Time between SIGTERM and SIGKILL when stopping it. */
  killGraceMs?: number | undefined;
  now?: () => number;
}

/** Kills the child's process group (it runs detached, so the group is the child and all it started). */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** How the run ended, before it is turned into a summary or an error. */
type Ending = { stoppedBy: 'operator' } | { stoppedBy: 'fatal'; message: string } | { stoppedBy: 'none' };

export async function runExternalReencrypt(o: ExternalReencryptOptions): Promise<RunSummary> {
  const now = o.now ?? Date.now;
  const started = now();
  const columns = o.columns ?? DEFAULT_COLUMNS;
  const command = buildExternalCommand(o.engine, { kind: o.kind, batchSize: o.batchSize }, o.env);
  const summaryOf = (
    tables: RunSummary['tables'],
    failures: RunSummary['failures'],
    cancelled: boolean,
  ): RunSummary => ({
    kind: o.kind,
    mode: 'reencrypt',
    primaryKeyId: o.primaryKeyId,
    tables,
    failures,
    cancelled,
    elapsedMs: now() - started,
  });
  const keyIds = [o.env.SECRETS_ENCRYPTION_KEY, o.env.SECRETS_ENCRYPTION_KEY_PREVIOUS]
    .filter((k): k is string => !!k && k.includes(':'))
    .map((k) => k.slice(0, k.indexOf(':')));
  // With one column the caller's count is that column's; with several, the split is known only as the tool goes.
  const tables = columns.length === 1 ? [{ table: columnLabel(columns, columns[0]!.table), total: o.totalRows }] : [];
  o.onEvent({ type: 'run-start', kind: o.kind, mode: 'reencrypt', primaryKeyId: o.primaryKeyId, keyIds, tables });
  if (o.signal?.aborted) {
    const summary = summaryOf([], [], true);
    o.onEvent({ type: 'run-done', summary });
    return summary;
  }

  let ending: Ending = { stoppedBy: 'none' };
  let terminating: Promise<void> | undefined;
  const stop = (next: Ending) => {
    if (ending.stoppedBy !== 'none') return;
    ending = next;
    terminating = terminate();
  };
  const tally = new ExternalTally({
    kind: o.kind,
    primaryKeyId: o.primaryKeyId,
    totalRows: o.totalRows,
    columns,
    onEvent: o.onEvent,
    now,
    onFatal: (message) => stop({ stoppedBy: 'fatal', message }),
  });

  // The tool loads .env from its working directory; an empty one keeps a stray .env out of its run.
  const cwd = await mkdtemp(path.join(tmpdir(), 'kek-rotate-tool-'));
  const tail: string[] = [];
  let child: ReturnType<typeof spawn> | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const onExit = () => killGroup(child?.pid, 'SIGKILL');
  async function terminate(): Promise<void> {
    killGroup(child?.pid, 'SIGTERM');
    killTimer = setTimeout(() => killGroup(child?.pid, 'SIGKILL'), o.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
    // docker forwards SIGTERM to the container, where the tool as PID 1 may ignore it: remove it outright.
    if (command.containerName)
      await execa(command.file, ['rm', '-f', command.containerName], {
        reject: false,
        stdin: 'ignore',
        timeout: 30_000,
      });
  }
  const onAbort = () => stop({ stoppedBy: 'operator' });

  try {
    child = spawn(command, cwd);
    process.once('exit', onExit);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    for await (const raw of child.iterable({ from: 'all' })) {
      const text = scrubSecrets(plainLine(raw)).trimEnd();
      if (text !== '') {
        tail.push(text);
        if (tail.length > TAIL_LINES) tail.shift();
      }
      tally.handle(parseLogLine(raw));
    }
    const result = await child;
    // Report a stop only once it is complete: for docker, once the container itself is gone.
    await terminating;
    const finalEnding = ending as Ending;
    if (finalEnding.stoppedBy === 'operator') {
      const { tables, failures } = tally.close();
      const summary = summaryOf(tables, failures, true);
      o.onEvent({ type: 'run-done', summary });
      return summary;
    }
    if (finalEnding.stoppedBy === 'fatal') {
      throw new ExternalProcessError(`stopped ${command.description}: ${finalEnding.message}`, tail, result.exitCode);
    }
    if (result.failed) throw processFailure(command, result, tail);
    const { tables, failures } = tally.finish();
    const summary = summaryOf(tables, failures, false);
    o.onEvent({ type: 'run-done', summary });
    return summary;
  } finally {
    clearTimeout(killTimer);
    o.signal?.removeEventListener('abort', onAbort);
    process.removeListener('exit', onExit);
    await rm(cwd, { recursive: true, force: true });
  }
}

function spawn(command: ExternalCommand, cwd: string) {
  return execa(command.file, command.args, {
    env: command.env,
    extendEnv: false,
    cwd,
    stdin: 'ignore',
    all: true,
    buffer: false,
    reject: false,
    // Its own process group, so an abort reaches everything it started (a wrapper script's children too).
    detached: true,
  });
}

type Finished = Awaited<ReturnType<typeof spawn>>;

function processFailure(command: ExternalCommand, result: Finished, tail: string[]): Error {
  const code = (result as { code?: string }).code;
  if (code === 'ENOENT' || code === 'EACCES') {
    return new UserError(
      `cannot run ${command.file}: ${code === 'ENOENT' ? 'not found' : 'not executable'}`,
      command.containerName
        ? 'Install docker, or give its path; or use --engine builtin.'
        : 'Give the path of the reencrypt-secrets binary with --command.',
    );
  }
  const last = [...tail].reverse().find((line) => /error/i.test(line)) ?? tail.at(-1);
  const how =
    result.exitCode !== undefined
      ? `exited with code ${result.exitCode}`
      : `was killed by ${result.signal ?? 'a signal'}`;
  return new ExternalProcessError(`${command.description} ${how}${last ? `: ${last}` : ''}`, tail, result.exitCode);
}
