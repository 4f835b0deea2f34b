// Phase 2 (and the final deploy of phase 5, and rollback): the configuration to deploy as snippets
// in the formats operators paste, how the two deploy strategies differ, and the deploy confirmation.
// A snippet reaches the deployment whole, at any terminal width: its lines are drawn raw (cut with
// "…" when wider than the window, never wrapped), v shows them unbroken to select, c copies the whole
// snippet with OSC 52 and w writes it to a new 0600 file. Keys stay masked on screen until k; c
// and w are explicit requests for the real snippet, so they always carry the keys.
import { Box, measureElement, Text, useInput, useStdout, type DOMElement } from 'ink';
import { useEffect, useReducer, useRef, useState } from 'react';
import { osc52, OSC52_HINT } from '../../deploy/clipboard.js';
import type { KeyConfig } from '../../deploy/env-entries.js';
import { snippetFileName, writeSnippetFile } from '../../deploy/snippet-file.js';
import { renderSnippet, SNIPPET_LABELS, type SnippetFormat, type SnippetOptions } from '../../deploy/snippets.js';
import { KekRotateError } from '../../errors.js';
import { ScreenFrame, type ScreenChrome } from '../components/ScreenFrame.js';
import { SnippetRawView } from '../components/SnippetRawView.js';
import { lineWidth, nextFormat, previewRows, snippetLines, SnippetTabs } from '../components/SnippetTabs.js';
import { TextPrompt } from '../components/TextPrompt.js';
import { initialReveal, reduceReveal } from '../state/reveal.js';
import { safeText } from '../../text/terminal-safe.js';
import { useTheme, type Tone } from '../theme.js';
import { useTerminalSize } from '../use-terminal-size.js';
import type { ScreenAction } from '../use-action-keys.js';

export interface DeployScreenProps extends ScreenChrome {
  /** The configuration to deploy now. */
  readonly config: KeyConfig;
  /** e.g. "Step 2a of 2: the new key as decrypt-only previous". */
  readonly stageLabel?: string | undefined;
  /** Lines explaining this deploy (strategy, what replicas can read afterwards). */
  readonly notes?: readonly string[];
  readonly snippetOptions?: Omit<SnippetOptions, 'mask'>;
  /** Key ids whose material kek-rotate does not hold: the snippets stay masked for them. */
  readonly missingKeys?: readonly string[];
  readonly actions: readonly ScreenAction[];
}

interface Notice {
  readonly tone: Tone;
  /** Sentences, each starting a new row; wrapped here, so the rows they take are known before drawing. */
  readonly text: readonly string[];
  /** One line for the raw view, which has a single row for it. */
  readonly short?: string;
}

/** Rows for everything but the preview before the screen has been measured: generous, so the first frame fits. */
const FIRST_GUESS_CHROME = 18;
const MIN_PREVIEW_ROWS = 3;

/** Words into rows of at most `width` columns (a word longer than that gets a row of its own, cut when drawn). */
export function wrapWords(text: string, width: number): string[] {
  const rows: string[] = [];
  let row = '';
  for (const word of text.split(' ')) {
    if (row !== '' && lineWidth(row) + 1 + lineWidth(word) > width) {
      rows.push(row);
      row = word;
    } else {
      row = row === '' ? word : `${row} ${word}`;
    }
  }
  rows.push(row);
  return rows;
}

export function DeployScreen({
  config,
  stageLabel,
  notes = [],
  snippetOptions,
  missingKeys = [],
  actions,
  ...chrome
}: DeployScreenProps) {
  const theme = useTheme();
  const { stdout } = useStdout();
  const { rows, columns } = useTerminalSize();
  const [reveal, dispatch] = useReducer(reduceReveal, initialReveal);
  const [format, setFormat] = useState<SnippetFormat>('dotenv');
  const [mode, setMode] = useState<'screen' | 'raw' | 'ask-path'>('screen');
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  // Without every key's material a snippet with keys would be wrong, so it stays masked and is
  // neither copied nor written.
  const canReveal = missingKeys.length === 0;
  const masked = !(canReveal && reveal.revealed);
  const options = snippetOptions ?? {};
  const lines = snippetLines(renderSnippet(format, config, { ...options, mask: masked }));
  const label = SNIPPET_LABELS[format];
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  // The real snippet is made only when asked for, and held no longer than the call.
  const fullSnippet = () => renderSnippet(format, config, { ...options, mask: false });
  const withKeys = () => fullSnippet() !== renderSnippet(format, config, { ...options, mask: true });
  const copy = () => {
    // Written beside Ink's frames, not through them: the sequence draws nothing.
    stdout.write(osc52(fullSnippet()));
    setNotice({
      tone: 'ok',
      text: [`Copied the whole ${label} snippet${withKeys() ? ' (with the keys)' : ''} with OSC 52.`, OSC52_HINT],
      short: 'Copied with OSC 52 (the terminal must allow it; tmux: set-clipboard on).',
    });
  };
  const write = (path: string) => {
    setMode('screen');
    const keys = withKeys();
    writeSnippetFile(path, fullSnippet()).then(
      () => {
        if (!mounted.current) return;
        setNotice({
          tone: 'ok',
          text: [
            `Wrote the ${label} snippet to ${safeText(path)} (mode 0600).`,
            ...(keys ? ['It holds the keys: delete it once they are deployed.'] : []),
          ],
        });
      },
      (error: unknown) => {
        if (!mounted.current) return;
        const message = safeText(error instanceof Error ? error.message : String(error));
        const hint = error instanceof KekRotateError && error.hint ? [safeText(error.hint)] : [];
        setNotice({ tone: 'warn', text: [`${message}.`, ...hint] });
      },
    );
  };
  // By steps from the latest value, so quick repeated Tabs are never lost (see SnippetTabs).
  const stepFormat = (step: 1 | -1) => {
    setFormat((current) => nextFormat(current, step));
    setNotice(undefined);
  };

  // The machine's keys come first; a key of this screen the step already uses is not offered.
  const own: ScreenAction[] = [
    ...(canReveal
      ? [{ key: 'k', label: reveal.revealed ? 'mask keys' : 'show keys', run: () => dispatch({ type: 'toggle' }) }]
      : []),
    { key: 'v', label: 'raw view (to select)', run: () => setMode('raw') },
    ...(canReveal
      ? [
          { key: 'c', label: 'copy (OSC 52)', run: copy },
          {
            key: 'w',
            label: 'write to a file',
            run: () => {
              setNotice(undefined);
              setMode('ask-path');
            },
          },
        ]
      : []),
  ].filter((action) => !actions.some((a) => a.key === action.key));

  // The raw view owns the keyboard: the step's actions wait until the operator is back.
  useInput(
    (input, key) => {
      if (key.escape || input === 'v') setMode('screen');
      else if (input === 'k' && canReveal) dispatch({ type: 'toggle' });
      else if (input === 'c' && canReveal) copy();
      else if (key.rightArrow || (key.tab && !key.shift)) stepFormat(1);
      else if (key.leftArrow || (key.tab && key.shift)) stepFormat(-1);
    },
    { isActive: mode === 'raw' },
  );

  // The preview gets the rows the rest of the screen leaves. The runbook text, the notes and the
  // footer wrap differently at every width, so they are measured after drawing (the largest
  // measure at this size: the footer goes while a prompt is open, and comes back); the rows this
  // screen adds itself (the warning, a notice) are counted before drawing, so no frame outgrows
  // the terminal when they appear.
  const cut = lines.some((line) => lineWidth(line) > columns);
  const warning = cut
    ? wrapWords('Lines ending in … are wider than the window: v shows them whole, to select.', columns)
    : [];
  const noticeRows = notice ? notice.text.flatMap((sentence) => wrapWords(sentence, columns)) : [];
  const frame = useRef<DOMElement>(null);
  const [measured, setMeasured] = useState<{ columns: number; rows: number; other?: number }>({ columns, rows });
  const sameSize = measured.columns === columns && measured.rows === rows;
  const other = (sameSize ? measured.other : undefined) ?? FIRST_GUESS_CHROME + notes.length + missingKeys.length;
  const previewHeight = Math.max(MIN_PREVIEW_ROWS, rows - other - warning.length - noticeRows.length);
  const drawnPreview = previewRows(lines.length, previewHeight);
  // After every draw of this screen (anything on it may have changed how the rest wraps); it sets
  // state only when the measure grows or the size changed, so it settles after one more draw.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (mode === 'raw' || !frame.current) return;
    const now = measureElement(frame.current).height - drawnPreview - warning.length - noticeRows.length;
    if (!sameSize || measured.other === undefined || now > measured.other) setMeasured({ columns, rows, other: now });
  });

  if (mode === 'raw') {
    return (
      <SnippetRawView
        key={format}
        lines={lines}
        label={label}
        masked={masked}
        canReveal={canReveal}
        columns={columns}
        rows={rows}
        notice={notice?.short}
      />
    );
  }
  return (
    <Box ref={frame} flexDirection="column">
      <ScreenFrame
        {...chrome}
        actions={[...actions, ...own]}
        extraHelp={[{ keys: '←/→', action: 'format' }]}
        inputCaptured={mode === 'ask-path'}
      >
        <Box flexDirection="column">
          {stageLabel ? <Text bold>{safeText(stageLabel)}</Text> : null}
          {notes.map((note, i) => (
            <Text key={i} color={theme.tone('muted')}>
              {safeText(note)}
            </Text>
          ))}
          {missingKeys.map((id) => (
            <Text key={id} color={theme.tone('warn')}>
              kek-rotate does not hold {safeText(id)}: paste its value from your secrets manager.
            </Text>
          ))}
        </Box>
        {warning.map((row, i) => (
          <Text key={i} wrap="truncate-end" color={theme.tone('warn')}>
            {row}
          </Text>
        ))}
        <SnippetTabs
          config={config}
          masked={masked}
          options={options}
          format={format}
          onFormatStep={stepFormat}
          isActive={mode === 'screen'}
          maxLines={previewHeight}
        />
        {noticeRows.map((row, i) => (
          <Text key={i} wrap="truncate-end" color={notice?.tone ? theme.tone(notice.tone) : undefined}>
            {row}
          </Text>
        ))}
        {mode === 'ask-path' ? (
          <TextPrompt
            label={`Write the ${label} snippet${withKeys() ? ' (with the keys)' : ''} to (a new file, mode 0600):`}
            initial={snippetFileName(format, config)}
            onSubmit={write}
            onCancel={() => setMode('screen')}
          />
        ) : null}
      </ScreenFrame>
    </Box>
  );
}
