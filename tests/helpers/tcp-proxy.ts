import net from "node:net";

/**
 * A TCP proxy the test controls, in front of a database (PostgreSQL on 127.0.0.1:5432, or the embedded database's
 * socket): `down()` cuts every open connection and refuses new ones, as a server restart does; `up()` ends it.
 * Only the processes pointed at the proxy see the outage.
 */
export async function startTcpProxy(target: { host: string; port: number } | { path: string }) {
  let down = false;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (down) return void client.destroy();
    const upstream = net.connect(target as net.NetConnectOpts);
    open.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    down() {
      down = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    up() {
      down = false;
    },
    async stop() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
