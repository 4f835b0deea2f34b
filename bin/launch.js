// Shared by the launchers: load the built CLI, or say how to build it (exit 70: the install is broken).

// Signals from the first instant. Loading the CLI takes a few hundred milliseconds of imports, and
// until a handler exists SIGINT/SIGTERM kill the process with the default action (exit 143 for
// SIGTERM, no message). So the launcher records a signal that comes before the CLI is loaded and
// hands it over to the CLI's abort logic (src/cli/signals.ts), which stops before its command starts:
// "stopped:", exit 130, as for a later signal. A second signal before then means "now": nothing has
// started, so nothing can be half-written, and it exits 130 at once.
const early = [];
let handedOver = false;
function onEarlySignal(signal) {
  // Once handed over, the CLI's own handler sees every signal; this one stays installed so there is
  // never an instant without a handler.
  if (handedOver) return;
  if (early.length > 0) {
    process.stderr.write(`stopped: cancelled by ${signal} before the command started; nothing was done.\n`);
    process.exit(130); // EXIT_CODES.cancelled (src/cli/exit-codes.ts)
  }
  early.push(signal);
}
process.on('SIGINT', onEarlySignal);
process.on('SIGTERM', onEarlySignal);

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
const signalsEntry = new URL('../dist/src/cli/signals.js', import.meta.url);
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
  const signals = await load(signalsEntry);
  // From here to runCli installing its handlers everything is synchronous: no signal can slip between.
  handedOver = true;
  signals.adoptEarlySignals(early);
  await cli.runCli(argv);
}
