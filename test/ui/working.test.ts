// The elapsed time beside the spinner of a working step.
import { describe, expect, it } from 'vitest';
import { formatElapsed } from '../../src/ui/components/Working.js';

describe('formatElapsed', () => {
  it('writes m:ss under an hour and h:mm:ss from an hour on', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(59_999)).toBe('0:59');
    expect(formatElapsed(61_000)).toBe('1:01');
    expect(formatElapsed(3_600_000 + 62_000)).toBe('1:01:02');
    expect(formatElapsed(-5)).toBe('0:00');
  });
});
