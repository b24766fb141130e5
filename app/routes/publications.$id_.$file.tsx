import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicationPdfResponse } from "../services/publications/pdfs.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { pageContext } from "../utils/request.server.ts";

// /publications/<id>/<lang>.pdf — the same audience rule as the page (404 alike for missing and not allowed).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const match = /^(en|fr|es)\.pdf$/.exec(params.file ?? "");
  if (!match) throw new Response(null, { status: 404 });
  const { actor, lang } = await pageContext(request);
  return orErrorPage(() => publicationPdfResponse(actor, params.id!, match[1], undefined, lang), request);
}
