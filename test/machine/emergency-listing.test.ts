// The emergency path lists the leaked key's credentials in the background: the new key is not held
// up by a whole-table read, rows written under the leaked key after the listing still reach the
// checklist (the engine reports what it moved off that key), and the checklist is ticked, written
// to files and journaled in full.
import { describe, expect, it } from 'vitest';
import { MAX_JOURNALED_CREDENTIALS } from '../../src/journal/entry.js';
import { resumePoint } from '../../src/journal/resume.js';
import { sanitizeEntry } from '../../src/journal/sanitize.js';
import { journalEntriesFor } from '../../src/machine/journal-entry.js';
import { initialContext } from '../../src/machine/initial-context.js';
import { drive, type Driver } from './drive.js';

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

async function throughRemoval(d: Driver) {
  await d.at('emergency.show');
  d.send({ type: 'REVEAL_KEY' }, { type: 'CONFIRM' });
  await d.at('emergency.deployBoth');
  d.send({ type: 'CONFIRM' });
  await d.at('emergency.removeDeploy');
  d.send({ type: 'CONFIRM' });
}

describe('emergency credential listing in the background', () => {
  it('generates and shows the new key while the listing still runs, and waits for it before the checklist', async () => {
    const listing = gate();
    const d = drive({ rows: { 'kek-v1': 4 }, listingGate: listing.promise }, { emergency: true });
    await d.at('emergency.show');
    expect(d.actor.getSnapshot().context.newKeyId).toBe('kek-v2');
    expect(d.actor.getSnapshot().context.credentialListing).toBe('running');
    await throughRemoval(d);
    await d.at('emergency.waitingForList');
    listing.open();
    await d.at('emergency.checklist');
    const ctx = d.actor.getSnapshot().context;
    expect(ctx.credentials.map((c) => c.id)).toEqual(['id-0', 'id-1', 'id-2', 'id-3']);
    expect(ctx.credentialsAdded).toBe(0);
  });

  it('adds the rows written under the leaked key after the listing read the table', async () => {
    const listing = gate();
    const d = drive({ rows: { 'kek-v1': 4 }, listingGate: listing.promise }, { emergency: true });
    await d.at('emergency.show');
    // The application writes two more credentials under the leaked key before the deploy.
    d.world.rows['kek-v1'] = 6;
    listing.open();
    await throughRemoval(d);
    await d.at('emergency.checklist');
    const ctx = d.actor.getSnapshot().context;
    expect(ctx.credentials.map((c) => c.id)).toEqual(['id-0', 'id-1', 'id-2', 'id-3', 'id-4', 'id-5']);
    expect(ctx.credentialsAdded).toBe(2);
    const completed = d.world.journal.find((e) => e.step === 'emergency.completingList' && e.outcome === 'ok');
    expect(completed?.counts).toEqual({ credentials: 6, added: 2 });
    expect(completed?.credentials?.map((c) => c.id)).toEqual(['id-4', 'id-5']);
    expect(d.world.writtenFiles).toContain('checklist:kek-v1:6');
    expect(ctx.checklistFiles).toEqual({ markdown: 'checklist-kek-v1.md', csv: 'checklist-kek-v1.csv' });
  });

  it('a failed listing does not stop the rotation; the checklist rests on the rows moved and says so', async () => {
    const d = drive({ rows: { 'kek-v1': 3 }, failListing: 'connection reset' }, { emergency: true });
    await throughRemoval(d);
    await d.at('emergency.checklist');
    const ctx = d.actor.getSnapshot().context;
    expect(ctx.credentialListing).toBe('failed');
    expect(ctx.credentialListingError).toContain('connection reset');
    expect(ctx.credentials.map((c) => c.id)).toEqual(['id-0', 'id-1', 'id-2']);
    expect(d.world.journal.some((e) => e.step === 'emergency.listingCredentials' && e.outcome === 'failed')).toBe(true);
  });

  it('ticks and unticks credentials, journaling each', async () => {
    const d = drive({ rows: { 'kek-v1': 2 } }, { emergency: true });
    await throughRemoval(d);
    await d.at('emergency.checklist');
    const key = `llm_providers.api_key_encrypted\0id-1`;
    d.send({ type: 'TICK_CREDENTIAL', key });
    expect(d.actor.getSnapshot().context.ticked).toEqual([key]);
    d.send({ type: 'TICK_CREDENTIAL', key });
    expect(d.actor.getSnapshot().context.ticked).toEqual([]);
    const ticks = d.world.journal.filter(
      (e) => e.step === 'emergency.checklist' && e.outcome === 'info' && e.credentials,
    );
    expect(ticks.map((e) => [e.message, e.credentials?.map((c) => c.id)])).toEqual([
      ['rotated at its provider', ['id-1']],
      ['not rotated at its provider after all', ['id-1']],
    ]);
  });
});

describe('credentials in the journal', () => {
  it('a list longer than one line may hold is journaled over several lines and read back whole', () => {
    const n = MAX_JOURNALED_CREDENTIALS * 2 + 123;
    const credentials = Array.from({ length: n }, (_, i) => ({
      table: 't.c',
      id: `id-${i}`,
      name: `p${i}`,
      providerType: 'openai',
    }));
    const context = {
      ...initialContext({ rotationId: 'r1', emergency: true }),
      oldKeyId: 'kek-v1',
      newKeyId: 'kek-v2',
    };
    const lines = journalEntriesFor(context, {
      step: 'emergency.listingCredentials',
      outcome: 'ok',
      counts: { credentials: n },
      credentials,
    });
    expect(lines.map((l) => l.credentials?.length)).toEqual([
      MAX_JOURNALED_CREDENTIALS,
      MAX_JOURNALED_CREDENTIALS,
      123,
    ]);
    expect(lines[0]?.counts).toEqual({ credentials: n });
    const written = lines.map((e, i) => sanitizeEntry(e, `2024-01-01T00:00:0${i}Z`, 'ops@host'));
    const point = resumePoint(written);
    expect(point?.credentials).toHaveLength(n);
    expect(point?.credentials?.at(-1)?.id).toBe(`id-${n - 1}`);
  });
});
