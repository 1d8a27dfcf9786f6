/**
 * Bundles the demo page (src/demo/app) with esbuild, in memory: the plugin's real components
 * and the real @twilio/flex-ui, React 17 and everything they import, for the browser.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

export interface DemoBundle {
  js: string;
  css: string;
}

// Flex UI reads Node's `process` here and there; its own webpack build provides one, esbuild
// does not, so the bundle starts with the little it needs.
const processShim = 'var process = { env: { NODE_ENV: "production" }, browser: true, version: "", versions: {} };';

export async function buildDemoBundle(): Promise<DemoBundle> {
  const result = await build({
    entryPoints: [join(__dirname, 'app/main.tsx')],
    bundle: true,
    write: false,
    outdir: 'demo',
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    jsx: 'transform',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    banner: { js: processShim },
    // Flex ships fonts and images we do not need; the page loads without them.
    loader: { '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.eot': 'empty', '.svg': 'dataurl', '.png': 'dataurl' },
    logLevel: 'silent',
  });
  const text = (extension: string) => result.outputFiles.find((file) => file.path.endsWith(extension))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}

/**
 * Where a bundle made ahead of time is found: `npm test` makes one for all the browser tests'
 * demo servers (seconds of CPU each otherwise), and names its directory here.
 */
export const DEMO_BUNDLE_VARIABLE = 'RECORDING_CONTROLS_DEMO_BUNDLE';

/** Bundles the demo page into a new directory; its path. */
export async function saveDemoBundle(): Promise<string> {
  const { js, css } = await buildDemoBundle();
  const dir = mkdtempSync(join(tmpdir(), 'recording-controls-demo-'));
  writeFileSync(join(dir, 'demo.js'), js);
  writeFileSync(join(dir, 'demo.css'), css);
  return dir;
}

/** The bundle a `saveDemoBundle` left in `dir`. */
export async function savedDemoBundle(dir: string): Promise<DemoBundle> {
  return { js: readFileSync(join(dir, 'demo.js'), 'utf8'), css: readFileSync(join(dir, 'demo.css'), 'utf8') };
}
