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

/**
 * Where the page asks for what the Flex UI and Paste would fetch from Twilio's asset hosts at run time
 * (Paste's font stylesheet and fonts, the phone input's country list, the ringtone): the demo server
 * answers there, on this machine. The demo needs no account and no internet, so it reaches nothing else.
 */
export const TWILIO_ASSETS_PATH = '/twilio-assets/';
const TWILIO_ASSET_URL = /https:\/\/(assets\.twilio\.com|assets\.flex\.twilio\.com|media\.twiliocdn\.com|sdk\.twilio\.com)\//g;
/** The bundle's text with every URL on Twilio's asset hosts made a path of the demo server. */
export const withLocalAssets = (text: string): string => text.replace(TWILIO_ASSET_URL, `${TWILIO_ASSETS_PATH}$1/`);

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
  const text = (extension: string) => withLocalAssets(result.outputFiles.find((file) => file.path.endsWith(extension))?.text ?? '');
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
