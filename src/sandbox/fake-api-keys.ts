// Fake API keys shaped like each provider's real ones, so a rehearsal looks like production, but
// each carries an obvious marker (FAKE / deadbeef / test) so nobody mistakes one for a credential.
import { ALPHANUMERIC, HEX, type SeededRandom } from './seeded-random.js';

export const PROVIDER_TYPES = ['openai', 'anthropic', 'azure_openai', 'llmsim'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

const URL_SAFE = `${ALPHANUMERIC}-_`;

/** A clearly fake key in the provider's format. */
export function fakeApiKey(type: ProviderType, random: SeededRandom): string {
  switch (type) {
    case 'openai':
      return `sk-proj-FAKE${random.chars(URL_SAFE, 44)}`;
    case 'anthropic':
      return `sk-ant-api03-FAKE${random.chars(URL_SAFE, 80)}AA`;
    case 'azure_openai':
      // Azure keys are 32 hex digits; the deadbeef prefix marks it as made up.
      return `deadbeef${random.chars(HEX, 24)}`;
    case 'llmsim':
      return `llmsim-test-${random.chars(ALPHANUMERIC, 24)}`;
    default: {
      const unknownType: never = type;
      throw new Error(`no fake key format for ${String(unknownType)}`);
    }
  }
}
