import { defineConfig } from 'vitest/config';

// One run over every workspace: `pnpm vitest run`. Each project keeps its own vitest.config.ts,
// so `turbo run test` can also test one package at a time.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'scripts', 'deploy', 'tooling/*'],
  },
});
