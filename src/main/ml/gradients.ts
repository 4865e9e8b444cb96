// Registers tfjs-core's gradient functions. tfjs-core 4.22 ships them only as ES modules with
// extensionless relative and directory imports (meant for bundlers), which Node's ESM loader rejects; a resolve
// hook scoped to that package's dist folder adds the '.js' (or '/index.js'). The modules share tfjs's global
// engine and registries with the main bundle, so registering there registers for us.
import { register } from 'node:module';

const HOOK = `
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    const parent = context.parentURL ?? '';
    if (specifier.startsWith('.') && !specifier.endsWith('.js') && parent.includes('/@tensorflow/tfjs-core/dist/')) {
      try {
        return await next(specifier + '.js', context);
      } catch {
        return next(specifier + '/index.js', context);
      }
    }
    throw err;
  }
}`;

let loaded: Promise<void> | undefined;

export function registerAllGradients(): Promise<void> {
  loaded ??= (async () => {
    // Under a bundler or Vitest the import resolves without the hook; registering it is harmless.
    register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  })();
  return loaded;
}
