import type { ReactNode } from "react";
import type { Lang } from "../i18n/index.ts";
import { common } from "../i18n/ui/common.ts";
import { useLang, useT } from "../utils/i18n.ts";

/**
 * Content written in another language than the page: tagged with its `lang` (screen readers switch voice,
 * browsers hyphenate right) and, when asked, followed by a small "in English" note in the reader's language.
 */
export function InLanguage({ lang, as: Tag = "span", note = false, className, children }: { lang: Lang; as?: "span" | "div" | "h1" | "p" | "strong"; note?: boolean; className?: string; children: ReactNode }) {
  const page = useLang();
  const t = useT(common);
  if (lang === page) return <Tag className={className}>{children}</Tag>;
  return (
    <>
      <Tag lang={lang} className={className}>
        {children}
      </Tag>
      {note ? (
        <>
          {" "}
          <span className="badge other-lang">{t(`in_${lang}`)}</span>
        </>
      ) : null}
    </>
  );
}
