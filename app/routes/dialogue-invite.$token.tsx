import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ChathamHouseBanner } from "../components/dialogue-banner.tsx";
import { FormErrors } from "../components/fields.tsx";
import { dialoguesUi } from "../i18n/ui/dialogues.ts";
import { acceptDialogueInvite, dialogueInvitationPreview } from "../services/dialogues/invitations.server.ts";
import { AppError } from "../services/errors.ts";
import { isFailure, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { pageContext } from "../utils/request.server.ts";
import { clientIp, sessionCookie } from "../utils/session.server.ts";
import { signInBrowser } from "../utils/sign-in-browser.server.ts";

export const meta: MetaFunction = () => [{ title: "Invitation · GenMig Hub" }, { name: "robots", content: "noindex" }];

// The link in a dialogue invitation email: GET only shows what accepting means; nothing changes until the POST.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const browser = signInBrowser(request);
  const { lang } = await pageContext(request);
  const headers: Record<string, string> = { "cache-control": "private, no-store" };
  if (browser.setCookie) headers["set-cookie"] = browser.setCookie;
  try {
    return data({ invitation: await dialogueInvitationPreview(params.token ?? "", browser.value, lang) }, { headers });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return data({ invitation: null }, { headers, status: 400 });
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const { actor } = await pageContext(request);
  return runForm(async () => {
    const accepted = await acceptDialogueInvite({
      token: params.token ?? "",
      actor,
      browser: { value: signInBrowser(request).value, proof: String(form.get("proof") ?? "") },
      userAgent: request.headers.get("user-agent") ?? undefined,
      ip: clientIp(context),
    });
    const headers = accepted.sessionSecret ? { "set-cookie": sessionCookie(request, accepted.sessionSecret) } : undefined;
    return redirect(`/dialogues/${accepted.dialogueId}?joined=1`, { headers });
  });
}

export default function AcceptDialogueInvitation() {
  const t = useT(dialoguesUi);
  const { invitation } = useLoaderData<typeof loader>();
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
      <p>{t("accept_body", { email: invitation.email })}</p>
      <Form method="post">
        <input type="hidden" name="proof" value={invitation.proof} />
        <button type="submit">{t("accept_button")}</button>
      </Form>
    </section>
  );
}
