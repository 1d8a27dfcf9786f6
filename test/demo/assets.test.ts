/**
 * What the demo server sends a browser besides its API: the page's bundle compressed as the browser
 * accepts it (brotli, else gzip, else as it is), each a representation of its own for the browser's
 * cache; what the Flex UI would fetch from Twilio's asset hosts answered here; and pages that may load,
 * connect to and frame nothing but this machine. Raw HTTP, so the bytes on the wire are what is measured.
 */
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { freePort } from '../../scripts/localStack';
import { startDemoServer } from '../../src/demo/server';

jest.setTimeout(60_000);

/** A bundle like the Flex one in kind (minified code, much repeated): 4 MiB. */
const JS = Array.from({ length: 40_000 }, (_, line) => `var m${line}=function(a,b){return a.concat(b,"flex-${line % 97}")};`)
  .join('')
  .padEnd(4 << 20, ';');
const CSS = '.loading{color:#606b85}'.repeat(2000);

let demo: Server;
beforeAll(async () => {
  const nowhere = `http://127.0.0.1:${await freePort()}`;
  demo = await startDemoServer({
    port: 0,
    host: '127.0.0.1',
    functionsUrl: nowhere,
    standinUrl: nowhere,
    secret: 'x',
    bundle: () => Promise.resolve({ js: JS, css: CSS }),
  });
});
afterAll(() => new Promise((done) => demo.close(done)));

/** One GET as a browser sends it; the body as it came over the wire. */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; wire: Buffer }> {
  const { port } = demo.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, wire: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end();
  });
}

const CHROMIUM_ACCEPTS = 'gzip, deflate, br, zstd';

describe('the page bundle', () => {
  it('goes brotli-compressed to a browser that takes it, a fraction of its size, and unpacks to the bundle', async () => {
    const answer = await get('/demo.js', { 'Accept-Encoding': CHROMIUM_ACCEPTS });
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({ 'content-encoding': 'br', vary: 'Accept-Encoding', 'content-type': 'text/javascript; charset=utf-8' });
    expect(Number(answer.headers['content-length'])).toBe(answer.wire.length);
    expect(answer.wire.length).toBeLessThan(JS.length / 10);
    expect(brotliDecompressSync(answer.wire).toString('utf8')).toBe(JS);
    // Made once: the next browser gets the same bytes.
    expect((await get('/demo.js', { 'Accept-Encoding': CHROMIUM_ACCEPTS })).wire.equals(answer.wire)).toBe(true);
  });

  it('goes gzip to one that takes gzip only or refuses brotli, and as it is to one that takes neither', async () => {
    for (const accepts of ['gzip, deflate', 'br;q=0, gzip;q=0.8']) {
      const answer = await get('/demo.js', { 'Accept-Encoding': accepts });
      expect([accepts, answer.headers['content-encoding']]).toEqual([accepts, 'gzip']);
      expect(answer.wire.length).toBeLessThan(JS.length / 10);
      expect(gunzipSync(answer.wire).toString('utf8')).toBe(JS);
    }
    for (const accepts of [undefined, 'identity', 'br;q=0, gzip;q=0']) {
      const answer = await get('/demo.js', accepts === undefined ? {} : { 'Accept-Encoding': accepts });
      expect([accepts, answer.headers['content-encoding']]).toEqual([accepts, undefined]);
      expect(answer.wire.toString('utf8')).toBe(JS);
    }
  });

  it('the stylesheet too; a browser that has a copy in that encoding is told it is current', async () => {
    const css = await get('/demo.css', { 'Accept-Encoding': CHROMIUM_ACCEPTS });
    expect(css.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(css.wire).toString('utf8')).toBe(CSS);
    const etag = String(css.headers.etag);
    expect(await get('/demo.css', { 'Accept-Encoding': CHROMIUM_ACCEPTS, 'If-None-Match': etag })).toMatchObject({ status: 304 });
    // Its brotli copy is no use to a browser that wants the stylesheet plain.
    const plain = await get('/demo.css', { 'If-None-Match': etag });
    expect(plain.status).toBe(200);
    expect(plain.wire.toString('utf8')).toBe(CSS);
  });
});

describe("what the Flex UI asks of Twilio's asset hosts", () => {
  it('is answered here: an empty font stylesheet and country list; fonts, sounds and images are not served', async () => {
    const base = '/twilio-assets';
    const fonts = await get(`${base}/assets.twilio.com/public_assets/paste-fonts/1.5.1/fonts.css`);
    expect(fonts.status).toBe(200);
    expect(fonts.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(fonts.wire.toString()).not.toContain('@font-face');
    expect(JSON.parse((await get(`${base}/assets.flex.twilio.com/assets/countries.json`)).wire.toString())).toEqual([]);
    expect(JSON.parse((await get(`${base}/assets.flex.twilio.com/assets/flagPositions.json`)).wire.toString())).toEqual({});
    for (const path of [
      '/assets.twilio.com/public_assets/paste-fonts/1.5.0/Inter.var.woff2',
      '/media.twiliocdn.com/sdk/js/client/sounds/releases/1.0.0/incoming.mp3',
    ]) {
      expect([path, (await get(`${base}${path}`)).status]).toEqual([path, 404]);
    }
  });
});

describe('the pages', () => {
  it('may load, connect to and frame only this machine', async () => {
    for (const path of ['/', '/supervisor', '/crm']) {
      const policy = String((await get(path)).headers['content-security-policy']);
      const sources = /default-src ([^;]*)/.exec(policy)?.[1].split(' ') ?? [];
      // Every source is this page, a loopback address, or content the page makes itself.
      expect([path, sources.filter((source) => !/^('[a-z-]+'|(https?|wss?):\/\/(127\.0\.0\.1|localhost):\*|data:|blob:)$/.test(source))]).toEqual([path, []]);
      expect(sources).toContain("'self'");
    }
  });
});
