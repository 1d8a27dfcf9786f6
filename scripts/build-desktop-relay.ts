/**
 * The desktop relay as one file with no dependencies, for the agent's PC: `node desktop-relay.js`
 * (Node 20 or later). docs/desktop-relay.md says how to install it.
 */
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..');
const outfile = join(root, 'build/desktop-relay/desktop-relay.js');

build({
  entryPoints: [join(root, 'src/desktopRelay/cli.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
})
  .then(() => console.log(`desktop relay built: ${relative(root, outfile)} (${Math.round(statSync(outfile).size / 1024)} KB)`))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
