import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { mailStreamsUi } from "../i18n/ui/mail-streams.ts";
import { subscriptionsUi } from "../i18n/ui/subscriptions.ts";
import { dialogueStreamForToken, unsubscribeFromDialogue, type DialogueStreamView } from "../services/dialogues/mail-stream.server.ts";
import { isDialogueStreamToken } from "../services/subscriptions/streams.server.ts";
import { subscriptionForToken, unsubscribe, type SubscriptionView } from "../services/subscriptions/subscriptions.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { langOf, pageTitle } from "../utils/meta.ts";
import { LINK_PAGE_HEADERS } from "../utils/link-pages.ts";

export const headers: HeadersFunction = () => LINK_PAGE_HEADERS;

export const meta: MetaFunction = ({ matches }) => {
  const lang = langOf(matches);
  return [{ title: pageTitle(lang, { text: subscriptionsUi[lang].unsubscribe_title }) }, { name: "robots", content: "noindex" }];
};

// A key names one stream (ADR 0047): the publications of a subscriber or partner person, or one member's dialogue.
type StreamView = SubscriptionView | DialogueStreamView;
const read = (token: string): Promise<StreamView> => (isDialogueStreamToken(token) ? dialogueStreamForToken(token) : subscriptionForToken(token));
const stop = (token: string): Promise<StreamView> => (isDialogueStreamToken(token) ? unsubscribeFromDialogue(token) : unsubscribe(token));

// GET only asks: link scanners and previews open every URL in a mail and must not unsubscribe anyone.
export async function loader({ request, params }: LoaderFunctionArgs) {
  return { view: await orErrorPage(() => read(params.token ?? ""), request), token: params.token ?? "" };
}

/**
 * RFC 8058 one-click: any POST unsubscribes at once, whatever its body (`List-Unsubscribe=One-Click`, our own
 * button's form, or nothing at all) and whatever its Origin (the guard's one exception, ADR 0018). The body is
 * never read, so a POST whose body is lost or malformed still counts.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  return { view: await orErrorPage(() => stop(params.token ?? ""), request) };
}

export default function Unsubscribe() {
  const t = useT(subscriptionsUi);
  const ts = useT(mailStreamsUi);
  const { view, token } = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  const dialogue = view.kind === "DIALOGUE" ? view : null;
  // Dialogue mail is turned back on by the member, signed in; publications from the preference page (ADR 0041).
  const manage = dialogue ? `/account#mail-streams` : `/subscription/${token}`;
  if (done) {
    return (
      <section>
        <h1>{t("unsubscribed_title")}</h1>
        <p className="notice" role="status">
          {dialogue ? ts("dialogue_unsubscribed_body", { title: dialogue.dialogueTitle }) : t("unsubscribed_body")}
        </p>
        <p>{dialogue ? ts("dialogue_unsubscribed_others") : ts("unsubscribed_others")}</p>
        <p>
          <Link to={manage}>{dialogue ? ts("manage_signed_in") : t("manage_link")}</Link>
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>{t("unsubscribe_title")}</h1>
      <p>{dialogue ? ts("dialogue_unsubscribe_intro", { email: view.email, title: dialogue.dialogueTitle }) : t("unsubscribe_intro", { email: view.email })}</p>
      <Form method="post">
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <button type="submit" className="danger">
          {t("unsubscribe_button")}
        </button>
      </Form>
      <p>
        <Link to={manage}>{dialogue ? ts("manage_signed_in") : t("unsubscribe_keep")}</Link>
      </p>
    </section>
  );
}
