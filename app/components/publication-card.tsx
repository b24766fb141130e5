import { Link } from "@remix-run/react";
import { LANGUAGE_NAMES } from "../i18n/index.ts";
import { publicationsUi } from "../i18n/ui/publications.ts";
import { topicLabel, type TopicValue } from "../schemas/topics.ts";
import type { PublicationCard } from "../services/publications/view.ts";
import { formatDate } from "../services/publications/view.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { InLanguage } from "./in-language.tsx";

/** One item in a list: title in the reader's language (or marked as another), type, date, summary. */
export function PublicationCardView({ p, showAudience = false }: { p: PublicationCard; showAudience?: boolean }) {
  const t = useT(publicationsUi);
  const lang = useLang();
  const others = p.languages.filter((l) => l !== p.textLang);
  return (
    <li>
      <span className="badge">{t(`type_${p.type}` as "type_BRIEF")}</span>{" "}
      {p.webinarMaterial ? <span className="badge">{t(`material_${p.webinarMaterial}` as "material_SLIDES")}</span> : null}{" "}
      {p.pending === "DRAFT" ? <span className="badge other-lang">{t("status_DRAFT")}</span> : null}
      {p.pending === "SCHEDULED" && p.publishedAt ? (
        <span className="badge other-lang">{t("status_SCHEDULED", { when: formatDate(p.publishedAt, lang) })}</span>
      ) : null}
      {showAudience && p.audience !== "PUBLIC" ? <span className="badge">{t(`audience_${p.audience}` as "audience_PUBLIC")}</span> : null}
      <div>
        <Link to={`/publications/${p.id}`}>
          <InLanguage lang={p.textLang} as="strong" note>
            {p.title}
          </InLanguage>
        </Link>
      </div>
      <div className="meta">
        {p.publishedAt && !p.pending ? formatDate(p.publishedAt, lang) : null}
        {p.topics.length ? ` · ${p.topics.map((x) => topicLabel(x as TopicValue, lang)).join(", ")}` : null}
      </div>
      {p.summary ? (
        <InLanguage lang={p.textLang} as="p">
          {p.summary}
        </InLanguage>
      ) : null}
      {others.length ? (
        <div className="meta">
          {t("other_versions")}{" "}
          {others.map((l, i) => (
            <span key={l}>
              {i ? ", " : ""}
              <Link to={`/publications/${p.id}?lang=${l}`} lang={l} hrefLang={l}>
                {LANGUAGE_NAMES[l]}
              </Link>
            </span>
          ))}
        </div>
      ) : null}
    </li>
  );
}
