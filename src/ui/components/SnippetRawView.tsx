// The snippet alone on the screen, for selecting with the mouse: each line written whole at column
// 0, with nothing around it. A line wider than the window is left to the terminal to wrap; the
// terminal remembers that the row continues, so a selection copies it back as one line (a line the
// tool broke itself would paste as two). ↑/↓ PgUp/PgDn bring every line on screen.
//
// Ink counts the rows it drew by newlines, so it would erase too few after rows the terminal wrapped.
// The view therefore always fills the screen: Ink then clears the whole terminal before the next
// frame, whatever comes next. Its first rows are blank, one per extra row the terminal wraps, so the
// screen scrolls only blank rows out of sight, and the rest is padded below to the screen's height.
import { Box, Text, useInput } from 'ink';
import { useReducer } from 'react';
import { lineWidth } from './SnippetTabs.js';

/** Terminal rows a line takes once the terminal wraps it at `columns`. */
export function physicalRows(line: string, columns: number): number {
  return Math.max(1, Math.ceil(lineWidth(line) / Math.max(1, columns)));
}

export interface RawWindow {
  /** The first line shown and the one after the last. */
  readonly start: number;
  readonly end: number;
  /** The first line of the last window (scrolling further shows nothing new). */
  readonly maxStart: number;
  /** Terminal rows the shown lines take, and how many of those are wrapped continuations. */
  readonly rows: number;
  readonly wrapped: number;
}

/** The lines from `start` that fit in `room` terminal rows (at least one line), counting wrapped rows. */
export function rawWindow(lines: readonly string[], columns: number, room: number, start: number): RawWindow {
  const heights = lines.map((line) => physicalRows(line, columns));
  let maxStart = Math.max(0, lines.length - 1);
  for (let used = heights[maxStart] ?? 0; maxStart > 0 && used + heights[maxStart - 1]! <= room;)
    used += heights[--maxStart]!;
  const first = Math.max(0, Math.min(start, maxStart));
  let end = first;
  let rows = 0;
  while (end < lines.length && (end === first || rows + heights[end]! <= room)) rows += heights[end++]!;
  return { start: first, end, maxStart, rows, wrapped: rows - (end - first) };
}

export interface SnippetRawViewProps {
  readonly lines: readonly string[];
  /** e.g. "shell export". */
  readonly label: string;
  readonly masked: boolean;
  /** Whether k can show the keys (kek-rotate holds all of them). */
  readonly canReveal: boolean;
  readonly columns: number;
  /** Rows this view may fill (the screen, less anything drawn under it). */
  readonly rows: number;
  /** One line under the snippet (what the last action did). */
  readonly notice?: string | undefined;
}

export function SnippetRawView({ lines, label, masked, canReveal, columns, rows, notice }: SnippetRawViewProps) {
  const room = Math.max(1, rows - 2 - (notice ? 1 : 0));
  const [start, scroll] = useReducer((_offset: number, to: number) => to, 0);
  const view = rawWindow(lines, columns, room, start);
  const page = Math.max(1, view.end - view.start);
  useInput((_input, key) => {
    if (key.upArrow) scroll(view.start - 1);
    else if (key.downArrow) scroll(Math.min(view.maxStart, view.start + 1));
    else if (key.pageUp) scroll(view.start - page);
    else if (key.pageDown) scroll(Math.min(view.maxStart, view.start + page));
  });
  const keys = masked ? (canReveal ? 'keys masked: k shows them' : 'keys masked') : 'keys shown';
  const below = Math.max(0, rows - 2 - (notice ? 1 : 0) - view.rows);
  return (
    <Box flexDirection="column" width={columns}>
      {view.wrapped > 0 ? <Box height={view.wrapped} flexShrink={0} /> : null}
      <Text wrap="truncate-end">
        {label} snippet, raw ({keys}). Select the lines below:
      </Text>
      {lines.slice(view.start, view.end).map((line, i) => (
        // As wide as the line: Ink must not wrap it; the terminal does, and copies it whole.
        <Box key={view.start + i} width={Math.max(columns, lineWidth(line))} flexShrink={0}>
          <Text>{line === '' ? ' ' : line}</Text>
        </Box>
      ))}
      <Text wrap="truncate-end">
        lines {view.start + 1}–{view.end} of {lines.length} (↑/↓ PgUp/PgDn) · v/Esc back · ←/→ format
        {canReveal ? ` · k ${masked ? 'show' : 'mask'} keys · c copy` : ''}
      </Text>
      {notice ? <Text wrap="truncate-end">{notice}</Text> : null}
      {below > 0 ? <Box height={below} flexShrink={0} /> : null}
    </Box>
  );
}
