import { translator, type Lang } from "../../app/i18n/index.ts";
import { emailMessages } from "../messages.ts";
import { renderEmail } from "../render.tsx";
import { Button, Layout } from "./layout.tsx";

const tr = (lang: Lang) => translator(emailMessages, lang);

export function signInLinkEmail(lang: Lang, url: string) {
  const t = tr(lang);
  const subject = t("sign_in_subject");
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{t("sign_in_intro")}</p>
      <Button href={url} label={t("sign_in_button")} fallback={t("link_fallback")} />
      <p>{t("sign_in_ignore")}</p>
    </Layout>,
    [t("sign_in_intro"), url, t("sign_in_ignore"), `-- \n${t("footer")}`],
  );
}

export function applicationReceivedEmail(lang: Lang, partner: string) {
  const t = tr(lang);
  const subject = t("received_subject", { partner });
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{t("received_body", { partner })}</p>
    </Layout>,
    [t("received_body", { partner }), `-- \n${t("footer")}`],
  );
}

export function partnerApprovedEmail(lang: Lang, partner: string, signInUrl: string) {
  const t = tr(lang);
  const subject = t("approved_subject", { partner });
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{t("approved_body", { partner })}</p>
      <Button href={signInUrl} label={t("approved_button")} fallback={t("link_fallback")} />
    </Layout>,
    [t("approved_body", { partner }), signInUrl, `-- \n${t("footer")}`],
  );
}

export function partnerRejectedEmail(lang: Lang, partner: string, reason: string) {
  const t = tr(lang);
  const subject = t("rejected_subject", { partner });
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{t("rejected_body", { partner })}</p>
      <p>
        <strong>{t("rejected_reason")}</strong>
        <br />
        {reason}
      </p>
      <p>{t("rejected_contact")}</p>
    </Layout>,
    [t("rejected_body", { partner }), `${t("rejected_reason")}\n${reason}`, t("rejected_contact"), `-- \n${t("footer")}`],
  );
}

export function memberInvitedEmail(lang: Lang, partner: string, inviter: string, signInUrl: string) {
  const t = tr(lang);
  const subject = t("invited_subject", { partner, inviter });
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{t("invited_body", { partner, inviter })}</p>
      <Button href={signInUrl} label={t("invited_button")} fallback={t("link_fallback")} />
    </Layout>,
    [t("invited_body", { partner, inviter }), signInUrl, `-- \n${t("footer")}`],
  );
}
