// Phase 4: the second dry run, the SQL verification per key id with the SQL shown, and the deep
// check with the new key alone. Removal of the old key is offered only when it passed.
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { ScreenFrame, type ScreenChrome } from '../components/ScreenFrame.js';
import { VerifyTable, type VerifyColumn } from '../components/VerifyTable.js';
import { useTheme } from '../theme.js';
import { ScrollText } from '../components/ScrollText.js';
import { useTerminalSize } from '../use-terminal-size.js';
import type { ScreenAction } from '../use-action-keys.js';

export interface VerifyScreenProps extends ScreenChrome {
  /** Undefined while verification runs. */
  readonly columns?: readonly VerifyColumn[] | undefined;
  readonly primaryKeyId: string;
  readonly passed?: boolean | undefined;
  readonly problems?: readonly string[];
  readonly actions: readonly ScreenAction[];
}

export function VerifyScreen({ columns, primaryKeyId, passed, problems = [], actions, ...chrome }: VerifyScreenProps) {
  const theme = useTheme();
  const { rows } = useTerminalSize();
  const [showSql, setShowSql] = useState(false);
  useInput((input) => {
    if (input === 's') setShowSql((s) => !s);
  });
  return (
    <ScreenFrame
      {...chrome}
      actions={actions}
      extraHelp={columns ? [{ keys: 's', action: showSql ? 'hide SQL' : 'show SQL' }] : []}
    >
      {columns && showSql ? (
        // The SQL is long; it replaces the table rather than pushing the prompt off screen.
        <Box flexDirection="column">
          <Text bold>The statements that produced these counts (paste into psql):</Text>
          <ScrollText
            lines={columns.flatMap((c) => c.sql.trim().split('\n'))}
            height={Math.max(4, rows - 12)}
            commentPrefix="--"
          />
        </Box>
      ) : columns ? (
        <VerifyTable
          columns={columns}
          primaryKeyId={primaryKeyId}
          showSql={false}
          passed={passed}
          problems={problems}
        />
      ) : (
        <Text color={theme.tone('muted')}>
          Verifying: counting rows per key id and decrypting every value with {primaryKeyId} alone…
        </Text>
      )}
    </ScreenFrame>
  );
}
