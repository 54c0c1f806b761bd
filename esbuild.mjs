// Builds every bundle: the extension host (CommonJS, Node), the CLI (CommonJS, Node, with a
// shebang), Node worker threads, and the webviews (ES modules, browser).
// Usage: node esbuild.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  charset: 'utf8',
};

// ESM-only packages (h5wasm) use import.meta.url; CommonJS bundles get it from this shim.
const nodeCommon = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  define: { 'import.meta.url': 'import_meta_url' },
  inject: ['scripts/import-meta-url.js'],
};

/** Node-side bundles. Worker threads are separate entry points so they can be spawned by path. */
const nodeBundles = [
  { entryPoints: { extension: 'src/extension/extension.ts' }, external: ['vscode'] },
  { entryPoints: { cli: 'src/cli/main.ts' }, banner: { js: '#!/usr/bin/env node' } },
  // Worker threads, spawned by src/core/io/workerThreads.ts from next to the extension/CLI bundles.
  { entryPoints: { bodycompressWorker: 'src/core/bodycompress/bodycompressWorker.ts' } },
  // Spawned by src/core/extract/extractBatch.ts: one performance per worker thread.
  { entryPoints: { extractWorker: 'src/core/extract/extractWorker.ts' } },
  // Spawned by src/core/extract/copyThreads.ts: copies stored payloads with blocking I/O.
  { entryPoints: { copyWorker: 'src/core/extract/copyWorker.ts' } },
];

/** Browser-side bundles, one per editor. */
const webviewBundles = [{ entryPoints: { smc: 'src/webview/smc/main.ts', bodycompress: 'src/webview/bodycompress/main.ts' } }];

const configs = [
  ...nodeBundles.map((b) => ({ ...nodeCommon, ...b, outdir: 'dist' })),
  ...webviewBundles.map((b) => ({
    ...common,
    ...b,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    outdir: 'dist/webview',
  })),
];

/**
 * lzma-native (the BodyCompress writer's compressor when no `xz` is installed) loads its N-API
 * binary with node-gyp-build from `<bundle dir>/prebuilds/<platform>-<arch>/`; copy the Node-API
 * builds (they also load in Electron) and the Windows DLLs.
 */
async function copyLzmaNativePrebuilds() {
  const from = 'node_modules/lzma-native/prebuilds';
  for (const dir of await readdir(from)) {
    for (const f of await readdir(`${from}/${dir}`)) {
      if (f === 'node.napi.node' || f.endsWith('.dll')) {
        await mkdir(`dist/prebuilds/${dir}`, { recursive: true });
        await cp(`${from}/${dir}/${f}`, `dist/prebuilds/${dir}/${f}`);
      }
    }
  }
}

/**
 * The HDF5 library (h5wasm) is loaded at run time from `<bundle dir>/h5wasm/` rather than bundled:
 * after the library aborts on a damaged file, src/core/hdf5/openHdf5.ts evaluates that ES module
 * again for a fresh instance. Its filter plugins (LZF, bzip2, Blosc, Zstandard, ...: h5wasm-plugins)
 * go to `<bundle dir>/h5plugins/` (src/core/hdf5/filters.ts).
 */
async function copyH5wasm() {
  await mkdir('dist/h5wasm', { recursive: true });
  for (const f of ['hdf5_hl.js', 'hdf5_util.js']) await cp(`node_modules/h5wasm/dist/node/${f}`, `dist/h5wasm/${f}`);
  await cp('node_modules/h5wasm/LICENSE.txt', 'dist/h5wasm/LICENSE.txt');
  // Marks the two files as ES modules (the extension's own package.json is CommonJS).
  await writeFile('dist/h5wasm/package.json', '{ "type": "module" }\n');
  await mkdir('dist/h5plugins', { recursive: true });
  for (const f of await readdir('node_modules/h5wasm-plugins/plugins')) {
    if (f.endsWith('.so')) await cp(`node_modules/h5wasm-plugins/plugins/${f}`, `dist/h5plugins/${f}`);
  }
  await cp('node_modules/h5wasm-plugins/LICENSE', 'dist/h5plugins/LICENSE');
}

/** Static webview assets: the codicon font used by @vscode-elements/elements. */
async function copyAssets() {
  await mkdir('dist/webview', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) {
    await cp(`node_modules/@vscode/codicons/dist/${f}`, `dist/webview/${f}`);
  }
}

// A production build (the .vsix) starts from an empty dist/ so no stale bundle or map ships.
if (production) await rm('dist', { recursive: true, force: true });
await copyAssets();
await copyLzmaNativePrebuilds();
await copyH5wasm();
if (watch) {
  for (const c of configs) await (await esbuild.context(c)).watch();
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
