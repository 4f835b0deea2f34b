#!/usr/bin/env node
// Regenerates every `### \`kek-rotate … --help\`` block of README.md from the real built binary,
// so the README shows exactly what the tool prints (test/cli/readme.test.ts checks it). Run after
// `npm run build`: `npm run readme:help`. Also refreshes the exit-code table and the key table between their markers.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readmePath = `${root}README.md`;
const bin = `${root}bin/kek-rotate`;

function helpOf(args) {
  // A fixed width and no colour, as the test runs it: the output must not depend on this terminal.
  return execFileSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  }).trimEnd();
}

let readme = readFileSync(readmePath, 'utf8');
// A heading, an optional paragraph, then the ```text block (which never contains ```).
const heading = /^(### `kek-rotate ((?:[a-z-]+ )*)--help`\n(?:(?!```|### )[\s\S])*?)```text\n(?:(?!```)[\s\S])*```/gm;
let count = 0;
readme = readme.replace(heading, (_match, prefix, words) => {
  const args = [...words.trim().split(' ').filter(Boolean), '--help'];
  count++;
  return `${prefix}\`\`\`text\n${helpOf(args)}\n\`\`\``;
});

const { exitCodeMarkdownTable } = await import(`${root}dist/src/cli/exit-codes.js`);
readme = readme.replace(
  /\| Code \| Name \| Meaning \|\n\| ---: \| --- \| --- \|\n(?:\|.*\|\n?)*/m,
  `${exitCodeMarkdownTable()}\n`,
);

// The interactive runbook's key table, from runbook/keys.ts (the screens take their keys from there).
const { keyTableMarkdown } = await import(`${root}dist/runbook/keys.js`);
readme = readme.replace(
  /<!-- keys:start -->[\s\S]*?<!-- keys:end -->/,
  `<!-- keys:start -->\n${keyTableMarkdown()}\n<!-- keys:end -->`,
);

writeFileSync(readmePath, readme);
process.stdout.write(`README.md: ${count} help blocks regenerated from ${bin}\n`);
