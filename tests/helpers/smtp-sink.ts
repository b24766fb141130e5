import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { resetEnv } from "../../app/utils/env.server.ts";

export interface ReceivedMail {
  raw: string;
  parsed: ParsedMail;
  to: string;
  messageId?: string;
  /** The name the client gave in EHLO/HELO. */
  ehlo?: string;
}

type Rejection = null | { code: number; message: string };

export interface SinkOptions {
  /** false: keep only the Message-ID and recipient (large runs); `parsed` is then an empty object. */
  parse?: boolean;
  /** Milliseconds before each message is acknowledged: a slow, rate-limited provider. */
  delayMs?: number;
}

/**
 * A real SMTP server on loopback; SMTP_URL points the app at it. `reject` makes it answer every RCPT with an
 * error, `rejectFor` chooses per recipient. It counts Message-IDs and connections (total and at once).
 */
export async function startSmtpSink(options: SinkOptions = {}) {
  const received: ReceivedMail[] = [];
  const messageIds = new Map<string, number>();
  const waiters: (() => void)[] = [];
  const control = { reject: null as Rejection, rejectFor: null as null | ((address: string) => Rejection), down: false };
  const connections = { total: 0, open: 0, maxOpen: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    maxClients: 1000,
    onConnect(_session, callback) {
      if (control.down) {
        const error = new Error("Service not available") as Error & { responseCode: number };
        error.responseCode = 421;
        return callback(error);
      }
      connections.total++;
      connections.maxOpen = Math.max(connections.maxOpen, ++connections.open);
      callback();
    },
    onClose() {
      connections.open--;
    },
    onRcptTo(address, _session, callback) {
      const rejection = control.reject ?? control.rejectFor?.(address.address) ?? null;
      if (!rejection) return callback();
      const error = new Error(rejection.message) as Error & { responseCode: number };
      error.responseCode = rejection.code;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const to = session.envelope.rcptTo.map((r) => r.address).join(",");
        const parsed = options.parse === false ? ({} as ParsedMail) : await simpleParser(raw);
        const messageId = parsed.messageId ?? /^Message-ID:\s*(\S+)/im.exec(raw)?.[1];
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        if (messageId) messageIds.set(messageId, (messageIds.get(messageId) ?? 0) + 1);
        received.push({ raw: options.parse === false ? "" : raw, parsed, to, messageId, ehlo: session.hostNameAppearsAs });
        waiters.splice(0).forEach((w) => w());
        callback();
      });
    },
  });
  // A client killed mid-session (crash tests) resets its connection: that is not the sink's failure.
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  resetEnv();
  return {
    port,
    received,
    messageIds,
    connections,
    control,
    async waitFor(count: number, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} mails, got ${received.length}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
      return received;
    },
    /**
     * An outage of the provider: open sessions are cut (a message on the wire is lost mid-DATA) and new
     * connections are greeted with 421 until it ends.
     */
    outage(down: boolean) {
      control.down = down;
      if (!down) return;
      const open = (server as unknown as { connections: Set<{ _socket?: { destroy(): void } }> }).connections;
      for (const c of open) c._socket?.destroy();
    },
    async stop() {
      delete process.env.SMTP_URL;
      resetEnv();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
