// The emergency checklist as files an incident responder can hand on: Markdown with a tick box per
// credential (read it, tick it in an editor, paste it into the incident ticket) and CSV for a
// spreadsheet or a ticket import. Names come from database rows: made terminal-safe, escaped for
// Markdown, and in CSV kept from being read as formulas (a name like `=HYPERLINK(...)` would run in
// a spreadsheet: CWE-1236). Never values: a credential is named, never shown.
import type { CredentialRef } from '../journal/entry.js';
import { markdownText } from '../text/markdown.js';
import { safeText } from '../text/terminal-safe.js';
import { credentialKey, groupByProvider, providerLabel } from './checklist-groups.js';

export interface ChecklistHeading {
  /** The runbook's rotation; absent when listed by `kek-rotate credentials`. */
  readonly rotationId?: string | undefined;
  /** The leaked key's id. */
  readonly keyId: string;
  /** ISO 8601. */
  readonly writtenAt: string;
  /** Credentials already ticked (by credentialKey). */
  readonly ticked?: ReadonlySet<string> | undefined;
}

export function checklistMarkdown(list: readonly CredentialRef[], heading: ChecklistHeading): string {
  const total = groupByProvider(list).reduce((n, g) => n + g.items.length, 0);
  const lines = [
    `# Credentials readable with the leaked key ${markdownText(heading.keyId)}`,
    '',
    `${heading.rotationId ? `Rotation ${markdownText(heading.rotationId)}, written` : 'Listed'} ${heading.writtenAt} by kek-rotate. ${total} credential${total === 1 ? '' : 's'}.`,
    '',
    'Revoke and re-issue each one at its provider, then enter the new value in the application.',
    'Re-encrypting protects the database from now on; it does not make a stolen copy of the old database unreadable.',
  ];
  lines.push(...checklistMarkdownGroups(list, heading.ticked, '##'));
  return `${lines.join('\n')}\n`;
}

/** The groups alone, under headings of the given level (the report nests them in a rotation). */
export function checklistMarkdownGroups(
  list: readonly CredentialRef[],
  ticked: ReadonlySet<string> | undefined,
  level: '##' | '###' | '####',
): string[] {
  const lines: string[] = [];
  for (const group of groupByProvider(list)) {
    lines.push('', `${level} ${markdownText(providerLabel(group.providerType))} (${group.items.length})`, '');
    for (const c of group.items) {
      const tick = ticked?.has(credentialKey(c)) ? 'x' : ' ';
      lines.push(
        `- [${tick}] ${markdownText(c.name) || '(no name)'} — ${markdownText(c.table)} id ${markdownText(c.id)}`,
      );
    }
  }
  return lines;
}

/** One CSV field: terminal-safe, never a formula, quoted when it must be (RFC 4180). */
export function csvField(text: string): string {
  let value = safeText(text);
  if (/^[=+\-@]/.test(value)) value = `'${value}`;
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

export function checklistCsv(list: readonly CredentialRef[], ticked?: ReadonlySet<string>): string {
  const rows = [['provider_type', 'name', 'table', 'id', 'rotated_at_provider']];
  for (const group of groupByProvider(list)) {
    for (const c of group.items)
      rows.push([c.providerType, c.name, c.table, c.id, ticked?.has(credentialKey(c)) ? 'yes' : 'no']);
  }
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The checklist as plain text lines (the headless `credentials` command, a pipe). */
export function checklistText(list: readonly CredentialRef[]): string {
  const lines: string[] = [];
  for (const group of groupByProvider(list)) {
    lines.push(`${safeText(providerLabel(group.providerType))} (${group.items.length})`);
    for (const c of group.items)
      lines.push(`  [ ] ${safeText(c.name) || '(no name)'}  ${safeText(c.table)} id ${safeText(c.id)}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
