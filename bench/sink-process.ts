// The benchmarks' SMTP sink in its own process, as a real mail server would be: it counts messages and distinct
// Message-IDs (answers { received, distinct } to any other IPC message) and reports the arrival time of mail to a
// watched address ({ watch }). A minimal SMTP server on node:net (EHLO with PIPELINING, MAIL, RCPT, DATA, RSET,
// QUIT) that only looks for the end of each message and its Message-ID: on a 2-core machine a full server
// (smtp-server: a stream per message, dot-unstuffing, parsing every line) would bind before the senders do, and
// both contenders would measure the sink. Tests use the real smtp-server (tests/helpers/smtp-sink.ts).
import net from "node:net";

const seen = new Set<string>();
const watched = new Set<string>();
let received = 0;

const EHLO = "250-sink.invalid\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 52428800\r\n";
const MESSAGE_ID = /^Message-ID:[ \t]*(\S+)/im;

function session(socket: net.Socket) {
  socket.setNoDelay(true);
  let buffer = "";
  let inData = false;
  let scanned = 0;
  let rcpt: string[] = [];
  socket.write("220 sink.invalid ESMTP\r\n");
  socket.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("latin1");
    let out = "";
    for (;;) {
      if (inData) {
        // The message ends at CRLF.CRLF (or at ".CRLF" right after DATA for an empty one).
        const end = buffer.startsWith(".\r\n") ? -2 : buffer.indexOf("\r\n.\r\n", Math.max(0, scanned - 4));
        if (end === -1) {
          scanned = buffer.length;
          break;
        }
        const head = buffer.slice(0, Math.min(Math.max(end, 0), 8192));
        seen.add(MESSAGE_ID.exec(head)?.[1] ?? "");
        received++;
        for (const r of rcpt) if (watched.has(r)) process.send!({ arrived: r, at: Date.now() });
        buffer = buffer.slice(end + 5);
        inData = false;
        scanned = 0;
        rcpt = [];
        out += "250 2.0.0 Ok: queued\r\n";
        continue;
      }
      const eol = buffer.indexOf("\r\n");
      if (eol === -1) break;
      const line = buffer.slice(0, eol);
      buffer = buffer.slice(eol + 2);
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === "EHLO") out += EHLO;
      else if (verb === "HELO") out += "250 sink.invalid\r\n";
      else if (verb === "MAIL") {
        rcpt = [];
        out += "250 2.1.0 Ok\r\n";
      } else if (verb === "RCPT") {
        rcpt.push(/<([^>]*)>/.exec(line)?.[1] ?? "");
        out += "250 2.1.5 Ok\r\n";
      } else if (verb === "DATA") {
        inData = true;
        scanned = 0;
        out += "354 End data with <CR><LF>.<CR><LF>\r\n";
      } else if (verb === "RSET") {
        rcpt = [];
        out += "250 2.0.0 Ok\r\n";
      } else if (verb === "NOOP") out += "250 2.0.0 Ok\r\n";
      else if (verb === "QUIT") {
        socket.end(out + "221 2.0.0 Bye\r\n");
        return;
      } else out += "502 5.5.2 Command not recognized\r\n";
    }
    if (out) socket.write(out);
  });
  socket.on("error", () => {});
}

const sink = net.createServer(session);
sink.listen(0, "127.0.0.1", () => process.send!({ port: (sink.address() as net.AddressInfo).port }));
process.on("message", (m: unknown) => {
  if (m && typeof m === "object" && "watch" in m) watched.add(String((m as { watch: string }).watch));
  else process.send!({ received, distinct: seen.size });
});
process.on("disconnect", () => process.exit(0));
