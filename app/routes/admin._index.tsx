import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Pager } from "../components/pager.tsx";
import { requestsUi } from "../i18n/ui/requests.ts";
import { formatDateTime } from "../i18n/index.ts";
import { adminUi } from "../i18n/ui/admin.ts";
import { common } from "../i18n/ui/common.ts";
import { countryName } from "../schemas/countries.ts";
import { pageArgsFromUrl } from "../schemas/page.ts";
import { likelyDuplicatesOf, listPendingPartners } from "../services/partners.server.ts";
import { partnerStaffUi } from "../i18n/ui/partner-staff.ts";
import { sendsUi } from "../i18n/ui/sends.ts";
import { can } from "../services/policy.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";
import { titled } from "../utils/meta.ts";
import { readerZone } from "../utils/reader-zone.server.ts";

export const meta = titled("admin");

const PAGE = 25;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  const page = await orErrorPage(() => listPendingPartners(actor, pageArgsFromUrl(new URL(request.url), PAGE)), request);
  const pending = page.nodes;
  const duplicates = await likelyDuplicatesOf(actor, pending);
  return {
    zone: await readerZone(request, actor),
    admin: can(actor, { do: "audit.view" }),
    pageInfo: page.pageInfo,
    waiting: page.pageInfo.hasNextPage || page.pageInfo.hasPreviousPage ? await page.totalCount() : pending.length,
    pending: pending.map((p) => ({
      id: p.id,
      name: p.name,
      sector: p.sector,
      country: countryName(p.country, lang),
      focalPoint: `${p.focalPointName} <${p.focalPointEmail}>`,
      createdAt: p.createdAt.toISOString(),
      website: p.website,
      interests: p.interests,
      duplicates: duplicates.get(p.id)?.length ?? 0,
    })),
  };
}

export default function Admin() {
  const t = useT(adminUi);
  const tc = useT(common);
  const ts = useT(partnerStaffUi);
  const tr = useT(requestsUi);
  const tsend = useT(sendsUi);
  const lang = useLang();
  const { pending, pageInfo, waiting, admin, zone } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>{t("admin_title")}</h1>
      <p>
        <Link to="/admin/requests">{tr("queue_link")}</Link>
      </p>
      {admin ? (
        <p>
          <Link to="/admin/audit">{t("audit_title")}</Link> · <Link to="/admin/mail">{t("mail_title")}</Link>
        </p>
      ) : null}
      <p>
        <Link to="/admin/sends">{tsend("title")}</Link>
      </p>
      <h2>{t("pending_title")}</h2>
      {pending.length === 0 ? <p>{t("none_pending")}</p> : <p className="meta">{t("pending_count", { count: waiting })}</p>}
      <ul className="cards">
        {pending.map((p) => (
          <li key={p.id}>
            <strong>{p.name}</strong>
            <div className="meta">
              {tc(`sector_${p.sector}`)} · {p.country} · {formatDateTime(new Date(p.createdAt), lang, zone)}
            </div>
            <div className="meta">{p.focalPoint}</div>
            {p.website ? <div className="meta">{p.website}</div> : null}
            {p.interests.length ? <div className="meta">{p.interests.join(", ")}</div> : null}
            {p.duplicates ? (
              <p className="alert" role="alert">
                {ts("duplicates_pending", { count: p.duplicates })}
              </p>
            ) : null}
            <Link to={`/partners/${p.id}`}>{t("open")}</Link>
          </li>
        ))}
      </ul>
      <Pager info={pageInfo} />
    </section>
  );
}
