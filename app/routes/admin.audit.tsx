import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "../i18n/index.ts";
import { adminUi } from "../i18n/ui/admin.ts";
import { listAuditEntries } from "../services/audit.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";

export const meta: MetaFunction = () => [{ title: "Audit log · GenMig Hub" }];

const PAGE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const beforeParam = new URL(request.url).searchParams.get("before");
  const before = beforeParam && !Number.isNaN(Date.parse(beforeParam)) ? new Date(beforeParam) : undefined;
  const entries = await orErrorPage(() => listAuditEntries(actor, { before, take: PAGE }), request);
  return {
    entries: entries.map((e) => ({
      id: e.id,
      at: e.createdAt.toISOString(),
      who: e.actor ? `${e.actor.name} <${e.actor.email}>` : null,
      action: e.action,
      target: `${e.targetType} ${e.targetId}`,
      data: e.data ? JSON.stringify(e.data) : "",
    })),
    next: entries.length === PAGE ? entries[entries.length - 1].createdAt.toISOString() : null,
  };
}

export default function Audit() {
  const t = useT(adminUi);
  const lang = useLang();
  const { entries, next } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>{t("audit_title")}</h1>
      <table>
        <thead>
          <tr>
            <th>{t("when")}</th>
            <th>{t("who")}</th>
            <th>{t("what")}</th>
            <th>{t("target")}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(new Date(e.at), lang)}</td>
              <td>{e.who ?? t("system")}</td>
              <td>
                <code>{e.action}</code> <span className="meta">{e.data}</span>
              </td>
              <td>{e.target}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next ? (
        <p>
          <Link to={`?before=${encodeURIComponent(next)}`}>{t("older")}</Link>
        </p>
      ) : null}
    </section>
  );
}
