import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLang } from "../i18n/index.ts";
import { distributionMail } from "../services/sends/distribution.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { requireSignedIn } from "../utils/request.server.ts";

/**
 * The distribution mail's HTML alone, for the preview frame of /publications/<id>/distribute. Its own policy
 * lets the mail's inline styles apply (the page's policy would strip them) and nothing else: no script, no
 * request anywhere, sandboxed even when opened directly, framed only by this site.
 */
export const MAIL_PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang: pageLang } = await requireSignedIn(request);
  const asked = new URL(request.url).searchParams.get("lang");
  const mail = await orErrorPage(() => distributionMail(actor, params.id!, isLang(asked) ? asked : pageLang), request);
  return new Response(mail.html, {
    headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": MAIL_PREVIEW_CSP, "x-robots-tag": "noindex", "referrer-policy": "no-referrer" },
  });
}
