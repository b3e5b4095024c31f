import net from 'node:net';

interface Link {
  client: net.Socket;
  upstream: net.Socket;
}

/**
 * A TCP proxy between clients and a server, for network faults the OS will not fake
 * for us. `freeze()` stops forwarding without closing anything (a half-open path:
 * bytes, FINs and pings alike vanish until `thaw()`); `cut()` destroys every link, as
 * when a network drops; `refuse()` turns new connections away, as when it stays down.
 */
export class TcpProxy {
  /** Connections accepted so far (refused ones included). */
  accepted = 0;
  private readonly links = new Set<Link>();
  private frozen = false;
  private refusing = false;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  /** Starts a proxy on a free local port, forwarding to `targetPort` on 127.0.0.1. */
  static async start(targetPort: number): Promise<TcpProxy> {
    let proxy!: TcpProxy;
    const server = net.createServer((client) => proxy.accept(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
    proxy = new TcpProxy(server, address.port);
    return proxy;
  }

  /** The URL a client should use to go through the proxy. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Links currently open. */
  get openLinks(): number {
    return this.links.size;
  }

  /** Stops forwarding in both directions on every link, current and future, without closing any. */
  freeze(): void {
    this.frozen = true;
    for (const { client, upstream } of this.links) {
      client.pause();
      upstream.pause();
    }
  }

  /** Resumes forwarding; whatever was held back flows on. */
  thaw(): void {
    this.frozen = false;
    for (const { client, upstream } of this.links) {
      client.resume();
      upstream.resume();
    }
  }

  /** Destroys every open link, both sides. */
  cut(): void {
    for (const link of this.links) this.drop(link);
  }

  /** While on, new connections are closed as soon as they arrive. */
  refuse(on: boolean): void {
    this.refusing = on;
  }

  /** Cuts every link and stops listening. */
  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, targetPort: number): void {
    this.accepted++;
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    const link: Link = { client, upstream };
    this.links.add(link);
    // Plain forwarding rather than pipe(): a piped source may be resumed when its
    // destination drains, which would quietly undo a freeze. Test traffic is small.
    const forward = (from: net.Socket, to: net.Socket): void => {
      from.on('data', (chunk) => to.write(chunk));
      from.on('end', () => to.end());
    };
    forward(client, upstream);
    forward(upstream, client);
    if (this.frozen) {
      client.pause();
      upstream.pause();
    }
    const drop = (): void => this.drop(link);
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  }

  private drop(link: Link): void {
    if (!this.links.delete(link)) return;
    link.client.destroy();
    link.upstream.destroy();
  }
}
