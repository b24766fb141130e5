import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Pager } from "../components/pager.tsx";
import { DigestCta } from "../components/digest-cta.tsx";
import { PublicationCardView } from "../components/publication-card.tsx";
import { isLang, LANGUAGES, LANGUAGE_NAMES, translator, type Lang } from "../i18n/index.ts";
import { publicationsUi } from "../i18n/ui/publications.ts";
import { pageArgsFromUrl } from "../schemas/page.ts";
import { PUBLICATION_REGIONS, PUBLICATION_TYPES } from "../schemas/publication-sets.ts";
import { isTopic, TOPICS, topicLabel } from "../schemas/topics.ts";
import { can, isStaff } from "../services/policy.server.ts";
import { reachOf } from "../services/publications/audience.ts";
import { listPublications, publicationYears, type PublicationFilter } from "../services/publications/publications.server.ts";
import { publicationCard } from "../services/publications/view.ts";
import { prisma } from "../utils/db.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { langOf, pageTitle } from "../utils/meta.ts";
import { pageContext } from "../utils/request.server.ts";

export const meta: MetaFunction = ({ matches }) => {
  const lang = langOf(matches);
  return [{ title: pageTitle(lang, { text: translator(publicationsUi, lang, { typography: true })("list_title") }) }];
};

const PAGE = 20;
const one = <T extends string>(value: string | null, allowed: readonly T[]): T | "" => (value && (allowed as readonly string[]).includes(value) ? (value as T) : "");

/** Facets arrive as a plain GET form; a value outside its set is ignored (the link still works, unfiltered). */
function readFacets(url: URL) {
  const q = url.searchParams;
  const year = Number(q.get("year"));
  const topic = q.get("topic") ?? "";
  const language = q.get("language") ?? "";
  return {
    type: one(q.get("type"), PUBLICATION_TYPES),
    topic: isTopic(topic) ? topic : "",
    region: one(q.get("region"), PUBLICATION_REGIONS),
    language: isLang(language) ? language : ("" as const),
    year: Number.isInteger(year) && year >= 1900 && year <= 2200 ? String(year) : "",
    q: (q.get("q") ?? "").slice(0, 200),
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  const url = new URL(request.url);
  const f = readFacets(url);
  const staff = isStaff(actor);
  const filter: PublicationFilter = {
    types: f.type ? [f.type] : undefined,
    topics: f.topic ? [f.topic] : undefined,
    regions: f.region ? [f.region] : undefined,
    languages: f.language ? [f.language] : undefined,
    years: f.year ? [Number(f.year)] : undefined,
    search: f.q || undefined,
    // Staff work from this list: their drafts and embargoed items appear, marked.
    includeUnreleased: staff,
  };
  const reach = await reachOf(prisma(), actor);
  const [page, years] = await Promise.all([
    orErrorPage(() => listPublications(actor, filter, pageArgsFromUrl(url, PAGE), reach), request),
    publicationYears(actor, reach),
  ]);
  return {
    facets: f,
    years,
    items: page.nodes.map((p) => publicationCard(p, lang)),
    total: await page.totalCount(),
    pageInfo: page.pageInfo,
    staff: can(actor, { do: "publication.manage" }),
  };
}

export default function Publications() {
  const t = useT(publicationsUi);
  const lang = useLang();
  const { facets, years, items, total, pageInfo, staff } = useLoaderData<typeof loader>();
  const filtered = Object.values(facets).some(Boolean);
  const select = (name: keyof typeof facets, label: string, any: string, options: { value: string; label: string; lang?: Lang }[]) => (
    <div>
      <label htmlFor={`f-${name}`}>{label}</label>
      <select id={`f-${name}`} name={name} defaultValue={facets[name]}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <section>
      <h1>{t("list_title")}</h1>
      <p className="lede">{t("list_intro")}</p>
      {staff ? (
        <p>
          <Link className="button" to="/publications/new">
            {t("new_button")}
          </Link>
        </p>
      ) : null}
      <Form method="get" role="search" className="filters" aria-label={t("filters")}>
        <div>
          <label htmlFor="f-q">{t("search")}</label>
          <input id="f-q" name="q" type="search" defaultValue={facets.q} maxLength={200} />
        </div>
        {select("type", t("type"), t("any_type"), PUBLICATION_TYPES.map((v) => ({ value: v, label: t(`type_${v}`) })))}
        {select("topic", t("topic"), t("any_topic"), TOPICS.map((v) => ({ value: v, label: topicLabel(v, lang) })))}
        {select("region", t("region"), t("any_region"), PUBLICATION_REGIONS.map((v) => ({ value: v, label: t(`region_${v}`) })))}
        {select("language", t("language"), t("any_language"), LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l], lang: l })))}
        {select("year", t("year"), t("any_year"), years.map((y) => ({ value: String(y), label: String(y) })))}
        <div className="actions">
          <button type="submit">{t("apply")}</button> {filtered ? <Link to="/publications">{t("clear")}</Link> : null}
        </div>
      </Form>
      <p className="meta" role="status">
        {t("results", { n: total })}
      </p>
      {items.length === 0 ? (
        <p>{t("none")}</p>
      ) : (
        <ul className="cards">
          {items.map((p) => (
            <PublicationCardView key={p.id} p={p} showAudience={staff} />
          ))}
        </ul>
      )}
      <Pager info={pageInfo} keep={facets} />
      <DigestCta />
    </section>
  );
}
