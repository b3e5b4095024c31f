import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defaultClientConditions, defineConfig } from 'vite';

const server = process.env.TANDEM_SERVER ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [svelte()],
  // "source" resolves @tandem/crdt-bridge to its TypeScript, so the editor needs no prior build of it.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  server: {
    port: 5173,
    proxy: {
      '/api': server,
      '/healthz': server,
      '/socket.io': { target: server, ws: true },
    },
  },
  build: { target: 'es2022', sourcemap: true },
});
