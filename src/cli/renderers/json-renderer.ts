// --json: each engine event as one line of JSON on stdout, for scripts. Nothing else goes to stdout.
import type { EngineEvent } from '../../engine/events.js';
import { jsonLine } from '../../text/terminal-safe.js';
import type { Output } from '../output.js';
import type { RunRenderer } from './renderer.js';

/** One event as one line of JSON that no string inside can break or turn into terminal control (src/text/terminal-safe.ts). */
export const toJsonLine: (value: unknown) => string = jsonLine;

export function jsonRenderer(out: Output): RunRenderer {
  return {
    onEvent: (event: EngineEvent) => out.data(toJsonLine(event)),
    close: async () => undefined,
  };
}
