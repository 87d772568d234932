// Vite build and Vitest configuration for the Kartta web app.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: {
    // During `npm run dev`, forward sync and API calls to a locally running `kartta serve --listen 127.0.0.1:8080`.
    proxy: {
      '/sync': { target: 'ws://127.0.0.1:8080', ws: true },
      '/api': 'http://127.0.0.1:8080',
    },
  },
  test: { include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 10000 },
});
