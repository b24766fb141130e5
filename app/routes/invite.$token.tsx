import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
import { partnersUi } from "../i18n/ui/partners.ts";
import { acceptPartnerInvitation, invitationPreview } from "../services/partner-invitations.server.ts";
import { isFailure } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { acceptInvitationLink, invitationLinkPage } from "../utils/invitation-link.server.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("invitation", [{ name: "robots", content: "noindex" }]);

// The link in an invitation email. GET only shows what accepting means; nothing changes until the POST.
export function loader({ request, params }: LoaderFunctionArgs) {
  return invitationLinkPage(request, (browser) => invitationPreview(params.token ?? "", browser));
}

export function action({ request, params, context }: ActionFunctionArgs) {
  return acceptInvitationLink(request, context, async (acceptance) => {
    const accepted = await acceptPartnerInvitation({ token: params.token ?? "", ...acceptance });
    return { to: `/partners/${accepted.partnerId}?joined=1`, sessionSecret: accepted.sessionSecret };
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
