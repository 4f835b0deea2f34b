// Phase 0: what the database holds, per key id, and where the rotation stands. If a row is on a
// key that is neither primary nor previous the rotation is blocked and the repair is explained.
import { Text } from 'ink';
import { InventoryTable, type InventoryColumn } from '../components/InventoryTable.js';
import { ScreenFrame, type ScreenChrome } from '../components/ScreenFrame.js';
import { safeText } from '../safe-text.js';
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
  readonly actions: readonly ScreenAction[];
}

export function PreflightScreen({ inventory, primaryKeyId, previousKeyId, warnings = [], assessment, blocked, actions, ...chrome }: PreflightScreenProps) {
  const theme = useTheme();
  return (
    <ScreenFrame {...chrome} actions={actions}>
      {inventory ? (
        <InventoryTable columns={inventory} primaryKeyId={primaryKeyId} previousKeyId={previousKeyId} warnings={warnings} />
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
    </ScreenFrame>
  );
}
