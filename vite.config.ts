// Builds the renderer (src/renderer, React) into dist/renderer, which both front ends load:
// `openecg serve` over HTTP and Electron from disk, hence relative asset paths.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    // The chart library is loaded on demand in its own chunk; it is large by nature.
    chunkSizeWarningLimit: 1400,
  },
});
