// The exit-code table: the one place an error class becomes a process exit code. The README's
// table is generated from (and tested against) EXIT_CODES, so the two cannot drift apart.
import { KekRotateError, type ErrorKind } from '../errors.js';

export interface ExitCodeEntry {
  readonly code: number;
  readonly name: string;
  readonly meaning: string;
}

export const EXIT_CODES = {
  ok: { code: 0, name: 'ok', meaning: 'Done, and the result is clean.' },
  incomplete: {
    code: 1,
    name: 'incomplete',
    meaning: 'Finished, but not clean: rows failed to rotate, or verification failed.',
  },
  usage: {
    code: 2,
    name: 'usage',
    meaning: 'Usage or configuration error (a flag, a key, a file, a missing variable).',
  },
  database: { code: 3, name: 'database', meaning: 'Database error (cannot connect, or a statement failed).' },
  external: { code: 4, name: 'external', meaning: "An external process (the application's own tool) failed." },
  internal: {
    code: 70,
    name: 'internal',
    meaning: 'Internal error: a bug in kek-rotate (run with --debug for the stack).',
  },
  cancelled: { code: 130, name: 'cancelled', meaning: 'Cancelled by the operator (Ctrl-C or SIGTERM).' },
} as const satisfies Record<ErrorKind | 'ok' | 'internal', ExitCodeEntry>;

export type ExitKind = keyof typeof EXIT_CODES;

/** Which row of the table an error belongs to. Anything unexpected is a bug. */
export function exitKindFor(error: unknown): ExitKind {
  return error instanceof KekRotateError ? error.kind : 'internal';
}

export function exitCodeFor(error: unknown): number {
  return EXIT_CODES[exitKindFor(error)].code;
}

/** The table as Markdown, for the README (a test checks the README contains exactly this). */
export function exitCodeMarkdownTable(): string {
  const rows = Object.values(EXIT_CODES).map((e) => `| ${e.code} | ${e.name} | ${e.meaning} |`);
  return ['| Code | Name | Meaning |', '| ---: | --- | --- |', ...rows].join('\n');
}
