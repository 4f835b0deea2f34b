// `kek-rotate status`: where the rotation stands, at a glance, for operators and for monitoring:
// the configured keys and whether each opens a sample of its rows, rows per key id per column, the
// stage (from keys, counts and journal) and the next step. Reads only. Exit 0 when nothing needs
// doing, 1 while a rotation is under way or blocked.
import { proveKeys, verdictOf, type KeyProof } from '../../engine/prove-keys.js';
import { readColumnInventory } from '../../effects/column-inventory.js';
import { scanProgressReporter } from '../scan-progress.js';
import { IncompleteError } from '../../errors.js';
import { defaultJournalPath, readJournal, resumePoint } from '../../journal/index.js';
import type { ColumnInventory, ResumePoint } from '../../machine/contract.js';
import { assessRotation, type StageAssessment } from '../../machine/rotation-stage.js';
import { jsonLine, safeText } from '../../text/terminal-safe.js';
import { defineCommand } from '../command.js';
import { CONNECTION_FLAGS, HELP, JOURNAL, JSON_OUTPUT, TABLE } from '../common-flags.js';
import { asDatabaseError } from '../database-errors.js';
import type { FlagSpec } from '../flags.js';
import { makeOutput } from '../output.js';
import { chooseDatabase, connect, databaseRequired, loadEnv, loadRing, prepareColumns } from '../setup.js';

const FLAGS = [JOURNAL, TABLE, JSON_OUTPUT, ...CONNECTION_FLAGS, HELP] as const satisfies readonly FlagSpec[];

const number = new Intl.NumberFormat('en-US');

function stageLine(a: StageAssessment): string {
  const words: Record<StageAssessment['stage'], string> = {
    'not-started': 'not started',
    'new-key-deployed': 'new key deployed',
    're-encrypting': `re-encrypting (${a.percentOnNew ?? 0}% on ${a.newKeyId ?? 'the new key'})`,
    verified: 'verified',
    'old-key-removed': 'old key removed',
    blocked: 'blocked',
  };
  return words[a.stage];
}

function proofWords(p: KeyProof): string {
  const verdict = verdictOf(p);
  switch (verdict) {
    case 'proven':
      return `decrypts its sample (${p.decrypted} of ${p.tried} rows)`;
    case 'partly':
      return `decrypts ${p.decrypted} of ${p.tried} sampled rows`;
    case 'wrong-key':
      return `WRONG KEY: decrypts none of ${p.tried} rows labelled ${p.keyId}`;
    case 'unused':
      return 'no row claims it';
    default: {
      const never: never = verdict;
      return String(never);
    }
  }
}

function renderText(
  proofs: readonly KeyProof[],
  columns: readonly ColumnInventory[],
  a: StageAssessment,
  journal: ResumePoint | undefined,
): string[] {
  const lines = ['Keys:'];
  for (const p of proofs) lines.push(`  ${p.source.padEnd(32)} ${p.keyId.padEnd(10)} ${proofWords(p)}`);
  for (const c of columns) {
    lines.push(`Rows in ${c.label} (${number.format(c.total)}):`);
    for (const [keyId, rows] of Object.entries(c.byKeyId))
      lines.push(`  ${safeText(keyId).padEnd(20)} ${number.format(rows).padStart(12)}`);
    lines.push(
      `  ${'NULL'.padEnd(20)} ${number.format(c.nulls).padStart(12)}`,
      `  ${'invalid'.padEnd(20)} ${number.format(c.invalid).padStart(12)}`,
    );
  }
  lines.push(`Stage: ${stageLine(a)}: ${safeText(a.detail)}`);
  if (journal)
    lines.push(
      `Journal: last step ${safeText(journal.step)} (${safeText(journal.outcome)}) at ${safeText(journal.time)}`,
    );
  lines.push(`Next: ${a.next}`);
  return lines;
}

export const statusCommand = defineCommand({
  name: 'status',
  summary: 'Where the rotation stands: keys proven, rows per key, stage, next step',
  usage: 'kek-rotate status [options]',
  description: [
    'Reads only. Each configured key decrypts a sample of the rows that claim its id;',
    'rows are counted per key id; the stage (not started, new key deployed, re-encrypting,',
    'verified, old key removed, blocked) comes from keys, counts and the journal.',
    'Exit 0 when nothing needs doing, 1 while a rotation is under way or blocked.',
  ].join('\n'),
  flags: FLAGS,
  examples: ['kek-rotate status', 'kek-rotate status --json'],
  async run({ flags }, ctx) {
    const json = flags.json === true;
    const out = makeOutput(ctx.io, { json, target: 'kek_rotate' });
    const env = loadEnv(ctx.io, flags, out);
    const choice = chooseDatabase(env, flags);
    if (!choice) throw databaseRequired();
    const ring = loadRing(env, flags, out);
    const journalPath = flags.journal ?? defaultJournalPath(ctx.io.env);
    const journal = resumePoint(readJournal(journalPath).entries);
    const db = await connect(choice, out);
    try {
      const { columns } = await prepareColumns(db, flags, out);
      const [proofs, counts] = await Promise.all([
        proveKeys(db, columns, ring),
        readColumnInventory(db, columns, ctx.signal, {
          onProgress: scanProgressReporter(out, json, 'inventory', 'Counting'),
        }),
      ]).catch((error: unknown) => {
        throw asDatabaseError(error, 'reading where the rotation stands');
      });
      const configured = {
        primaryKeyId: ring.primary.id,
        ...(ring.previous ? { previousKeyId: ring.previous.id } : {}),
      };
      const assessment = assessRotation(configured, counts, journal, proofs);
      if (json) {
        ctx.io.stdout.write(
          `${jsonLine({
            keys: proofs.map((p) => ({
              variable: p.source,
              keyId: p.keyId,
              verdict: verdictOf(p),
              tried: p.tried,
              decrypted: p.decrypted,
            })),
            columns: counts,
            stage: assessment.stage,
            percentOnNew: assessment.percentOnNew,
            newKeyId: assessment.newKeyId,
            oldKeyId: assessment.oldKeyId,
            detail: assessment.detail,
            next: assessment.next,
            journal: journal
              ? { rotationId: journal.rotationId, step: journal.step, outcome: journal.outcome, time: journal.time }
              : null,
          })}\n`,
        );
      } else {
        for (const line of renderText(proofs, counts, assessment, journal)) ctx.io.stdout.write(`${line}\n`);
      }
      if (!assessment.settled) {
        throw new IncompleteError(`the rotation is ${stageLine(assessment)}`, assessment.next);
      }
    } finally {
      await db.close().catch(() => undefined);
    }
  },
});
