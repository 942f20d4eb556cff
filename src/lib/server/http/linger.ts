// Lingering close. A server that answers before reading a request's whole body (a 413, a 408, a
// route that did not need the body) and then closes its socket at once resets the connection,
// since the client's bytes are still unread; on the client's side that reset can drop the answer
// before it is read, so a client told "too large" sees only EPIPE or ECONNRESET. As nginx and
// Apache do, the answer goes out with `Connection: close`, then the socket sends its FIN, reads
// and discards what still arrives for a bounded time and amount, and only then closes.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { MB } from './limits';

export interface LingerBounds {
  /** Close after this long, whatever still arrives. */
  ms: number;
  /** Discard at most this much; past it, stop reading (TCP holds the client back) until `ms`. */
  bytes: number;
}

export const LINGER: LingerBounds = { ms: 5_000, bytes: 4 * MB };

type ClosingSocket = Socket & { destroySoon?: () => void };

/**
 * Makes the close that follows this request's answer a lingering one. Node's server closes a
 * `Connection: close` response's socket with `destroySoon()` once the answer is written; this
 * replaces that one call on this one socket.
 */
export function lingerAfterAnswer(req: IncomingMessage, bounds: LingerBounds = LINGER): void {
  const socket = req.socket as ClosingSocket | null;
  if (!socket || socket.destroyed) return;
  socket.destroySoon = function lingeringClose(this: ClosingSocket) {
    if (!this.writableEnded) this.end();
    const close = () => {
      clearTimeout(timer);
      this.destroy();
    };
    const timer = setTimeout(close, bounds.ms);
    this.once('close', () => clearTimeout(timer));
    // The body's own reader (adapter-node's) would queue what arrives: discard it instead.
    let discarded = 0;
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > bounds.bytes) req.pause();
    });
    // The client sent its last byte: nothing is left unread, so closing now cannot reset.
    req.once('end', close);
    req.once('error', close);
    if (req.readableEnded) close();
    else req.resume();
  };
}
