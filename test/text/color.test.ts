// One colour decision for every output: NO_COLOR wins, FORCE_COLOR forces colour off a terminal,
// otherwise only terminals get colour.
import { describe, expect, it } from 'vitest';
import { colorWanted } from '../../src/text/color.js';
import { colorAllowed } from '../../src/cli/output.js';
import { colorEnabled } from '../../src/ui/theme.js';

describe('colour', () => {
  it('follows NO_COLOR, then FORCE_COLOR, then whether it is a terminal', () => {
    expect(colorWanted({}, true)).toBe(true);
    expect(colorWanted({}, false)).toBe(false);
    expect(colorWanted({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted({ NO_COLOR: '' }, true)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '0' }, false)).toBe(false);
    expect(colorWanted({ FORCE_COLOR: 'false' }, true)).toBe(true);
    expect(colorWanted({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
  });

  it('is the same decision in the CLI and the Ink app', () => {
    const io = (env: Record<string, string>, isTTY: boolean) => ({
      env,
      cwd: '/',
      stdout: { write: () => true },
      stderr: { write: () => true, isTTY },
    });
    expect(colorAllowed(io({ FORCE_COLOR: '1' }, false), false)).toBe(true);
    expect(colorAllowed(io({ FORCE_COLOR: '1' }, true), true)).toBe(false); // never with --json
    expect(colorAllowed(io({ NO_COLOR: 'x' }, true), false)).toBe(false);
    expect(colorEnabled({ NO_COLOR: 'x' })).toBe(false);
    expect(colorEnabled({})).toBe(true);
  });
});
