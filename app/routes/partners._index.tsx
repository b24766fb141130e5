import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { common } from "../i18n/ui/common.ts";
import { directoryUi } from "../i18n/ui/directory.ts";
import { partnersUi } from "../i18n/ui/partners.ts";
import { COUNTRY_CODES, countryName } from "../schemas/countries.ts";
import { SECTORS } from "../schemas/partner.ts";
import { countriesIn, isRegion, REGIONS } from "../schemas/regions.ts";
import { Pager } from "../components/pager.tsx";
import { pageArgsFromUrl } from "../schemas/page.ts";
import { directoryCountries, listPartners } from "../services/partners.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { can, isStaff } from "../services/policy.server.ts";
import { useT } from "../utils/i18n.ts";
import { titled } from "../utils/meta.ts";
import { pageContext } from "../utils/request.server.ts";

export const meta = titled("directory");

const STATUSES = ["PENDING", "APPROVED", "REJECTED"] as const;
const PAGE = 24;

/** Filters are a plain GET form: the URL is the state, so a filtered list can be bookmarked and shared. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  const url = new URL(request.url);
  const q = url.searchParams.get("q") ?? "";
  const status = STATUSES.find((s) => s === url.searchParams.get("status"));
  const sector = SECTORS.find((s) => s === url.searchParams.get("sector"));
  const regionParam = url.searchParams.get("region");
  const region = isRegion(regionParam) ? regionParam : undefined;
  const countryParam = url.searchParams.get("country")?.toUpperCase();
  const country = countryParam && COUNTRY_CODES.has(countryParam) ? countryParam : undefined;
  const filter = { search: q, status: status ? [status] : undefined, sector: sector ? [sector] : undefined, countries: region ? countriesIn(region) : undefined, country };
  const page = await orErrorPage(() => listPartners(actor, filter, pageArgsFromUrl(url, PAGE)), request);
  const collator = new Intl.Collator(lang);
  const countries = (await directoryCountries(actor))
    .filter((c) => !region || countriesIn(region).includes(c))
    .map((code) => ({ code, name: countryName(code, lang) }))
    .sort((a, b) => collator.compare(a.name, b.name));
  return {
    q,
    status: status ?? "",
    sector: sector ?? "",
    region: region ?? "",
    country: country ?? "",
    countries,
    staff: isStaff(actor),
    network: can(actor, { do: "partner.directory" }),
    partners: page.nodes.map((p) => ({ id: p.id, name: p.name, sector: p.sector, country: countryName(p.country, lang), status: p.status })),
    pageInfo: page.pageInfo,
    total: await page.totalCount(),
  };
}

export default function Directory() {
  const t = useT(partnersUi);
  const td = useT(directoryUi);
  const tc = useT(common);
  const { partners, q, status, sector, region, country, countries, staff, network, pageInfo, total } = useLoaderData<typeof loader>();
  const filtered = Boolean(q || status || sector || region || country);
  return (
    <section>
      <h1>{t("directory_title")}</h1>
      {network ? null : <p className="hint">{t("directory_public_note")}</p>}
      <Form method="get" role="search" className="filters">
        <div>
          <label htmlFor="q">{t("search")}</label>
          <input id="q" name="q" type="text" defaultValue={q} />
        </div>
        <div>
          <label htmlFor="sector">{td("sector_filter")}</label>
          <select id="sector" name="sector" defaultValue={sector}>
            <option value="">{td("any_sector")}</option>
            {SECTORS.map((s) => (
              <option key={s} value={s}>
                {tc(`sector_${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="region">{td("region_filter")}</label>
          <select id="region" name="region" defaultValue={region}>
            <option value="">{td("any_region")}</option>
            {REGIONS.map((r) => (
              <option key={r} value={r}>
                {td(`region_${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="country">{td("country_filter")}</label>
          <select id="country" name="country" defaultValue={country}>
            <option value="">{td("any_country")}</option>
            {countries.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        {staff ? (
          <div>
            <label htmlFor="status">{t("status_filter")}</label>
            <select id="status" name="status" defaultValue={status}>
              <option value="">{t("all")}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {tc(`status_${s}`)}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="actions">
          <button type="submit">{t("search_button")}</button> {filtered ? <Link to="/partners">{td("clear_filters")}</Link> : null}
        </div>
      </Form>
      {partners.length === 0 ? <p>{t("no_results")}</p> : <p className="meta">{td("results", { count: total })}</p>}
      <ul className="cards">
        {partners.map((p) => (
          <li key={p.id}>
            <Link to={`/partners/${p.id}`}>
              <strong>{p.name}</strong>
            </Link>
            <div className="meta">
              {tc(`sector_${p.sector}`)} · {p.country}
            </div>
            {staff ? <span className="badge">{tc(`status_${p.status}`)}</span> : null}
          </li>
        ))}
      </ul>
      <Pager info={pageInfo} keep={{ q, status, sector, region, country }} />
    </section>
  );
}
