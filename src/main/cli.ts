// `openecg` command line: one entry, one module per subcommand under cli/.
import { COMMANDS } from './cli/commands.js';
import { UsageError } from './cli/command.js';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['usage: openecg <command> [options]   (openecg <command> --help for its options)', '', ...lines, ''].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`openecg: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`openecg ${name}: ${err.message}\n${command.usage}\n`);
      return 2;
    }
    process.stderr.write(`openecg ${name}: ${(err as Error).message ?? String(err)}\n`);
    if (process.env.OPENECG_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}
