// One renderer per run, chosen once at start-up: Ink on a terminal, plain lines when piped, JSON
// lines with --json. All three consume the same EngineEvent stream.
import type { EngineEvent } from '../../engine/events.js';
import type { Output } from '../output.js';
import { jsonRenderer } from './json-renderer.js';
import { plainRenderer } from './plain-renderer.js';

export interface RunRenderer {
  onEvent(event: EngineEvent): void;
  /** Stops drawing and flushes; called once, before the summary is printed. */
  close(): Promise<void>;
}

export type RendererKind = 'ink' | 'plain' | 'json';

export interface RendererChoice {
  json: boolean;
  stderrIsTTY: boolean;
  /** Terminal width; 0 or unknown (some pseudo-terminals) cannot be laid out, so it gets lines. */
  stderrColumns: number | undefined;
  env: Record<string, string | undefined>;
}

export function chooseRendererKind(options: RendererChoice): RendererKind {
  if (options.json) return 'json';
  // A dumb terminal cannot redraw in place; give it lines.
  if (!options.stderrIsTTY || options.env.TERM === 'dumb' || !options.stderrColumns) return 'plain';
  return 'ink';
}

export async function createRenderer(kind: RendererKind, out: Output): Promise<RunRenderer> {
  switch (kind) {
    case 'json':
      return jsonRenderer(out);
    case 'plain':
      return plainRenderer(out);
    case 'ink': {
      // Loaded only when drawn: piped runs and scripts do not pay for React.
      const { inkRenderer } = await import('./ink-renderer.js');
      return inkRenderer(out);
    }
    default: {
      const unknown: never = kind;
      throw new Error(`unknown renderer ${String(unknown)}`);
    }
  }
}
