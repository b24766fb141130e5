import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
import { auth } from "../i18n/ui/auth.ts";
import { signInWithToken } from "../services/auth.server.ts";
import { isFailure, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { clientIp, sessionCookie } from "../utils/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Sign in · GenMig Hub" }, { name: "robots", content: "noindex" }];

// GET only shows a button: mail scanners that follow links must not consume the single-use token.
export async function loader({ request }: LoaderFunctionArgs) {
  return { token: new URL(request.url).searchParams.get("token") ?? "" };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const token = String(form.get("token") ?? "");
  return runForm(async () => {
    const session = await signInWithToken({ token, userAgent: request.headers.get("user-agent") ?? undefined, ip: clientIp(context) });
    return redirect("/account", { headers: { "set-cookie": sessionCookie(request, session.sessionSecret) } });
  });
}

export default function Verify() {
  const t = useT(auth);
  const { token } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  return (
    <section>
      <h1>{t("verify_title")}</h1>
      <FormErrors failure={failure} />
      {token && !failure ? (
        <Form method="post">
          <p>{t("verify_body")}</p>
          <input type="hidden" name="token" value={token} />
          <button type="submit">{t("verify_button")}</button>
        </Form>
      ) : (
        <p>
          {token ? null : t("verify_missing")} <Link to="/auth/sign-in">{t("ask_new_link")}</Link>
        </p>
      )}
    </section>
  );
}
