// Reads one line of the application's reencrypt-secrets output (tracing format, with or without ANSI
// colours) into a typed record. Formats: docs/FORMAT.md.
import { plainLine } from '../../text/terminal-safe.js';

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export type LogLine =
  | { type: 'initialized'; primaryKeyId: string }
  | { type: 'available-keys'; keyIds: string[] }
  | { type: 'loaded-dotenv'; path: string }
  | { type: 'connected' }
  | { type: 'table'; table: string }
  | { type: 'row'; kind: 'dry-run'; label: string; id: string; keyId: string }
  | { type: 'row'; kind: 'live'; label: string; id: string; keyId: string; toKeyId: string }
  /** `check`: the key id could not be read (a WARN); `reencrypt`: decrypting or encrypting failed (an ERROR). */
  | { type: 'row-failed'; stage: 'check' | 'reencrypt'; label: string; id: string; reason: string }
  | { type: 'progress'; processed: number; needing: number }
  | { type: 'summary'; kind: 'dry-run' | 'live'; count: number; total: number }
  | { type: 'no-tables' }
  | { type: 'wrapper'; phase: 'start' | 'done' }
  | { type: 'other'; level: LogLevel; message: string }
  | { type: 'text'; text: string };

const TRACING = /^\d{4}-\d{2}-\d{2}T\S+\s+(TRACE|DEBUG|INFO|WARN|ERROR)\s+[\w:]+:\s(.*)$/;

type Matcher = [RegExp, (m: RegExpExecArray, level: LogLevel) => LogLine | undefined];

const MESSAGES: Matcher[] = [
  [/^Encryption service initialized\. Primary key: (\S+)$/, (m) => ({ type: 'initialized', primaryKeyId: m[1]! })],
  [
    /^Available keys: \[(.*)\]$/,
    (m) => ({ type: 'available-keys', keyIds: [...m[1]!.matchAll(/"([^"]*)"/g)].map((k) => k[1]!) }),
  ],
  [/^Loaded \.env from (.*)$/, (m) => ({ type: 'loaded-dotenv', path: m[1]!.replace(/^"(.*)"$/, '$1') })],
  [/^Connected to database$/, () => ({ type: 'connected' })],
  [/^Processing table: (\S+)$/, (m) => ({ type: 'table', table: m[1]! })],
  [
    /^Would re-encrypt (\S+) \(id=([^,)]+), current_key=([^)]*)\)$/,
    (m) => ({ type: 'row', kind: 'dry-run', label: m[1]!, id: m[2]!, keyId: m[3]! }),
  ],
  [
    /^Re-encrypted (\S+) \(id=([^,)]+), (\S*) -> (\S+)\)$/,
    (m) => ({ type: 'row', kind: 'live', label: m[1]!, id: m[2]!, keyId: m[3]!, toKeyId: m[4]! }),
  ],
  [
    /^Failed to re-encrypt (\S+) \(id=([^)]+)\): (.*)$/,
    (m) => ({ type: 'row-failed', stage: 'reencrypt', label: m[1]!, id: m[2]!, reason: m[3]! }),
  ],
  [
    /^Failed to check key for (\S+) \(id=([^)]+)\): (.*)$/,
    (m) => ({ type: 'row-failed', stage: 'check', label: m[1]!, id: m[2]!, reason: m[3]! }),
  ],
  [
    /^Progress: (\d+) processed, (\d+) need re-encryption$/,
    (m) => ({ type: 'progress', processed: Number(m[1]), needing: Number(m[2]) }),
  ],
  [
    /^DRY RUN: Would re-encrypt (\d+) of (\d+) records$/,
    (m) => ({ type: 'summary', kind: 'dry-run', count: Number(m[1]), total: Number(m[2]) }),
  ],
  [
    /^Re-encrypted (\d+) of (\d+) records$/,
    (m) => ({ type: 'summary', kind: 'live', count: Number(m[1]), total: Number(m[2]) }),
  ],
  [/^No tables with encrypted fields found$/, () => ({ type: 'no-tables' })],
];

// The admin container's wrapper script prints these bare, without the tracing prefix.
const WRAPPER: [RegExp, 'start' | 'done'][] = [
  [/^Running secrets re-encryption\.\.\.$/, 'start'],
  [/^Re-encryption completed successfully$/, 'done'],
];

/** Parses one line of output; anything unrecognised comes back as `other` (tracing) or `text`. */
export function parseLogLine(raw: string): LogLine {
  const line = plainLine(raw).trimEnd();
  const tracing = TRACING.exec(line);
  if (!tracing) {
    const wrapper = WRAPPER.find(([pattern]) => pattern.test(line.trim()));
    return wrapper ? { type: 'wrapper', phase: wrapper[1] } : { type: 'text', text: line };
  }
  const level = tracing[1] as LogLevel;
  const message = tracing[2]!;
  for (const [pattern, build] of MESSAGES) {
    const match = pattern.exec(message);
    if (match) return build(match, level) ?? { type: 'other', level, message };
  }
  return { type: 'other', level, message };
}
