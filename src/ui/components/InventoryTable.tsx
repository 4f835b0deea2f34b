// Rows per key id for each registered column, with NULLs and invalid rows, and the warnings
// preflight found. Rows on a key that is neither primary nor previous are called out: they strand.
import { Box, Text } from 'ink';
import { safeText } from '../../text/terminal-safe.js';
import { useTheme, type Tone } from '../theme.js';

export interface InventoryColumn {
  /** e.g. "llm_providers.api_key_encrypted". */
  readonly label: string;
  readonly total: number;
  readonly nulls: number;
  readonly invalid: number;
  readonly byKeyId: Readonly<Record<string, number>>;
}

export interface InventoryTableProps {
  readonly columns: readonly InventoryColumn[];
  readonly primaryKeyId?: string | undefined;
  readonly previousKeyId?: string | undefined;
  readonly warnings?: readonly string[];
}

const number = new Intl.NumberFormat('en-US');

function role(keyId: string, primary: string | undefined, previous: string | undefined): { text: string; tone: Tone } {
  if (keyId === primary) return { text: 'primary', tone: 'ok' };
  if (keyId === previous) return { text: 'previous', tone: 'warn' };
  return { text: 'NOT CONFIGURED: unreadable', tone: 'danger' };
}

export function InventoryTable({ columns, primaryKeyId, previousKeyId, warnings = [] }: InventoryTableProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text bold>
        {'Column / key id'.padEnd(40)}
        {'rows'.padStart(10)}
        {'  '}state
      </Text>
      {columns.map((column) => (
        <Box key={column.label} flexDirection="column">
          <Text>
            {safeText(column.label).slice(0, 40).padEnd(40)}
            {number.format(column.total).padStart(10)}
            {'  '}total
          </Text>
          {Object.entries(column.byKeyId)
            .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
            .map(([keyId, rows]) => {
              const r = role(keyId, primaryKeyId, previousKeyId);
              return (
                <Text key={keyId}>
                  {`  ${safeText(keyId)}`.slice(0, 40).padEnd(40)}
                  {number.format(rows).padStart(10)}
                  {'  '}
                  <Text color={theme.tone(r.tone)}>{r.text}</Text>
                </Text>
              );
            })}
          <Text color={theme.tone('muted')}>
            {'  NULL (no value)'.padEnd(40)}
            {number.format(column.nulls).padStart(10)}
          </Text>
          <Text color={column.invalid > 0 ? theme.tone('danger') : theme.tone('muted')}>
            {'  invalid (not a readable payload)'.padEnd(40)}
            {number.format(column.invalid).padStart(10)}
            {column.invalid > 0 ? '  will fail to rotate' : ''}
          </Text>
        </Box>
      ))}
      {warnings.map((warning, index) => (
        <Text key={index} color={theme.tone('warn')}>
          ! {safeText(warning)}
        </Text>
      ))}
    </Box>
  );
}
