// Shared by the launchers: load the built CLI, or say how to build it (exit 70: the install is broken).
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
const inkLive = new URL('../dist/src/ui/load-ink-live.js', import.meta.url);

async function load(url) {
  try {
    return await import(url.href);
  } catch (error) {
    if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/src/')) {
      process.stderr.write('kek-rotate is not built: run `npm install` (or `npm run build`) in its directory first.\n');
      process.exit(70);
    }
    throw error;
  }
}

export async function launch(argv) {
  // On a terminal, Ink must draw live even if the shell sets CI (see load-ink-live.ts).
  if (process.stdout.isTTY) await (await load(inkLive)).loadInkLive();
  const cli = await load(entry);
  await cli.runCli(argv);
}
