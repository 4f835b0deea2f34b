// `kek-rotate help [command]`: the global help, or one command's.
import { UserError } from '../../errors.js';
import { commandHelp, defineCommand, type Command } from '../command.js';
import { HELP } from '../common-flags.js';

/** Built by the commands table, which it needs to look commands up (and which lists it). */
export function makeHelpCommand(lookup: (name: string) => Command | undefined, globalHelp: () => string): Command {
  return defineCommand({
    name: 'help',
    summary: 'Show help for kek-rotate or one command',
    usage: 'kek-rotate help [command]',
    description: 'Shows the global help, or the help of one command.',
    flags: [HELP],
    positionals: true,
    async run({ positionals }, ctx) {
      const name = positionals[0];
      if (name === undefined) {
        ctx.io.stdout.write(`${globalHelp()}\n`);
        return;
      }
      const command = lookup(name);
      if (!command)
        throw new UserError(`unknown command ${JSON.stringify(name)}`, 'Run `kek-rotate --help` to see the commands.');
      ctx.io.stdout.write(`${commandHelp(command)}\n`);
    },
  });
}
