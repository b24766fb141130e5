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

/**
 * Goes to an address nobody has verified yet, so the subject is fixed text: the name someone typed appears only
 * in the body, escaped, and labelled as unchecked input.
 */
export function applicationReceivedEmail(lang: Lang, submittedName: string) {
  const t = tr(lang);
  const subject = t("received_subject");
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{t("received_body")}</p>
      <Submitted label={t("submitted_label")} text={submittedName} />
      <p>{t("received_not_you")}</p>
    </Layout>,
    [t("received_body"), `${t("submitted_label")}\n> ${submittedName}`, t("received_not_you"), `-- \n${t("footer")}`],
  );
}

/** Someone's unchecked input, shown as a quotation rather than as our own words. */
function Submitted({ label, text }: { label: string; text: string }) {
  return (
    <p style={{ borderLeft: "3px solid #d8dde4", paddingLeft: "10px", color: "#5a6472" }}>
      {label}
      <br />
      <q>{text}</q>
    </p>
  );
}

/** To the focal point of an institution that a new application names again; fixed text only. */
export function duplicateApplicationEmail(lang: Lang) {
  const t = tr(lang);
  const subject = t("duplicate_subject");
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{t("duplicate_body")}</p>
    </Layout>,
    [t("duplicate_body"), `-- \n${t("footer")}`],
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

export function memberInvitedEmail(lang: Lang, partner: string, inviter: string, acceptUrl: string, days: number) {
  const t = tr(lang);
  const subject = t("invited_subject", { partner });
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{t("invited_body", { partner, inviter, days })}</p>
      <Button href={acceptUrl} label={t("invited_button")} fallback={t("link_fallback")} />
    </Layout>,
    [t("invited_body", { partner, inviter, days }), acceptUrl, `-- \n${t("footer")}`],
  );
}
