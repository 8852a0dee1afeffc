/**
 * The playground build. The app imports the flatlab core straight from ../src (browser-safe by rule),
 * so the numbers in the browser come from the very same code as the CLI's.
 */
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset paths: the built app works from any folder or sub-path (flatlab serve, file shares).
  base: './',
  plugins: [preact()],
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
