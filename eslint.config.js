// Lint: typescript-eslint's recommended rules plus the layer rule (imports go one way:
// shared <- platform <- formats <- datasets/signal <- catalog <- ml <- experiments/jobs/import/demo <- workspace/api <- server/cli/Electron main).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((dir) => ({ group: [`**/${dir}/**`, `**/${dir}`], message: `layer rule: ${files[0]} may not import ${dir}` })) }],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-output/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', performance: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  layer(['src/shared/**'], ['main', 'renderer', 'preload']),
  // platform: where the app's files are and how its own scripts start (checkout or packaged app).
  layer(['src/main/platform/**'], ['formats', 'datasets', 'signal', 'catalog', 'ml', 'experiments', 'jobs', 'import', 'demo', 'workspace', 'api', 'server', 'cli', 'electron']),
  layer(['src/main/formats/**'], ['datasets', 'signal', 'catalog', 'ml', 'experiments', 'jobs', 'import', 'demo', 'workspace', 'api', 'server', 'cli']),
  layer(['src/main/datasets/**', 'src/main/signal/**'], ['catalog', 'ml', 'experiments', 'jobs', 'import', 'demo', 'workspace', 'api', 'server', 'cli']),
  layer(['src/main/catalog/**'], ['ml', 'experiments', 'jobs', 'import', 'demo', 'workspace', 'api', 'server', 'cli']),
  layer(['src/main/ml/**'], ['experiments', 'jobs', 'import', 'demo', 'workspace', 'api', 'server', 'cli']),
  layer(['src/main/experiments/**', 'src/main/jobs/**', 'src/main/import/**', 'src/main/demo/**'], ['workspace', 'api', 'server', 'cli']),
  layer(['src/main/workspace/**', 'src/main/api/**'], ['server', 'cli']),
  layer(['src/main/server/**'], ['cli']),
  layer(['src/renderer/**'], ['main', 'preload']),
  // The preload speaks only the one IPC channel: no main-side code, no renderer code.
  layer(['src/preload/**'], ['main', 'renderer']),
);
