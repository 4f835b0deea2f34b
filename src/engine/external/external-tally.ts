// Turns the tool's parsed log lines into the engine's event stream: rows from its per-row lines,
// failures from its ERROR/WARN lines, totals from the caller's count, and its summary line checked
// against what it listed.
import type { EncryptedColumn } from '../../db/column.js';
import { ColumnTally } from '../column-tally.js';
import type { EngineEventListener, RowFailure, RunKind, TableCounts } from '../events.js';
import { keyIdFromReason, problemFromReason } from './failure-problem.js';
import type { LogLine } from './log-line.js';
import { scrubSecrets } from './scrub.js';

export interface ExternalTallyOptions {
  kind: RunKind;
  primaryKeyId: string;
  totalRows: number;
  columns: readonly EncryptedColumn[];
  onEvent: EngineEventListener;
  now: () => number;
  /** Called when the tool must be stopped at once (it would rotate onto a key we did not choose). */
  onFatal: (message: string) => void;
}

/** `table.column` for a table the tool names, as the built-in engine labels it (the bare table if ambiguous). */
export function columnLabel(columns: readonly EncryptedColumn[], table: string): string {
  const matching = columns.filter((c) => c.table === table);
  return matching.length === 1 ? `${table}.${matching[0]!.column}` : table;
}

export class ExternalTally {
  private readonly tallies = new Map<string, ColumnTally>();
  private current: ColumnTally | undefined;
  private summary: Extract<LogLine, { type: 'summary' }> | undefined;
  private sawNoTables = false;

  constructor(private readonly o: ExternalTallyOptions) {}

  handle(line: LogLine): void {
    switch (line.type) {
      case 'initialized':
        if (line.primaryKeyId !== this.o.primaryKeyId) {
          this.o.onFatal(
            `the tool's primary key is ${line.primaryKeyId}, but this rotation is onto ${this.o.primaryKeyId}`,
          );
        }
        return;
      case 'loaded-dotenv':
        this.warn(`the tool also loaded ${line.path}; variables there that we did not set may apply to its run`);
        return;
      case 'table':
        this.current = this.tally(this.labelOf(line.table));
        return;
      case 'row': {
        const tally = this.tally(line.label);
        if (line.kind !== this.o.kind)
          this.warn(`the tool printed a ${line.kind} line during a ${this.o.kind} run (id=${line.id})`);
        if (line.kind === 'live' && line.toKeyId !== this.o.primaryKeyId) {
          this.o.onFatal(`the tool re-encrypted row ${line.id} onto ${line.toKeyId}, not ${this.o.primaryKeyId}`);
        }
        tally.keyIdsFound([line.keyId === '' ? undefined : line.keyId]);
        tally.add('rotated', 1);
        tally.progress();
        return;
      }
      case 'row-failed': {
        const reason = scrubSecrets(line.reason);
        const failure: RowFailure = {
          table: line.label,
          id: line.id,
          keyId: keyIdFromReason(reason),
          problem: problemFromReason(reason),
          reason,
        };
        this.tally(line.label).fail(failure);
        return;
      }
      case 'progress': {
        // Rows it processed but did not list were on the primary key already, or NULL: its output does not tell them apart.
        const tally = this.current;
        if (tally && line.processed > tally.counts.processed)
          tally.add('alreadyPrimary', line.processed - tally.counts.processed);
        tally?.progress(true);
        return;
      }
      case 'summary':
        this.summary = line;
        return;
      case 'no-tables':
        this.sawNoTables = true;
        return;
      case 'other':
        if (line.level === 'WARN' || line.level === 'ERROR') this.warn(`the tool: ${scrubSecrets(line.message)}`);
        return;
      case 'available-keys':
      case 'connected':
      case 'wrapper':
      case 'text':
        return;
      default: {
        const unhandled: never = line;
        throw new Error(`unhandled log line ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** Closes every table after a clean exit, reconciling with the summary line; returns counts and failures. */
  finish(): { tables: TableCounts[]; failures: RowFailure[] } {
    this.reconcile();
    return this.close();
  }

  /** Closes every table as it stands (the run was stopped or failed). */
  close(): { tables: TableCounts[]; failures: RowFailure[] } {
    const tables: TableCounts[] = [];
    const failures: RowFailure[] = [];
    for (const tally of this.tallies.values()) {
      tally.progress(true);
      const counts = tally.snapshot();
      tables.push(counts);
      failures.push(...tally.failures);
      this.o.onEvent({ type: 'table-done', counts });
    }
    return { tables, failures };
  }

  private reconcile(): void {
    const summary = this.summary;
    if (!summary) {
      if (!this.sawNoTables)
        this.warn('the tool exited without its summary line ("... of N records"); its counts could not be checked');
      return;
    }
    if (summary.kind !== this.o.kind) this.warn(`the tool reported a ${summary.kind} summary for a ${this.o.kind} run`);
    const all = [...this.tallies.values()];
    const listed = all.reduce((n, t) => n + t.counts.rotated, 0);
    if (listed !== summary.count) {
      this.warn(
        `the tool's summary says ${summary.count} rows ${this.o.kind === 'live' ? 'were re-encrypted' : 'would be re-encrypted'}, but it listed ${listed}`,
      );
    }
    const processed = all.reduce((n, t) => n + t.counts.processed, 0);
    const unlisted = summary.total - processed;
    if (unlisted < 0) {
      this.warn(`the tool's summary says ${summary.total} rows were processed, but it reported ${processed}`);
    } else if (unlisted > 0) {
      // Its summary is for all tables together; with one table the unlisted rows can only be there.
      if (all.length === 1) all[0]!.add('alreadyPrimary', unlisted);
      else if (all.length === 0)
        this.tally(this.labelOf(this.o.columns[0]?.table ?? 'rows')).add('alreadyPrimary', unlisted);
    }
  }

  private tally(label: string): ColumnTally {
    let tally = this.tallies.get(label);
    if (!tally) {
      const done = [...this.tallies.values()].reduce((n, t) => n + t.counts.processed, 0);
      const total = Math.max(0, this.o.totalRows - done);
      tally = new ColumnTally(label, total, this.o.onEvent, this.o.now);
      this.tallies.set(label, tally);
      this.o.onEvent({ type: 'table-start', table: label, total });
    }
    return tally;
  }

  private labelOf(table: string): string {
    return columnLabel(this.o.columns, table);
  }

  private warn(message: string): void {
    this.o.onEvent({ type: 'warning', message });
  }
}
