import type { LoaderFunctionArgs } from "@remix-run/node";
import { countHit, PIXEL_GIF } from "../services/sends/tracking.server.ts";
import { clientIp } from "../utils/session.server.ts";

// The open pixel of a tracked send (docs/decisions/0024): counts one open of the send, never who opened it.
// Not on the public cache's allowlist, answers no-store and sets no cookie, so every fetch reaches the counter.
const NO_STORE = "no-store, no-cache, must-revalidate, max-age=0";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const match = /^(.+)\.gif$/.exec(params.file ?? "");
  // HEAD (a link checker, a prefetch probe) gets the headers without being counted.
  const outcome = match ? await countHit("open", match[1], clientIp(context), request.method === "GET") : "unknown";
  if (outcome === "unknown") return new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": NO_STORE } });
  return new Response(PIXEL_GIF, {
    headers: { "content-type": "image/gif", "content-length": String(PIXEL_GIF.length), "cache-control": NO_STORE, pragma: "no-cache", expires: "0" },
  });
}
