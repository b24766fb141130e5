import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { isLang } from "../i18n/index.ts";
import { setLanguage } from "../services/users.server.ts";
import { LANG_COOKIE, pageContext, safeRedirect } from "../utils/request.server.ts";

/** The language switcher on every page: remembered in a cookie, and in the profile when signed in. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const lang = form.get("lang");
  const to = safeRedirect(form.get("redirectTo"));
  if (!isLang(lang)) return redirect(to);
  const { actor } = await pageContext(request);
  if (actor.kind === "user") await setLanguage(actor, lang);
  return redirect(to, { headers: { "set-cookie": `${LANG_COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Lax` } });
}

export const loader = () => redirect("/");
