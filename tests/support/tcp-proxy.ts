// A TCP proxy on loopback in front of another address (e.g. PostgreSQL on 127.0.0.1:5432) that a
// test can cut, as if the server had stopped (open connections reset, new ones refused), and
// restore, without touching the shared server other tests use.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Resets every open connection and refuses new ones. */
  cut(): Promise<void>;
  /** Accepts connections again (on the same port). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const make = () =>
    net.createServer((inbound) => {
      const outbound = net.connect(target.port, target.host);
      sockets.add(inbound).add(outbound);
      const drop = () => {
        inbound.destroy();
        outbound.destroy();
        sockets.delete(inbound);
        sockets.delete(outbound);
      };
      inbound.on('error', drop).on('close', drop);
      outbound.on('error', drop).on('close', drop);
      inbound.pipe(outbound).pipe(inbound);
    });
  let server = make();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  let open = true;
  const stopListening = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      for (const s of sockets) s.resetAndDestroy();
      sockets.clear();
    });
  return {
    port,
    async cut() {
      if (!open) return;
      open = false;
      await stopListening();
    },
    async restore() {
      if (open) return;
      server = make();
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
      open = true;
    },
    async close() {
      if (open) await stopListening();
      open = false;
    }
  };
}
