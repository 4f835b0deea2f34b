// The --config file: which encrypted columns exist, when the application has more than the default.
// Validated with zod; every error names the file and the entry, and says how to fix it.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { DEFAULT_COLUMNS, type EncryptedColumn } from './column.js';
import { PLAIN_IDENTIFIER } from './quote.js';

const identifier = z
  .string()
  .regex(
    PLAIN_IDENTIFIER,
    'must be a plain identifier (letters, digits and _, not starting with a digit, at most 63 characters)',
  );

const entrySchema = z.strictObject({
  schema: identifier.optional(),
  table: identifier,
  column: identifier,
  idColumn: identifier.default('id'),
});

const configSchema = z.strictObject({
  columns: z.array(entrySchema).min(1, 'must list at least one column'),
});

const EXAMPLE = '{"columns":[{"table":"llm_providers","column":"api_key_encrypted","idColumn":"id"}]}';

/** `columns[0].table`, as an operator would look for it in the file. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '(top level)';
}

function entryKey(e: EncryptedColumn): string {
  return `${e.schema ?? ''}.${e.table}.${e.column}`;
}

/** Validates already-parsed JSON; `source` names it in errors. */
export function parseRegistryConfig(json: unknown, source: string): EncryptedColumn[] {
  const result = configSchema.safeParse(json);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    throw new UserError(
      `${source} is not a valid column registry: ${lines.join('; ')}`,
      `Fix those fields. The file is JSON like ${EXAMPLE} ("schema" is optional; "idColumn" defaults to "id").`,
    );
  }
  const seen = new Set<string>();
  result.data.columns.forEach((entry, index) => {
    const key = entryKey(entry);
    if (seen.has(key)) {
      throw new UserError(
        `${source}: columns[${index}] lists ${entry.table}.${entry.column} a second time`,
        'List each encrypted column once.',
      );
    }
    seen.add(key);
  });
  return result.data.columns.map((e) =>
    e.schema === undefined ? { table: e.table, column: e.column, idColumn: e.idColumn } : e,
  );
}

/** Reads the registry from a JSON file; without a path, the application's default registry. */
export function loadRegistryConfig(path?: string): EncryptedColumn[] {
  if (path === undefined) return [...DEFAULT_COLUMNS];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `cannot read column registry ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`,
      'Check the --config path, or leave --config out to use the application default (llm_providers.api_key_encrypted).',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path} is not valid JSON: ${(error as Error).message}`, `The file is JSON like ${EXAMPLE}`);
  }
  return parseRegistryConfig(json, path);
}
