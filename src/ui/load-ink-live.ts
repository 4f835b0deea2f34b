// Ink decides once, when it is first loaded, whether it runs "in CI" (the CI variable is set): then it
// draws only the final frame. A person at a terminal needs every frame even when their shell sets CI,
// so whoever drives a real or test terminal loads Ink through here first.

const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

/** Loads Ink with the CI variables hidden, then puts them back for everything else (child processes, tests). */
export async function loadInkLive(): Promise<void> {
  const saved = CI_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const [name] of saved) delete process.env[name];
  try {
    await import('ink');
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}
