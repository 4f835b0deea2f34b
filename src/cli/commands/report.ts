// `kek-rotate report`: a journal rendered as a Markdown audit report of the rotation(s) it holds.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { IncompleteError, UserError } from '../../errors.js';
import { defaultJournalPath, readJournal, renderReport, skippedLinesSentence } from '../../journal/index.js';
import { defineCommand } from '../command.js';
import { HELP, JOURNAL } from '../common-flags.js';

export const reportCommand = defineCommand({
  name: 'report',
  summary: 'Render a rotation journal as a Markdown audit report',
  usage: 'kek-rotate report [--journal FILE]',
  description: [
    "Reads the journal the runbook wrote (default: the user's state directory) and prints",
    'a Markdown report: who did what when, key ids, counts, outcomes. It holds no key material.',
    'A line that is not an entry kek-rotate wrote is skipped and listed by number, never shown.',
    'Exit 0 when every line was read, 1 when lines were skipped, 2 when there is no journal',
    'or no entry in it.',
  ].join('\n'),
  flags: [JOURNAL, HELP],
  examples: ['kek-rotate report > rotation-report.md', 'kek-rotate report --journal ./rehearsal.jsonl'],
  async run({ flags }, ctx) {
    const given = flags.journal;
    const file = given !== undefined ? path.resolve(ctx.io.cwd, given) : defaultJournalPath(ctx.io.env);
    if (!existsSync(file)) {
      throw new UserError(
        `there is no journal at ${file}`,
        given !== undefined
          ? 'Check the path given with --journal.'
          : 'Run the runbook first (`kek-rotate`), or give the journal with --journal FILE.',
      );
    }
    const { entries, problems } = readJournal(file);
    const skipped = problems.length > 0 ? ` ${skippedLinesSentence(problems.map((p) => p.line))}` : '';
    if (entries.length === 0)
      throw new UserError(
        `${file} holds no journal entries.${skipped}`,
        'Give the journal file the runbook wrote (JSON lines).',
      );
    const text = renderReport(entries, problems);
    ctx.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    if (problems.length > 0) {
      throw new IncompleteError(
        skipped.trim(),
        'The report above holds only the lines that are journal entries; "Journal problems" lists why each other line was skipped. A torn last line means the tool stopped while writing it; any other was damaged or edited by hand.',
      );
    }
  },
});
