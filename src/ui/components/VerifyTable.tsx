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
                <CountRow
                  key={keyId}
                  tone={bad ? 'danger' : 'ok'}
                  label={`${bad ? '✗' : '✓'} ${safeText(keyId)}`}
                  value={number.format(rows)}
                  note={onPrimary ? '(new primary)' : bad ? 'must be 0' : ''}
                />
              );
            })}
          <CountRow
            tone={column.invalid > 0 ? 'danger' : undefined}
            label={`${column.invalid > 0 ? '✗' : '✓'} invalid`}
            value={number.format(column.invalid)}
            note={column.invalid > 0 ? 'must be 0' : ''}
          />
          <CountRow tone="muted" label="  NULL" value={number.format(column.nulls)} />
          {column.deep ? (
            <CountRow
              tone={column.deep.failed > 0 ? 'danger' : 'ok'}
              label={`${column.deep.failed > 0 ? '✗' : '✓'} decrypts with ${safeText(primaryKeyId)} alone`}
              value={`${number.format(column.deep.checked - column.deep.failed)}/${number.format(column.deep.checked)}`}
            />
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

/**
 * One line of counts: label, number right-aligned, note, each in its own box, so the columns stay
 * aligned whatever the lengths (a long key id no longer runs into its number).
 */
function CountRow({
  label,
  value,
  note = '',
  tone,
}: {
  readonly label: string;
  readonly value: string;
  readonly note?: string;
  readonly tone?: 'ok' | 'danger' | 'muted' | undefined;
}) {
  const theme = useTheme();
  const color = tone ? theme.tone(tone) : undefined;
  return (
    <Box>
      <Box width={2} flexShrink={0} />
      <Box minWidth={30} marginRight={1}>
        <Text color={color}>{label}</Text>
      </Box>
      <Box minWidth={14} justifyContent="flex-end" flexShrink={0}>
        <Text color={color}>{value}</Text>
      </Box>
      {note ? (
        <Box marginLeft={2}>
          <Text color={color}>{note}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
