// Flags are declared as data and parsed into an object typed by those declarations: a misspelt
// flag name does not compile (checked by `npm run typecheck`, which covers the tests), and the
// tuning flags are one declaration shared by `reencrypt` and the runbook.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { findCommand, NO_COMMAND } from '../../src/cli/commands.js';
import { flag, parseFlags } from '../../src/cli/flags.js';
import { parseTuning, TUNING_FLAGS } from '../../src/cli/tuning-flags.js';

const SPECS = [
  flag({ name: 'dry-run', short: 'n', type: 'boolean', description: 'd' }),
  flag({ name: 'batch-size', type: 'string', valueName: 'N', description: 'b' }),
] as const;

describe('typed flags', () => {
  it('parse into an object with exactly the declared names and types', () => {
    const { flags, help } = parseFlags(['-n', '--batch-size', '50'], SPECS, 'x');
    expectTypeOf(flags['dry-run']).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(flags['batch-size']).toEqualTypeOf<string | undefined>();
    // @ts-expect-error: a misspelt flag name is a compile error, not a silent undefined.
    expect(flags['dryrun']).toBeUndefined();
    expect(flags).toEqual({ 'dry-run': true, 'batch-size': '50' });
    expect(help).toBe(false);
  });

  it('an undeclared flag is refused at run time too, naming it', () => {
    expect(() => parseFlags(['--dryrun'], SPECS, 'reencrypt')).toThrow(
      /unknown option --dryrun for kek-rotate reencrypt/,
    );
  });

  it('reencrypt and the runbook take the same tuning flags, declared once', () => {
    const reencrypt = findCommand('reencrypt')!;
    for (const command of [reencrypt, NO_COMMAND!]) {
      for (const spec of TUNING_FLAGS) expect(command.flags).toContain(spec);
    }
  });

  it('parseTuning checks every tuning flag and ignores none', () => {
    expect(parseTuning({})).toEqual({
      mode: 'reencrypt',
      batchSize: 100,
      maxRate: undefined,
      concurrency: undefined,
      engine: { type: 'builtin' },
      waitForLock: false,
    });
    expect(() => parseTuning({ concurrency: '9' })).toThrow('--concurrency must be at most 8, got 9');
    expect(() => parseTuning({ mode: 'shuffle' })).toThrow('--mode must be one of reencrypt, rewrap');
    expect(() => parseTuning({ engine: 'container', 'max-rate': '10' })).toThrow(/has no --mode rewrap, --max-rate/);
    expect(() => parseTuning({ image: 'x' })).toThrow('--image is only used with --engine container');
    expect(parseTuning({ engine: 'command', command: '/bin/tool', wait: true })).toMatchObject({
      engine: { type: 'command', command: '/bin/tool' },
      waitForLock: true,
    });
  });
});
