// Injected into the CommonJS bundles (extension host, CLI): ESM-only dependencies such as
// h5wasm read `import.meta.url`, which does not exist in CommonJS.
export const import_meta_url = require('url').pathToFileURL(__filename).href;
