// The README shows the real --help of every documented command and the real exit-code table, so
// it cannot drift from the tool: change a flag, and this fails until the README is updated.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeMarkdownTable, EXIT_CODES } from '../../src/cli/exit-codes.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { keyTableMarkdown } from '../../runbook/keys.js';
import { cli, REPO } from './cli-harness.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8');

describe('README', () => {
  // Every command the tool has (from its own table), so a new command cannot be left out.
  const documented = [[], ...COMMANDS.filter((c) => c.name !== 'help').map((c) => [c.name])];
  it.each(documented.map((c) => [c]))('contains the exact --help of kek-rotate %j', async (command) => {
    const r = await cli([...command, '--help']);
    expect(r.exitCode).toBe(0);
    expect(README).toContain(`### \`kek-rotate ${[...command, '--help'].join(' ')}\``);
    expect(README).toContain('```text\n' + r.stdout.trimEnd() + '\n```');
  });

  it('contains the key table exactly as runbook/keys.ts defines it', () => {
    expect(README).toContain(`<!-- keys:start -->\n${keyTableMarkdown()}\n<!-- keys:end -->`);
  });

  it('contains the exit-code table exactly as src/cli/exit-codes.ts defines it', () => {
    expect(README).toContain(exitCodeMarkdownTable());
    for (const entry of Object.values(EXIT_CODES))
      expect(README).toMatch(new RegExp(`\\| ${entry.code} \\| ${entry.name} \\|`));
  });

  it('gives the two commands a newcomer needs, and npm start is the rehearsal', () => {
    expect(README).toContain('npm install && npm start');
    expect(README).toContain('npm test');
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node bin/kek-rotate rehearse');
  });

  it('lists every rehearsal scenario', async () => {
    const { scenarioNames } = await import('../../runbook/scenarios/index.js');
    for (const name of scenarioNames()) expect(README).toContain(`\`${name}\``);
  });
});
