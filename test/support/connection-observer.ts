import diagnostics from 'node:diagnostics_channel';
import type net from 'node:net';

export interface ConnectionObserver {
  /** Every address this process tried to connect a client socket to, as `address:port` (IPv6 unbracketed). */
  readonly attempts: string[];
  /** Every address a client socket's lookup answered, before any connection. */
  readonly resolved: string[];
  /** Attempts and resolutions whose address is `address` (any port). */
  touched(address: string): string[];
  stop(): void;
}

/**
 * Watches the connection layer of this process: Node publishes every client socket (http agents,
 * node-fetch, the storage SDK) on the `net.client.socket` channel before it connects, and the socket
 * then reports each address it tries (`connectionAttempt`) and what its lookup answered (`lookup`).
 * So "never contacted" can be asserted for addresses no test server could listen on (10.x, 169.254.169.254).
 */
export function observeConnections(): ConnectionObserver {
  const attempts: string[] = [];
  const resolved: string[] = [];
  const onSocket = (message: unknown) => {
    const { socket } = message as { socket: net.Socket };
    socket.on('connectionAttempt', (ip: string, port: number) => attempts.push(`${ip}:${port}`));
    socket.on('lookup', (error: Error | null, address: string) => {
      if (!error) resolved.push(address);
    });
  };
  diagnostics.subscribe('net.client.socket', onSocket);
  return {
    attempts,
    resolved,
    touched: (address) =>
      [...attempts, ...resolved].filter((entry) => entry === address || entry.startsWith(`${address}:`)),
    stop: () => diagnostics.unsubscribe('net.client.socket', onSocket),
  };
}
