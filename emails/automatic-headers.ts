import type { OutboxMessage } from "../app/generated/prisma/client.ts";

// Headers that tell receivers what kind of mail this is (ADR 0042). Every message the hub sends is written by
// the hub, even when staff typed its text, so it says so (RFC 3834): vacation responders and ticket systems do not
// answer it. Bulk mail also says it is bulk, and names its stream for the providers' feedback loops (Gmail's
// Feedback-ID): the send and the kind of mail, never anything about the reader, since providers report per value.

const SENDER_ID = "genmighub";

/** The kind of mail, from the outbox key's first part (`digest:<send>:<tag>` → `digest`). */
export const mailKind = (key: string) => key.split(":")[0].replace(/[^\w.-]/g, "").slice(0, 40) || "mail";

export function automaticHeaders(message: Pick<OutboxMessage, "key" | "priority" | "sendId">): Record<string, string> {
  if (message.priority !== "BULK") return { "Auto-Submitted": "auto-generated" };
  const kind = mailKind(message.key);
  return {
    "Auto-Submitted": "auto-generated",
    Precedence: "bulk",
    "Feedback-ID": `${message.sendId ?? kind}:${kind}:${SENDER_ID}`,
  };
}

/** The message's own headers (List-Unsubscribe…) after the automatic ones; its own win on a clash. */
export function headersFor(message: Pick<OutboxMessage, "key" | "priority" | "sendId" | "headers">): Record<string, string> {
  return { ...automaticHeaders(message), ...((message.headers ?? {}) as Record<string, string>) };
}
