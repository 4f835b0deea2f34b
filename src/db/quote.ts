// Identifiers and literals for SQL we build. Identifiers come only from the registry and must be
// plain names; anything else is refused rather than escaped, so no input can reshape a statement.
import { UserError } from '../errors.js';

/** A plain PostgreSQL identifier: letter or underscore first, at most 63 characters (NAMEDATALEN - 1). */
export const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function isPlainIdentifier(name: string): boolean {
  return PLAIN_IDENTIFIER.test(name);
}

/** Throws a UserError unless `name` is a plain identifier. `what` says where it came from (e.g. "table in entry 2"). */
export function assertIdentifier(name: string, what = 'identifier'): string {
  if (!isPlainIdentifier(name)) {
    throw new UserError(
      `${what} ${JSON.stringify(name)} is not a plain identifier`,
      'Use letters, digits and _ only, starting with a letter or _, at most 63 characters (as in the database catalog, case-sensitive).',
    );
  }
  return name;
}

/** `"name"`, after validation. Quoting keeps case and keywords (a column named `order`) intact. */
export function quoteIdent(name: string, what?: string): string {
  return `"${assertIdentifier(name, what)}"`;
}

/**
 * A string literal for SQL shown to operators (pasteable into psql, where bind parameters do not
 * exist). Assumes standard_conforming_strings=on, the default since PostgreSQL 9.1.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0'))
    throw new UserError('a value for SQL contains a NUL character', 'Remove it: PostgreSQL text cannot hold NUL.');
  if (value.includes('\\')) {
    // E'' form: correct whatever standard_conforming_strings says.
    return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  }
  return `'${value.replace(/'/g, "''")}'`;
}
