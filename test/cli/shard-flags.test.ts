// --shard I/N and its variables, no database: where the shard comes from (the flag, KEK_ROTATE_SHARD,
// or JOB_COMPLETION_INDEX with KEK_ROTATE_SHARD_COUNT), and the real binary refusing every malformed
// or contradictory shard with exit 2 and a message that says what is wrong, before it connects.
import { describe, expect, it } from 'vitest';
import { parseShard } from '../../src/cli/shard-flag.js';
import { UserError } from '../../src/errors.js';
import { cli, emptyDir } from './cli-harness.js';

const NOWHERE = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' };

describe('where the shard comes from', () => {
  it('the flag, KEK_ROTATE_SHARD, or JOB_COMPLETION_INDEX with KEK_ROTATE_SHARD_COUNT; none: the whole column', () => {
    expect(parseShard({ shard: '1/4' }, {})).toEqual({ shard: { index: 1, count: 4 }, warnings: [] });
    expect(parseShard({}, { KEK_ROTATE_SHARD: ' 3/4 ' })).toEqual({ shard: { index: 3, count: 4 }, warnings: [] });
    expect(parseShard({}, { JOB_COMPLETION_INDEX: '2', KEK_ROTATE_SHARD_COUNT: '4' })).toEqual({
      shard: { index: 2, count: 4 },
      warnings: [],
    });
    expect(parseShard({}, {})).toEqual({ shard: undefined, warnings: [] });
    expect(parseShard({ shard: '0/1' }, {}).shard).toEqual({ index: 0, count: 1 });
    // Given twice, the same shard is fine.
    expect(
      parseShard({ shard: '2/4' }, { KEK_ROTATE_SHARD: '2/4', JOB_COMPLETION_INDEX: '2', KEK_ROTATE_SHARD_COUNT: '4' })
        .shard,
    ).toEqual({ index: 2, count: 4 });
    expect(parseShard({ shard: '2/4' }, { KEK_ROTATE_SHARD_COUNT: '4' }).shard).toEqual({ index: 2, count: 4 });
  });

  it('JOB_COMPLETION_INDEX alone splits nothing, and says how to', () => {
    const { shard, warnings } = parseShard({}, { JOB_COMPLETION_INDEX: '1' });
    expect(shard).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('set KEK_ROTATE_SHARD_COUNT to its completions')]);
  });

  it.each([
    [{ shard: '3/2' }, {}, /--shard 3\/2: the shard index must be from 0 to 1/],
    [{ shard: 'a/b' }, {}, /--shard must be I\/N with whole numbers, such as 0\/4, got "a\/b"/],
    [{ shard: '0/0' }, {}, /--shard 0\/0: the number of shards N must be at least 1/],
    [{ shard: '4/4' }, {}, /the shard index must be from 0 to 3/],
    [{ shard: '-1/4' }, {}, /must be I\/N with whole numbers/],
    [{ shard: '1/4/8' }, {}, /must be I\/N with whole numbers/],
    [{ shard: '1.5/4' }, {}, /must be I\/N with whole numbers/],
    [{ shard: '' }, {}, /must be I\/N with whole numbers/],
    [{ shard: '0/257' }, {}, /at most 256 shards/],
    [{}, { KEK_ROTATE_SHARD: '4/2' }, /KEK_ROTATE_SHARD 4\/2: the shard index must be from 0 to 1/],
    [{}, { KEK_ROTATE_SHARD_COUNT: '4' }, /KEK_ROTATE_SHARD_COUNT=4 is set but JOB_COMPLETION_INDEX is not/],
    [
      {},
      { KEK_ROTATE_SHARD_COUNT: 'four', JOB_COMPLETION_INDEX: '1' },
      /KEK_ROTATE_SHARD_COUNT must be a whole number of shards/,
    ],
    [
      {},
      { KEK_ROTATE_SHARD_COUNT: '4', JOB_COMPLETION_INDEX: '4' },
      /JOB_COMPLETION_INDEX\/KEK_ROTATE_SHARD_COUNT 4\/4: the shard index must be from 0 to 3/,
    ],
    [{ shard: '1/4' }, { KEK_ROTATE_SHARD: '2/4' }, /--shard 1\/4 and KEK_ROTATE_SHARD 2\/4 name different shards/],
    [
      { shard: '1/4' },
      { JOB_COMPLETION_INDEX: '1', KEK_ROTATE_SHARD_COUNT: '8' },
      /--shard 1\/4 and JOB_COMPLETION_INDEX\/KEK_ROTATE_SHARD_COUNT 1\/8 name different shards/,
    ],
    [
      { shard: '1/4' },
      { KEK_ROTATE_SHARD_COUNT: '8' },
      /KEK_ROTATE_SHARD_COUNT=8 and --shard 1\/4 disagree on the number of shards/,
    ],
  ] as const)('refuses %j %j', (flags, env, message) => {
    let error: unknown;
    try {
      parseShard(flags, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(message);
    expect((error as UserError).hint).toBeTruthy();
  });
});

describe('kek-rotate reencrypt --shard, the real binary', () => {
  it.each([
    [
      '3/2',
      "error: --shard 3/2: the shard index must be from 0 to 1 (shards count from 0, as Kubernetes' JOB_COMPLETION_INDEX does)",
    ],
    ['a/b', 'error: --shard must be I/N with whole numbers, such as 0/4, got "a/b"'],
    ['0/0', 'error: --shard 0/0: the number of shards N must be at least 1'],
  ])('--shard %s exits 2 before connecting', async (value, message) => {
    const r = await cli(['reencrypt', '--shard', value], NOWHERE);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('hint: Give I/N with I from 0 to N-1');
    expect(r.stderr).not.toContain('Connected');
    expect(r.stdout).toBe('');
  });

  it('a shard is for the built-in engine on PostgreSQL: --engine container or command, or --pglite, exit 2', async () => {
    const container = await cli(['reencrypt', '--shard', '1/4', '--engine', 'container'], NOWHERE);
    expect(container.exitCode).toBe(2);
    expect(container.stderr).toContain(
      "error: --shard (or KEK_ROTATE_SHARD) splits the work of the built-in engine; --engine container runs the application's own tool",
    );
    const command = await cli(['reencrypt', '--engine', 'command', '--command', 'reencrypt-secrets'], {
      ...NOWHERE,
      KEK_ROTATE_SHARD: '0/2',
    });
    expect(command.exitCode).toBe(2);
    expect(command.stderr).toContain("--engine command runs the application's own tool");
    const pglite = await cli(['reencrypt', '--shard', '0/2', '--pglite', emptyDir()]);
    expect(pglite.exitCode).toBe(2);
    expect(pglite.stderr).toContain('error: --shard splits a table across processes sharing one PostgreSQL server');
  });

  it('the variables: a bad or contradictory shard exits 2; JOB_COMPLETION_INDEX without a count is a warning', async () => {
    const bad = await cli(['reencrypt'], { ...NOWHERE, JOB_COMPLETION_INDEX: '4', KEK_ROTATE_SHARD_COUNT: '4' });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('the shard index must be from 0 to 3');
    const disagree = await cli(['reencrypt', '--shard', '1/4'], { ...NOWHERE, KEK_ROTATE_SHARD: '2/4' });
    expect(disagree.exitCode).toBe(2);
    expect(disagree.stderr).toContain('error: --shard 1/4 and KEK_ROTATE_SHARD 2/4 name different shards');
    const alone = await cli(['reencrypt']);
    expect(alone.exitCode).toBe(2);
    const indexOnly = await cli(['reencrypt'], { JOB_COMPLETION_INDEX: '1' });
    expect(indexOnly.exitCode).toBe(2); // no DATABASE_URL
    expect(indexOnly.stderr).toContain(
      'JOB_COMPLETION_INDEX is set (1) but no shard count: this run covers every row of each column',
    );
    expect(alone.stderr).not.toContain('JOB_COMPLETION_INDEX');
  });

  it('--help shows --shard', async () => {
    const r = await cli(['reencrypt', '--help']);
    expect(r.stdout).toContain('--shard I/N');
    expect(r.stdout).toContain('KEK_ROTATE_SHARD_COUNT=N');
  });
});
