// The slice of the runbook actor the UI uses. A running XState actor of the runbook machine fits
// it as is; tests pass a hand-made one. The UI reads snapshots and sends UiEvents, nothing more.
import type { RunbookContext, UiEvent } from '../../machine/contract.js';
import type { SnapshotSource } from '../use-actor-snapshot.js';

export interface RunbookSnapshot {
  readonly value: string | Record<string, unknown>;
  readonly context: RunbookContext;
  readonly status: 'active' | 'done' | 'error' | 'stopped';
  readonly error?: unknown;
  can(event: UiEvent): boolean;
}

export interface RunbookActor extends SnapshotSource<RunbookSnapshot> {
  send(event: UiEvent): void;
}
