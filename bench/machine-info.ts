// What the figures were measured on, written next to them: numbers without a machine mean little.
import os from 'node:os';
import type { Db } from '../src/db/db.js';

export interface MachineInfo {
  date: string;
  nproc: number;
  cpu: string;
  memoryGb: number;
  node: string;
  postgres: string;
  postgresSettings: Record<string, string>;
}

const SETTINGS = ['shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_wal_size', 'checkpoint_timeout'];

export async function machineInfo(db: Db): Promise<MachineInfo> {
  const version = await db.query<{ v: string }>('SELECT version() AS v');
  const settings = await db.query<{ name: string; setting: string; unit: string | null }>(
    'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)',
    [SETTINGS],
  );
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: version.rows[0]?.v ?? 'unknown',
    postgresSettings: Object.fromEntries(
      settings.rows.map((s) => [s.name, s.unit ? `${s.setting} (${s.unit})` : s.setting]),
    ),
  };
}
