// The benchmark's SMTP sink in its own process, as a real mail server would be: it counts Message-IDs and
// answers { received, distinct } to any IPC message. Not parsing bodies, it costs both contenders the same.
import { SMTPServer } from "smtp-server";

const seen = new Set<string>();
let received = 0;
const sink = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  maxClients: 100,
  onData(stream, _session, callback) {
    let head = "";
    stream.on("data", (chunk: Buffer) => {
      if (head.length < 4096) head += chunk.toString("latin1");
    });
    stream.on("end", () => {
      seen.add(/^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? "");
      received++;
      callback();
    });
  },
});
sink.listen(0, "127.0.0.1", () => process.send!({ port: (sink.server.address() as { port: number }).port }));
process.on("message", () => process.send!({ received, distinct: seen.size }));
process.on("disconnect", () => process.exit(0));
