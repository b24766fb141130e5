import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { InLanguage } from "../components/in-language.tsx";
import { formatDateTime } from "../i18n/index.ts";
import { common } from "../i18n/ui/common.ts";
import { home } from "../i18n/ui/home.ts";
import { homeDashboard } from "../services/dashboard.server.ts";
import { myDialogues } from "../services/dialogues/mine.server.ts";
import { MyDialoguesList } from "../components/my-dialogues.tsx";
import { listWebinars, webinarText } from "../services/webinars.server.ts";
import { DigestCta } from "../components/digest-cta.tsx";
import { PublicationCardView } from "../components/publication-card.tsx";
import { publicationsUi } from "../i18n/ui/publications.ts";
import { listPublications } from "../services/publications/publications.server.ts";
import { publicationCard } from "../services/publications/view.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { titled } from "../utils/meta.ts";
import { pageContext } from "../utils/request.server.ts";
import { rememberPickedZone } from "../services/users.server.ts";
import { viewerTimeZone } from "../utils/viewer-time-zone.server.ts";

export const meta = titled("home", [{ name: "description", content: "Partner network and webinars of the gender and migration research lab." }]);

const UPCOMING = 3;
const LATEST_PUBLICATIONS = 3;

/** Anonymous visitors get the same page for the same URL, language and time zone: the front door caches it. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  const { timeZone, setCookie } = viewerTimeZone(request);
  if (setCookie && timeZone) await rememberPickedZone(actor, timeZone);
  const upcoming = await listWebinars(actor, { when: "upcoming", status: ["SCHEDULED"] }, { first: UPCOMING });
  const dashboard = actor.kind === "user" ? await homeDashboard(actor) : null;
  // Released items only, the viewer's own audience rule (a partner sees partner items here too).
  const latest = await listPublications(actor, {}, { first: LATEST_PUBLICATIONS });
  const card = (w: Parameters<typeof webinarText>[0] & { id: string; startsAt: Date; timeZone: string }) => {
    const text = webinarText(w, lang);
    return { id: w.id, title: text.title, titleLang: text.language, startsAt: w.startsAt.toISOString(), timeZone: w.timeZone };
  };
  return data(
    {
      viewerZone: timeZone,
      upcoming: upcoming.nodes.map(card),
      latest: latest.nodes.map((p) => publicationCard(p, lang)),
      dashboard: dashboard && {
        registrations: dashboard.registrations.map((r) => ({ ...card(r.webinar), status: r.status as "CONFIRMED" | "WAITLISTED" | "PENDING_APPROVAL" })),
        institutions: dashboard.institutions.map((m) => ({ id: m.partnerId, name: m.partnerName, role: m.role, status: m.partnerStatus })),
        staff: dashboard.staff,
        dialogues: actor.kind === "user" ? await myDialogues(actor, lang, 5) : { items: [], more: false },
      },
    },
    setCookie ? { headers: { "set-cookie": setCookie } } : undefined,
  );
}

function When({ startsAt, timeZone, viewerZone }: { startsAt: string; timeZone: string; viewerZone: string | null }) {
  const lang = useLang();
  return (
    <div className="meta">
      {formatDateTime(new Date(startsAt), lang, viewerZone ?? timeZone)}
      {viewerZone ? null : ` · ${timeZone}`}
    </div>
  );
}

export default function Home() {
  const t = useT(home);
  const tc = useT(common);
  const tp = useT(publicationsUi);
  const { upcoming, latest, dashboard, viewerZone } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>{t("home_title")}</h1>
      <p className="lede">{t("home_intro")}</p>
      {dashboard ? (
        <div className="dashboard">
          <section className="panel" aria-labelledby="my-webinars">
            <h2 id="my-webinars">{t("my_registrations")}</h2>
            {dashboard.registrations.length === 0 ? (
              <p className="hint">{t("no_registrations")}</p>
            ) : (
              <ul>
                {dashboard.registrations.map((r) => (
                  <li key={r.id}>
                    <Link to={`/webinars/${r.id}`}>
                      <InLanguage lang={r.titleLang}>{r.title}</InLanguage>
                    </Link>{" "}
                    <span className="badge">{t(`reg_${r.status}`)}</span>
                    <When startsAt={r.startsAt} timeZone={r.timeZone} viewerZone={viewerZone} />
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="panel" aria-labelledby="my-dialogues">
            <MyDialoguesList mine={dashboard.dialogues} headingId="my-dialogues" />
          </section>
          <section className="panel" aria-labelledby="my-institution">
            <h2 id="my-institution">{t("my_institutions")}</h2>
            {dashboard.institutions.length === 0 ? (
              <p className="hint">
                {t("no_institution")} <Link to="/partners/register">{t("home_register_cta")}</Link>
              </p>
            ) : (
              <ul>
                {dashboard.institutions.map((m) => (
                  <li key={m.id}>
                    <Link to={`/partners/${m.id}`}>{m.name}</Link> <span className="meta">· {tc(`role_${m.role}`)}</span>
                    {m.status !== "APPROVED" ? <span className="badge">{tc(`status_${m.status}`)}</span> : null}
                  </li>
                ))}
              </ul>
            )}
            <p>
              <Link to="/account">{t("my_account")}</Link>
            </p>
          </section>
          {dashboard.staff ? (
            <section className="panel" aria-labelledby="staff-tools">
              <h2 id="staff-tools">{t("staff_title")}</h2>
              <ul>
                <li>
                  <Link to="/admin">{t("pending_partners", { n: dashboard.staff.pendingPartners })}</Link>
                </li>
                <li>
                  <Link to="/webinars/new">{t("schedule_webinar")}</Link>
                </li>
                {dashboard.staff.admin ? (
                  <>
                    <li>
                      <Link to="/admin/audit">{t("audit_log")}</Link>
                    </li>
                    <li>
                      <Link to="/admin/mail">{t("mail_log")}</Link>
                    </li>
                  </>
                ) : null}
              </ul>
            </section>
          ) : null}
        </div>
      ) : (
        <p>
          <Link className="button" to="/partners/register">
            {t("home_register_cta")}
          </Link>
          <br />
          <span className="hint">{t("home_register_body")}</span>
        </p>
      )}
      <h2>{t("upcoming_title")}</h2>
      {upcoming.length === 0 ? (
        <p>{t("no_upcoming")}</p>
      ) : (
        <ul className="cards">
          {upcoming.map((w) => (
            <li key={w.id}>
              <Link to={`/webinars/${w.id}`}>
                <InLanguage lang={w.titleLang} as="strong" note>
                  {w.title}
                </InLanguage>
              </Link>
              <When startsAt={w.startsAt} timeZone={w.timeZone} viewerZone={viewerZone} />
            </li>
          ))}
        </ul>
      )}
      {latest.length ? (
        <>
          <h2>{tp("latest")}</h2>
          <ul className="cards">
            {latest.map((p) => (
              <PublicationCardView key={p.id} p={p} />
            ))}
          </ul>
        </>
      ) : null}
      <DigestCta />
      <p>
        <Link to="/webinars">{t("all_webinars")}</Link> · <Link to="/publications">{tp("all_publications")}</Link> ·{" "}
        <Link to="/partners">{t("home_directory_cta")}</Link>
      </p>
    </section>
  );
}
