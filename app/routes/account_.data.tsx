import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportMyData } from "../services/account-export/export.server.ts";
import { exportHtml } from "../services/account-export/html.ts";
import { requireSignedIn } from "../utils/request.server.ts";

/** Everything held about the signed-in person, as a file: `?format=html` (a readable page) or JSON (the default). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  const data = await exportMyData(actor);
  const html = new URL(request.url).searchParams.get("format") === "html";
  const day = data.generatedAt.slice(0, 10);
  return new Response(html ? exportHtml(data, lang) : JSON.stringify(data, null, 2), {
    headers: {
      "content-type": html ? "text/html; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="my-genmig-data-${day}.${html ? "html" : "json"}"`,
      "cache-control": "no-store, private",
      "x-content-type-options": "nosniff",
    },
  });
}
