import net from 'node:net';

/** An HTTP response read off a raw connection. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP request written by hand on its own TCP connection, so a test can send part of
 * a body and stall, as a slow or hostile client would. `response` resolves with the
 * server's answer as soon as it is complete, or with null if the connection closes first.
 */
export class RawRequest {
  readonly socket: net.Socket;
  readonly response: Promise<RawResponse | null>;
  /** Resolves when the connection is closed, by either side. */
  readonly closed: Promise<void>;
  private received = '';

  constructor(port: number, head: string) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setEncoding('latin1');
    // A refused upload may be cut while we still write; that is the point, not a failure.
    this.socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.response = new Promise((resolve) => {
      this.socket.on('data', (chunk: string) => {
        this.received += chunk;
        const response = parseResponse(this.received);
        if (response) resolve(response);
      });
      void this.closed.then(() => resolve(null));
    });
    this.socket.write(head);
  }

  /** Starts a `method` request to `path` announcing a body of `length` bytes, and sends `sent` of it. */
  static start(port: number, method: string, path: string, length: number, sent: Buffer | string = ''): RawRequest {
    const request = new RawRequest(
      port,
      `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/markdown\r\nContent-Length: ${length}\r\n\r\n`,
    );
    if (sent.length > 0) request.socket.write(sent);
    return request;
  }

  /** Closes the connection from this side. */
  destroy(): void {
    this.socket.destroy();
  }
}

/** The response in `text` once it is complete (a Content-Length or chunked body), else null. */
function parseResponse(text: string): RawResponse | null {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let rest = text.slice(end + 4);
  let body = '';
  if (headers['transfer-encoding'] === 'chunked') {
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      if (lineEnd < 0) return null;
      const size = parseInt(rest.slice(0, lineEnd), 16);
      if (rest.length < lineEnd + 2 + size + 2) return null;
      if (size === 0) break;
      body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
      rest = rest.slice(lineEnd + 2 + size + 2);
    }
  } else {
    const length = Number(headers['content-length'] ?? 0);
    if (rest.length < length) return null;
    body = rest.slice(0, length);
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body };
}
