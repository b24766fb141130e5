import { translator, type Lang } from "../../app/i18n/index.ts";
import { dialogueRepliesUi } from "../../app/i18n/ui/dialogue-replies.ts";
import { renderEmail } from "../render.tsx";
import { Layout } from "./layout.tsx";

export type RefusalReason = "not_member" | "closed" | "expired" | "revoked" | "sender_mismatch" | "unauthenticated" | "rate_limited" | "empty" | "invalid";

/**
 * Why an emailed reply was not posted, in the person's language. It names nothing from the dialogue (the reply's
 * own subject is the person's text), so it is safe even when the person is no longer a member.
 */
export function replyRefusedEmail(lang: Lang, a: { reason: RefusalReason; subject: string; vars?: Record<string, string>; threadUrl?: string | null }) {
  const t = translator(dialogueRepliesUi, lang);
  const subject = t("subject");
  const intro = t("intro", { subject: a.subject.slice(0, 200) });
  const reason = t(`reason_${a.reason}`, a.vars);
  const open = a.threadUrl ? t("open", { url: a.threadUrl }) : undefined;
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{intro}</p>
      <p>
        <strong>{reason}</strong>
      </p>
      {open ? <p>{open}</p> : null}
    </Layout>,
    [intro, reason, open, `-- \n${t("footer")}`],
  );
}

/** The reply was posted, but some attachments were refused (type, size, quota or upload rate). */
export function replyFilesRefusedEmail(lang: Lang, a: { files: { name: string; message: string }[]; threadUrl: string }) {
  const t = translator(dialogueRepliesUi, lang);
  const subject = t("subject_files");
  const lines = a.files.map((f) => t("file_line", { name: f.name, message: f.message }));
  const open = t("open", { url: a.threadUrl });
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{t("files_intro")}</p>
      <ul>
        {lines.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ul>
      <p>{open}</p>
    </Layout>,
    [t("files_intro"), lines.map((l) => `- ${l}`).join("\n"), open, `-- \n${t("footer")}`],
  );
}
