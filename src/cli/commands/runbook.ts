// `kek-rotate runbook --markdown`: the whole runbook as a Markdown document, generated from the
// same source the interactive screens read (runbook/), so the two cannot drift apart.
import { renderRunbookMarkdown } from '../../../runbook/index.js';
import { defineCommand } from '../command.js';
import { HELP } from '../common-flags.js';

export const runbookCommand = defineCommand({
  name: 'runbook',
  summary: "Print the runbook as Markdown (generated from the tool's own steps)",
  usage: 'kek-rotate runbook --markdown',
  description: [
    'Prints every phase and step of the runbook (what it does, why, what can go wrong,',
    'how to undo it, and the rules that guard it) as one Markdown document on stdout.',
  ].join('\n'),
  flags: [
    { name: 'markdown', type: 'boolean', description: 'Markdown output (the only format, and the default)' },
    HELP,
  ],
  examples: ['kek-rotate runbook --markdown > RUNBOOK.md'],
  async run(_args, ctx) {
    const text = renderRunbookMarkdown();
    ctx.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  },
});
