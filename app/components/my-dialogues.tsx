import { Link } from "@remix-run/react";
import { dialogueActivityUi } from "../i18n/ui/dialogue-activity.ts";
import { dialoguesUi } from "../i18n/ui/dialogues.ts";
import type { MyDialogues } from "../services/dialogues/mine.server.ts";
import { useT } from "../utils/i18n.ts";

/** The person's dialogues, or what to do to join one. `level` keeps the heading in the page's outline. */
export function MyDialoguesList({ mine, headingId, level = 2 }: { mine: MyDialogues; headingId: string; level?: 2 | 3 }) {
  const t = useT(dialogueActivityUi);
  const ui = useT(dialoguesUi);
  const H = level === 2 ? "h2" : "h3";
  return (
    <>
      <H id={headingId}>{t("my_dialogues")}</H>
      {mine.items.length === 0 ? (
        <p className="hint" data-my-dialogues-empty>
          {t("my_dialogues_none")}
        </p>
      ) : (
        <ul data-my-dialogues>
          {mine.items.map((d) => (
            <li key={d.id}>
              <Link to={`/dialogues/${d.id}`}>{d.title}</Link>
              {d.role ? <span className="meta"> · {ui(d.role === "FACILITATOR" ? "facilitator" : "member")}</span> : null}
              {d.chathamHouse ? <span className="badge">Chatham House</span> : null}
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to="/dialogues">{t("my_dialogues_all")}</Link>
      </p>
    </>
  );
}
