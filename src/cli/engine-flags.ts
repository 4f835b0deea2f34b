// Which engine runs the re-encryption: the built-in one, the application's admin container, or a
// local reencrypt-secrets binary. Declared once, shared by the runbook and `reencrypt`.
import type { EngineChoice } from '../effects/production-effects.js';
import { UserError } from '../errors.js';
import { choiceFlag, positiveInteger, stringFlag, type FlagSpec, type ParsedFlags } from './flags.js';

export const DEFAULT_IMAGE = 'everruns-admin';

export const ENGINE_FLAGS: readonly FlagSpec[] = [
  { name: 'engine', type: 'string', valueName: 'NAME', description: 'builtin (default), container (docker run IMAGE reencrypt) or command' },
  { name: 'image', type: 'string', valueName: 'NAME', description: `Admin container image for --engine container (default ${DEFAULT_IMAGE})` },
  { name: 'command', type: 'string', valueName: 'PATH', description: 'reencrypt-secrets binary for --engine command' },
];

export const CONCURRENCY_FLAG: FlagSpec = {
  name: 'concurrency',
  type: 'string',
  valueName: 'N',
  description: 'Workers per column, each on its own connection (built-in engine; default 2, at most 8)',
};

export function parseEngine(flags: ParsedFlags): EngineChoice {
  const type = choiceFlag(flags, 'engine', ['builtin', 'container', 'command'] as const, 'builtin');
  const image = stringFlag(flags, 'image');
  const command = stringFlag(flags, 'command');
  if (type !== 'container' && image !== undefined) throw new UserError('--image is only used with --engine container', 'Add --engine container, or drop --image.');
  if (type !== 'command' && command !== undefined) throw new UserError('--command is only used with --engine command', 'Add --engine command, or drop --command.');
  if (type === 'builtin') return { type };
  if (type === 'container') {
    const name = (image ?? DEFAULT_IMAGE).trim();
    if (name === '') throw new UserError('--image needs an image name', `For example --image ${DEFAULT_IMAGE}:latest`);
    return { type, image: name };
  }
  if (command === undefined || command.trim() === '') {
    throw new UserError('--engine command needs --command PATH', 'For example --engine command --command /usr/local/bin/reencrypt-secrets');
  }
  return { type, command };
}

export function parseConcurrency(flags: ParsedFlags): number | undefined {
  const n = positiveInteger(flags['concurrency'], '--concurrency', undefined);
  if (n !== undefined && n > 8) throw new UserError(`--concurrency must be at most 8, got ${n}`, 'More workers take more of the application\'s connections for little gain.');
  return n;
}
