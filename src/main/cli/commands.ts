// The registry of subcommands, in the order `openecg --help` lists them.
import type { Command } from './command.js';
import { readCommand } from './read.js';

export const COMMANDS: readonly Command[] = [readCommand];
