import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
import { partnersUi } from "../i18n/ui/partners.ts";
import { AppError } from "../services/errors.ts";
import { acceptPartnerInvitation, invitationPreview } from "../services/partner-invitations.server.ts";
import { isFailure, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { pageContext } from "../utils/request.server.ts";
import { clientIp, sessionCookie } from "../utils/session.server.ts";
import { signInBrowser } from "../utils/sign-in-browser.server.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("invitation", [{ name: "robots", content: "noindex" }]);

// The link in an invitation email. GET only shows what accepting means; nothing changes until the POST.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const browser = signInBrowser(request);
  const init = browser.setCookie ? { headers: { "set-cookie": browser.setCookie } } : undefined;
  try {
    return data({ invitation: await invitationPreview(params.token ?? "", browser.value) }, init);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return data({ invitation: null }, { ...init, status: 400 });
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const { actor } = await pageContext(request);
  return runForm(async () => {
    const accepted = await acceptPartnerInvitation({
      token: params.token ?? "",
      browser: signInBrowser(request).value,
      proof: String(form.get("proof") ?? ""),
      actor,
      userAgent: request.headers.get("user-agent") ?? undefined,
      ip: clientIp(context),
    });
    const headers = accepted.sessionSecret ? { "set-cookie": sessionCookie(request, accepted.sessionSecret) } : undefined;
    return redirect(`/partners/${accepted.partnerId}?joined=1`, { headers });
  });
}

export default function AcceptInvitation() {
  const t = useT(partnersUi);
  const { invitation } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  if (!invitation) {
    return (
      <section>
        <h1>{t("accept_title", { partner: "GenMig Hub" })}</h1>
        <FormErrors failure={{ ok: false, formError: "invitation_invalid", fieldErrors: {} }} />
        <p>
          <Link to="/">GenMig Hub</Link>
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>{t("accept_title", { partner: invitation.partnerName })}</h1>
      <FormErrors failure={failure} />
      <p>{t("accept_body", { partner: invitation.partnerName, email: invitation.email })}</p>
      <Form method="post">
        <input type="hidden" name="proof" value={invitation.proof} />
        <button type="submit">{t("accept_button")}</button>
      </Form>
    </section>
  );
}
