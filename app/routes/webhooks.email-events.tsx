import type { ActionFunctionArgs } from "@remix-run/node";
import { applyEmailEvents, parseEvents, webhookAuthorised } from "../services/subscriptions/email-events.server.ts";

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "cache-control": "no-store" } });

export async function loader() {
  return json({ error: "Use POST" }, 405);
}

// Bounce and complaint notifications from the mail provider or relay; the format is in docs/decisions/0018.
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ error: "Use POST" }, 405);
  const raw = await request.text();
  if (!webhookAuthorised(request.headers, raw)) return json({ error: "Unauthorised" }, 401);
  const events = parseEvents(raw);
  if (!events) return json({ error: 'Expected {"events":[…]} with at most 1000 events' }, 400);
  return json({ ok: true, ...(await applyEmailEvents(events)) });
}
