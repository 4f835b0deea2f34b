// The emergency checklist as rows on screen: a heading per provider type (with how many are ticked)
// and one row per credential under it. Pure, so the cursor and window logic is tested without Ink.
import { credentialKey, groupByProvider, providerLabel } from '../../emergency/checklist-groups.js';
import type { CredentialRef } from '../../journal/entry.js';

export type ChecklistRow =
  | { readonly kind: 'group'; readonly label: string; readonly count: number; readonly ticked: number }
  | {
      readonly kind: 'item';
      readonly key: string;
      readonly credential: CredentialRef;
      readonly ticked: boolean;
      readonly item: number;
    };

export function checklistRows(list: readonly CredentialRef[], ticked: ReadonlySet<string>): ChecklistRow[] {
  const rows: ChecklistRow[] = [];
  let item = 0;
  for (const group of groupByProvider(list)) {
    rows.push({
      kind: 'group',
      label: providerLabel(group.providerType),
      count: group.items.length,
      ticked: group.items.filter((c) => ticked.has(credentialKey(c))).length,
    });
    for (const c of group.items)
      rows.push({
        kind: 'item',
        key: credentialKey(c),
        credential: c,
        ticked: ticked.has(credentialKey(c)),
        item: item++,
      });
  }
  return rows;
}

/** Terminal lines a row takes at `columns` (names are wrapped, never cut). */
export function rowLines(row: ChecklistRow, columns: number): number {
  const width = Math.max(20, columns);
  const text = row.kind === 'group' ? 0 : 6 + Math.max(9, row.credential.name.length);
  return row.kind === 'group' ? 1 : Math.max(1, Math.ceil(text / width));
}

/**
 * The window of rows to show: the first row and how many, so that the cursor's row (and, when it
 * is the first of its group, the group's heading) fits in `budget` terminal lines, moving the
 * window as little as possible from `top`.
 */
export function fitWindow(
  rows: readonly ChecklistRow[],
  cursor: number,
  top: number,
  budget: number,
  columns: number,
): { top: number; count: number } {
  const lines = (from: number, to: number) => rows.slice(from, to + 1).reduce((n, r) => n + rowLines(r, columns), 0);
  const at = rows.findIndex((r) => r.kind === 'item' && r.item === cursor);
  let first = Math.max(0, Math.min(top, rows.length - 1));
  if (at >= 0) {
    const wanted = at > 0 && rows[at - 1]?.kind === 'group' ? at - 1 : at;
    if (wanted < first) first = wanted;
    while (first < at && lines(first, at) > budget) first++;
  }
  // Fill the window downwards; at the end of the list, upwards, so no space is left empty.
  let count = 0;
  for (
    let used = 0;
    first + count < rows.length && used + rowLines(rows[first + count]!, columns) <= Math.max(1, budget);
    count++
  )
    used += rowLines(rows[first + count]!, columns);
  while (first > 0 && first + count >= rows.length && lines(first - 1, rows.length - 1) <= budget) {
    first--;
    count++;
  }
  return { top: first, count: Math.max(1, count) };
}
