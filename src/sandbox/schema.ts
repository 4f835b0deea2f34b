// The application's schema for `llm_providers`, exactly as the application creates it
// (see docs/FORMAT.md). PostgreSQL before 18 has no uuidv7(); there we install a SQL
// version of it first, in the target schema, so ids still sort by creation time.
import type { Queryable } from '../db/db.js';

/** uuidv7() for servers that lack it: 48-bit milliseconds, version 7, variant bits, random rest. */
const UUIDV7_FALLBACK = `
CREATE OR REPLACE FUNCTION uuidv7() RETURNS uuid LANGUAGE sql VOLATILE AS $fn$
  SELECT encode(
    set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
      PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
      FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$fn$`;

export const LLM_PROVIDERS_DDL = `
CREATE TABLE IF NOT EXISTS llm_providers (
  id UUID PRIMARY KEY DEFAULT uuidv7(),
  name TEXT NOT NULL,
  provider_type TEXT NOT NULL CHECK (provider_type IN ('openai', 'anthropic', 'azure_openai', 'llmsim')),
  base_url TEXT,
  api_key_encrypted BYTEA,
  api_key_set BOOLEAN NOT NULL DEFAULT FALSE,
  settings JSONB NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE OR REPLACE FUNCTION llm_providers_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.updated_at = NOW();
  RETURN NEW;
END
$fn$;
DROP TRIGGER IF EXISTS llm_providers_updated_at ON llm_providers;
CREATE TRIGGER llm_providers_updated_at BEFORE UPDATE ON llm_providers
  FOR EACH ROW EXECUTE FUNCTION llm_providers_touch_updated_at();
`;

/** Creates the application's table (and uuidv7() where the server lacks it) in the current schema. */
export async function createApplicationSchema(db: Queryable): Promise<void> {
  const { rows } = await db.query<{ has: boolean }>(
    // Resolved through the search_path: a uuidv7() left in another schema must not count.
    "SELECT to_regprocedure('uuidv7()') IS NOT NULL AS has",
  );
  if (!rows[0]?.has) await db.query(UUIDV7_FALLBACK);
  for (const statement of splitStatements(LLM_PROVIDERS_DDL)) await db.query(statement);
}

/** Splits on `;` at line ends outside $fn$ bodies (pg runs one statement per parameterless query anyway, PGlite too, but keep errors precise). */
function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let inBody = false;
  for (const line of sql.split('\n')) {
    current += line + '\n';
    if ((line.match(/\$fn\$/g) ?? []).length % 2 === 1) inBody = !inBody;
    if (!inBody && line.trimEnd().endsWith(';')) {
      out.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
