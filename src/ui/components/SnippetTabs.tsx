// The env snippets for a key configuration, one format at a time; ←/→ or Tab switch formats.
// Each snippet line is drawn as it is, on one row, at column 0: no border, no prefix, never wrapped
// by the tool (a wrapped line pasted into a shell runs as two commands). A line wider than the
// window is cut and ends in "…", so it never passes for a whole one; the raw view
// (SnippetRawView) shows such lines unbroken.
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import type { KeyConfig } from '../../deploy/env-entries.js';
import {
  renderSnippet,
  SNIPPET_FORMATS,
  SNIPPET_LABELS,
  type SnippetFormat,
  type SnippetOptions,
} from '../../deploy/snippets.js';
import { reduceTabs } from '../state/tabs.js';
import { useTheme } from '../theme.js';
import { useScrollWindow } from '../use-scroll-window.js';

export interface SnippetTabsProps {
  readonly config: KeyConfig;
  /** Keys masked (the default) or shown in full. */
  readonly masked: boolean;
  readonly options?: Omit<SnippetOptions, 'mask'>;
  readonly initialFormat?: SnippetFormat;
  /** The selected format, when the parent keeps it (it copies or writes that format); otherwise kept here. */
  readonly format?: SnippetFormat;
  /** With `format`: the parent moves its selection by one tab (←/→/Tab), from its latest value. */
  readonly onFormatStep?: (step: 1 | -1) => void;
  /** Listen to ←/→/Tab and ↑/↓ (false when another control has the keyboard). */
  readonly isActive?: boolean;
  /** Rows for the snippet lines, the scroll note included; longer snippets scroll. */
  readonly maxLines?: number;
}

/** The lines of a snippet as drawn and copied: the text split at its newlines, nothing added. */
export function snippetLines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

/** Terminal columns a snippet line takes (snippets hold ASCII and "•", one column each). */
export function lineWidth(line: string): number {
  return [...line].length;
}

/** Rows the preview takes for `count` lines in a window of `height` rows (a scrolling window keeps one for its note). */
export function previewRows(count: number, height: number): number {
  return count <= Math.max(1, height) ? count : Math.max(2, height);
}

export function nextFormat(format: SnippetFormat, step: 1 | -1): SnippetFormat {
  const index = reduceTabs(
    { index: SNIPPET_FORMATS.indexOf(format) },
    { type: step === 1 ? 'next' : 'previous' },
    SNIPPET_FORMATS.length,
  ).index;
  return SNIPPET_FORMATS[index] ?? 'dotenv';
}

export function SnippetTabs({
  config,
  masked,
  options = {},
  initialFormat = 'dotenv',
  format: controlled,
  onFormatStep,
  isActive = true,
  maxLines = 12,
}: SnippetTabsProps) {
  const theme = useTheme();
  const [own, setOwn] = useState<SnippetFormat>(initialFormat);
  const format = controlled ?? own;
  // A step, not a format: two Tabs that arrive before the next render both count (a format
  // computed from this render's value would land on the same tab twice).
  const step = (delta: 1 | -1) => {
    if (onFormatStep) onFormatStep(delta);
    else setOwn((current) => nextFormat(current, delta));
  };
  useInput(
    (_input, key) => {
      if (key.rightArrow || (key.tab && !key.shift)) step(1);
      else if (key.leftArrow || (key.tab && key.shift)) step(-1);
    },
    { isActive },
  );
  const text = renderSnippet(format, config, { ...options, mask: masked });
  return (
    <Box flexDirection="column">
      <Box>
        {SNIPPET_FORMATS.map((f) => (
          <Text
            key={f}
            bold={f === format}
            inverse={f === format && theme.color}
            color={f === format ? theme.tone('accent') : theme.tone('muted')}
          >
            {f === format ? `[${SNIPPET_LABELS[f]}]` : ` ${SNIPPET_LABELS[f]} `}{' '}
          </Text>
        ))}
      </Box>
      {/* Keyed by format so each tab starts scrolled to its top. */}
      <SnippetPreview key={format} lines={snippetLines(text)} height={maxLines} isActive={isActive} />
    </Box>
  );
}

interface SnippetPreviewProps {
  readonly lines: readonly string[];
  readonly height: number;
  readonly isActive: boolean;
}

function SnippetPreview({ lines, height, isActive }: SnippetPreviewProps) {
  const theme = useTheme();
  const rows = previewRows(lines.length, height);
  const scrollable = rows < lines.length;
  const visible = scrollable ? rows - 1 : rows;
  const offset = useScrollWindow({ total: lines.length, visible }, isActive);
  const shown = lines.slice(offset, offset + visible);
  return (
    <Box flexDirection="column">
      {shown.map((line, i) => (
        <Text key={offset + i} wrap="truncate-end" color={line.startsWith('#') ? theme.tone('muted') : undefined}>
          {line === '' ? ' ' : line}
        </Text>
      ))}
      {scrollable ? (
        <Text color={theme.tone('accent')}>
          ↕ lines {offset + 1}–{offset + shown.length} of {lines.length} (↑/↓ PgUp/PgDn)
        </Text>
      ) : null}
    </Box>
  );
}
