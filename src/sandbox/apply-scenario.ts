// Interprets a scenario's setup steps (runbook/scenarios) against a fresh sandbox: plants stray
// rows, corrupts a value, reproduces a half-finished rotation, or declares a key compromised.
import { findScenario, scenarioNames } from '../../runbook/scenarios/index.js';
import type { SetupStep } from '../../runbook/scenarios/types.js';
import { rotateValue } from '../crypto/envelope.js';
import { generateKek } from '../crypto/generate-key.js';
import { peekKeyId } from '../crypto/payload.js';
import { UserError } from '../errors.js';
import { dekFingerprint } from './dek-fingerprint.js';
import { keyIdsOf } from './deploy-config.js';
import type { Sandbox } from './sandbox.js';
import { emptyScenarioState, type ScenarioState } from './scenario-state.js';

interface KeyedRow {
  id: string;
  name: string;
  provider_type: string;
  api_key_encrypted: Buffer;
}

async function keyedRows(sandbox: Sandbox): Promise<KeyedRow[]> {
  const { rows } = await sandbox.db.query<KeyedRow>(
    'SELECT id::text AS id, name, provider_type, api_key_encrypted FROM llm_providers WHERE api_key_encrypted IS NOT NULL ORDER BY id',
  );
  return rows;
}

/** `count` rows spread evenly over the table (not just the first ones), skipping rows already planted. */
function spread(rows: KeyedRow[], count: number, taken: ReadonlySet<string>): KeyedRow[] {
  const free = rows.filter((r) => !taken.has(r.id));
  if (count <= 0 || free.length === 0) return [];
  const step = Math.max(1, Math.floor(free.length / count));
  return free.filter((_, i) => i % step === Math.floor(step / 2)).slice(0, count);
}

async function store(sandbox: Sandbox, id: string, value: Buffer): Promise<void> {
  await sandbox.db.query('UPDATE llm_providers SET api_key_encrypted = $1 WHERE id = $2', [value, id]);
}

/** Changes one character in the middle of the ciphertext: still well-formed, but it no longer authenticates. */
export function corruptPayload(stored: Buffer): Buffer {
  const json = JSON.parse(stored.toString('utf8')) as Record<string, string>;
  const text = json.ciphertext!;
  const at = Math.floor(text.length / 2) - 1;
  const swapped = text[at] === 'A' ? 'B' : 'A';
  json.ciphertext = text.slice(0, at) + swapped + text.slice(at + 1);
  return Buffer.from(JSON.stringify(json), 'utf8');
}

async function applyStep(sandbox: Sandbox, state: ScenarioState, step: SetupStep): Promise<void> {
  switch (step.kind) {
    case 'rolling-deploys':
      sandbox.deployStyle = { rolling: true, stepMs: step.stepMs };
      return;
    case 'stray-rows': {
      const stray = generateKek(step.keyId);
      sandbox.keys.remember(stray);
      sandbox.archivedKeys.push(stray);
      state.strayKeyId = stray.id;
      const ring = sandbox.keys.ring();
      for (const row of spread(await keyedRows(sandbox), step.count, sandbox.frozenIds)) {
        await store(sandbox, row.id, rotateValue(ring, row.api_key_encrypted, stray, 'reencrypt').payload);
        state.strayIds.push(row.id);
        sandbox.frozenIds.add(row.id);
      }
      return;
    }
    case 'tamper-rows': {
      for (const row of spread(await keyedRows(sandbox), step.count, sandbox.frozenIds)) {
        const corrupted = corruptPayload(row.api_key_encrypted);
        await store(sandbox, row.id, corrupted);
        state.tampered.set(row.id, corrupted);
        sandbox.frozenIds.add(row.id);
      }
      return;
    }
    case 'old-key-removed-early': {
      const oldKey = sandbox.deployed.primary;
      const newKey = generateKek(step.newKeyId);
      sandbox.keys.remember(newKey);
      const ring = sandbox.keys.ring();
      const rows = await keyedRows(sandbox);
      // The first part of the table in id order, as an interrupted keyset pass would leave it.
      for (const row of rows.slice(0, Math.round(rows.length * step.fractionMigrated))) {
        await store(sandbox, row.id, rotateValue(ring, row.api_key_encrypted, newKey, 'reencrypt').payload);
      }
      sandbox.archivedKeys.push(oldKey);
      sandbox.deployed = { primary: newKey };
      state.oldKeyId = oldKey.id;
      return;
    }
    case 'compromised-key': {
      const leaked = sandbox.deployed.primary.id;
      state.compromisedKeyId = leaked;
      for (const row of await keyedRows(sandbox)) {
        if (peekKeyId(row.api_key_encrypted) === leaked) {
          state.exposed.push({ id: row.id, name: row.name, providerType: row.provider_type });
        }
        const fingerprint = dekFingerprint(row.api_key_encrypted, (id) => sandbox.keys.get(id));
        if (fingerprint) state.dekFingerprints.set(row.id, fingerprint);
      }
      return;
    }
    default: {
      const unknownStep: never = step;
      throw new Error(`unknown setup step ${JSON.stringify(unknownStep)}`);
    }
  }
}

/** Sets the sandbox up for scenario `name`. Call it before startApp(): replicas start on the scenario's deploy. */
export async function applyScenario(sandbox: Sandbox, name: string): Promise<ScenarioState> {
  const scenario = findScenario(name);
  if (!scenario) {
    throw new UserError(
      `there is no scenario named "${name}"`,
      `Scenarios: ${scenarioNames().join(', ')} (see --list-scenarios).`,
    );
  }
  if (sandbox.app) throw new Error('applyScenario must run before the simulated application starts');
  if (sandbox.scenario)
    throw new Error(`scenario ${sandbox.scenario.scenario.name} is already applied to this sandbox`);
  const state = emptyScenarioState(scenario, sandbox.now());
  for (const step of scenario.setup) await applyStep(sandbox, state, step);
  state.startKeyIds = keyIdsOf(sandbox.deployed);
  sandbox.scenario = state;
  return state;
}
