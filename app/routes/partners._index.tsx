import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { common } from "../i18n/ui/common.ts";
import { partnersUi } from "../i18n/ui/partners.ts";
import { countryName } from "../schemas/countries.ts";
import { Pager } from "../components/pager.tsx";
import { pageArgsFromUrl } from "../schemas/page.ts";
import { listPartners } from "../services/partners.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { can, isStaff } from "../services/policy.server.ts";
import { useT } from "../utils/i18n.ts";
import { pageContext } from "../utils/request.server.ts";

export const meta: MetaFunction = () => [{ title: "Partner directory · GenMig Hub" }];

const STATUSES = ["PENDING", "APPROVED", "REJECTED"] as const;
const PAGE = 24;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  const url = new URL(request.url);
  const q = url.searchParams.get("q") ?? "";
  const statusParam = url.searchParams.get("status");
  const status = STATUSES.find((s) => s === statusParam);
  const page = await orErrorPage(() => listPartners(actor, { search: q, status: status ? [status] : undefined }, pageArgsFromUrl(url, PAGE)), request);
  return {
    q,
    status: status ?? "",
    staff: isStaff(actor),
    network: can(actor, { do: "partner.directory" }),
    partners: page.nodes.map((p) => ({ id: p.id, name: p.name, sector: p.sector, country: countryName(p.country, lang), status: p.status })),
    pageInfo: page.pageInfo,
    total: await page.totalCount(),
  };
}

export default function Directory() {
  const t = useT(partnersUi);
  const tc = useT(common);
  const { partners, q, status, staff, network, pageInfo, total } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>{t("directory_title")}</h1>
      {network ? null : <p className="hint">{t("directory_public_note")}</p>}
      <Form method="get" role="search">
        <label htmlFor="q">{t("search")}</label>
        <input id="q" name="q" type="text" defaultValue={q} />{" "}
        {staff ? (
          <>
            <label htmlFor="status">{t("status_filter")}</label>
            <select id="status" name="status" defaultValue={status}>
              <option value="">{t("all")}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {tc(`status_${s}`)}
                </option>
              ))}
            </select>{" "}
          </>
        ) : null}
        <button type="submit">{t("search_button")}</button>
      </Form>
      {partners.length === 0 ? <p>{t("no_results")}</p> : <p className="meta">{tc("total_count", { count: total })}</p>}
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
      <Pager info={pageInfo} keep={{ q, status }} />
    </section>
  );
}
