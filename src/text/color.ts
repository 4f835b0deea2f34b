// The one decision whether to colour output, for the headless commands and the interactive runbook
// alike. NO_COLOR (https://no-color.org), set and not empty, turns colour off; otherwise
// FORCE_COLOR (set, and not "0" or "false") turns it on even where output is not a terminal (CI logs
// that render colour); otherwise colour goes to terminals only. Never with --json.

export function colorWanted(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '0' && force.toLowerCase() !== 'false') return true;
  return isTTY;
}
