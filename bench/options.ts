// Command-line options of `npm run bench -- ...`, parsed once; every figure the bench prints
// depends only on these and the machine, so they are written into results.json too.

export interface BenchOptions {
  /** Rows seeded (all on kek-v1). */
  rows: number;
  /** Rows the reference (OFFSET, row-at-a-time) baseline is timed on: a prefix of the table. */
  baselineRows: number;
  /** Batch sizes measured for the engine; the fastest live reencrypt size is then used for the rest. */
  batchSizes: number[];
  /** Also time fetch / crypto / write separately, and a row's client CPU part by part (default on). */
  profile: boolean;
  /** Peak-RSS comparison at 100k rows and at --rows instead of the throughput run. */
  memory: boolean;
  /** Headless / Ink-attached pairs run for the UI ratio. */
  uiRounds: number;
  /** --memory: runs of each kind at each size; the ratio compares their medians. */
  memoryRounds: number;
  /** Only the inventory comparison of issue 11 (plain GROUP BY, old and new inventory, the listing). */
  inventory: boolean;
  /** Rounds of the inventory comparison (best of each kind counts). */
  inventoryRounds: number;
  /** Rounds of 1, 2 and 4 shard processes (shards.ts): after the throughput run, or alone with --shards; 0 = none. */
  shardRounds: number;
  /** Leave the kek_bench schema in place at the end (for inspection with psql). */
  keep: boolean;
  /** Skip the baseline (it is the slowest part) — ratios vs baseline are then not computed. */
  skipBaseline: boolean;
  /** Where results.json goes. */
  out: string;
  databaseUrl: string;
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const USAGE = `npm run bench -- [options]
  --rows N            rows to seed (default 200000)
  --baseline-rows N   rows the reference baseline is timed on, in 4 windows spread over the table (default 20000)
  --batch-size N[,N]  engine batch sizes to measure (default 100,500,1000,2000)
  --no-profile        skip the profile (on by default): fetch / crypto / write alone, and a row's client CPU part by part
  --profile           the profile (the default; kept for older command lines)
  --memory            peak RSS of a dry run and a live run at 100000 rows and at --rows (default 1000000 here)
  --ui-rounds N       headless/UI-attached pairs for the UI ratio, best of each (default 3)
  --memory-rounds N   with --memory: runs of each kind at each size, medians compared (default 3)
  --inventory         only the whole-table reads of issue 11: plain jsonb GROUP BY, the inventory SQL
                      before and now, the inventory as the tool reads it, the emergency listing
  --inventory-rounds N  rounds of those, best of each (default 3)
  --shard-rounds N    after the throughput run: rounds of 1, 2 and 4 \`reencrypt --shard I/N\` processes (default 1;
                      3 with --shards; 0 skips them)
  --skip-baseline     do not time the reference algorithm (nor the inventory SQL and listing before issue 11)
  --keep              leave schema kek_bench in place at the end
  --out FILE          results file (default bench/results.json; results-memory.json with --memory, results-inventory.json with --inventory)
Database: DATABASE_URL, else TEST_DATABASE_URL, else ${DEFAULT_DATABASE_URL}; schema kek_bench, or KEK_BENCH_SCHEMA`;

function positiveInt(flag: string, raw: string | undefined): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < 1)
    throw new Error(`${flag} needs a positive integer, got ${raw ?? 'nothing'}`);
  return n;
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  let rows: number | undefined;
  let baselineRows: number | 'all' | undefined;
  let batchSizes = [100, 500, 1000, 2000];
  let profile = true;
  let shardRounds: number | undefined;
  let memory = false;
  let keep = false;
  // One pair is at the mercy of the noise (a run varies by 10% here): three pairs, best of each.
  let uiRounds = 3;
  // A peak is one sample of when the garbage collector ran: single runs of the same build measured
  // 1.03 and 1.38. The median of three is the figure; every run is printed and kept.
  let memoryRounds = 3;
  let skipBaseline = false;
  let inventory = false;
  let inventoryRounds = 3;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => argv[++i];
    switch (flag) {
      case '--rows':
        rows = positiveInt(flag, value());
        break;
      case '--baseline-rows': {
        const raw = value();
        baselineRows = raw === 'all' ? 'all' : positiveInt(flag, raw);
        break;
      }
      case '--batch-size':
        batchSizes = (value() ?? '').split(',').map((s) => positiveInt(flag, s));
        break;
      case '--profile':
        profile = true;
        break;
      case '--no-profile':
        profile = false;
        break;
      case '--memory':
        memory = true;
        break;
      case '--memory-rounds':
        memoryRounds = positiveInt(flag, value());
        break;
      case '--ui-rounds':
        uiRounds = positiveInt(flag, value());
        break;
      case '--keep':
        keep = true;
        break;
      case '--skip-baseline':
        skipBaseline = true;
        break;
      case '--inventory':
        inventory = true;
        break;
      case '--inventory-rounds':
        inventoryRounds = positiveInt(flag, value());
        break;
      case '--shard-rounds': {
        const raw = value();
        shardRounds = raw === '0' ? 0 : positiveInt(flag, raw);
        break;
      }
      case '--out':
        out = value();
        break;
      case '-h':
      case '--help':
        throw new HelpRequested();
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  const seeded = rows ?? (memory ? 1_000_000 : 200_000);
  return {
    rows: seeded,
    baselineRows: Math.min(seeded, baselineRows === 'all' ? seeded : (baselineRows ?? 20_000)),
    batchSizes,
    profile,
    memory,
    keep,
    uiRounds,
    memoryRounds,
    skipBaseline,
    inventory,
    inventoryRounds,
    // The memory and inventory runs measure one thing each; the full run ends with the shard scaling.
    shardRounds: shardRounds ?? (memory || inventory ? 0 : 1),
    out:
      out ?? (memory ? 'bench/results-memory.json' : inventory ? 'bench/results-inventory.json' : 'bench/results.json'),
    databaseUrl: env.DATABASE_URL || env.TEST_DATABASE_URL || DEFAULT_DATABASE_URL,
  };
}

export class HelpRequested extends Error {}
