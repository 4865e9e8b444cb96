// `openecg read <record> [--from N] [--to N] --json` (placeholder until the WFDB reader lands).
import type { Command } from './command.js';

export const readCommand: Command = {
  name: 'read',
  summary: 'read one record and print its signals in physical units',
  usage: 'usage: openecg read <record> [--from N] [--to N] [--json]',
  async run() {
    process.stderr.write('openecg read: not implemented yet\n');
    return 1;
  },
};
