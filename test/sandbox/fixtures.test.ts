// Fixture providers: repeatable for a seed, realistic per type, fake keys in each provider's shape.
import { describe, expect, it } from 'vitest';
import { fakeApiKey, PROVIDER_TYPES } from '../../src/sandbox/fake-api-keys.js';
import { FIXTURE_MARK, generateProviders } from '../../src/sandbox/fixtures.js';
import { seededRandom } from '../../src/sandbox/seeded-random.js';

const KEY_SHAPES: Record<string, RegExp> = {
  openai: /^sk-proj-FAKE[A-Za-z0-9_-]{44}$/,
  anthropic: /^sk-ant-api03-FAKE[A-Za-z0-9_-]{80}AA$/,
  azure_openai: /^deadbeef[0-9a-f]{24}$/,
  llmsim: /^llmsim-test-[A-Za-z0-9]{24}$/,
};

describe('fixture providers', () => {
  it('are identical for the same seed and differ for another', () => {
    const a = generateProviders({ rows: 50, seed: 7 });
    expect(generateProviders({ rows: 50, seed: 7 })).toEqual(a);
    expect(generateProviders({ rows: 50, seed: 8 })).not.toEqual(a);
  });

  it('cover every provider type, with and without keys, active and disabled', () => {
    const providers = generateProviders({ rows: 300 });
    expect(new Set(providers.map((p) => p.providerType))).toEqual(new Set(PROVIDER_TYPES));
    const withoutKey = providers.filter((p) => p.apiKey === null).length;
    expect(withoutKey).toBeGreaterThan(10);
    expect(withoutKey).toBeLessThan(90);
    expect(new Set(providers.map((p) => p.status))).toEqual(new Set(['active', 'disabled']));
    expect(new Set(providers.map((p) => p.name)).size).toBe(providers.length);
  });

  it('give each type its own key shape, base URL and settings, and mark the rows as fixtures', () => {
    for (const p of generateProviders({ rows: 200, seed: 3 })) {
      if (p.apiKey !== null) expect(p.apiKey).toMatch(KEY_SHAPES[p.providerType]!);
      expect(p.settings[FIXTURE_MARK]).toBe('true');
      if (p.providerType === 'azure_openai') expect(p.baseUrl).toMatch(/^https:\/\/[a-z0-9-]+\.openai\.azure\.com\/$/);
      if (p.providerType === 'llmsim') expect(p.baseUrl).toBe('http://llmsim.internal:8080/v1');
      if (p.providerType === 'openai')
        expect(p.baseUrl === null || p.baseUrl === 'https://api.openai.com/v1').toBe(true);
      expect(p.name).toMatch(/^(OpenAI|Anthropic|Azure OpenAI|LLM simulator) /);
    }
  });

  it('makes fake keys that are obviously fake', () => {
    const random = seededRandom(1);
    for (const type of PROVIDER_TYPES) expect(fakeApiKey(type, random)).toMatch(/FAKE|deadbeef|test/);
  });

  it('refuses a negative or fractional row count', () => {
    expect(() => generateProviders({ rows: -1 })).toThrow(RangeError);
    expect(() => generateProviders({ rows: 1.5 })).toThrow(RangeError);
  });
});
