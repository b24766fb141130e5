import { Link } from "@remix-run/react";
import { digestCta } from "../i18n/ui/digest-cta.ts";
import { useT } from "../utils/i18n.ts";

/** The way to /subscribe, offered wherever readers arrive (home, publications, footer), as newsletters do. */
export function DigestCta() {
  const t = useT(digestCta);
  return (
    <aside className="digest-cta" aria-labelledby="digest-cta">
      <h2 id="digest-cta">{t("cta_title")}</h2>
      <p>{t("cta_body")}</p>
      <p>
        <Link className="button" to="/subscribe">
          {t("cta")}
        </Link>
      </p>
    </aside>
  );
}

/** The footer's short form of the same offer. */
export function DigestLink() {
  const t = useT(digestCta);
  return <Link to="/subscribe">{t("cta")}</Link>;
}
