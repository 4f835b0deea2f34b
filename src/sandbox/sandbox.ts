// The rehearsal database: embedded PGlite (a temporary directory unless one is given) with the
// application's schema and fixture providers encrypted under a fresh kek-v1, plus everything the
// debrief needs to know (every key used, what the application last wrote). Nothing here prints.
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKek } from '../crypto/generate-key.js';
import type { Kek } from '../crypto/key.js';
import type { Db } from '../db/db.js';
import { openPglite } from '../db/pglite-adapter.js';
import { UserError } from '../errors.js';
import type { AppEvent } from './app-events.js';
import { environmentOf, keyIdsOf, type DeployConfig } from './deploy-config.js';
import { DEFAULT_SEED, generateProviders } from './fixtures.js';
import { insertProviders } from './insert-providers.js';
import { PlaintextLedger } from './plaintext-ledger.js';
import type { ScenarioState } from './scenario-state.js';
import { createApplicationSchema } from './schema.js';
import { SessionKeys } from './session-keys.js';
import { startSimulatedApp, type SimulatedApp } from './simulated-app.js';

export const DEFAULT_ROWS = 100;
export const INITIAL_KEY_ID = 'kek-v1';

export interface SandboxOptions {
  /** Keep the database here (the directory is not removed on close). Default: a temporary directory. */
  dataDir?: string;
  rows?: number;
  seed?: number;
  /** Use this open database instead of PGlite (tests on PostgreSQL); it is not closed on close(). */
  db?: Db;
  now?: () => number;
}

export interface StartAppOptions {
  replicas?: number;
  ratePerSecond?: number;
  /** The request a rolling deploy sends through its first updated replica and one not updated yet (default on). */
  rollingCrossRead?: boolean;
}

export interface DeployStyle {
  rolling: boolean;
  stepMs?: number;
}

/** One step the runbook journaled in this rehearsal (ids only): what the trainee did, and when. */
export interface StepMark {
  readonly rotationId: string;
  readonly path?: string | undefined;
  readonly phase: string;
  readonly step: string;
  readonly outcome: string;
  readonly at: number;
}

export type StepMarkInput = Omit<StepMark, 'at'>;

export interface Sandbox {
  readonly db: Db;
  /** Where the database lives; undefined when an open database was passed in. */
  readonly dataDir: string | undefined;
  /** The kek-v1 the fixtures were encrypted under. Key material: never print it. */
  readonly initialKey: Kek;
  /** Every key the session has used; a key the trainee generates is added when it is deployed (or via keys.remember). */
  readonly keys: SessionKeys;
  readonly ledger: PlaintextLedger;
  /** Keys the trainee holds in the archive but has not deployed (a scenario's old key). */
  readonly archivedKeys: Kek[];
  /** Rows the simulated application only reads (planted by a scenario). */
  readonly frozenIds: Set<string>;
  readonly startedAt: number;
  readonly now: () => number;
  /** The configuration of the latest deploy: what every replica runs once a rolling deploy has finished. */
  deployed: DeployConfig;
  deployStyle: DeployStyle;
  scenario: ScenarioState | undefined;
  app: SimulatedApp | undefined;
  /** What the simulated application last wrote to row `id` (null: no key). For the debrief only. */
  plaintextOf(id: string): string | null | undefined;
  /** Ids of rows the application wrote under each key id since it started (for the compromised-key list). */
  writtenUnder(keyId: string): string[];
  /** Starts the simulated application on the deployed configuration (default 3 replicas, 2 operations/s). */
  startApp(options?: StartAppOptions): SimulatedApp;
  /** What confirming a deploy does in the rehearsal: the application gets `config` (rolling if the scenario says so). */
  applyDeploy(config: DeployConfig): Promise<void>;
  /** The application's environment for the deployed configuration. Holds key material: never print it. */
  environment(): Record<string, string>;
  /** Notes a step the runbook journaled (the sandbox effects call it for every line), for the debrief. */
  recordStep(step: StepMarkInput, at?: number): void;
  /** The steps recorded so far, in order. */
  steps(): StepMark[];
  /** Every applyDeploy, in order (key ids only): the deploys the trainee confirmed. */
  deployLog(): { at: number; keyIds: string[] }[];
  close(): Promise<void>;
}

async function assertEmpty(db: Db): Promise<void> {
  const { rows } = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM llm_providers');
  if (Number(rows[0]?.n ?? 0) > 0) {
    throw new UserError(
      `${db.label} already holds llm_providers rows: a rehearsal starts from its own fixtures`,
      'Give the rehearsal an empty database (or none: it creates a temporary one). To prepare a staging database use `kek-rotate seed`.',
    );
  }
}

export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const rows = options.rows ?? DEFAULT_ROWS;
  if (!Number.isInteger(rows) || rows < 0 || rows > 1_000_000) {
    throw new UserError(`--rows must be a whole number from 0 to 1000000, got ${rows}`);
  }
  const ownsDir = options.db === undefined && options.dataDir === undefined;
  const dataDir = options.db
    ? undefined
    : (options.dataDir ?? (await fs.mkdtemp(join(tmpdir(), 'kek-rotate-rehearsal-'))));
  let db: Db;
  if (options.db) {
    db = options.db;
  } else {
    await fs.mkdir(dataDir!, { recursive: true, mode: 0o700 });
    db = await openPglite(dataDir);
  }
  try {
    await createApplicationSchema(db);
    await assertEmpty(db);
  } catch (error) {
    if (!options.db) await db.close().catch(() => undefined);
    if (ownsDir) await fs.rm(dataDir!, { recursive: true, force: true });
    throw error;
  }

  const initialKey = generateKek(INITIAL_KEY_ID);
  const keys = new SessionKeys([initialKey]);
  const ledger = new PlaintextLedger();
  for (const row of await insertProviders(
    db,
    initialKey,
    generateProviders({ rows, seed: options.seed ?? DEFAULT_SEED }),
  )) {
    ledger.wrote(row.id, row.apiKey);
  }

  const written = new Map<string, Set<string>>();
  const steps: StepMark[] = [];
  const deploys: { at: number; keyIds: string[] }[] = [];
  const trackWrites = (event: AppEvent) => {
    if ((event.type === 'write' || event.type === 'insert') && event.keyId) {
      const ids = written.get(event.keyId) ?? new Set<string>();
      ids.add(event.id);
      written.set(event.keyId, ids);
    }
  };

  const sandbox: Sandbox = {
    db,
    dataDir,
    initialKey,
    keys,
    ledger,
    archivedKeys: [],
    frozenIds: new Set(),
    startedAt: now(),
    now,
    deployed: { primary: initialKey },
    deployStyle: { rolling: false },
    scenario: undefined,
    app: undefined,
    plaintextOf: (id) => ledger.valueOf(id),
    writtenUnder: (keyId) => [...(written.get(keyId) ?? [])],
    startApp(appOptions = {}) {
      if (sandbox.app) return sandbox.app;
      const app = startSimulatedApp({
        db,
        replicas: appOptions.replicas ?? 3,
        ratePerSecond: appOptions.ratePerSecond ?? 2,
        deployConfig: sandbox.deployed,
        ledger,
        frozenIds: sandbox.frozenIds,
        rollingStepMs: sandbox.deployStyle.stepMs,
        rollingCrossRead: appOptions.rollingCrossRead,
        seed: options.seed ?? DEFAULT_SEED,
        now,
      });
      app.subscribe(trackWrites);
      sandbox.app = app;
      return app;
    },
    async applyDeploy(config) {
      keys.remember(config.primary);
      if (config.previous) keys.remember(config.previous);
      sandbox.deployed = config;
      deploys.push({ at: now(), keyIds: keyIdsOf(config) });
      await sandbox.app?.deploy(config, sandbox.deployStyle);
    },
    environment: () => environmentOf(sandbox.deployed),
    recordStep(step, at = now()) {
      steps.push({
        rotationId: step.rotationId,
        path: step.path,
        phase: step.phase,
        step: step.step,
        outcome: step.outcome,
        at,
      });
    },
    steps: () => [...steps],
    deployLog: () => [...deploys],
    async close() {
      await sandbox.app?.stop();
      if (!options.db) await db.close();
      if (ownsDir) await fs.rm(dataDir!, { recursive: true, force: true });
    },
  };
  return sandbox;
}
