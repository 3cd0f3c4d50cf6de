// Preloaded into a herald process under test (NODE_OPTIONS=--import): records every module
// the process loads, one URL a line, in the file HERALD_TEST_MODULE_LOG names. The ESM resolve
// hook sees each import (npm packages' entry points included); a CommonJS package's own
// require()s are listed from require.cache as the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const log = process.env.HERALD_TEST_MODULE_LOG;
if (log) {
  register('./module-log-hooks.mjs', import.meta.url, { data: { log } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    const loaded = Object.keys(require.cache).map((file) => pathToFileURL(file).href);
    if (loaded.length) appendFileSync(log, `${loaded.join('\n')}\n`);
  });
}
