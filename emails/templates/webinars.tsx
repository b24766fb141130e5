import { formatDateTime, translator, type Lang } from "../../app/i18n/index.ts";
import { emailMessages } from "../messages.ts";
import { renderEmail } from "../render.tsx";
import { webinarMessages, type WebinarEmailKey } from "../webinar-messages.ts";
import type { FollowUpMaterial } from "../../app/services/publications/webinar-materials.server.ts";
import { Button, Layout } from "./layout.tsx";

export interface WebinarEmailContext {
  lang: Lang;
  title: string;
  startsAt: Date;
  endsAt: Date;
  eventTimeZone: string;
  recipientTimeZone: string;
  pageUrl: string;
  joinUrl?: string;
  manageUrl?: string;
}

type Kind = "already_registered" | "confirmed" | "promoted" | "updated" | "cancelled" | "cancelled_waitlisted" | "cancelled_pending" | "registration_cancelled" | "waitlisted" | "confirm" | "pending" | "denied" | "reminder_24h" | "reminder_1h" | "followup" | "followup_noshow" | "message";

/** Staff write plain text; addresses in it become links, so recordings and slides are one click away. */
function linkified(text: string) {
  return text.split(/(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]])/g).map((part, i) => (i % 2 ? <a key={i} href={part}>{part}</a> : part));
}

/** The body shows the time in the recipient's own zone and language, and names the event's zone. */
export function whenLines(c: WebinarEmailContext) {
  const t = translator(webinarMessages, c.lang);
  const range = (zone: string) => `${formatDateTime(c.startsAt, c.lang, zone)} – ${formatDateTime(c.endsAt, c.lang, zone)}`;
  const lines = [t("your_time", { time: range(c.recipientTimeZone), zone: c.recipientTimeZone })];
  if (c.recipientTimeZone !== c.eventTimeZone) lines.push(t("event_time", { time: range(c.eventTimeZone), zone: c.eventTimeZone }));
  return lines;
}

/** A follow-up's related publications: what each is, its title (marked when not in the reader's language), links. */
function materialLines(lang: Lang, items: readonly FollowUpMaterial[]) {
  const t = translator(webinarMessages, lang);
  return items.map((m) => ({
    label: t(m.material ? (`material_${m.material}` as WebinarEmailKey) : "material_other"),
    title: m.shownIn ? `${m.title} ${t(`material_in_${m.shownIn}`)}` : m.title,
    url: m.url,
    pdfUrl: m.pdfUrl,
  }));
}

export function webinarEmail(kind: Kind, c: WebinarEmailContext, extra: { note?: string; message?: string; confirmUrl?: string; materials?: FollowUpMaterial[] } = {}) {
  const t = translator(webinarMessages, c.lang);
  const te = translator(emailMessages, c.lang);
  const subject = t(`${kind}_subject` as WebinarEmailKey, { title: c.title });
  const bodyKey = (kind.startsWith("reminder") ? "reminder_body" : kind.startsWith("followup") || kind === "message" ? null : `${kind}_body`) as WebinarEmailKey | null;
  const body = bodyKey ? t(bodyKey) : null;
  const when = whenLines(c);
  const materials = materialLines(c.lang, extra.materials ?? []);
  return renderEmail(
    subject,
    <Layout lang={c.lang} title={subject} footer={te("footer")}>
      <p style={{ fontSize: "18px", fontWeight: 700 }}>{c.title}</p>
      {body ? <p>{body}</p> : null}
      {extra.note ? <p>{extra.note}</p> : null}
      {extra.message ? <p style={{ whiteSpace: "pre-wrap" }}>{linkified(extra.message)}</p> : null}
      {materials.length ? (
        <>
          <p>
            <strong>{t("materials_heading")}</strong>
          </p>
          <ul>
            {materials.map((m) => (
              <li key={m.url}>
                {m.label}: <a href={m.url}>{m.title}</a>
                {m.pdfUrl ? (
                  <>
                    {" · "}
                    <a href={m.pdfUrl}>{t("material_pdf")}</a>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>
        <strong>{t("when")}</strong>
        {when.map((line) => (
          <span key={line}>
            <br />
            {line}
          </span>
        ))}
      </p>
      {extra.confirmUrl ? <Button href={extra.confirmUrl} label={t("confirm_button")} fallback={te("link_fallback")} /> : null}
      {c.joinUrl ? <Button href={c.joinUrl} label={t("join")} fallback={te("link_fallback")} /> : null}
      <p>
        <a href={c.pageUrl}>{t("details")}</a>
        {c.manageUrl ? (
          <>
            {" · "}
            <a href={c.manageUrl}>{t("manage")}</a>
          </>
        ) : null}
      </p>
    </Layout>,
    [
      c.title,
      body ?? undefined,
      extra.note,
      extra.message,
      materials.length
        ? [`${t("materials_heading")}:`, ...materials.map((m) => `- ${m.label}: ${m.title}\n  ${m.url}${m.pdfUrl ? `\n  ${t("material_pdf")}: ${m.pdfUrl}` : ""}`)].join("\n")
        : undefined,
      `${t("when")}:\n${when.join("\n")}`,
      extra.confirmUrl ? `${t("confirm_button")}: ${extra.confirmUrl}` : undefined,
      c.joinUrl ? `${t("join")}: ${c.joinUrl}` : undefined,
      `${t("details")}: ${c.pageUrl}`,
      c.manageUrl ? `${t("manage")}: ${c.manageUrl}` : undefined,
      `-- \n${te("footer")}`,
    ],
  );
}
