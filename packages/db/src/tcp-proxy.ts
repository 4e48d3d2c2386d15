import { createServer, type Server, Socket } from 'node:net';

export interface TcpProxy {
  /** The URL with host and port replaced by the proxy's. */
  url: string;
  port: number;
  /** Closes the listener and every connection through it. */
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy in front of the server of `targetUrl`. For each client it opens a connection to the
 * server and, once that is up, hands both sockets to `wire`, which moves the bytes (and may delay or read
 * them). Until then the client socket stays paused, so nothing it sends is lost. Either side closing or
 * failing closes both.
 */
export async function startTcpProxy(
  targetUrl: string,
  wire: (client: Socket, upstream: Socket) => void,
): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const targetPort = Number(target.port || 5432);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', closeBoth);
      socket.on('close', closeBoth);
    }
    upstream.connect(targetPort, host, () => wire(client, upstream));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy has no port');
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  return {
    url: url.toString(),
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
