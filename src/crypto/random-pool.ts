// Random bytes for DEKs and nonces, drawn from the CSPRNG in blocks: one randomFillSync per few
// hundred values instead of three randomBytes calls per value (their per-call cost dominated).
import { randomFillSync } from 'node:crypto';

const BLOCK_BYTES = 16 * 1024;
let block = Buffer.alloc(0);
let used = 0;

/** `n` fresh random bytes. Each call gets bytes no other call gets: a used block is never refilled
 * (the subarrays handed out keep pointing at it), a new one is allocated instead. */
export function randomSlice(n: number): Buffer {
  if (n > BLOCK_BYTES) return randomFillSync(Buffer.allocUnsafeSlow(n));
  if (used + n > block.length) {
    block = randomFillSync(Buffer.allocUnsafeSlow(BLOCK_BYTES));
    used = 0;
  }
  const out = block.subarray(used, used + n);
  used += n;
  return out;
}
