// How a re-encryption runs: mode, batch size, rate, workers, lock waiting and which engine. Declared
// and parsed once, here, for both ways in (`reencrypt` and the interactive runbook), so the two take
// the same flags with the same limits and the same errors.
import type { RotationMode } from '../crypto/envelope.js';
import type { EngineTuning } from '../effects/database-effects.js';
import type { EngineChoice } from '../effects/production-effects.js';
import { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE } from '../engine/batch-size.js';
import { UserError } from '../errors.js';
import { choiceFlag, flag, positiveInteger, type FlagValues } from './flags.js';

/** The application's admin image (not its server image, src/deploy's DEFAULT_IMAGE). */
const DEFAULT_ADMIN_IMAGE = 'everruns-admin';
const MAX_CONCURRENCY = 8;

const MODE_FLAG = flag({
  name: 'mode',
  type: 'string',
  valueName: 'MODE',
  description: 'reencrypt (fresh data key, default) or rewrap',
});

const BATCH_SIZE_FLAG = flag({
  name: 'batch-size',
  short: 'b',
  type: 'string',
  valueName: 'N',
  description: `Rows per batch (default ${DEFAULT_BATCH_SIZE}, at most ${MAX_BATCH_SIZE})`,
});

const MAX_RATE_FLAG = flag({
  name: 'max-rate',
  type: 'string',
  valueName: 'N',
  description: 'At most N rows per second (spare the database)',
});

const CONCURRENCY_FLAG = flag({
  name: 'concurrency',
  type: 'string',
  valueName: 'N',
  description: `Workers per column, each on its own connection (built-in engine; default 2, at most ${MAX_CONCURRENCY})`,
});

/** --wait: another live run holds a column's run lock (src/engine/run-lock.ts); wait for it instead of exiting 2. */
const WAIT_FLAG = flag({
  name: 'wait',
  type: 'boolean',
  description: 'If another live run is re-encrypting a column, wait for it to finish (default: exit 2)',
});

const ENGINE_FLAGS = [
  flag({
    name: 'engine',
    type: 'string',
    valueName: 'NAME',
    description: 'builtin (default), container (docker run IMAGE reencrypt) or command',
  }),
  flag({
    name: 'image',
    type: 'string',
    valueName: 'NAME',
    description: `Admin container image for --engine container (default ${DEFAULT_ADMIN_IMAGE})`,
  }),
  flag({
    name: 'command',
    type: 'string',
    valueName: 'PATH',
    description: 'reencrypt-secrets binary for --engine command',
  }),
] as const;

/** Every tuning flag, in the order the help lists them. */
export const TUNING_FLAGS = [
  MODE_FLAG,
  BATCH_SIZE_FLAG,
  MAX_RATE_FLAG,
  CONCURRENCY_FLAG,
  WAIT_FLAG,
  ...ENGINE_FLAGS,
] as const;

export interface Tuning extends EngineTuning {
  readonly mode: RotationMode;
  readonly batchSize: number;
  readonly engine: EngineChoice;
  readonly waitForLock: boolean;
}

/** Every tuning flag checked, with an error naming the flag and a fix; nothing is silently ignored. */
export function parseTuning(flags: FlagValues<typeof TUNING_FLAGS>): Tuning {
  const mode = choiceFlag<RotationMode>(flags.mode, '--mode', ['reencrypt', 'rewrap'], 'reencrypt');
  const batchSize = parseBatchSize(flags['batch-size']);
  const maxRate = positiveInteger(flags['max-rate'], '--max-rate');
  const concurrency = parseConcurrency(flags.concurrency);
  const engine = parseEngine(flags);
  if (engine.type !== 'builtin' && (mode !== 'reencrypt' || maxRate !== undefined || concurrency !== undefined)) {
    throw new UserError(
      `--engine ${engine.type} runs the application's own tool, which has no --mode rewrap, --max-rate or --concurrency`,
      'Drop those options, or use the built-in engine (the default).',
    );
  }
  return { mode, batchSize, maxRate, concurrency, engine, waitForLock: flags.wait === true };
}

/** --batch-size: a whole number from 1 to MAX_BATCH_SIZE. */
function parseBatchSize(value: string | undefined): number {
  const n = positiveInteger(value, '--batch-size', DEFAULT_BATCH_SIZE);
  if (n > MAX_BATCH_SIZE) {
    throw new UserError(
      `--batch-size must be at most ${MAX_BATCH_SIZE}, got ${n}`,
      `Each row of a batch is held in memory and locked until its transaction commits; larger batches gain no speed. Use --batch-size ${MAX_BATCH_SIZE} or less (the default is ${DEFAULT_BATCH_SIZE}).`,
    );
  }
  return n;
}

function parseConcurrency(value: string | undefined): number | undefined {
  const n = positiveInteger(value, '--concurrency');
  if (n !== undefined && n > MAX_CONCURRENCY)
    throw new UserError(
      `--concurrency must be at most ${MAX_CONCURRENCY}, got ${n}`,
      "More workers take more of the application's connections for little gain.",
    );
  return n;
}

function parseEngine(flags: FlagValues<typeof ENGINE_FLAGS>): EngineChoice {
  const type = choiceFlag(flags.engine, '--engine', ['builtin', 'container', 'command'] as const, 'builtin');
  const { image, command } = flags;
  if (type !== 'container' && image !== undefined)
    throw new UserError('--image is only used with --engine container', 'Add --engine container, or drop --image.');
  if (type !== 'command' && command !== undefined)
    throw new UserError('--command is only used with --engine command', 'Add --engine command, or drop --command.');
  if (type === 'builtin') return { type };
  if (type === 'container') {
    const name = (image ?? DEFAULT_ADMIN_IMAGE).trim();
    if (name === '')
      throw new UserError('--image needs an image name', `For example --image ${DEFAULT_ADMIN_IMAGE}:latest`);
    return { type, image: name };
  }
  if (command === undefined || command.trim() === '') {
    throw new UserError(
      '--engine command needs --command PATH',
      'For example --engine command --command /usr/local/bin/reencrypt-secrets',
    );
  }
  return { type, command };
}
