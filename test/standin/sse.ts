/** Reads a `text/event-stream` over real HTTP with fetch, as a browser's EventSource would. */

export interface ServerSentEvent {
  id?: string;
  event: string;
  data: unknown;
}

export interface EventStreamReader {
  status: number;
  headers: Headers;
  /** Resolves with the next event matching `accept` (earlier unmatched ones are skipped), or rejects after `timeoutMs`. */
  next(accept?: (event: ServerSentEvent) => boolean, timeoutMs?: number): Promise<ServerSentEvent>;
  /** Resolves once a comment line with this text has arrived. */
  comment(text: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStreamReader> {
  const aborter = new AbortController();
  const response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: aborter.signal });
  const events: ServerSentEvent[] = [];
  const comments: string[] = [];
  let wake: () => void = () => undefined;
  let buffer = '';

  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.includes(':')) fields[line.slice(0, line.indexOf(':'))] = line.slice(line.indexOf(':') + 1).trimStart();
          }
          if (fields.data !== undefined) events.push({ id: fields.id, event: fields.event ?? 'message', data: JSON.parse(fields.data) });
          wake();
        }
      }
    } catch {
      // aborted by close()
    }
  })();

  async function waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  return {
    status: response.status,
    headers: response.headers,
    next: (accept = () => true, timeoutMs = 2000) =>
      waitFor(
        () => {
          while (events.length > 0) {
            const event = events.shift() as ServerSentEvent;
            if (accept(event)) return event;
          }
          return undefined;
        },
        timeoutMs,
        'matching event',
      ),
    comment: (text, timeoutMs = 2000) => waitFor(() => (comments.includes(text) ? true : undefined), timeoutMs, `comment "${text}"`).then(() => undefined),
    close: () => aborter.abort(),
  };
}
