// An HTTP proxy in front of one subgraph that can hold chosen calls (not forward them, not answer
// them) while it forwards the rest: a subgraph that is busy with some calls and answering others,
// or, holding every call, one that is frozen while its port stays open. It can also answer chosen
// calls itself (a broken subgraph or a load balancer's error page) and counts the connections made to it.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface HoldingProxy {
  url: string;
  /** From now on, calls whose body `match`es are held until release(); the rest are forwarded. */
  hold(match: (body: string) => boolean): void;
  /** Calls held right now (a call the gateway gave up on is no longer held). */
  held(): number;
  /** From now on, calls whose body `match`es are answered with this instead of being forwarded. */
  answer(match: (body: string) => boolean, status: number, headers: Record<string, string>, body: string): void;
  /** Connections opened to the proxy so far. */
  connections(): number;
  /** Forwards every held call and stops holding and answering. */
  release(): void;
  close(): Promise<void>;
}

export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const to = new URL(target);
  let match: ((body: string) => boolean) | null = null;
  let canned: { match: (body: string) => boolean; status: number; headers: Record<string, string>; body: string } | null = null;
  let connections = 0;
  const waiting = new Set<() => void>();

  const forward = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => {
    const upstream = http.request(
      { host: to.hostname, port: to.port, path: to.pathname + to.search, method: req.method, headers: { ...req.headers, host: to.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    upstream.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const text = body.toString("utf8");
      if (canned?.match(text)) return res.writeHead(canned.status, canned.headers).end(canned.body);
      if (!match?.(text)) return forward(req, body, res);
      const go = () => {
        waiting.delete(go);
        forward(req, body, res);
      };
      waiting.add(go);
      // The caller gave up (the gateway's timeout): nothing left to answer.
      res.on("close", () => waiting.delete(go));
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${to.pathname}`,
    hold: (m) => {
      match = m;
    },
    held: () => waiting.size,
    answer: (m, status, headers, body) => {
      canned = { match: m, status, headers, body };
    },
    connections: () => connections,
    release: () => {
      match = null;
      canned = null;
      for (const go of [...waiting]) go();
    },
    close: async () => {
      match = null;
      waiting.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
