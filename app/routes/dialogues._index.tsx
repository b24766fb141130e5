import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { confirmUi } from "../i18n/ui/confirm.ts";
import { dialoguesUi } from "../i18n/ui/dialogues.ts";
import { pageArgsFromUrl } from "../schemas/page.ts";
import { pickText } from "../services/dialogues/access.server.ts";
import { listDialogues } from "../services/dialogues/dialogues.server.ts";
import { can } from "../services/policy.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";

export const meta: MetaFunction = () => [{ title: "Dialogues · GenMig Hub" }, { name: "robots", content: "noindex" }];
// Closed content: never kept by a shared cache or the browser's back-forward cache of another person.
export const headers: HeadersFunction = () => ({ "cache-control": "private, no-store" });

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  const url = new URL(request.url);
  const page = await orErrorPage(() => listDialogues(actor, {}, pageArgsFromUrl(url, 50)), request);
  const rows = page.nodes.map((d) => ({
    id: d.id,
    title: pickText(d, lang).title,
    visibility: d.visibility,
    chathamHouse: d.chathamHouse,
    role: d.viewerRole,
  }));
  return {
    mine: rows.filter((d) => d.role),
    listed: rows.filter((d) => !d.role),
    next: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null,
    canCreate: can(actor, { do: "dialogue.create" }),
    left: url.searchParams.has("left"),
  };
}

export default function Dialogues() {
  const t = useT(dialoguesUi);
  const tc = useT(confirmUi);
  const { mine, listed, next, canCreate, left } = useLoaderData<typeof loader>();
  const item = (d: (typeof mine)[number]) => (
    <li key={d.id}>
      <Link to={`/dialogues/${d.id}`}>{d.title}</Link> · {t(d.visibility === "SECRET" ? "secret" : "private")}
      {d.role ? ` · ${t(d.role === "FACILITATOR" ? "facilitator" : "member")}` : ""}
      {d.chathamHouse ? " · Chatham House" : ""}
    </li>
  );
  return (
    <section>
      <h1>{t("title")}</h1>
      {left ? (
        <p className="notice" role="status">
          {tc("left_notice")}
        </p>
      ) : null}
      <p>{t("intro")}</p>
      {canCreate ? (
        <p>
          <Link to="/dialogues/new">{t("new_link")}</Link>
        </p>
      ) : null}
      <h2>{t("mine")}</h2>
      {mine.length ? <ul>{mine.map(item)}</ul> : <p>{t("none_mine")}</p>}
      <h2>{t("listed")}</h2>
      <p className="hint">{t("listed_hint")}</p>
      {listed.length ? <ul>{listed.map(item)}</ul> : <p>{t("none_listed")}</p>}
      {next ? (
        <p>
          <Link to={`?after=${encodeURIComponent(next)}`}>→</Link>
        </p>
      ) : null}
    </section>
  );
}
