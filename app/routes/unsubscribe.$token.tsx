import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { subscriptionsUi } from "../i18n/ui/subscriptions.ts";
import { subscriptionForToken, unsubscribe } from "../services/subscriptions/subscriptions.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { langOf, pageTitle } from "../utils/meta.ts";
import { LINK_PAGE_HEADERS } from "../utils/link-pages.ts";

export const headers: HeadersFunction = () => LINK_PAGE_HEADERS;

export const meta: MetaFunction = ({ matches }) => {
  const lang = langOf(matches);
  return [{ title: pageTitle(lang, { text: subscriptionsUi[lang].unsubscribe_title }) }, { name: "robots", content: "noindex" }];
};

// GET only asks: link scanners and previews open every URL in a mail and must not unsubscribe anyone.
export async function loader({ request, params }: LoaderFunctionArgs) {
  return { view: await orErrorPage(() => subscriptionForToken(params.token ?? ""), request), token: params.token ?? "" };
}

/**
 * RFC 8058 one-click: any POST unsubscribes at once, whatever its body (`List-Unsubscribe=One-Click`, our own
 * button's form, or nothing at all) and whatever its Origin (the guard's one exception, ADR 0018). The body is
 * never read, so a POST whose body is lost or malformed still counts.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  return { view: await orErrorPage(() => unsubscribe(params.token ?? ""), request) };
}

export default function Unsubscribe() {
  const t = useT(subscriptionsUi);
  const { view, token } = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  if (done) {
    return (
      <section>
        <h1>{t("unsubscribed_title")}</h1>
        <p className="notice" role="status">
          {t("unsubscribed_body")}
        </p>
        <p>
          <Link to={`/subscription/${token}`}>{t("manage_link")}</Link>
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>{t("unsubscribe_title")}</h1>
      <p>{t("unsubscribe_intro", { email: view.email })}</p>
      <Form method="post">
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <button type="submit" className="danger">
          {t("unsubscribe_button")}
        </button>
      </Form>
      <p>
        <Link to={`/subscription/${token}`}>{t("unsubscribe_keep")}</Link>
      </p>
    </section>
  );
}
