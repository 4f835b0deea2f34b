// --json: each engine event as one line of JSON on stdout, for scripts. Nothing else goes to stdout.
import type { EngineEvent } from '../../engine/events.js';
import type { Output } from '../output.js';
import type { RunRenderer } from './renderer.js';

/** JSON.stringify escapes C0 controls; C1 controls and bidi overrides are escaped too, so no line can drive a terminal. */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function jsonRenderer(out: Output): RunRenderer {
  return {
    onEvent: (event: EngineEvent) => out.data(toJsonLine(event)),
    close: async () => undefined,
  };
}
