import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Pager } from "../components/pager.tsx";
import { formatDateTime, translator } from "../i18n/index.ts";
import { common } from "../i18n/ui/common.ts";
import { directoryUi } from "../i18n/ui/directory.ts";
import { requestsUi } from "../i18n/ui/requests.ts";
import { pageArgsFromUrl } from "../schemas/page.ts";
import { isRegion, REGIONS } from "../schemas/regions.ts";
import { REQUEST_STATUSES, REQUEST_TYPES, type RequestStatus, type RequestType } from "../schemas/support-request.ts";
import { can } from "../services/policy.server.ts";
import { requestLabel } from "../services/requests/access.server.ts";
import { listAssignableStaff, listSupportRequests } from "../services/requests/requests.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { langOf, pageTitle } from "../utils/meta.ts";
import { requireSignedIn } from "../utils/request.server.ts";
import { readerZone } from "../utils/reader-zone.server.ts";

export const meta: MetaFunction = ({ matches }) => {
  const lang = langOf(matches);
  return [{ title: pageTitle(lang, { text: translator(requestsUi, lang, { typography: true })("queue_title") }) }, { name: "robots", content: "noindex" }];
};
export const headers: HeadersFunction = () => ({ "cache-control": "private, no-store" });

const PAGE = 50;
const oneOf = <T extends string>(set: readonly T[], v: string | null): T | undefined => (v && (set as readonly string[]).includes(v) ? (v as T) : undefined);

/** The research team's queue; for anyone else the page does not exist (404). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  if (!can(actor, { do: "supportRequest.manage" })) throw new Response(null, { status: 404 });
  const url = new URL(request.url);
  const status = oneOf<RequestStatus>(REQUEST_STATUSES, url.searchParams.get("status"));
  const type = oneOf<RequestType>(REQUEST_TYPES, url.searchParams.get("type"));
  const regionParam = url.searchParams.get("region");
  const region = isRegion(regionParam) ? regionParam : undefined;
  const assignee = url.searchParams.get("assignee") ?? "";
  const page = await orErrorPage(
    () =>
      listSupportRequests(
        actor,
        {
          status: status ? [status] : undefined,
          type: type ? [type] : undefined,
          region: region ? [region] : undefined,
          unassigned: assignee === "none" || undefined,
          assigneeId: assignee && assignee !== "none" ? assignee : undefined,
        },
        pageArgsFromUrl(url, PAGE),
      ),
    request,
  );
  return {
    zone: await readerZone(request, actor),
    filters: { status: status ?? "", type: type ?? "", region: region ?? "", assignee },
    staff: await listAssignableStaff(actor),
    rows: page.nodes.map((r) => ({
      id: r.id,
      label: requestLabel(r),
      type: r.type,
      status: r.status,
      institution: r.partner.name,
      region: r.region,
      assignee: r.assignee?.name ?? null,
      createdAt: r.createdAt.toISOString(),
    })),
    pageInfo: page.pageInfo,
    total: await page.totalCount(),
  };
}

export default function RequestQueue() {
  const t = useT(requestsUi);
  const td = useT(directoryUi);
  const tc = useT(common);
  const lang = useLang();
  const { filters, staff, rows, pageInfo, total, zone } = useLoaderData<typeof loader>();
  const select = (name: keyof typeof filters, label: string, options: { value: string; label: string }[]) => (
    <span>
      <label htmlFor={`q-${name}`}>{label}</label>{" "}
      <select id={`q-${name}`} name={name} defaultValue={filters[name]}>
        <option value="">{t("all")}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>{" "}
    </span>
  );
  return (
    <section>
      <h1>{t("queue_title")}</h1>
      <Form method="get" role="search" className="filters">
        {select("status", t("filter_status"), REQUEST_STATUSES.map((s) => ({ value: s, label: t(`status_${s}`) })))}
        {select("type", t("filter_type"), REQUEST_TYPES.map((x) => ({ value: x, label: t(`type_${x}`) })))}
        {select("region", t("filter_region"), REGIONS.map((r) => ({ value: r, label: td(`region_${r}`) })))}
        {select("assignee", t("filter_assignee"), [{ value: "none", label: t("unassigned") }, ...staff.map((s) => ({ value: s.id, label: s.name }))])}
        <button type="submit">{t("filter")}</button>
      </Form>
      <p className="meta">{tc("total_count", { count: total })}</p>
      {rows.length ? (
        <table className="requests">
          <thead>
            <tr>
              <th scope="col">{t("col_request")}</th>
              <th scope="col">{t("col_institution")}</th>
              <th scope="col">{t("col_type")}</th>
              <th scope="col">{t("col_status")}</th>
              <th scope="col">{t("col_region")}</th>
              <th scope="col">{t("col_assignee")}</th>
              <th scope="col">{t("col_received")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td data-label={t("col_request")}>
                  <Link to={`/admin/requests/${r.id}`}>{r.label}</Link>
                </td>
                <td data-label={t("col_institution")}>{r.institution}</td>
                <td data-label={t("col_type")}>{t(`type_${r.type}`)}</td>
                <td data-label={t("col_status")}>
                  <span className="badge">{t(`status_${r.status}`)}</span>
                </td>
                <td data-label={t("col_region")}>{r.region && isRegion(r.region) ? td(`region_${r.region}`) : ""}</td>
                <td data-label={t("col_assignee")}>{r.assignee ?? ""}</td>
                <td data-label={t("col_received")}>{formatDateTime(new Date(r.createdAt), lang, zone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t("none_match")}</p>
      )}
      <Pager info={pageInfo} keep={filters} />
    </section>
  );
}
