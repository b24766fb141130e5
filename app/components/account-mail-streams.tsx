import { Form } from "@remix-run/react";
import { dialogueActivityUi } from "../i18n/ui/dialogue-activity.ts";
import { mailStreamsUi } from "../i18n/ui/mail-streams.ts";
import type { MyMailStreams } from "../services/dialogues/mail-stream.server.ts";
import { useT } from "../utils/i18n.ts";

const NOTIFY = ["IMMEDIATE", "DAILY", "WEEKLY", "NEVER"] as const;

/**
 * The preference centre of a signed-in person (ADR 0047): every stream of bulk mail they get, its state, and the
 * way back on. Dialogue mail is switched here (or on the dialogue page); publications through the digest options.
 */
export function AccountMailStreams({ streams, savedDialogue }: { streams: MyMailStreams; savedDialogue?: string }) {
  const t = useT(mailStreamsUi);
  const ta = useT(dialogueActivityUi);
  const { publications, dialogues, blocked } = streams;
  return (
    <>
      <h2 id="mail-streams">{t("title")}</h2>
      <p className="hint">{t("intro")}</p>
      {blocked ? (
        <p className="notice" role="status">
          {t(`blocked_${blocked}`)}
        </p>
      ) : null}
      <ul className="mail-streams">
        <li>
          <strong>{t("publications")}</strong>
          {" — "}
          {publications.active && !blocked ? (publications.digest ? t("publications_digest") : t("on")) : t("off")}
          {!publications.active && !blocked ? (
            <>
              {" "}
              <span className="hint">{t("publications_off_hint")}</span>
            </>
          ) : null}
        </li>
        {dialogues.map((d) => (
          <li key={d.id}>
            <Form method="post" className="inline">
              <input type="hidden" name="dialogueId" value={d.id} />
              <label>
                <strong>{t("dialogue", { title: d.title })}</strong>
                {" — "}
                {d.notify === "NEVER" || blocked ? t("off") : t("on")}{" "}
                <select name="notify" defaultValue={d.notify} aria-label={ta("notify_label")}>
                  {NOTIFY.map((n) => (
                    <option key={n} value={n}>
                      {ta(`notify_${n}`)}
                    </option>
                  ))}
                </select>
              </label>{" "}
              <button type="submit" name="intent" value="dialogue-notify" className="secondary">
                {t("save")}
              </button>
            </Form>
            {d.notify === "NEVER" ? <p className="hint">{t("dialogue_off_hint")}</p> : null}
            {savedDialogue === d.id ? (
              <p className="notice" role="status">
                {t("saved")}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}
