import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { resetEnv } from "../../app/utils/env.server.ts";

export interface ReceivedMail {
  raw: string;
  parsed: ParsedMail;
  to: string;
}

/** A real SMTP server on loopback; SMTP_URL points the app at it. `reject` makes it answer RCPT with an error. */
export async function startSmtpSink() {
  const received: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  const control = { reject: null as null | { code: number; message: string } };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (!control.reject) return callback();
      const error = new Error(control.reject.message) as Error & { responseCode: number };
      error.responseCode = control.reject.code;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        received.push({ raw, parsed: await simpleParser(raw), to: session.envelope.rcptTo.map((r) => r.address).join(",") });
        waiters.splice(0).forEach((w) => w());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  resetEnv();
  return {
    received,
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
    async stop() {
      delete process.env.SMTP_URL;
      resetEnv();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
