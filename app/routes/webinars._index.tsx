import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { InLanguage } from "../components/in-language.tsx";
import { TimeZonePicker } from "../components/time-zone-picker.tsx";
import { formatDateTime } from "../i18n/index.ts";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { can } from "../services/policy.server.ts";
import { listWebinars, webinarText } from "../services/webinars.server.ts";
import { registrationCounts, seatsLeft } from "../services/webinar-registrations.server.ts";
import { Pager } from "../components/pager.tsx";
import { pageArgsFromUrl } from "../schemas/page.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { pageContext } from "../utils/request.server.ts";
import { rememberPickedZone } from "../services/users.server.ts";
import { viewerTimeZone } from "../utils/viewer-time-zone.server.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("webinars");

const PAGE = 20;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  const { timeZone, setCookie } = viewerTimeZone(request);
  if (setCookie && timeZone) await rememberPickedZone(actor, timeZone);
  const url = new URL(request.url);
  const when: "upcoming" | "past" = url.searchParams.get("when") === "past" ? "past" : "upcoming";
  const page = await orErrorPage(() => listWebinars(actor, { when }, pageArgsFromUrl(url, PAGE)), request);
  const counts = await registrationCounts(page.nodes.map((w) => w.id));
  return data(
    {
      when,
      webinars: page.nodes.map((w) => ({
        id: w.id,
        title: webinarText(w, lang).title,
        titleLang: webinarText(w, lang).language,
        startsAt: w.startsAt.toISOString(),
        timeZone: w.timeZone,
        audience: w.audience,
        cancelled: w.status === "CANCELLED",
        seatsLeft: when === "upcoming" ? seatsLeft(w.capacity, counts.get(w.id)!) : null,
      })),
      pageInfo: page.pageInfo,
      viewerZone: timeZone,
      staff: can(actor, { do: "webinar.manage" }),
    },
    setCookie ? { headers: { "set-cookie": setCookie } } : undefined,
  );
}

export default function Webinars() {
  const t = useT(webinarsUi);
  const lang = useLang();
  const { when, webinars, pageInfo, viewerZone, staff } = useLoaderData<typeof loader>();
  const tab = (target: "upcoming" | "past") =>
    target === when ? (
      <strong aria-current="page">{t(target)}</strong>
    ) : (
      <Link to={target === "past" ? "?when=past" : "?"}>{t(target)}</Link>
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
      <nav className="tabs">
        {tab("upcoming")} · {tab("past")}
      </nav>
      <h2>{t(when)}</h2>
      {webinars.length === 0 ? (
        <p>{t("none")}</p>
      ) : (
        <ul className="cards">
          {webinars.map((w) => (
            <li key={w.id}>
              <Link to={`/webinars/${w.id}`}>
                <InLanguage lang={w.titleLang} as="strong" note>
                  {w.title}
                </InLanguage>
              </Link>
              <div className="meta">
                {formatDateTime(new Date(w.startsAt), lang, viewerZone ?? w.timeZone)}
                {viewerZone && viewerZone !== w.timeZone ? ` · ${t("event_zone", { zone: w.timeZone })}` : ` · ${w.timeZone}`}
              </div>
              <span className="badge">{w.cancelled ? t("cancelled_badge") : t(`audience_${w.audience}`)}</span>
              {!w.cancelled && w.seatsLeft !== null ? (
                <span className="badge">{w.seatsLeft > 0 ? t("seats_left", { n: w.seatsLeft }) : t("full_badge")}</span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <Pager info={pageInfo} keep={{ when: when === "past" ? "past" : "" }} />
    </section>
  );
}
