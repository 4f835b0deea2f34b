// The emergency checklist as people work through it: one group per provider type (each group is
// one provider's console to log in to), the largest first, names in order within a group.
import type { CredentialRef } from '../journal/entry.js';

export interface ChecklistGroup {
  /** The provider type as stored; '' when the row has none. */
  readonly providerType: string;
  readonly items: readonly CredentialRef[];
}

/** A credential's identity across sources (listing, moved rows, journal): its column and id. */
export function credentialKey(c: Pick<CredentialRef, 'table' | 'id'>): string {
  return `${c.table}\0${c.id}`;
}

/** The same credentials once each (the first occurrence wins), in their order. */
export function uniqueCredentials(list: readonly CredentialRef[]): CredentialRef[] {
  const seen = new Set<string>();
  return list.filter((c) => {
    const key = credentialKey(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function groupByProvider(list: readonly CredentialRef[]): ChecklistGroup[] {
  const groups = new Map<string, CredentialRef[]>();
  for (const c of uniqueCredentials(list)) {
    const items = groups.get(c.providerType);
    if (items) items.push(c);
    else groups.set(c.providerType, [c]);
  }
  return [...groups.entries()]
    .map(([providerType, items]) => ({
      providerType,
      items: items.sort((a, b) => byText(a.name, b.name) || byText(a.id, b.id)),
    }))
    .sort((a, b) => b.items.length - a.items.length || byText(a.providerType, b.providerType));
}

/** What a group is called on screen and in files. */
export function providerLabel(providerType: string): string {
  return providerType === '' ? '(no provider type)' : providerType;
}

/** Journal messages of a tick on the checklist: the machine writes them, the report replays them. */
export const TICKED = 'rotated at its provider';
export const UNTICKED = 'not rotated at its provider after all';

/** The ticks a journal's lines leave in place, replayed in order (by credentialKey). */
export function replayTicks(
  lines: readonly { message?: string | undefined; credentials?: readonly CredentialRef[] | undefined }[],
): Set<string> {
  const ticked = new Set<string>();
  for (const line of lines) {
    if (line.message !== TICKED && line.message !== UNTICKED) continue;
    for (const c of line.credentials ?? []) {
      if (line.message === TICKED) ticked.add(credentialKey(c));
      else ticked.delete(credentialKey(c));
    }
  }
  return ticked;
}
