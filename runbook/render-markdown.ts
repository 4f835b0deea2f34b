// The whole runbook as one Markdown document, generated from the same data the machine and the
// screens use (`kek-rotate runbook --markdown`), so the document and the tool cannot drift apart.
import { phaseOf, STEP_IDS, type PhaseId } from '../src/machine/contract.js';
import { GUARD_TEXT } from './guards.js';
import { PHASE_ORDER, PHASE_TEXT } from './phases.js';
import { QUIT_TEXT, RUNBOOK_STEPS } from './steps.js';
import { EMERGENCY_BACKGROUND } from './steps-emergency.js';
import type { StepText } from './types.js';

function phaseHeading(phase: PhaseId): string {
  const text = PHASE_TEXT[phase];
  return text.number === undefined ? `## ${text.title}` : `## Phase ${text.number}: ${text.title}`;
}

function stepSection(step: string, text: StepText, background = false): string[] {
  const kind = background
    ? 'beside the steps, from the first one'
    : text.working
      ? 'the tool works, you wait'
      : undefined;
  const lines = [
    `### ${text.title}`,
    '',
    `<sub>${background ? 'task' : 'step'} \`${step}\`${kind ? ` · ${kind}` : ''}</sub>`,
    '',
    text.does,
    '',
  ];
  if (text.why) lines.push(`**Why:** ${text.why}`, '');
  if (text.risks) lines.push(`**What can go wrong:** ${text.risks}`, '');
  if (text.undo) lines.push(`**Undo:** ${text.undo}`, '');
  if (text.actions.length > 0 && text.actions.every((action) => !action.guard)) {
    lines.push(`**You can:** ${text.actions.map((action) => action.label).join(' · ')}`, '');
  } else if (text.actions.length > 0) {
    lines.push('| You can | Only when |', '| --- | --- |');
    // An action without a guard is always offered; an empty cell would read as a missing condition.
    for (const action of text.actions)
      lines.push(`| ${action.label} | ${action.guard ? GUARD_TEXT[action.guard] : 'always'} |`);
    lines.push('');
  }
  return lines;
}

export function renderRunbookMarkdown(): string {
  const out = [
    '# KEK rotation runbook',
    '',
    'Rotating the key-encryption key (KEK) of an application that stores secrets with envelope encryption',
    '(`SECRETS_ENCRYPTION_KEY` = primary, `SECRETS_ENCRYPTION_KEY_PREVIOUS` = one older key, decrypt only).',
    'Generated from the same source as `kek-rotate`: what you read here is what the tool does.',
    '',
    '**Rules that hold at every step**',
    '',
    '- Every row stays readable: with the old key or the new one, even if the tool is killed.',
    '- A value the application changes during the run is never overwritten.',
    '- Key material and decrypted values never appear in logs, the journal or the report.',
    `- ${QUIT_TEXT}`,
    '',
    '**Phases:** ' +
      PHASE_ORDER.filter((p) => PHASE_TEXT[p].number !== undefined)
        .map((p) => `${PHASE_TEXT[p].number}. ${PHASE_TEXT[p].title}`)
        .join(' · '),
    '',
  ];
  for (const phase of PHASE_ORDER) {
    out.push(phaseHeading(phase), '', `_${PHASE_TEXT[phase].goal}_`, '');
    for (const [task, text] of Object.entries(EMERGENCY_BACKGROUND))
      if (phase === 'emergency') out.push(...stepSection(task, text, true));
    for (const step of STEP_IDS.filter((id) => phaseOf(id) === phase))
      out.push(...stepSection(step, RUNBOOK_STEPS[step]));
  }
  out.push('## Rules the tool enforces', '');
  for (const [name, sentence] of Object.entries(GUARD_TEXT)) out.push(`- **${name}**: ${sentence}`);
  out.push('');
  return out.join('\n');
}
