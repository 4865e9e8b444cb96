// Import errors the command line turns into exit status 2 (arguments that cannot be used).

export class ImportArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportArgumentError';
  }
}
