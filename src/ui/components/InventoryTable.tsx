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
      <Row label="Column / key id" rows="rows" state="state" bold />
      {columns.map((column) => (
        <Box key={column.label} flexDirection="column">
          <Row label={safeText(column.label)} rows={number.format(column.total)} state="total" />
          {Object.entries(column.byKeyId)
            .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
            .map(([keyId, rows]) => {
              const r = role(keyId, primaryKeyId, previousKeyId);
              return (
                <Row
                  key={keyId}
                  label={`  ${safeText(keyId)}`}
                  rows={number.format(rows)}
                  state={r.text}
                  stateColor={theme.tone(r.tone)}
                />
              );
            })}
          <Row label="  NULL (no value)" rows={number.format(column.nulls)} color={theme.tone('muted')} />
          <Row
            label="  invalid (not a readable payload)"
            rows={number.format(column.invalid)}
            state={column.invalid > 0 ? 'will fail to rotate' : ''}
            color={column.invalid > 0 ? theme.tone('danger') : theme.tone('muted')}
          />
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

/**
 * One line of the table in Ink boxes: the label (wrapped if long, never cut: a column or key id must
 * read whole), the count right-aligned, the state. Aligned by the boxes, not by padding strings.
 */
function Row(props: {
  readonly label: string;
  readonly rows: string;
  readonly state?: string;
  readonly color?: string | undefined;
  readonly stateColor?: string | undefined;
  readonly bold?: boolean;
}) {
  return (
    <Box>
      <Box width={40} flexShrink={1} marginRight={1}>
        <Text color={props.color} bold={props.bold}>
          {props.label}
        </Text>
      </Box>
      <Box width={9} flexShrink={0} justifyContent="flex-end">
        <Text color={props.color} bold={props.bold}>
          {props.rows}
        </Text>
      </Box>
      {props.state ? (
        <Box marginLeft={2}>
          <Text color={props.stateColor ?? props.color} bold={props.bold}>
            {props.state}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}
