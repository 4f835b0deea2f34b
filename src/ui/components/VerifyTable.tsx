// The SQL verification: rows per key id for each column, with the statement that counted them,
// so the operator can paste it into psql and see the same numbers.
import { Box, Text } from 'ink';
import { safeText } from '../../text/terminal-safe.js';
import { useTheme } from '../theme.js';

export interface VerifyColumn {
  readonly label: string;
  readonly sql: string;
  readonly total: number;
  readonly nulls: number;
  readonly invalid: number;
  readonly byKeyId: Readonly<Record<string, number>>;
  /** Deep check (decrypt with the primary alone), when it ran. */
  readonly deep?: { readonly checked: number; readonly failed: number } | undefined;
}

export interface VerifyTableProps {
  readonly columns: readonly VerifyColumn[];
  readonly primaryKeyId: string;
  /** Show each column's SQL (toggled by the screen, since it takes room). */
  readonly showSql?: boolean;
  readonly passed?: boolean | undefined;
  readonly problems?: readonly string[];
}

const number = new Intl.NumberFormat('en-US');

export function VerifyTable({ columns, primaryKeyId, showSql = true, passed, problems = [] }: VerifyTableProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      {columns.map((column) => (
        <Box key={column.label} flexDirection="column">
          <Text bold>{safeText(column.label)}</Text>
          {Object.entries(column.byKeyId)
            .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
            .map(([keyId, rows]) => {
              const onPrimary = keyId === primaryKeyId;
              const bad = !onPrimary && rows > 0;
              return (
                <Text key={keyId} color={bad ? theme.tone('danger') : theme.tone('ok')}>
                  {`  ${bad ? '✗' : '✓'} ${safeText(keyId)}`.padEnd(30)}
                  {number.format(rows).padStart(10)}
                  {onPrimary ? '  (new primary)' : bad ? '  must be 0' : ''}
                </Text>
              );
            })}
          <Text color={column.invalid > 0 ? theme.tone('danger') : undefined}>
            {`  ${column.invalid > 0 ? '✗' : '✓'} invalid`.padEnd(30)}
            {number.format(column.invalid).padStart(10)}
            {column.invalid > 0 ? '  must be 0' : ''}
          </Text>
          <Text color={theme.tone('muted')}>
            {'    NULL'.padEnd(30)}
            {number.format(column.nulls).padStart(10)}
          </Text>
          {column.deep ? (
            <Text color={column.deep.failed > 0 ? theme.tone('danger') : theme.tone('ok')}>
              {`  ${column.deep.failed > 0 ? '✗' : '✓'} decrypts with ${primaryKeyId} alone`.padEnd(30)}
              {`${number.format(column.deep.checked - column.deep.failed)}/${number.format(column.deep.checked)}`.padStart(10)}
            </Text>
          ) : null}
          {showSql ? (
            <Box borderStyle="single" borderColor={theme.tone('muted')} paddingX={1}>
              <Text color={theme.tone('muted')}>{column.sql.trim()}</Text>
            </Box>
          ) : null}
        </Box>
      ))}
      {passed === true ? <Text color={theme.tone('ok')}>✓ Verified: every value is on {primaryKeyId}.</Text> : null}
      {passed === false
        ? problems.map((p, i) => (
            <Text key={i} color={theme.tone('danger')}>
              ✗ {safeText(p)}
            </Text>
          ))
        : null}
    </Box>
  );
}
