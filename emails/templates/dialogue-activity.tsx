import { formatDateTime, translator, type Lang } from "../../app/i18n/index.ts";
import { dialogueActivityUi } from "../../app/i18n/ui/dialogue-activity.ts";
import { dialoguesUi } from "../../app/i18n/ui/dialogues.ts";
import { renderEmail } from "../render.tsx";
import { Button, Layout } from "./layout.tsx";

/** One post as the recipient may see it: `author` is null when the policy hides the name (Chatham House). */
export interface MailPost {
  author: { name: string; affiliation: string[] } | null;
  body: string;
  createdAt: Date;
}
export interface MailThread {
  title: string;
  url: string;
  posts: MailPost[];
  more: number;
  /** reply+<token>@REPLY_DOMAIN for this recipient and thread (ADR 0052), when replies by email are set up. */
  replyAddress?: string | null;
}
interface Common {
  title: string;
  chathamHouse: boolean;
  dialogueUrl: string;
}

const EXCERPT = 600;
const excerpt = (body: string) => (body.length > EXCERPT ? `${body.slice(0, EXCERPT).trimEnd()}…` : body);
const ruleStyle = { borderLeft: "3px solid #b35c00", paddingLeft: "10px" };
const quoteStyle = { whiteSpace: "pre-line" as const, borderLeft: "3px solid #d8dde4", paddingLeft: "10px", margin: "8px 0" };

function who(lang: Lang, post: MailPost) {
  const ui = translator(dialoguesUi, lang);
  if (!post.author) return ui("anonymous_author");
  return post.author.affiliation.length ? `${post.author.name} (${post.author.affiliation.join(", ")})` : post.author.name;
}

/**
 * Immediate notice of one post. The dialogue title stays out of the subject (lock screens, mail previews);
 * the post is quoted as written (Markdown is plain text) and escaped by React in the HTML part.
 */
export function dialoguePostEmail(lang: Lang, a: Common & { thread: MailThread }) {
  const t = translator(dialogueActivityUi, lang);
  const ui = translator(dialoguesUi, lang);
  const post = a.thread.posts[0];
  const subject = t("mail_post_subject");
  const intro = t("mail_post_intro", { author: who(lang, post), thread: a.thread.title, title: a.title });
  const rule = a.chathamHouse ? ui("chatham_house") : undefined;
  const settings = t("mail_settings", { url: `${a.dialogueUrl}#notifications` });
  const reply = a.thread.replyAddress ? t(a.chathamHouse ? "mail_reply_hint_chatham" : "mail_reply_hint") : undefined;
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("mail_footer")}>
      {rule ? <p style={ruleStyle}>{rule}</p> : null}
      <p>{intro}</p>
      <p style={quoteStyle}>{excerpt(post.body)}</p>
      <Button href={a.thread.url} label={t("mail_open")} fallback={t("mail_fallback")} />
      {reply ? <p style={{ fontSize: "12px" }}>{reply}</p> : null}
      <p style={{ fontSize: "12px", color: "#5a6472" }}>{settings}</p>
    </Layout>,
    [rule, intro, excerpt(post.body), `${t("mail_open")}: ${a.thread.url}`, reply, settings, `-- \n${t("mail_footer")}`],
  );
}

/** A daily or weekly digest of one dialogue for one member, in their language. */
export function dialogueDigestEmail(lang: Lang, a: Common & { frequency: "DAILY" | "WEEKLY"; threads: MailThread[] }) {
  const t = translator(dialogueActivityUi, lang);
  const ui = translator(dialoguesUi, lang);
  const subject = t(`mail_digest_subject_${a.frequency}`);
  const intro = t("mail_digest_intro", { title: a.title });
  const rule = a.chathamHouse ? ui("chatham_house") : undefined;
  const settings = t("mail_settings", { url: `${a.dialogueUrl}#notifications` });
  const line = (p: MailPost) => `${who(lang, p)} · ${formatDateTime(p.createdAt, lang)}`;
  const text: (string | undefined)[] = [rule, intro];
  for (const th of a.threads) {
    text.push(`## ${th.title}\n${th.url}${th.replyAddress ? `\n${t("mail_reply_to_thread", { address: th.replyAddress })}` : ""}`);
    for (const p of th.posts) text.push(`${line(p)}\n${excerpt(p.body)}`);
    if (th.more) text.push(t("mail_more", { count: th.more }));
  }
  text.push(`${t("mail_open_dialogue")}: ${a.dialogueUrl}`, settings, `-- \n${t("mail_footer")}`);
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("mail_footer")}>
      {rule ? <p style={ruleStyle}>{rule}</p> : null}
      <p>{intro}</p>
      {a.threads.map((th) => (
        <div key={th.url}>
          <h2 style={{ fontSize: "16px", margin: "16px 0 4px" }}>
            <a href={th.url}>{th.title}</a>
          </h2>
          {th.posts.map((p, i) => (
            <div key={i}>
              <p style={{ fontSize: "12px", color: "#5a6472", margin: "8px 0 0" }}>{line(p)}</p>
              <p style={quoteStyle}>{excerpt(p.body)}</p>
            </div>
          ))}
          {th.more ? <p style={{ fontSize: "12px" }}>{t("mail_more", { count: th.more })}</p> : null}
          {th.replyAddress ? (
            <p style={{ fontSize: "12px" }}>
              <a href={`mailto:${th.replyAddress}`}>{t("mail_reply_to_thread", { address: th.replyAddress })}</a>
            </p>
          ) : null}
        </div>
      ))}
      <Button href={a.dialogueUrl} label={t("mail_open_dialogue")} fallback={t("mail_fallback")} />
      <p style={{ fontSize: "12px", color: "#5a6472" }}>{settings}</p>
    </Layout>,
    text,
  );
}
