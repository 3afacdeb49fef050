// Listening and graceful shutdown for every HTTP server in the product (gateway and subgraphs).
import type http from "node:http";
import type { AddressInfo } from "node:net";

/** Starts listening; returns the port actually bound (port 0 picks a free one). */
export async function listen(server: http.Server, host: string, port: number): Promise<number> {
  server.keepAliveTimeout = 65_000; // longer than common load balancer idle timeouts
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Stops accepting connections, lets requests in flight finish (their audit writes included), and
 * cuts whatever is still open after the grace period.
 */
export async function closeGracefully(server: http.Server, graceMs = 10_000): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), graceMs);
  force.unref();
  await closed;
  clearTimeout(force);
}
