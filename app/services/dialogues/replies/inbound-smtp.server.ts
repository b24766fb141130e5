import type { DNSResolver } from "mailauth";
import { SMTPServer } from "smtp-server";
import { errorSummary, log } from "../../../observability/log.server.ts";
import { MAX_INBOUND_BYTES, receiveInboundEmail, replyClaimsFor } from "./inbound-replies.server.ts";

type SmtpError = Error & { responseCode: number };
const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code }) as SmtpError;

/**
 * The built-in receiver for replies (INBOUND_SMTP_PORT): a relay or the domain's MX forwards reply+… mail to it.
 * Recipients that are not a genuine reply address are refused at RCPT (550), so it relays nothing and accepts no
 * mail for anyone else; a message is acknowledged once it was handled (posted, refused with an answer, or
 * ignored), and a failure of the hub answers 451 so the relay tries again later.
 */
export async function startInboundSmtp(opts: { port: number; host?: string; resolver?: DNSResolver }) {
  const server = new SMTPServer({
    authOptional: true,
    // Run behind the relay on a private network or localhost; the relay does TLS with the world.
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    size: MAX_INBOUND_BYTES,
    maxClients: 50,
    banner: "GenMig Hub replies",
    onRcptTo(address, _session, callback) {
      if (replyClaimsFor([address.address])) return callback();
      callback(smtpError(550, "No such reply address"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return callback(smtpError(552, "Message too large"));
        const mailFrom = session.envelope.mailFrom;
        const envelope = { from: mailFrom ? mailFrom.address : "", to: session.envelope.rcptTo.map((r) => r.address) };
        receiveInboundEmail(Buffer.concat(chunks), { route: "smtp", envelope, resolver: opts.resolver }).then(
          () => callback(),
          (error) => {
            log().error({ err: errorSummary(error) }, "inbound reply not handled");
            callback(smtpError(451, "Temporary failure, try again later"));
          },
        );
      });
    },
  });
  server.on("error", (error) => log().error({ err: errorSummary(error) }, "inbound SMTP receiver error"));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(opts.port, opts.host ?? "0.0.0.0", () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
