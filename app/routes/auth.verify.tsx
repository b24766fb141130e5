import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
import { auth } from "../i18n/ui/auth.ts";
import { signInWithToken } from "../services/auth.server.ts";
import { isFailure, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { safeRedirect } from "../utils/request.server.ts";
import { clientIp, sessionCookie } from "../utils/session.server.ts";
import { signInBrowser } from "../utils/sign-in-browser.server.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("sign_in", [{ name: "robots", content: "noindex" }]);

// GET only shows a button: mail scanners that follow links must not consume the single-use token.
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  return { token: url.searchParams.get("token") ?? "", redirectTo: safeRedirect(url.searchParams.get("redirectTo"), "/account") };
}

interface Confirm {
  ok: true;
  confirm: { email: string; proof: string };
  token: string;
  redirectTo: string;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const token = String(form.get("token") ?? "");
  const confirmation = String(form.get("confirmation") ?? "") || undefined;
  const browser = signInBrowser(request);
  // Back to the page that asked for sign-in (same-site paths only), through the confirmation step too.
  const redirectTo = safeRedirect(form.get("redirectTo"), "/account");
  return runForm(async () => {
    const result = await signInWithToken({
      token,
      browser: browser.value,
      confirmation,
      userAgent: request.headers.get("user-agent") ?? undefined,
      ip: clientIp(context),
    });
    if ("confirm" in result) {
      // Not the browser that asked for the link: ask first, with a proof tied to this browser's own cookie.
      const body: Confirm = { ok: true, confirm: result.confirm, token, redirectTo };
      return data(body, browser.setCookie ? { headers: { "set-cookie": browser.setCookie } } : undefined) as unknown as Confirm;
    }
    return redirect(redirectTo, { headers: { "set-cookie": sessionCookie(request, result.sessionSecret) } });
  });
}

export default function Verify() {
  const t = useT(auth);
  const { token, redirectTo } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Confirm | ReturnType<typeof useActionData<typeof action>>;
  const failure = isFailure(result) ? result : null;
  const confirm = result && !failure && "confirm" in result ? (result as Confirm) : null;
  if (confirm) {
    const email = confirm.confirm.email;
    return (
      <section>
        <h1>{t("confirm_title", { email })}</h1>
        <p>{t("confirm_body", { email })}</p>
        <Form method="post">
          <input type="hidden" name="token" value={confirm.token} />
          <input type="hidden" name="confirmation" value={confirm.confirm.proof} />
          <input type="hidden" name="redirectTo" value={confirm.redirectTo} />
          <button type="submit">{t("confirm_button", { email })}</button>
        </Form>
        <p>
          <Link to="/">{t("confirm_cancel")}</Link>
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>{t("verify_title")}</h1>
      <FormErrors failure={failure} />
      {token && !failure ? (
        <Form method="post">
          <p>{t("verify_body")}</p>
          <input type="hidden" name="token" value={token} />
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <button type="submit">{t("verify_button")}</button>
        </Form>
      ) : (
        <p>
          {token ? null : t("verify_missing")} <Link to={redirectTo === "/account" ? "/auth/sign-in" : `/auth/sign-in?redirectTo=${encodeURIComponent(redirectTo)}`}>{t("ask_new_link")}</Link>
        </p>
      )}
    </section>
  );
}
