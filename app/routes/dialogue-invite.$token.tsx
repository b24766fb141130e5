import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { ChathamHouseBanner } from "../components/dialogue-banner.tsx";
import { FormErrors } from "../components/fields.tsx";
import { dialoguesUi } from "../i18n/ui/dialogues.ts";
import { acceptDialogueInvite, dialogueInvitationPreview } from "../services/dialogues/invitations.server.ts";
import { isFailure } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { pageContext } from "../utils/request.server.ts";
import { acceptInvitationLink, invitationLinkPage } from "../utils/invitation-link.server.ts";

export const meta: MetaFunction = () => [{ title: "Invitation · GenMig Hub" }, { name: "robots", content: "noindex" }];

// The link in a dialogue invitation email: GET only shows what accepting means; nothing changes until the POST.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { lang, actor } = await pageContext(request);
  return invitationLinkPage(request, (browser) => dialogueInvitationPreview(params.token ?? "", browser, lang, actor), { "cache-control": "private, no-store" });
}

export function action({ request, params, context }: ActionFunctionArgs) {
  return acceptInvitationLink(request, context, async ({ browser, proof, ...who }) => {
    const accepted = await acceptDialogueInvite({ token: params.token ?? "", browser: { value: browser, proof }, ...who });
    return { to: `/dialogues/${accepted.dialogueId}?joined=1`, sessionSecret: accepted.sessionSecret };
  });
}

export default function AcceptDialogueInvitation() {
  const t = useT(dialoguesUi);
  const { invitation } = useLoaderData<typeof loader>();
  const location = useLocation();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  if (!invitation) {
    return (
      <section>
        <h1>{t("title")}</h1>
        <p role="alert">{t("invalid")}</p>
        <p>
          <Link to="/">GenMig Hub</Link>
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>{t("accept_title", { title: invitation.title })}</h1>
      <ChathamHouseBanner on={invitation.chathamHouse} />
      <FormErrors failure={failure} />
      {invitation.signInFirst ? (
        <>
          <p>{t("accept_sign_in_first", { email: invitation.email })}</p>
          <p>
            <Link to={`/auth/sign-in?redirectTo=${encodeURIComponent(location.pathname)}&email=${encodeURIComponent(invitation.email)}`}>
              {t("accept_sign_in", { email: invitation.email })}
            </Link>
          </p>
        </>
      ) : (
        <p>{t("accept_body", { email: invitation.email })}</p>
      )}
      {invitation.signInFirst ? null : (
        <Form method="post">
          <input type="hidden" name="proof" value={invitation.proof} />
          <button type="submit">{t("accept_button")}</button>
        </Form>
      )}
    </section>
  );
}
