// Vite (production build): relative asset URLs, so that dist/ can be served from any path.
export default {
  base: './',
  logLevel: 'warn',
  build: { outDir: 'dist', emptyOutDir: true },
};
