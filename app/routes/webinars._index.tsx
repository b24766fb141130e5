import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { TimeZonePicker } from "../components/time-zone-picker.tsx";
import { formatDateTime } from "../i18n/index.ts";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { can } from "../services/policy.server.ts";
import { listWebinars, webinarText } from "../services/webinars.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { pageContext } from "../utils/request.server.ts";
import { viewerTimeZone } from "../utils/viewer-time-zone.server.ts";

export const meta: MetaFunction = () => [{ title: "Webinars · GenMig Hub" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  const { timeZone, setCookie } = viewerTimeZone(request);
  const card = (w: Awaited<ReturnType<typeof listWebinars>>[number]) => ({
    id: w.id,
    title: webinarText(w, lang).title,
    startsAt: w.startsAt.toISOString(),
    timeZone: w.timeZone,
    audience: w.audience,
    cancelled: w.status === "CANCELLED",
  });
  const [upcoming, past] = await Promise.all([listWebinars(actor, { when: "upcoming" }), listWebinars(actor, { when: "past" })]);
  return data(
    { upcoming: upcoming.map(card), past: past.slice(0, 20).map(card), viewerZone: timeZone, staff: can(actor, { do: "webinar.manage" }) },
    setCookie ? { headers: { "set-cookie": setCookie } } : undefined,
  );
}

export default function Webinars() {
  const t = useT(webinarsUi);
  const lang = useLang();
  const { upcoming, past, viewerZone, staff } = useLoaderData<typeof loader>();
  const list = (items: typeof upcoming) =>
    items.length === 0 ? (
      <p>{t("none")}</p>
    ) : (
      <ul className="cards">
        {items.map((w) => (
          <li key={w.id}>
            <Link to={`/webinars/${w.id}`}>
              <strong>{w.title}</strong>
            </Link>
            <div className="meta">
              {formatDateTime(new Date(w.startsAt), lang, viewerZone ?? w.timeZone)}
              {viewerZone && viewerZone !== w.timeZone ? ` · ${t("event_zone", { zone: w.timeZone })}` : ` · ${w.timeZone}`}
            </div>
            <span className="badge">{w.cancelled ? t("cancelled_badge") : t(`audience_${w.audience}`)}</span>
          </li>
        ))}
      </ul>
    );
  return (
    <section>
      <h1>{t("webinars_title")}</h1>
      {staff ? (
        <p>
          <Link className="button" to="/webinars/new">
            {t("schedule_new")}
          </Link>
        </p>
      ) : null}
      <TimeZonePicker current={viewerZone} />
      <h2>{t("upcoming")}</h2>
      {list(upcoming)}
      <h2>{t("past")}</h2>
      {list(past)}
    </section>
  );
}
