// The registry of subcommands, in the order `openecg --help` lists them.
import type { Command } from './command.js';
import { benchCommand } from './bench.js';
import { catalogCommand } from './catalog.js';
import { importCommand } from './import.js';
import { readCommand } from './read.js';

export const COMMANDS: readonly Command[] = [readCommand, importCommand, catalogCommand, benchCommand];
