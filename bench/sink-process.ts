// The benchmarks' SMTP sink in its own process, as a real mail server would be: it counts messages and distinct
// Message-IDs (answers { received, distinct } to any other IPC message) and reports the arrival time of mail to a
// watched address ({ watch }). Not parsing bodies, it costs every contender the same.
import { SMTPServer } from "smtp-server";

const seen = new Set<string>();
const watched = new Set<string>();
let received = 0;
const sink = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  maxClients: 100,
  onData(stream, session, callback) {
    let head = "";
    stream.on("data", (chunk: Buffer) => {
      if (head.length < 4096) head += chunk.toString("latin1");
    });
    stream.on("end", () => {
      seen.add(/^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? "");
      received++;
      for (const r of session.envelope.rcptTo) if (watched.has(r.address)) process.send!({ arrived: r.address, at: Date.now() });
      callback();
    });
  },
});
sink.listen(0, "127.0.0.1", () => process.send!({ port: (sink.server.address() as { port: number }).port }));
process.on("message", (m: unknown) => {
  if (m && typeof m === "object" && "watch" in m) watched.add(String((m as { watch: string }).watch));
  else process.send!({ received, distinct: seen.size });
});
process.on("disconnect", () => process.exit(0));
