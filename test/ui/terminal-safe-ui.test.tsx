// The UI draws text from rows (ids, key ids, reasons) through the one terminal-safe module: bidi
// controls and line separators are replaced like any other control character.
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorBox } from '../../src/ui/components/ErrorBox.js';
import { FailureList } from '../../src/ui/components/FailureList.js';
import { renderInk, type Rendered } from './render-ink.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

// render-ink strips VT sequences from frames, so the check is on what survives that: bidi and separators.
const BIDI_OR_SEPARATOR = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
const HOSTILE = 'kek\u202ev1\u2028x\u061cy\u200ez\u200fw\u2029v\u2066u';

describe('Ink components', () => {
  it('a failure list and an error box show no bidi control or line separator from a row', async () => {
    r = renderInk(
      <>
        <FailureList
          failures={[
            {
              table: 'llm_providers.api_key_encrypted',
              id: 'id-1',
              keyId: HOSTILE,
              reason: `encrypted under ${HOSTILE}`,
            },
          ]}
        />
        <ErrorBox message={`row on ${HOSTILE}`} />
      </>,
    );
    const frame = await r.waitFor((f) => f.includes('row on kek'), 'the error box');
    expect(frame).toContain('kek\uFFFDv1\uFFFDx\uFFFDy\uFFFDz\uFFFDw\uFFFDv\uFFFDu');
    expect(frame).not.toMatch(BIDI_OR_SEPARATOR);
  });
});
