import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors } from "../components/fields.tsx";
import { auth } from "../i18n/ui/auth.ts";
import { requestSignInLink } from "../services/auth.server.ts";
import { isFailure, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { pageContext, safeRedirect } from "../utils/request.server.ts";
import { clientIp } from "../utils/session.server.ts";
import { signInBrowser } from "../utils/sign-in-browser.server.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("sign_in");

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  return { redirectTo: safeRedirect(url.searchParams.get("redirectTo"), "/account"), email: url.searchParams.get("email") ?? "" };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = String(form.get("email") ?? "");
  const { lang } = await pageContext(request);
  const browser = signInBrowser(request);
  const redirectTo = safeRedirect(form.get("redirectTo"), "/account");
  const result = await runForm(async () => {
    await requestSignInLink({ email, ip: clientIp(context), lang, browser: browser.value, redirectTo });
    return { ok: true as const, email: email.trim() };
  }, { email });
  // The link will sign in at once only in this browser: it carries the cookie whose hash the token keeps.
  return browser.setCookie && (result as { ok?: unknown }).ok === true ? data(result, { headers: { "set-cookie": browser.setCookie } }) : result;
}

export default function SignIn() {
  const t = useT(auth);
  const { email, redirectTo } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  if (result && !isFailure(result)) {
    return (
      <section>
        <h1>{t("link_sent_title")}</h1>
        <p className="notice" role="status">
          {t("link_sent_body", { email: result.email })}
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>{t("sign_in_title")}</h1>
      <p>{t("sign_in_intro")}</p>
      <FormErrors failure={failure} />
      <Form method="post">
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <Field name="email" label={t("email_label")} errors={failure?.fieldErrors}>
          {(a) => (
            <input {...a} type="email" autoComplete="email" required defaultValue={String(failure?.values?.email ?? email)} />
          )}
        </Field>
        <p>
          <button type="submit">{t("send_link")}</button>
        </p>
      </Form>
    </section>
  );
}
