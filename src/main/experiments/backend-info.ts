// Provenance of a run: which engine computed it and from which code.
import { chooseBackend } from '../ml/index.js';
import { codeVersion } from '../ml/bundle.js';

export { chooseBackend };
/** git describe of the checkout, else the package version (the same string bundles carry). */
export const codeVersionOf = (): string => codeVersion();
