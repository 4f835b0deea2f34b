// Phase 1: the new key, masked until the operator reveals it, or written to a 0600 file. The
// operator confirms it is in the secrets manager before the runbook goes on.
import { Text } from 'ink';
import { useState } from 'react';
import { MaskedKey } from '../components/MaskedKey.js';
import { ScreenFrame, type ScreenChrome } from '../components/ScreenFrame.js';
import { TextPrompt } from '../components/TextPrompt.js';
import { useTheme } from '../theme.js';
import type { ScreenAction } from '../use-action-keys.js';

export interface GenerateScreenProps extends ScreenChrome {
  /** Undefined until the key exists. `value` is `<id>:<base64>`, drawn only while revealed. */
  readonly newKey?: { readonly id: string; readonly value: () => string } | undefined;
  readonly revealed: boolean;
  /** Where the key was written, when it was. */
  readonly keyFile?: string | undefined;
  /** Offered when set: asks for a path (prefilled with `defaultPath`), then calls this. */
  readonly onWriteFile?: ((path: string) => void) | undefined;
  readonly defaultPath?: string;
  readonly actions: readonly ScreenAction[];
}

export function GenerateScreen({
  newKey,
  revealed,
  keyFile,
  onWriteFile,
  defaultPath = 'new-key.key',
  actions,
  ...chrome
}: GenerateScreenProps) {
  const theme = useTheme();
  const [askingPath, setAskingPath] = useState(false);
  const all: ScreenAction[] = onWriteFile
    ? [...actions, { key: 'w', label: 'write to a file', run: () => setAskingPath(true) }]
    : [...actions];
  return (
    <ScreenFrame {...chrome} actions={all} inputCaptured={askingPath}>
      {!newKey ? <Text color={theme.tone('muted')}>Generating the new key…</Text> : null}
      {newKey ? <MaskedKey keyId={newKey.id} value={revealed ? newKey.value() : ''} revealed={revealed} /> : null}
      {newKey && keyFile ? (
        <Text>
          Written to <Text bold>{keyFile}</Text> (mode 0600). Move it into your secrets manager, then delete the file.
        </Text>
      ) : null}
      {newKey ? (
        <Text color={theme.tone('warn')}>kek-rotate shows this key only here: it is in no journal or log.</Text>
      ) : null}
      {askingPath && onWriteFile ? (
        <TextPrompt
          label="Write the key to (a new file, mode 0600):"
          initial={defaultPath}
          onSubmit={(path) => {
            setAskingPath(false);
            onWriteFile(path);
          }}
          onCancel={() => setAskingPath(false)}
        />
      ) : null}
    </ScreenFrame>
  );
}
