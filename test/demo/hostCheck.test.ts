/**
 * The demo server answers only requests that name it in `Host`: a page on another name that was
 * pointed at 127.0.0.1 (DNS rebinding) gets 403 forbidden_host from every route — no admin's,
 * supervisor's or agent's Flex token, no call, no outage, no signed signal — while the page's own
 * names (127.0.0.1:<port>, localhost:<port>) are answered. Over HTTP, the tokens from the run's shared
 * local stack; the refusals from a demo whose stand-in and functions are nowhere, so nothing refused
 * could have reached them.
 */
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../scripts/localStack';
import { startDemoServer } from '../../src/demo/server';
import { sharedStack } from '../support/sharedStack';

jest.setTimeout(60_000);

const noBundle = () => Promise.resolve({ js: '', css: '' });

/** A request with the Host header a browser would send for the page's origin. */
function ask(server: Server, method: string, path: string, host: string): Promise<{ status: number; body: any }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method, path, headers: { Host: host, 'Content-Type': 'application/json' } }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: /json/.test(response.headers['content-type'] ?? '') ? JSON.parse(text) : text }),
      );
    });
    request.on('error', reject);
    request.end(method === 'POST' ? '{}' : undefined);
  });
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;

describe('the demo server', () => {
  it("hands the admin's and supervisor's Flex tokens to its own page only", async () => {
    const stack = sharedStack();
    const demo = await startDemoServer({
      port: 0,
      host: '127.0.0.1',
      functionsUrl: stack.functionsUrl,
      standinUrl: stack.standinUrl,
      secret: 'x',
      bundle: noBundle,
    });
    try {
      const port = portOf(demo);
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
        expect(await ask(demo, 'GET', '/api/admin', host)).toEqual({
          status: 200,
          body: { identity: 'demo-admin', token: expect.any(String), roles: ['admin'] },
        });
        expect(await ask(demo, 'GET', '/api/supervisor', host)).toMatchObject({ status: 200, body: { token: expect.any(String), roles: ['supervisor'] } });
      }
      for (const host of ['rebound.example.com', `rebound.example.com:${port}`, `127.0.0.1:${port + 1}`, `127.0.0.1.rebound.example.com:${port}`]) {
        expect(await ask(demo, 'GET', '/api/admin', host)).toEqual({ status: 403, body: { error: { code: 'forbidden_host', message: expect.any(String) } } });
      }
    } finally {
      demo.close();
    }
  });

  it('refuses every route, page and action alike, to another Host before doing anything', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const demo = await startDemoServer({ port: 0, host: '127.0.0.1', functionsUrl: nowhere, standinUrl: nowhere, secret: 'x', bundle: noBundle });
    try {
      const routes = [
        ['GET', '/'],
        ['GET', '/supervisor'],
        ['GET', '/crm'],
        ['GET', '/demo.js'],
        ['GET', '/twilio-assets/assets.flex.twilio.com/assets/countries.json'],
        ['GET', '/api/admin'],
        ['GET', '/api/supervisor'],
        ['POST', '/api/supervisor/calls'],
        ['POST', '/api/compliance/calls'],
        ['GET', '/api/call'],
        ['POST', '/api/call'],
        ['POST', '/api/call/end'],
        ['GET', '/api/recordings'],
        ['POST', '/api/outage'],
        ['POST', '/api/desktop-event'],
      ];
      for (const [method, path] of routes) {
        expect([path, await ask(demo, method, path, `rebound.example.com:${portOf(demo)}`)]).toEqual([
          path,
          { status: 403, body: { error: { code: 'forbidden_host', message: expect.any(String) } } },
        ]);
      }
      // Its own page is still answered.
      expect((await ask(demo, 'GET', '/api/call', `127.0.0.1:${portOf(demo)}`)).status).toBe(200);
    } finally {
      demo.close();
    }
  });
});
