/**
 * The demo page of `npm start` (CONTRACT §4, port 3000). It signs desktop signals itself, as
 * the Smart Desktop relay would, so the secret never reaches the browser.
 */
import { createServer, Server } from 'node:http';

export interface DemoOptions {
  port: number;
  host: string;
  functionsUrl: string;
  standinUrl: string;
  secret: string | undefined;
}

export function startDemoServer(options: DemoOptions): Promise<Server> {
  const page = `<!doctype html><meta charset="utf-8"><title>Recording Controls demo</title>
<h1>Flex Recording Controls — local demo</h1>
<p>Functions: <a href="${options.functionsUrl}">${options.functionsUrl}</a> · Twilio stand-in: ${options.standinUrl}</p>`;
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(page);
  });
  return new Promise((resolve) => server.listen(options.port, options.host, () => resolve(server)));
}
