// The env snippets for a key configuration, one format at a time; ←/→ or Tab switch formats.
import { Box, Text, useInput } from 'ink';
import { useReducer } from 'react';
import type { KeyConfig } from '../../deploy/env-entries.js';
import { renderSnippet, SNIPPET_FORMATS, SNIPPET_LABELS, type SnippetFormat, type SnippetOptions } from '../../deploy/snippets.js';
import { reduceTabs } from '../state/tabs.js';
import { useTheme } from '../theme.js';
import { ScrollText } from './ScrollText.js';

export interface SnippetTabsProps {
  readonly config: KeyConfig;
  /** Keys masked (the default) or shown in full. */
  readonly masked: boolean;
  readonly options?: Omit<SnippetOptions, 'mask'>;
  readonly initialFormat?: SnippetFormat;
  /** Listen to ←/→/Tab (false when another control has the keyboard). */
  readonly isActive?: boolean;
  /** Snippet lines shown at once; longer snippets scroll. */
  readonly maxLines?: number;
}

export function SnippetTabs({ config, masked, options = {}, initialFormat = 'dotenv', isActive = true, maxLines = 12 }: SnippetTabsProps) {
  const theme = useTheme();
  const [tabs, dispatch] = useReducer(
    (state: { index: number }, action: Parameters<typeof reduceTabs>[1]) => reduceTabs(state, action, SNIPPET_FORMATS.length),
    { index: Math.max(0, SNIPPET_FORMATS.indexOf(initialFormat)) },
  );
  useInput(
    (_input, key) => {
      if (key.rightArrow || (key.tab && !key.shift)) dispatch({ type: 'next' });
      else if (key.leftArrow || (key.tab && key.shift)) dispatch({ type: 'previous' });
    },
    { isActive },
  );
  const format = SNIPPET_FORMATS[tabs.index] ?? 'dotenv';
  const text = renderSnippet(format, config, { ...options, mask: masked });
  return (
    <Box flexDirection="column">
      <Box>
        {SNIPPET_FORMATS.map((f) => (
          <Text key={f} bold={f === format} inverse={f === format && theme.color} color={f === format ? theme.tone('accent') : theme.tone('muted')}>
            {f === format ? `[${SNIPPET_LABELS[f]}]` : ` ${SNIPPET_LABELS[f]} `}{' '}
          </Text>
        ))}
      </Box>
      <Box borderStyle="single" borderColor={theme.tone('muted')} paddingX={1} flexDirection="column">
        {/* Keyed by format so each tab starts scrolled to its top. */}
        <ScrollText key={format} lines={text.trimEnd().split('\n')} height={maxLines} isActive={isActive} commentPrefix="#" />
      </Box>
    </Box>
  );
}
