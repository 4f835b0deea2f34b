// The registry: a config file validated with useful errors, entries checked against the catalog
// (bytea, text and jsonb detected; anything else refused), --table, and *_encrypted columns that
// nobody registered.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COLUMNS } from '../../src/db/column.js';
import { quoteIdent, quoteLiteral } from '../../src/db/quote.js';
import { loadRegistryConfig } from '../../src/db/registry-config.js';
import { resolveColumns } from '../../src/db/registry.js';
import { describeUnregistered, findUnregisteredColumns } from '../../src/db/unregistered-columns.js';
import { UserError } from '../../src/errors.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { BACKENDS } from '../helpers/test-db.js';
import { PGLITE_START_TIMEOUT_MS, perTestSchema } from '../helpers/test-db.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kek-registry-'));
function configFile(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

export const INTEGRATIONS_DDL = `CREATE TABLE integrations (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_encrypted TEXT,
  settings_encrypted JSONB,
  counter_encrypted INTEGER
)`;

describe('identifiers', () => {
  it('quotes plain identifiers and refuses anything else', () => {
    expect(quoteIdent('llm_providers')).toBe('"llm_providers"');
    expect(quoteIdent('Order_2')).toBe('"Order_2"');
    for (const bad of ['', '1table', 'a-b', 'x"; DROP TABLE t; --', 'a'.repeat(64), 'sp ace', 'ünï']) {
      expect(() => quoteIdent(bad), bad).toThrow(UserError);
    }
    expect(quoteIdent('a'.repeat(63))).toBe(`"${'a'.repeat(63)}"`);
  });

  it('writes literals that survive quotes and backslashes', () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral('a\\b')).toBe("E'a\\\\b'");
  });
});

describe('registry config file', () => {
  it('defaults to the application registry without a file', () => {
    expect(loadRegistryConfig()).toEqual(DEFAULT_COLUMNS);
  });

  it('reads entries, defaulting idColumn to id', () => {
    const file = configFile('ok.json', {
      columns: [
        { table: 'integrations', column: 'token_encrypted' },
        { schema: 'app', table: 't', column: 'x_encrypted', idColumn: 'uid' },
      ],
    });
    expect(loadRegistryConfig(file)).toEqual([
      { table: 'integrations', column: 'token_encrypted', idColumn: 'id' },
      { schema: 'app', table: 't', column: 'x_encrypted', idColumn: 'uid' },
    ]);
  });

  it('names the file and the field, and says what to fix', () => {
    const file = configFile('bad.json', { columns: [{ table: 'ok', column: 'x; DROP TABLE users' }] });
    const error = (() => {
      try {
        loadRegistryConfig(file);
      } catch (e) {
        return e as UserError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(file);
    expect(error.message).toContain('columns[0].column');
    expect(error.message).toContain('plain identifier');
    expect(error.hint).toContain('"columns"');
  });

  it('refuses unknown fields (a typo), an empty list, duplicates, bad JSON and a missing file', () => {
    expect(() => loadRegistryConfig(configFile('typo.json', { columns: [{ table: 't', colum: 'c' }] }))).toThrow(
      /columns\[0\]/,
    );
    expect(() => loadRegistryConfig(configFile('empty.json', { columns: [] }))).toThrow(/at least one column/);
    const twice = { table: 't', column: 'c_encrypted' };
    expect(() => loadRegistryConfig(configFile('dup.json', { columns: [twice, twice] }))).toThrow(
      /columns\[1\].*second time/,
    );
    expect(() => loadRegistryConfig(configFile('broken.json', '{"columns": ['))).toThrow(/not valid JSON/);
    expect(() => loadRegistryConfig(path.join(dir, 'nope.json'))).toThrow(/no such file/);
  });
});

describe.each(BACKENDS)('registry against $name', (backend) => {
  const dbs = perTestSchema(backend);
  beforeAll(() => dbs.prepare(), PGLITE_START_TIMEOUT_MS);
  afterAll(() => dbs.closeAll());

  it.skipIf(!backend.available)(
    'resolves the default bytea column and text/jsonb columns from a config file',
    async () => {
      const t = await dbs.fresh();
      try {
        await createApplicationSchema(t.db);
        await t.db.query(INTEGRATIONS_DDL);
        const entries = loadRegistryConfig(
          configFile('two.json', {
            columns: [
              { table: 'llm_providers', column: 'api_key_encrypted', idColumn: 'id' },
              { table: 'integrations', column: 'token_encrypted' },
              { table: 'integrations', column: 'settings_encrypted', schema: t.schema },
            ],
          }),
        );
        const resolved = await resolveColumns(t.db, entries);
        expect(
          resolved.map((c) => [c.label, c.schema, c.valueType, c.idType, c.qualifiedTable, c.quotedColumn, c.quotedId]),
        ).toEqual([
          [
            'llm_providers.api_key_encrypted',
            t.schema,
            'bytea',
            'uuid',
            `"${t.schema}"."llm_providers"`,
            '"api_key_encrypted"',
            '"id"',
          ],
          [
            'integrations.token_encrypted',
            t.schema,
            'text',
            'bigint',
            `"${t.schema}"."integrations"`,
            '"token_encrypted"',
            '"id"',
          ],
          [
            'integrations.settings_encrypted',
            t.schema,
            'jsonb',
            'bigint',
            `"${t.schema}"."integrations"`,
            '"settings_encrypted"',
            '"id"',
          ],
        ]);
        const only = await resolveColumns(t.db, entries, { table: 'integrations' });
        expect(only.map((c) => c.column)).toEqual(['token_encrypted', 'settings_encrypted']);
      } finally {
        await t.drop();
      }
    },
  );

  it.skipIf(!backend.available)('refuses --table outside the registry, listing the registered tables', async () => {
    const t = await dbs.fresh();
    try {
      await createApplicationSchema(t.db);
      await expect(resolveColumns(t.db, DEFAULT_COLUMNS, { table: 'users' })).rejects.toThrow(
        /--table users: not a registered table \(registered: llm_providers\)/,
      );
    } finally {
      await t.drop();
    }
  });

  it.skipIf(!backend.available)(
    'says what is missing when the table, column or id column does not exist, or the type is wrong',
    async () => {
      const t = await dbs.fresh();
      try {
        const missingTable = await resolveColumns(t.db, DEFAULT_COLUMNS).catch((e: UserError) => e);
        expect(missingTable).toBeInstanceOf(UserError);
        expect((missingTable as UserError).message).toMatch(
          new RegExp(`table llm_providers .*does not exist in any schema on the search_path \\(${t.schema}\\)`),
        );
        expect((missingTable as UserError).hint).toMatch(/application's database and schema.*--config/);
        await expect(resolveColumns(t.db, [{ ...DEFAULT_COLUMNS[0]!, schema: 'no_such_schema' }])).rejects.toThrow(
          /does not exist in schema no_such_schema/,
        );
        await createApplicationSchema(t.db);
        await t.db.query(INTEGRATIONS_DDL);
        const wrongColumn = await resolveColumns(t.db, [
          { table: 'integrations', column: 'token', idColumn: 'id' },
        ]).catch((e: UserError) => e);
        expect((wrongColumn as UserError).message).toMatch(/column token .* does not exist in table .*integrations/);
        expect((wrongColumn as UserError).hint).toContain('settings_encrypted');
        await expect(
          resolveColumns(t.db, [{ table: 'integrations', column: 'token_encrypted', idColumn: 'uid' }]),
        ).rejects.toThrow(/id column uid/);
        await expect(
          resolveColumns(t.db, [{ table: 'integrations', column: 'counter_encrypted', idColumn: 'id' }]),
        ).rejects.toThrow(/has type integer; encrypted columns must be bytea, text or jsonb/);
        await expect(
          resolveColumns(t.db, [{ table: 'integrations"; --', column: 'x', idColumn: 'id' }]),
        ).rejects.toThrow(/not a plain identifier/);
      } finally {
        await t.drop();
      }
    },
  );

  it.skipIf(!backend.available)(
    'refuses an id column that does not identify one row: no unique index, NULLs, partial or composite keys',
    async () => {
      const t = await dbs.fresh();
      try {
        await t.db.query('CREATE TABLE no_key (id int, secret_encrypted bytea)');
        await t.db.query('CREATE TABLE nullable_unique (id int UNIQUE, secret_encrypted bytea)');
        await t.db.query('CREATE TABLE partial_unique (id int NOT NULL, secret_encrypted bytea)');
        await t.db.query('CREATE UNIQUE INDEX ON partial_unique (id) WHERE id > 0');
        await t.db.query(
          'CREATE TABLE composite (id int NOT NULL, part int NOT NULL, secret_encrypted bytea, PRIMARY KEY (id, part))',
        );
        await t.db.query('CREATE TABLE unique_not_null (id int NOT NULL UNIQUE, secret_encrypted bytea)');
        const refusal = async (table: string) =>
          (await resolveColumns(t.db, [{ table, column: 'secret_encrypted', idColumn: 'id' }]).catch(
            (e: unknown) => e,
          )) as UserError;
        const noKey = await refusal('no_key');
        expect(noKey).toBeInstanceOf(UserError);
        expect(noKey.message).toBe(
          `id column id of ${t.schema}.no_key (registered for no_key.secret_encrypted) does not identify one row: no primary key or unique index on it alone, and it allows NULL`,
        );
        expect(noKey.hint).toMatch(/"idColumn".*ADD PRIMARY KEY \(id\)/);
        expect((await refusal('nullable_unique')).message).toMatch(/does not identify one row: it allows NULL$/);
        expect((await refusal('partial_unique')).message).toMatch(/no primary key or unique index on it alone$/);
        expect((await refusal('composite')).message).toMatch(/no primary key or unique index on it alone$/);
        await expect(
          resolveColumns(t.db, [{ table: 'unique_not_null', column: 'secret_encrypted', idColumn: 'id' }]),
        ).resolves.toHaveLength(1);
        await createApplicationSchema(t.db);
        await expect(resolveColumns(t.db, DEFAULT_COLUMNS)).resolves.toHaveLength(1);
      } finally {
        await t.drop();
      }
    },
  );

  it.skipIf(!backend.available)('refuses tables in PostgreSQL system schemas', async () => {
    const t = await dbs.fresh();
    try {
      const error = (await resolveColumns(t.db, [
        { schema: 'pg_catalog', table: 'pg_class', column: 'relname', idColumn: 'oid' },
      ]).catch((e: unknown) => e)) as UserError;
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toMatch(/pg_catalog\.pg_class .* is in a PostgreSQL system schema/);
      await expect(
        resolveColumns(t.db, [
          { schema: 'information_schema', table: 'sql_features', column: 'comments', idColumn: 'feature_id' },
        ]),
      ).rejects.toThrow(/system schema/);
    } finally {
      await t.drop();
    }
  });

  it.skipIf(!backend.available)('finds *_encrypted columns that are not registered', async () => {
    const t = await dbs.fresh();
    try {
      await createApplicationSchema(t.db);
      await t.db.query(INTEGRATIONS_DDL);
      await t.db.query('CREATE TABLE notes (id int PRIMARY KEY, body text, encrypted text, xencrypted text)');
      const found = await findUnregisteredColumns(t.db, [
        ...DEFAULT_COLUMNS,
        { table: 'integrations', column: 'token_encrypted', idColumn: 'id' },
      ]);
      expect(found).toEqual([
        { schema: t.schema, table: 'integrations', column: 'counter_encrypted' },
        { schema: t.schema, table: 'integrations', column: 'settings_encrypted' },
      ]);
      expect(describeUnregistered(found)).toMatch(/would leave them on the old key: .*integrations\.counter_encrypted/);
      expect(await findUnregisteredColumns(t.db, DEFAULT_COLUMNS)).toHaveLength(3);
      expect(describeUnregistered([])).toBeUndefined();
    } finally {
      await t.drop();
    }
  });
});
