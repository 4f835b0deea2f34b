// Shared by the launchers: load the built CLI, or say how to build it (exit 70: the install is broken).
const entry = new URL('../dist/src/cli/main.js', import.meta.url);

export async function launch(argv) {
  let cli;
  try {
    cli = await import(entry.href);
  } catch (error) {
    if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/src/cli/main.js')) {
      process.stderr.write('kek-rotate is not built: run `npm install` (or `npm run build`) in its directory first.\n');
      process.exit(70);
    }
    throw error;
  }
  await cli.runCli(argv);
}
