// Where the CPU goes, measured rather than argued: the engine process's own CPU time (all its
// threads), the PostgreSQL server's (every `postgres` process on this machine, read from /proc),
// and what one AES-256-GCM call costs here. With both cores saturated, rows/s can only rise if
// the CPU spent per row falls; the crypto floor is the part no engine change can remove.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';

/** Seconds of CPU used so far by every PostgreSQL process on this machine; undefined when it cannot be read (no /proc, remote server). */
export function postgresCpuSeconds(): number | undefined {
  let ticks = 0;
  let found = 0;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile, or not ours to read
    }
    const close = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
    // Fields after the command: state is field 3, utime 14, stime 15, cutime 16, cstime 17
    // (proc(5)). The children's part matters: a backend that served a finished run has exited,
    // and its CPU now shows only in the postmaster's cutime/cstime.
    const fields = stat.slice(close + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    found++;
  }
  // USER_HZ is 100 on every Linux this runs on (and /proc has no other way to ask).
  return found === 0 ? undefined : ticks / 100;
}

/** CPU per row of one measured run, in microseconds. */
export interface CpuPerRow {
  /** The engine process: main thread, crypto workers, driver. */
  clientUs: number;
  /** The PostgreSQL server, when it runs on this machine. */
  postgresUs: number | undefined;
}

export function cpuPerRow(rows: number, clientSeconds: number, postgresSeconds: number | undefined): CpuPerRow {
  return {
    clientUs: (clientSeconds * 1e6) / rows,
    postgresUs: postgresSeconds === undefined ? undefined : (postgresSeconds * 1e6) / rows,
  };
}

/**
 * AES-256-GCM calls per row in each mode (src/crypto/envelope.ts): a dry run unwraps the DEK and
 * opens the value; rewrap also wraps the DEK under the new KEK and unwraps it back; reencrypt
 * seals the value and the new DEK and opens both back.
 */
export const GCM_CALLS_PER_ROW = { 'dry-run': 2, rewrap: 4, reencrypt: 6 } as const;

/** Microseconds per AES-256-GCM seal-or-open of a short value through node:crypto, median of rounds. */
export function gcmCallMicros(rounds = 7, callsPerRound = 20_000): number {
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const plaintext = randomBytes(48);
  const seal = () => {
    const c = createCipheriv('aes-256-gcm', key, nonce);
    const body = c.update(plaintext);
    c.final();
    return { body, tag: c.getAuthTag() };
  };
  const { body, tag } = seal();
  const open = () => {
    const d = createDecipheriv('aes-256-gcm', key, nonce);
    d.setAuthTag(tag);
    d.update(body);
    d.final();
  };
  for (let i = 0; i < callsPerRound; i++) {
    if (i % 2) open();
    else seal();
  }
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < callsPerRound; i++) {
      if (i % 2) open();
      else seal();
    }
    samples.push(Number(process.hrtime.bigint() - started) / 1000 / callsPerRound);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}
