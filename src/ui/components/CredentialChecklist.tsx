// Emergency: the credentials the leaked key could read, grouped by provider, to rotate at each
// provider and tick off. ↑/↓ (PgUp/PgDn) move the cursor, Space ticks the credential under it (the
// machine journals each tick). Names are shown whole, wrapped, never cut: two credentials that
// differ only at the end must not look alike. Names come from the database: made terminal-safe.
import { Box, Text, useInput } from 'ink';
import { useMemo, useRef, useState } from 'react';
import type { CredentialRef } from '../../journal/entry.js';
import { safeText } from '../../text/terminal-safe.js';
import { checklistRows, fitWindow } from '../state/checklist-rows.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { useTheme } from '../theme.js';

export interface CredentialChecklistProps {
  readonly credentials: readonly CredentialRef[];
  readonly ticked: readonly string[];
  readonly onTick?: ((key: string) => void) | undefined;
  /** Terminal lines for the list itself (headings included; a long name takes several). */
  readonly height?: number;
  readonly isActive?: boolean;
}

const number = new Intl.NumberFormat('en-US');

export function CredentialChecklist({
  credentials,
  ticked,
  onTick,
  height = 8,
  isActive = true,
}: CredentialChecklistProps) {
  const theme = useTheme();
  const rows = useMemo(() => checklistRows(credentials, new Set(ticked)), [credentials, ticked]);
  const items = rows.filter((r) => r.kind === 'item').length;
  const { columns } = useTerminalSize();
  const [cursor, setCursor] = useState(0);
  const [top, setTop] = useState(0);
  // Keys typed fast arrive before React re-renders: each must start from the previous one's cursor,
  // not from the one this render saw (two ↓ then Space must tick the third item).
  const at = useRef(0);
  const move = (by: number) => {
    const next = Math.max(0, Math.min(items - 1, at.current + by));
    at.current = next;
    setCursor(next);
    setTop((t) => fitWindow(rows, next, t, height, columns).top);
  };
  useInput(
    (input, key) => {
      if (key.upArrow) move(-1);
      else if (key.downArrow) move(1);
      else if (key.pageUp) move(-Math.max(1, height - 1));
      else if (key.pageDown) move(Math.max(1, height - 1));
      else if (input === ' ') {
        const row = rows.find((r) => r.kind === 'item' && r.item === at.current);
        if (row?.kind === 'item') onTick?.(row.key);
      }
    },
    { isActive: isActive && items > 0 },
  );
  const shown = fitWindow(rows, cursor, top, height, columns);
  const done = new Set(ticked).size;
  const selectedRow = rows.find((r) => r.kind === 'item' && r.item === cursor);
  const selected = selectedRow?.kind === 'item' ? selectedRow : undefined;
  return (
    <Box flexDirection="column">
      <Text bold color={theme.tone('warn')}>
        Rotate these credentials at their providers ({number.format(items)}, {number.format(done)} ticked)
      </Text>
      {items === 0 ? <Text color={theme.tone('muted')}> Nothing stored under that key.</Text> : null}
      {rows.slice(shown.top, shown.top + shown.count).map((row) =>
        row.kind === 'group' ? (
          <Text key={`g:${row.label}`} bold wrap="truncate-end">
            {safeText(row.label)}{' '}
            <Text color={theme.tone('muted')}>
              ({number.format(row.count)}, {number.format(row.ticked)} ticked)
            </Text>
          </Text>
        ) : (
          <Text key={row.key} wrap="wrap" inverse={isActive && row.item === cursor}>
            {row.item === cursor ? '› ' : '  '}
            {row.ticked ? '[x] ' : '[ ] '}
            {safeText(row.credential.name) || '(no name)'}
          </Text>
        ),
      )}
      {selected ? (
        <Text color={theme.tone('muted')} wrap="truncate-end">
          {'  '}
          {number.format(cursor + 1)} of {number.format(items)} ·{' '}
          {safeText(selected.credential.providerType) || 'no type'} · {safeText(selected.credential.table)} id{' '}
          {safeText(selected.credential.id)}
        </Text>
      ) : null}
    </Box>
  );
}
