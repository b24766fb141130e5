import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { errorMessages } from "../i18n/errors.ts";
import { subscriptionsUi } from "../i18n/ui/subscriptions.ts";
import { confirmSubscription } from "../services/subscriptions/subscriptions.server.ts";
import { isFailure, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { langOf, pageTitle } from "../utils/meta.ts";
import { LINK_PAGE_HEADERS } from "../utils/link-pages.ts";

export const headers: HeadersFunction = () => LINK_PAGE_HEADERS;

export const meta: MetaFunction = ({ matches }) => {
  const lang = langOf(matches);
  return [{ title: pageTitle(lang, { text: subscriptionsUi[lang].confirm_title }) }, { name: "robots", content: "noindex" }];
};

// GET only shows the button: a link scanner opening the mail must not confirm a subscription someone else typed.
export async function loader(_: LoaderFunctionArgs) {
  return null;
}

export async function action({ params }: ActionFunctionArgs) {
  return runForm(async () => {
    const view = await confirmSubscription(params.token ?? "");
    return { ok: true as const, frequency: view.frequency, preferences: `/subscription/${view.preferenceToken}` };
  });
}

export default function ConfirmSubscription() {
  const t = useT(subscriptionsUi);
  const te = useT(errorMessages);
  const result = useActionData<typeof action>();
  if (result && !isFailure(result)) {
    return (
      <section>
        <h1>{t("confirmed_title")}</h1>
        <p className="notice" role="status">
          {t("confirmed_body", { frequency: t(`confirmed_frequency_${result.frequency}`) })}
        </p>
        <p>
          <Link to={result.preferences}>{t("manage_link")}</Link>
        </p>
      </section>
    );
  }
  if (isFailure(result)) {
    const field = result.fieldErrors.token;
    return (
      <section>
        <h1>{t("link_problem_title")}</h1>
        <p className="alert" role="alert">
          {te(field?.key ?? result.formError)}
        </p>
        <p>
          <Link to="/subscribe">{t("sign_up_again")}</Link>
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>{t("confirm_title")}</h1>
      <p>{t("confirm_intro")}</p>
      <Form method="post">
        <button type="submit">{t("confirm_button")}</button>
      </Form>
    </section>
  );
}
