// Vite build and Vitest configuration for the Kartta web app.
import { defineConfig } from 'vitest/config';

// Where `npm run dev` / `vite preview` forward sync and API calls: a running `kartta serve`.
const karttaOrigin = process.env.KARTTA_ORIGIN ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: {
    proxy: {
      '/sync': { target: karttaOrigin.replace(/^http/, 'ws'), ws: true },
      '/api': karttaOrigin,
    },
  },
  test: { include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 10000 },
});
