import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Every answer of the agent API is JSON, errors included, and never cached. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(text);
}

export function sendError(
  response: ServerResponse,
  status: number,
  error: string,
  message: string,
  extra: { headers?: OutgoingHttpHeaders; body?: Record<string, unknown> } = {},
): void {
  sendJson(response, status, { error, message, ...extra.body }, extra.headers);
}

/**
 * Reads the request body as UTF-8, or returns null as soon as it grows past `limitBytes` (the
 * caller answers 413 and closes the connection, so the rest is never buffered).
 */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<string | null> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        request.off('data', onData);
        request.off('end', onEnd);
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', reject);
  });
}
