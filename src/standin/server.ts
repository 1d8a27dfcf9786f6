/**
 * Serves the stand-in over plain HTTP for `npm start`: the real `twilio` SDK reaches it through
 * an http client that rewrites https://<anything>.twilio.com/<path> to http://127.0.0.1:3002/<path>.
 */
import http from 'node:http';
import type { Standin } from './standin';

export function startStandinServer(standin: Standin, port = 3002, host = '127.0.0.1'): Promise<http.Server> {
  const server = http.createServer((incoming, outgoing) => {
    void serve(standin, incoming, outgoing, host);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

async function serve(standin: Standin, incoming: http.IncomingMessage, outgoing: http.ServerResponse, host: string): Promise<void> {
  try {
    const response = await standin.handle(await toFetchRequest(incoming, host));
    if (response.type === 'error') {
      // A status-0 fault: reset the connection without answering.
      incoming.socket.destroy();
      return;
    }
    if (isEventStream(response)) {
      await streamBody(response, outgoing);
      return;
    }
    const body = Buffer.from(await response.arrayBuffer());
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(body);
  } catch {
    if (!outgoing.headersSent) outgoing.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
    outgoing.end(JSON.stringify({ code: 20500, message: 'Internal stand-in error', more_info: 'https://www.twilio.com/docs/errors/20500', status: 500 }));
  }
}

function isEventStream(response: Response): boolean {
  return (response.headers.get('Content-Type') ?? '').startsWith('text/event-stream') && response.body !== null;
}

/** Sends each chunk as it comes (the push channel's events) until the stream or the client ends. */
async function streamBody(response: Response, outgoing: http.ServerResponse): Promise<void> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  outgoing.flushHeaders();
  outgoing.once('close', () => {
    reader.cancel().catch(() => undefined);
  });
  for (;;) {
    const { done, value } = await reader.read();
    if (done || outgoing.destroyed) break;
    outgoing.write(value);
  }
  outgoing.end();
}

async function toFetchRequest(incoming: http.IncomingMessage, host: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = incoming.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD' && chunks.length > 0;
  const url = new URL(incoming.url ?? '/', `http://${incoming.headers.host ?? host}`);
  return new Request(url, { method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
}
