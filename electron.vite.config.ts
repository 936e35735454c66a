import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

const root = import.meta.dirname

// electron-vite 6 (Vite 8 / Rolldown). Entries follow its conventions, spelled out for clarity:
// out/main/index.js (ESM, because package.json has "type": "module"), out/preload/index.cjs,
// out/renderer/index.html.
export default defineConfig({
  main: {
    build: {
      // Dependencies stay in node_modules (the default, spelled out): pg, pglite, ws, nodemailer.
      externalizeDeps: true,
      lib: { entry: resolve(root, 'src/main/index.ts') },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only `electron` (and a few polyfilled builtins): it must
      // be a single CommonJS file with every other dependency bundled in.
      externalizeDeps: false,
      lib: { entry: resolve(root, 'src/preload/index.ts'), formats: ['cjs'] },
      rolldownOptions: {
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [react()],
    build: {
      // electron-vite leaves the renderer unminified by default: 1.5 MB of source for Chromium to
      // parse before the first screen, of which minifying removes two thirds.
      minify: true,
      rolldownOptions: { input: resolve(root, 'src/renderer/index.html') },
    },
  },
})
