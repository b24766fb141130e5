import type { LoaderFunctionArgs } from "@remix-run/node";
import { countHit, verifyClick } from "../services/sends/tracking.server.ts";
import { clientIp } from "../utils/session.server.ts";

// A link of a tracked send (docs/decisions/0024): `u` is where it goes, `s` the HMAC of the send and `u`. Only a
// link the hub signed redirects (never an open redirect); a click counts one for the send, never who clicked.
const NO_STORE = "no-store, no-cache, must-revalidate, max-age=0";
const notFound = () => new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": NO_STORE } });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const target = url.searchParams.get("u") ?? "";
  const sendId = params.sendId ?? "";
  if (!verifyClick(sendId, target, url.searchParams.get("s") ?? "")) return notFound();
  if ((await countHit("click", sendId, clientIp(context), request.method === "GET")) === "unknown") return notFound();
  return new Response(null, { status: 302, headers: { location: target, "cache-control": NO_STORE, "referrer-policy": "no-referrer" } });
}
