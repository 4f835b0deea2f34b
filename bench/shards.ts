// The shard scaling (the end of `npm run bench`, or alone with `--shards`): the same freshly seeded
// table rotated by 1, 2 and 4 processes of the real CLI, `kek-rotate reencrypt --shard I/N` each, all started at once, side by side: rounds of
// 1, 2, 4 (in a rotating order, so drift on a shared machine does not favour one count), the table
// reset from the pristine copy and the shard plan dropped before every measurement (so each one
// pays for recording its boundaries). Wall time is from the first spawn to the last exit.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatKey } from '../src/crypto/key.js';
import { SHARD_PLAN_TABLE } from '../src/engine/shard-plan.js';
import { benchUrl, BENCH_SCHEMA, openBenchDb, recreateSchema } from './bench-db.js';
import { makeBenchKeys, type BenchKeys } from './bench-keys.js';
import { cpuPerRow, postgresCpuSeconds } from './cpu-budget.js';
import { machineInfo } from './machine-info.js';
import { measurement, type Measurement } from './measurement.js';
import type { BenchOptions } from './options.js';
import { formatTable, writeResults } from './report.js';
import { countByKeyId, resetTable } from './reset.js';
import { seedRows } from './seed.js';

export const SHARDS_USAGE =
  '  --shards            only the shard scaling: 1, 2 and 4 `reencrypt --shard I/N` processes side by side (bench/shards.ts)';
const COUNTS = [1, 2, 4] as const;

/** CPU seconds of this process's children that have exited and been reaped (cutime + cstime, proc(5)). */
function childrenCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

interface ShardProcess {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** One `reencrypt --shard` process of the snapshot's CLI; keys only in its environment. */
function runShard(launcher: string, env: NodeJS.ProcessEnv, cwd: string, args: string[]): Promise<ShardProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

/** 1, 2 and 4 shard processes, `o.shardRounds` rounds; prints their table and writes results-shards.json. */
export async function runShardBench(o: BenchOptions, log: (line: string) => void, workerPath: string): Promise<void> {
  const rounds = o.shardRounds;
  const keys: BenchKeys = makeBenchKeys();
  // The snapshot's CLI (build-snapshot.ts): the worker lives in <snapshot>/bench, the CLI in
  // <snapshot>/src/cli, and it imports the runbook too, which the snapshot does not copy: copied
  // here from this build (dist/, one level above this file). A two-line launcher next to them runs
  // it as bin/kek-rotate does. All removed with the snapshot.
  const snapshot = join(dirname(workerPath), '..');
  cpSync(fileURLToPath(new URL('../runbook', import.meta.url)), join(snapshot, 'runbook'), { recursive: true });
  const launcher = join(snapshot, 'kek-rotate-cli.mjs');
  writeFileSync(launcher, "import { runCli } from './src/cli/main.js';\nawait runCli(process.argv.slice(2));\n");
  const cwd = mkdtempSync(join(tmpdir(), 'kek-bench-shards-')); // no .env in it
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: benchUrl(o.databaseUrl),
    SECRETS_ENCRYPTION_KEY: formatKey(keys.next),
    SECRETS_ENCRYPTION_KEY_PREVIOUS: formatKey(keys.old),
  };
  const batchSize = Math.max(...o.batchSizes);
  await recreateSchema(o.databaseUrl);
  const db = await openBenchDb(o.databaseUrl);
  try {
    const machine = await machineInfo(db);
    log(`seeding ${o.rows} rows on kek-v1 in schema ${BENCH_SCHEMA}`);
    await seedRows(db, keys.old, o.rows);
    const measurements: Measurement[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = COUNTS.map((_, i) => COUNTS[(i + round) % COUNTS.length]!);
      for (const count of order) {
        await resetTable(db);
        await db.query(`DROP TABLE IF EXISTS ${SHARD_PLAN_TABLE}`);
        log(`round ${round + 1}/${rounds}: ${count} shard process${count === 1 ? '' : 'es'}, batch ${batchSize}`);
        const pgBefore = postgresCpuSeconds();
        const childBefore = childrenCpuSeconds();
        const started = process.hrtime.bigint();
        const done = await Promise.all(
          Array.from({ length: count }, (_, index) =>
            runShard(launcher, env, cwd, [
              'reencrypt',
              '--shard',
              `${index}/${count}`,
              '--batch-size',
              String(batchSize),
            ]),
          ),
        );
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const pgAfter = postgresCpuSeconds();
        const childAfter = childrenCpuSeconds();
        const perShard = done.map((r, index) => {
          const m = new RegExp(`^Re-encrypted (\\d+) of (\\d+) records \\(shard ${index}/${count}\\)$`, 'm').exec(
            r.stdout,
          );
          if (r.exitCode !== 0 || !m) throw new Error(`shard ${index}/${count} exited ${r.exitCode}:\n${r.stderr}`);
          return { rotated: Number(m[1]), processed: Number(m[2]) };
        });
        const rotated = perShard.reduce((n, s) => n + s.rotated, 0);
        const keyIdsAfter = await countByKeyId(db);
        if (rotated !== o.rows || keyIdsAfter['kek-v2'] !== o.rows) {
          throw new Error(
            `${count} shards rotated ${rotated} of ${o.rows} rows; keys after: ${JSON.stringify(keyIdsAfter)}`,
          );
        }
        const m = measurement({
          kind: 'engine',
          mode: `reencrypt, ${count} shard process${count === 1 ? '' : 'es'}`,
          consumer: 'headless',
          batchSize,
          rows: rotated,
          seconds,
          peakRssMb: undefined,
          keyIdsAfter,
          note: `rows per shard ${perShard.map((s) => s.rotated).join(' / ')}`,
          ...(childBefore !== undefined && childAfter !== undefined
            ? {
                cpu: cpuPerRow(
                  rotated,
                  childAfter - childBefore,
                  pgBefore === undefined || pgAfter === undefined ? undefined : pgAfter - pgBefore,
                ),
              }
            : {}),
        });
        measurements.push(m);
        log(
          `  ${count} shards: ${rotated} rows in ${seconds.toFixed(2)} s = ${Math.round(m.rowsPerSecond)} rows/s (${m.note})`,
        );
      }
    }

    console.log(
      `\nkek-rotate bench --shards — ${o.rows.toLocaleString('en-US')} rows, ${machine.nproc} CPUs, node ${machine.node}, ${machine.postgres.split(' on ')[0]}`,
    );
    console.log(
      `N processes of the CLI, reencrypt --shard I/N, started together; batch ${batchSize}, other flags default; ${rounds} round${rounds === 1 ? '' : 's'}\n`,
    );
    console.log(formatTable(measurements, undefined, undefined));
    const best = (count: number) =>
      Math.max(...measurements.filter((m) => m.mode.startsWith(`reencrypt, ${count} `)).map((m) => m.rowsPerSecond));
    const median = (count: number) => {
      const all = measurements
        .filter((m) => m.mode.startsWith(`reencrypt, ${count} `))
        .map((m) => m.rowsPerSecond)
        .sort((a, b) => a - b);
      return all[Math.floor(all.length / 2)]!;
    };
    console.log('\nshards  best rows/s  median rows/s  best vs 1 shard  client µs/row  postgres µs/row (median run)');
    for (const count of COUNTS) {
      const mid = measurements.find(
        (m) => m.mode.startsWith(`reencrypt, ${count} `) && m.rowsPerSecond === median(count),
      );
      const us = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1));
      console.log(
        `${String(count).padStart(6)}  ${Math.round(best(count)).toLocaleString('en-US').padStart(11)}  ${Math.round(median(count)).toLocaleString('en-US').padStart(13)}  ${(best(count) / best(1)).toFixed(2).padStart(15)}  ${us(mid?.cpu?.clientUs).padStart(13)}  ${us(mid?.cpu?.postgresUs).padStart(15)}`,
      );
    }
    const out = o.out === 'bench/results.json' ? 'bench/results-shards.json' : o.out;
    writeResults(out, {
      machine,
      options: { ...o, databaseUrl: undefined, out },
      runOrder: [
        'seed N rows on kek-v1 (not timed), copy to bench_pristine',
        `${rounds} rounds of 1, 2 and 4 shard processes (order rotating each round)`,
        `before every measurement: TRUNCATE + INSERT from bench_pristine, VACUUM ANALYZE, CHECKPOINT, DROP TABLE ${SHARD_PLAN_TABLE}`,
        'N processes of the CLI (reencrypt --shard I/N) started together; wall time from the first spawn to the last exit; every row checked on kek-v2 after',
      ],
      measurements,
      targets: [],
    });
    console.log(`\nWritten to ${out}`);
  } finally {
    await db.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}
