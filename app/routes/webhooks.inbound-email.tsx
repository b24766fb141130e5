import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveInboundEmail } from "../services/dialogues/replies/inbound-replies.server.ts";
import { webhookAuthorised } from "../services/subscriptions/email-events.server.ts";
import { env } from "../utils/env.server.ts";

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "cache-control": "no-store" } });

export async function loader() {
  return json({ error: "Use POST" }, 405);
}

/** The inbound secret, else the email-events one: the same provider usually posts both. */
export const inboundSecret = () => env().INBOUND_EMAIL_SECRET ?? env().EMAIL_WEBHOOK_SECRET;

// A provider's inbound parse posts one raw MIME message (message/rfc822 or any type) per call (docs/decisions/0052),
// authenticated like the email-events webhook: a Bearer secret or an X-Signature HMAC of the body.
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ error: "Use POST" }, 405);
  const raw = Buffer.from(await request.arrayBuffer());
  if (!webhookAuthorised(request.headers, raw, inboundSecret())) return json({ error: "Unauthorised" }, 401);
  if (!raw.length || !/^[\x21-\x39\x3b-\x7e]+:/m.test(raw.subarray(0, 4096).toString("latin1"))) return json({ error: "Expected a raw MIME message" }, 400);
  const result = await receiveInboundEmail(raw, { route: "webhook" });
  return json({ ok: true, ...result });
}
