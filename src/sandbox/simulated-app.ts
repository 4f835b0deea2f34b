// The simulated application: a few replicas, each with its own deployed key configuration, that
// read, update, insert and delete providers at a low rate while the trainee rotates. Deploys can be
// all at once or rolling (one replica at a time), which is what makes the rolling-deploy hazard visible:
// while a rolling deploy is half-way, a request (chosen by the seed) saves a provider through the
// first replica updated and reads it back through one not updated yet, as a load balancer would.
import type { Db } from '../db/db.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { sleep } from '../engine/sleep.js';
import type { AppEvent, AppEventListener, ReplicaStats } from './app-events.js';
import { keyIdsOf, ringOf, type DeployConfig } from './deploy-config.js';
import { PlaintextLedger } from './plaintext-ledger.js';
import {
  deleteProvider,
  insertProvider,
  readFailureReason,
  readProvider,
  updateProvider,
  type UpdateMode,
} from './replica-operations.js';
import { seededRandom, type SeededRandom } from './seeded-random.js';

export type AppOperation =
  | { kind: 'read'; id: string }
  | { kind: 'update'; id: string; mode?: UpdateMode }
  | { kind: 'insert' }
  | { kind: 'delete'; id: string };

export interface SimulatedAppOptions {
  db: Db;
  /** Number of replicas (named replica-1, replica-2, ...). */
  replicas: number;
  /** Operations per second across all replicas; 0 runs nothing by itself (drive it with perform()). */
  ratePerSecond: number;
  deployConfig: DeployConfig;
  /** Where writes are recorded; the sandbox passes its own so the debrief sees them. */
  ledger?: PlaintextLedger;
  /** Rows the application leaves alone (reads only), e.g. a scenario's planted rows. */
  frozenIds?: ReadonlySet<string>;
  /** Pause between two replicas of a rolling deploy (default 4 s). */
  rollingStepMs?: number;
  /**
   * During a rolling deploy, once the first replica is updated: save a provider through it and read that
   * provider through a replica not updated yet (default true). The row is chosen by the seed.
   */
  rollingCrossRead?: boolean;
  seed?: number;
  now?: () => number;
}

export interface DeployRecord {
  readonly at: number;
  readonly replica: string;
  readonly keyIds: readonly string[];
}

export interface ReadFailureRecord {
  readonly at: number;
  readonly replica: string;
  readonly id: string;
  readonly keyId: string | undefined;
}

export interface ReplicaView {
  readonly replica: string;
  readonly keyIds: readonly string[];
}

export interface SimulatedApp {
  readonly ledger: PlaintextLedger;
  /** Applies a configuration: to every replica at once, or one at a time with a pause between (rolling). */
  deploy(config: DeployConfig, options?: { rolling?: boolean; stepMs?: number }): Promise<void>;
  /** Runs one operation on one replica now; returns what it reported (undefined: nothing to do). */
  perform(replica: string, operation: AppOperation): Promise<AppEvent | undefined>;
  subscribe(listener: AppEventListener): () => void;
  /** The last events (at most 200), for a panel opened late. */
  recent(): AppEvent[];
  replicas(): ReplicaView[];
  stats(): ReplicaStats[];
  readFailures(): ReadFailureRecord[];
  deployHistory(): DeployRecord[];
  /** Stops the replicas and any rolling deploy; waits for operations in flight. */
  stop(): Promise<void>;
}

interface Replica {
  readonly name: string;
  config: DeployConfig;
  ring: KeyRing;
  readonly random: SeededRandom;
  readonly stats: ReplicaStats;
}

const OP_WEIGHTS: readonly [AppOperation['kind'], number][] = [
  ['read', 0.55],
  ['update', 0.3],
  ['insert', 0.08],
  ['delete', 0.07],
];
const RECENT_LIMIT = 200;

export function startSimulatedApp(options: SimulatedAppOptions): SimulatedApp {
  const { db, deployConfig } = options;
  const now = options.now ?? Date.now;
  const ledger = options.ledger ?? new PlaintextLedger();
  const frozen = options.frozenIds ?? new Set<string>();
  const seed = options.seed ?? 1;
  const initialRing = ringOf(deployConfig);
  const replicas: Replica[] = Array.from({ length: Math.max(1, options.replicas) }, (_, i) => ({
    name: `replica-${i + 1}`,
    config: deployConfig,
    ring: initialRing,
    random: seededRandom(seed * 7919 + i),
    stats: { replica: `replica-${i + 1}`, reads: 0, readFailures: 0, writes: 0, inserts: 0, deletes: 0, errors: 0 },
  }));
  const listeners = new Set<AppEventListener>();
  const recent: AppEvent[] = [];
  const failures: ReadFailureRecord[] = [];
  const deploys: DeployRecord[] = replicas.map((r) => ({ at: now(), replica: r.name, keyIds: keyIdsOf(deployConfig) }));
  // Two replicas never work on one row at the same time, so the ledger's order is the commit order.
  const busy = new Set<string>();
  const controller = new AbortController();
  let insertSerial = 0;
  let deployCount = 0;

  const emit = (event: AppEvent): AppEvent => {
    recent.push(event);
    if (recent.length > RECENT_LIMIT) recent.shift();
    for (const listener of listeners) listener(event);
    return event;
  };

  const replicaNamed = (name: string): Replica => {
    const replica = replicas.find((r) => r.name === name);
    if (!replica) throw new Error(`no replica named ${name}`);
    return replica;
  };

  async function run(replica: Replica, op: AppOperation): Promise<AppEvent | undefined> {
    const base = { at: now(), replica: replica.name };
    const { ring, stats } = replica;
    switch (op.kind) {
      case 'read': {
        const read = await readProvider(db, ring, op.id);
        if (!read) return undefined;
        if (read.ok) {
          stats.reads++;
          return emit({ ...base, type: 'read', id: op.id, keyId: read.keyId });
        }
        stats.readFailures++;
        failures.push({ at: base.at, replica: replica.name, id: op.id, keyId: read.keyId });
        return emit({
          ...base,
          type: 'read-failed',
          id: op.id,
          keyId: read.keyId,
          problem: read.error.problem,
          reason: readFailureReason(read.keyId, read.error),
        });
      }
      case 'update': {
        if (frozen.has(op.id)) return undefined;
        const outcome = await updateProvider(
          db,
          ring,
          op.id,
          op.mode ?? (replica.random.chance(0.3) ? 'resave' : 'new-key'),
          replica.random,
        );
        if (outcome.kind === 'gone') return undefined;
        if (outcome.kind === 'unreadable') {
          stats.readFailures++;
          const { keyId, error } = outcome.read;
          failures.push({ at: base.at, replica: replica.name, id: op.id, keyId });
          return emit({
            ...base,
            type: 'read-failed',
            id: op.id,
            keyId,
            problem: error.problem,
            reason: readFailureReason(keyId, error),
          });
        }
        ledger.wrote(op.id, outcome.apiKey);
        stats.writes++;
        return emit({ ...base, type: 'write', id: op.id, keyId: ring.primary.id });
      }
      case 'insert': {
        const inserted = await insertProvider(db, ring, replica.random, 100_000 + insertSerial++);
        ledger.wrote(inserted.id, inserted.apiKey);
        stats.inserts++;
        return emit({
          ...base,
          type: 'insert',
          id: inserted.id,
          keyId: inserted.apiKey === null ? null : ring.primary.id,
        });
      }
      case 'delete': {
        if (frozen.has(op.id)) return undefined;
        if (!(await deleteProvider(db, op.id))) return undefined;
        ledger.removed(op.id);
        stats.deletes++;
        return emit({ ...base, type: 'delete', id: op.id });
      }
      default: {
        const unknownOp: never = op;
        throw new Error(`unknown operation ${JSON.stringify(unknownOp)}`);
      }
    }
  }

  async function perform(name: string, op: AppOperation): Promise<AppEvent | undefined> {
    const replica = replicaNamed(name);
    const id = 'id' in op ? op.id : undefined;
    if (id !== undefined) {
      while (busy.has(id)) await sleep(5);
      busy.add(id);
    }
    try {
      return await run(replica, op);
    } catch (error) {
      replica.stats.errors++;
      return emit({ at: now(), replica: name, type: 'error', message: (error as Error).message ?? String(error) });
    } finally {
      if (id !== undefined) busy.delete(id);
    }
  }

  function chooseOperation(replica: Replica): AppOperation | undefined {
    let roll = replica.random.next();
    let kind: AppOperation['kind'] = 'read';
    for (const [candidate, weight] of OP_WEIGHTS) {
      kind = candidate;
      if ((roll -= weight) < 0) break;
    }
    if (kind === 'insert') return { kind };
    const ids = ledger.ids().filter((id) => !busy.has(id));
    if (ids.length === 0) return { kind: 'insert' };
    const id = replica.random.pick(ids);
    return { kind, id };
  }

  const loops: Promise<void>[] = [];
  if (options.ratePerSecond > 0) {
    const intervalMs = (1000 * replicas.length) / options.ratePerSecond;
    for (const replica of replicas) {
      loops.push(
        (async () => {
          // Spread the replicas out so they do not all fire on the same tick.
          await sleep(replica.random.next() * intervalMs, controller.signal).catch(() => undefined);
          while (!controller.signal.aborted) {
            const op = chooseOperation(replica);
            if (op) await perform(replica.name, op);
            await sleep(intervalMs * (0.5 + replica.random.next()), controller.signal).catch(() => undefined);
          }
        })(),
      );
    }
  }

  /**
   * A user's request while a rolling deploy is half-way: saved through `updated`, read back through
   * `lagging`. Whether the read fails depends only on the two configurations, never on timing.
   */
  async function crossRead(updated: Replica, lagging: Replica, random: SeededRandom): Promise<void> {
    const ids = ledger.ids().filter((id) => !frozen.has(id) && !busy.has(id) && typeof ledger.valueOf(id) === 'string');
    if (ids.length === 0) return;
    const id = random.pick(ids);
    const saved = await perform(updated.name, { kind: 'update', id, mode: 'resave' });
    if (saved?.type === 'write') await perform(lagging.name, { kind: 'read', id });
  }

  async function deploy(
    config: DeployConfig,
    deployOptions: { rolling?: boolean; stepMs?: number } = {},
  ): Promise<void> {
    const ring = ringOf(config); // refuses a duplicate key id, as the application refuses to start
    const stepMs = deployOptions.stepMs ?? options.rollingStepMs ?? 4000;
    const random = seededRandom(seed * 104_729 + ++deployCount);
    for (const [index, replica] of replicas.entries()) {
      if (controller.signal.aborted) return;
      if (deployOptions.rolling && index > 0) await sleep(stepMs, controller.signal).catch(() => undefined);
      if (controller.signal.aborted) return;
      replica.config = config;
      replica.ring = ring;
      const record = { at: now(), replica: replica.name, keyIds: keyIdsOf(config) };
      deploys.push(record);
      emit({ ...record, type: 'deploy' });
      const lagging = replicas[index + 1];
      if (deployOptions.rolling && index === 0 && lagging && options.rollingCrossRead !== false)
        await crossRead(replica, lagging, random);
    }
  }

  return {
    ledger,
    deploy,
    perform,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    recent: () => [...recent],
    replicas: () => replicas.map((r) => ({ replica: r.name, keyIds: keyIdsOf(r.config) })),
    stats: () => replicas.map((r) => ({ ...r.stats })),
    readFailures: () => [...failures],
    deployHistory: () => [...deploys],
    async stop() {
      controller.abort();
      await Promise.all(loops);
      while (busy.size > 0) await sleep(5);
    },
  };
}
