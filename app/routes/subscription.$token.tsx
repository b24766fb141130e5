import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
import { PreferenceFields, preferenceInput } from "../components/subscription-fields.tsx";
import { mailStreamsUi } from "../i18n/ui/mail-streams.ts";
import { subscriptionsUi } from "../i18n/ui/subscriptions.ts";
import { confirmTtlHours, subscriptionForToken, unsubscribe, updateSubscription } from "../services/subscriptions/subscriptions.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { langOf, pageTitle } from "../utils/meta.ts";
import { LINK_PAGE_HEADERS } from "../utils/link-pages.ts";
import { clientIp } from "../utils/session.server.ts";

export const meta: MetaFunction = ({ matches }) => {
  const lang = langOf(matches);
  return [{ title: pageTitle(lang, { text: subscriptionsUi[lang].prefs_title }) }, { name: "robots", content: "noindex" }];
};

export const headers: HeadersFunction = () => LINK_PAGE_HEADERS;

// The preference centre: the link in every newsletter and digest is the key, no sign-in. Viewing changes nothing.
export async function loader({ request, params }: LoaderFunctionArgs) {
  return { view: await orErrorPage(() => subscriptionForToken(params.token ?? ""), request), hours: confirmTtlHours() };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "save");
  return runForm(async () => {
    if (intent === "unsubscribe") return { ok: true as const, intent, view: await unsubscribe(token) };
    const view = await updateSubscription(token, { ...preferenceInput(form), resubscribe: intent === "resubscribe" }, { ip: clientIp(context) });
    return { ok: true as const, intent, view };
  });
}

export default function PreferenceCentre() {
  const t = useT(subscriptionsUi);
  const ts = useT(mailStreamsUi);
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const done = result && !isFailure(result) ? result : null;
  const view = done ? done.view : loaded.view;
  return (
    <section>
      <h1>{t("prefs_title")}</h1>
      <p>{t("prefs_intro", { email: view.email })}</p>
      {view.kind === "PARTNER" ? (
        <>
          <p className="hint">{t("prefs_partner_note")}</p>
          {/* A partner person's dialogue mail is listed (and turned back on) on their account page (ADR 0047). */}
          <p>
            <Link to="/account#mail-streams">{ts("manage_signed_in")}</Link>
          </p>
        </>
      ) : null}
      {done?.intent === "save" ? (
        <p className="notice" role="status">
          {t("prefs_saved")}
        </p>
      ) : null}
      {done?.intent === "resubscribe" ? (
        <p className="notice" role="status">
          {t("prefs_resubscribe_sent", { email: view.email, hours: loaded.hours })}
        </p>
      ) : !view.active ? (
        <p className="notice" role="status">
          {t("prefs_unsubscribed")}
        </p>
      ) : null}
      <FormErrors failure={failure} />
      {/* Once unsubscribed, a link only asks for a confirmation mail: the mailbox owner decides (ADR 0041). */}
      {view.active || (view.kind === "SUBSCRIBER" && done?.intent !== "resubscribe") ? (
        <Form method="post" noValidate>
          <PreferenceFields errors={failure?.fieldErrors} language={view.language} topics={view.topics} frequency={view.frequency} />
          <p>
            <button type="submit" name="intent" value={view.active ? "save" : "resubscribe"}>
              {view.active ? t("prefs_save") : t("prefs_resubscribe")}
            </button>
          </p>
        </Form>
      ) : null}
      {!view.active && view.kind === "PARTNER" ? <p>{t("prefs_partner_inactive")}</p> : null}
      {view.active ? (
        <>
          <h2>{t("prefs_unsubscribe_title")}</h2>
          <Form method="post">
            <button type="submit" name="intent" value="unsubscribe" className="danger">
              {t("prefs_unsubscribe_button")}
            </button>
          </Form>
        </>
      ) : null}
    </section>
  );
}
