import type http from "node:http";

export interface Drainable {
  /**
   * Stops accepting connections, lets every request already received finish (its connection then closes), and
   * resolves when none is left, or after `timeoutMs` with the stragglers' connections cut. Idempotent.
   */
  close(timeoutMs: number): Promise<{ inFlight: number; cut: number }>;
}

/**
 * Graceful close for the web process (ADR 0028). Call right after creating the server, so that it can count the
 * requests in flight and tell their clients not to send another one on the same connection.
 */
export function drainable(server: http.Server): Drainable {
  const inFlight = new Set<http.ServerResponse>();
  let draining = false;
  let closing: Promise<{ inFlight: number; cut: number }> | undefined;
  const lastOnConnection = (res: http.ServerResponse) => {
    if (!res.headersSent) res.setHeader("connection", "close");
  };
  server.on("request", (_req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
    // A request that arrives on an open keep-alive connection during the drain is answered, and ends it.
    if (draining) lastOnConnection(res);
  });
  return {
    close(timeoutMs) {
      closing ??= new Promise((resolve) => {
        draining = true;
        const started = inFlight.size;
        for (const res of inFlight) lastOnConnection(res);
        let cut = 0;
        // Idle keep-alive connections would hold close() open: end each as soon as it has nothing in flight.
        const idle = setInterval(() => server.closeIdleConnections(), 100);
        const timer = setTimeout(() => {
          cut = inFlight.size;
          server.closeAllConnections();
        }, timeoutMs);
        server.close(() => {
          clearInterval(idle);
          clearTimeout(timer);
          resolve({ inFlight: started, cut });
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
