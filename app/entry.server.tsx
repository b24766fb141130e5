import type { ActionFunctionArgs, EntryContext, LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { BROWSER_ZONE_SCRIPT_HASH } from "./utils/browser-zone-hash.server.ts";

// Pages are plain server-rendered HTML (no client bundle is loaded), so a string render is all that is needed.
export default function handleRequest(request: Request, status: number, headers: Headers, context: EntryContext) {
  const html = renderToString(<RemixServer context={context} url={request.url} />);
  headers.set("content-type", "text/html; charset=utf-8");
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "same-origin");
  headers.set("x-frame-options", "DENY");
  headers.set("content-security-policy", `default-src 'self'; script-src ${BROWSER_ZONE_SCRIPT_HASH}; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'`);
  return new Response(`<!DOCTYPE html>${html}`, { status, headers });
}

/** A 404 or other answered error is one log line; only unexpected errors keep their stack. */
export function handleError(error: unknown, { request }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted) return;
  if (isRouteErrorResponse(error)) {
    // The pathname is percent-encoded by URL, so a crafted path cannot forge extra log lines.
    console.warn(`${error.status} ${request.method} ${new URL(request.url).pathname}`);
    return;
  }
  console.error(error);
}
