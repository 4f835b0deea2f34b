// Phase 0: what the database holds, per key id, and where the rotation stands. If a row is on a
// key that is neither primary nor previous the rotation is blocked and the repair is explained.
import { Text } from 'ink';
import { useState } from 'react';
import { TextPrompt } from '../components/TextPrompt.js';
import { InventoryTable, type InventoryColumn } from '../components/InventoryTable.js';
import { ScreenFrame, type ScreenChrome } from '../components/ScreenFrame.js';
import { safeText } from '../../text/terminal-safe.js';
import { useTheme } from '../theme.js';
import type { ScreenAction } from '../use-action-keys.js';

export interface PreflightScreenProps extends ScreenChrome {
  /** Undefined while the inventory is being read. */
  readonly inventory?: readonly InventoryColumn[] | undefined;
  readonly primaryKeyId?: string | undefined;
  readonly previousKeyId?: string | undefined;
  readonly warnings?: readonly string[];
  /** Where the rotation stands and what the runbook suggests, in one sentence. */
  readonly assessment?: string | undefined;
  /** Why a new rotation cannot start, and how to repair it. */
  readonly blocked?: { readonly reason: string; readonly repair: string } | undefined;
  /** Offered when set: asks for the path of a key file (prefilled with `loadKeyPath`), then calls this. */
  readonly onLoadKeyFile?: ((path: string) => void) | undefined;
  readonly loadKeyPath?: string | undefined;
  readonly actions: readonly ScreenAction[];
}

export function PreflightScreen({
  inventory,
  primaryKeyId,
  previousKeyId,
  warnings = [],
  assessment,
  blocked,
  onLoadKeyFile,
  loadKeyPath,
  actions,
  ...chrome
}: PreflightScreenProps) {
  const theme = useTheme();
  const [askingPath, setAskingPath] = useState(false);
  const all: ScreenAction[] = onLoadKeyFile
    ? [{ key: 'l', label: 'load the new key from a file', run: () => setAskingPath(true) }, ...actions]
    : [...actions];
  return (
    <ScreenFrame {...chrome} actions={all} inputCaptured={askingPath}>
      {inventory ? (
        <InventoryTable
          columns={inventory}
          primaryKeyId={primaryKeyId}
          previousKeyId={previousKeyId}
          warnings={warnings}
        />
      ) : (
        <Text color={theme.tone('muted')}>Reading the inventory…</Text>
      )}
      {assessment ? <Text bold>→ {safeText(assessment)}</Text> : null}
      {blocked ? (
        <>
          <Text bold color={theme.tone('danger')}>
            ✗ Blocked: {safeText(blocked.reason)}
          </Text>
          <Text>Repair: {safeText(blocked.repair)}</Text>
        </>
      ) : null}
      {askingPath && onLoadKeyFile ? (
        <TextPrompt
          label="Load the new key from (its contents are never shown):"
          initial={loadKeyPath ?? ''}
          onSubmit={(path) => {
            setAskingPath(false);
            onLoadKeyFile(path);
          }}
          onCancel={() => setAskingPath(false)}
        />
      ) : null}
    </ScreenFrame>
  );
}
