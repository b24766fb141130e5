import { Link } from "@remix-run/react";
import { common } from "../i18n/ui/common.ts";
import { useT } from "../utils/i18n.ts";

export interface PagerInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/**
 * Plain "Previous"/"Next" links carrying the cursor in the query string, so paging works without JavaScript
 * and a page can be bookmarked; `keep` holds the filters, `prefix` separates two lists on one page.
 */
export function Pager({ info, keep = {}, prefix = "", hash = "" }: { info: PagerInfo; keep?: Record<string, string>; prefix?: string; hash?: string }) {
  const t = useT(common);
  if (!info.hasNextPage && !info.hasPreviousPage) return null;
  const href = (key: "after" | "before", cursor: string) => {
    const params = new URLSearchParams(Object.entries(keep).filter(([, v]) => v));
    params.set(`${prefix}${key}`, cursor);
    return `?${params}${hash}`;
  };
  return (
    <nav aria-label={t("pagination")} className="pager">
      {info.hasPreviousPage && info.startCursor ? (
        <Link rel="prev" to={href("before", info.startCursor)}>
          ← {t("previous_page")}
        </Link>
      ) : null}{" "}
      {info.hasNextPage && info.endCursor ? (
        <Link rel="next" to={href("after", info.endCursor)}>
          {t("next_page")} →
        </Link>
      ) : null}
    </nav>
  );
}
