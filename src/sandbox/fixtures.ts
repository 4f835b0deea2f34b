// Fixture providers for the rehearsal and for seeding staging: realistic names, types, base URLs
// and settings, fake keys, some providers without a key. The same seed gives the same rows.
import { fakeApiKey, type ProviderType } from './fake-api-keys.js';
import { HEX, seededRandom, type SeededRandom } from './seeded-random.js';

/** Marks rows kek-rotate created, so `seed` can tell them from the application's own rows. */
export const FIXTURE_MARK = 'kek_rotate_fixture';
export const DEFAULT_SEED = 20_240_601;

export interface ProviderFixture {
  readonly name: string;
  readonly providerType: ProviderType;
  readonly baseUrl: string | null;
  /** The API key to encrypt, or null for a provider configured without one. */
  readonly apiKey: string | null;
  readonly settings: Record<string, unknown>;
  readonly status: 'active' | 'disabled';
}

const LABELS: Record<ProviderType, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  azure_openai: 'Azure OpenAI',
  llmsim: 'LLM simulator',
};
const ENVIRONMENTS = ['production', 'staging', 'development', 'eval', 'batch jobs', 'canary'];
const TEAMS = [
  'search',
  'support bot',
  'analytics',
  'onboarding',
  'billing assistant',
  'code review',
  'research',
  'sales',
];
const AZURE_REGIONS = ['westeurope', 'eastus2', 'swedencentral', 'japaneast', 'canadaeast'];
const MODELS: Record<ProviderType, string[]> = {
  openai: ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o3-mini'],
  anthropic: ['claude-3-5-sonnet-latest', 'claude-3-5-haiku-latest', 'claude-sonnet-4-0'],
  azure_openai: ['gpt-4o', 'gpt-4o-mini', 'gpt-35-turbo'],
  llmsim: ['echo', 'lorem', 'slow-echo'],
};
// Weighted like a real fleet: mostly OpenAI and Anthropic, a few Azure, the simulator for tests.
const TYPE_WEIGHTS: readonly ProviderType[] = [
  'openai',
  'openai',
  'openai',
  'anthropic',
  'anthropic',
  'anthropic',
  'azure_openai',
  'azure_openai',
  'llmsim',
];

function baseUrlFor(type: ProviderType, random: SeededRandom): string | null {
  switch (type) {
    case 'openai':
      return random.chance(0.3) ? 'https://api.openai.com/v1' : null;
    case 'anthropic':
      return random.chance(0.3) ? 'https://api.anthropic.com' : null;
    case 'azure_openai':
      return `https://contoso-${random.pick(AZURE_REGIONS)}-${random.chars(HEX, 4)}.openai.azure.com/`;
    case 'llmsim':
      return 'http://llmsim.internal:8080/v1';
    default:
      return null;
  }
}

function settingsFor(type: ProviderType, random: SeededRandom): Record<string, unknown> {
  const model = random.pick(MODELS[type]);
  switch (type) {
    case 'openai':
      return {
        default_model: model,
        organization: `org-FAKE${random.chars(HEX, 12)}`,
        timeout_seconds: random.pick([30, 60, 120]),
      };
    case 'anthropic':
      return { default_model: model, max_tokens: random.pick([1024, 4096, 8192]) };
    case 'azure_openai':
      return {
        deployment: `${model}-${random.pick(['prod', 'dev', 'eu'])}`,
        api_version: random.pick(['2024-06-01', '2024-10-21']),
      };
    case 'llmsim':
      return {
        default_model: model,
        latency_ms: random.pick([10, 50, 200]),
        failure_rate: random.pick([0, 0.01, 0.05]),
      };
    default:
      return {};
  }
}

/** One provider; `index` keeps names unique. */
export function makeProvider(random: SeededRandom, index: number, options: { mark?: boolean } = {}): ProviderFixture {
  const providerType = random.pick(TYPE_WEIGHTS);
  // About one provider in eight is configured without a key (NULL, api_key_set false).
  const apiKey = random.chance(0.12) ? null : fakeApiKey(providerType, random);
  const settings = settingsFor(providerType, random);
  return {
    name: `${LABELS[providerType]} ${random.pick(ENVIRONMENTS)} (${random.pick(TEAMS)}) #${index + 1}`,
    providerType,
    baseUrl: baseUrlFor(providerType, random),
    apiKey,
    settings: options.mark === false ? settings : { ...settings, [FIXTURE_MARK]: 'true' },
    status: random.chance(0.88) ? 'active' : 'disabled',
  };
}

export interface FixtureOptions {
  rows: number;
  seed?: number | undefined;
}

/** `rows` providers, identical for the same seed. */
export function generateProviders({ rows, seed = DEFAULT_SEED }: FixtureOptions): ProviderFixture[] {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be a whole number >= 0, got ${rows}`);
  const random = seededRandom(seed);
  return Array.from({ length: rows }, (_, index) => makeProvider(random, index));
}
