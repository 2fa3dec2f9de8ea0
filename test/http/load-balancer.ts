import { createServer, request, type Server } from 'node:http';
import { listenOnLoopback } from '../support/ports';

/** A round-robin HTTP load balancer on loopback, forwarding each request to the next backend port. */
export interface TestLoadBalancer {
  url: string;
  /** How many requests each backend received. */
  counts: number[];
  close(): Promise<void>;
}

/** Starts a load balancer in front of `backendPorts`, keeping the Host header as clients sent it. */
export async function startLoadBalancer(backendPorts: number[], port?: number): Promise<TestLoadBalancer> {
  const counts = backendPorts.map(() => 0);
  let next = 0;
  const server: Server = createServer((req, res) => {
    const index = next++ % backendPorts.length;
    counts[index] = (counts[index] ?? 0) + 1;
    const upstream = request(
      {
        host: '127.0.0.1',
        port: backendPorts[index],
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.once('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  const listenPort = await listenOnLoopback(server, port);
  return {
    url: `http://127.0.0.1:${listenPort}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
