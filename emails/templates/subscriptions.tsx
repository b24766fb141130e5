import { translator, type Lang } from "../../app/i18n/index.ts";
import { subscriptionMessages } from "../subscription-messages.ts";
import { renderEmail } from "../render.tsx";
import { Button, Layout } from "./layout.tsx";

const tr = (lang: Lang) => translator(subscriptionMessages, lang);

/** Double opt-in: fixed text only, since the address is not yet known to belong to the person who typed it. */
export function subscriptionConfirmEmail(lang: Lang, url: string, hours: number) {
  const t = tr(lang);
  const subject = t("confirm_subject");
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{t("confirm_body", { hours })}</p>
      <Button href={url} label={t("confirm_button")} fallback={t("link_fallback")} />
      <p>{t("confirm_ignore")}</p>
    </Layout>,
    [t("confirm_body", { hours }), url, t("confirm_ignore"), `-- \n${t("footer")}`],
  );
}

/** A repeat sign-up of a confirmed address: nothing changes; the owner gets their preference link. */
export function alreadySubscribedEmail(lang: Lang, preferencesUrl: string) {
  const t = tr(lang);
  const subject = t("already_subject");
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{t("already_body")}</p>
      <Button href={preferencesUrl} label={t("already_button")} fallback={t("link_fallback")} />
    </Layout>,
    [t("already_body"), preferencesUrl, `-- \n${t("footer")}`],
  );
}
