import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { MyDialoguesList } from "../components/my-dialogues.tsx";
import { myDialogues } from "../services/dialogues/mine.server.ts";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors } from "../components/fields.tsx";
import { fromDbLanguage, LANGUAGE_NAMES } from "../i18n/index.ts";
import { data } from "@remix-run/node";
import { TimeZonePicker } from "../components/time-zone-picker.tsx";
import { journeysUi } from "../i18n/ui/journeys.ts";
import { myWebinars, registrationCard } from "../services/my-registrations.server.ts";
import { webinarText } from "../services/webinars.server.ts";
import { rememberPickedZone } from "../services/users.server.ts";
import { accountZone } from "../utils/reader-zone.server.ts";
import { viewerTimeZone } from "../utils/viewer-time-zone.server.ts";
import { formatInstant, formatWhen } from "../utils/zone-display.ts";
import { zoneName } from "../utils/time-zone-choices.ts";
import { accountUi } from "../i18n/ui/account.ts";
import { dataExportUi } from "../i18n/ui/data-export.ts";
import { common } from "../i18n/ui/common.ts";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { createApiToken, listApiTokens, revokeApiToken } from "../services/api-tokens.server.ts";
import { listSessions, revokeSession, sessionIdFor } from "../services/auth.server.ts";
import { calendarFeedUrl } from "../services/webinar-calendars.server.ts";
import { can } from "../services/policy.server.ts";
import { isFailure, runForm } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";
import { sessionSecret } from "../utils/session.server.ts";
import { titled } from "../utils/meta.ts";
import { AccountRequests } from "../components/account-requests.tsx";
import { requestLabel } from "../services/requests/access.server.ts";
import { listSupportRequests } from "../services/requests/requests.server.ts";
import { DemographicFields } from "../components/demographic-fields.tsx";
import { insightsUi } from "../i18n/ui/insights.ts";
import { myAnswers, saveMyAnswers } from "../services/insights/demographics.server.ts";
import { minCell } from "../services/insights/config.server.ts";
import { AccountDigest } from "../components/account-digest.tsx";
import { myDigestPreference, setMyDigestPreference } from "../services/subscriptions/partner-digest.server.ts";
import { AccountMailStreams } from "../components/account-mail-streams.tsx";
import { myMailStreams } from "../services/dialogues/mail-stream.server.ts";
import { setDialogueNotifications } from "../services/dialogues/notifications.server.ts";

export const meta = titled("account");

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  const picked = viewerTimeZone(request);
  const zone = picked.timeZone ?? accountZone(actor);
  if (picked.setCookie && picked.timeZone) await rememberPickedZone(actor, picked.timeZone);
  const mine = await myWebinars(actor);
  const row = async (r: (typeof mine.upcoming)[number]) => ({
    id: r.id,
    webinarId: r.webinarId,
    title: webinarText(r.webinar, lang).title,
    startsAt: r.webinar.startsAt.toISOString(),
    endsAt: r.webinar.endsAt.toISOString(),
    timeZone: r.timeZone,
    cancelledWebinar: r.webinar.status === "CANCELLED",
    attended: r.attended,
    card: await registrationCard(r, r.webinar),
  });
  const secret = sessionSecret(request);
  const current = secret ? sessionIdFor(secret) : null;
  const tokensAllowed = can(actor, { do: "apiToken.manage" });
  // The person's institutions' requests (the latest 20; each links to its page). Staff work them in /admin/requests.
  const requests = actor.memberships.length ? (await listSupportRequests(actor, { mine: true }, { first: 20 })).nodes : [];
  const dialogues = await myDialogues(actor, lang, 20);
  const body = {
    zone,
    dialogues,
    webinars: { upcoming: await Promise.all(mine.upcoming.map(row)), past: await Promise.all(mine.past.map(row)) },
    feedUrl: await calendarFeedUrl(actor),
    digest: await myDigestPreference(actor),
    streams: await myMailStreams(actor, lang),
    me: { name: actor.name, email: actor.email, role: actor.role, language: fromDbLanguage(actor.language) ?? null },
    institutions: actor.memberships,
    requests: requests.map((r) => ({ id: r.id, label: requestLabel(r), type: r.type, status: r.status, institution: r.partner.name, createdAt: r.createdAt.toISOString() })),
    canAskSupport: actor.memberships.some((m) => m.partnerStatus === "APPROVED"),
    // The person's own answers, to change them; shown to nobody else, anywhere.
    demographics: await myAnswers(actor),
    minCell: minCell(),
    sessions: (await listSessions(actor)).map((s) => ({
      id: s.id,
      current: s.id === current,
      userAgent: s.userAgent ?? "",
      lastSeenAt: s.lastSeenAt.toISOString(),
    })),
    tokens: tokensAllowed
      ? (await listApiTokens(actor)).map((t) => ({
          id: t.id,
          name: t.name,
          prefix: t.prefix,
          createdAt: t.createdAt.toISOString(),
          lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
        }))
      : null,
  };
  return picked.setCookie ? data(body, { headers: { "set-cookie": picked.setCookie } }) : body;
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const formData = await request.formData();
  const form = Object.fromEntries(formData) as Record<string, string>;
  return runForm(async () => {
    if (form.intent === "digest") {
      const saved = await setMyDigestPreference(actor, {
        enabled: form.enabled === "on",
        frequency: form.frequency,
        topics: formData.getAll("topics").map(String),
        language: form.language || null,
      } as Parameters<typeof setMyDigestPreference>[1]);
      return { ok: true as const, notice: "digest_saved" as const, confirmationSent: saved.confirmationSent };
    }
    if (form.intent === "dialogue-notify") {
      await setDialogueNotifications(actor, form.dialogueId ?? "", form.notify);
      return { ok: true as const, notice: "stream_saved" as const, dialogueId: form.dialogueId ?? "" };
    }
    if (form.intent === "revoke-session") {
      await revokeSession(actor, form.id ?? "");
      return { ok: true as const, notice: "session_revoked" as const };
    }
    if (form.intent === "create-token") {
      const created = await createApiToken(actor, { name: form.name ?? "" });
      return { ok: true as const, notice: "token_created" as const, token: created.token };
    }
    if (form.intent === "calendar-feed") {
      await calendarFeedUrl(actor, true);
      return { ok: true as const, notice: "feed_ready" as const };
    }
    if (form.intent === "save-demographics" || form.intent === "remove-demographics") {
      const input = form.intent === "remove-demographics" ? {} : { gender: form.gender, genderDescription: form.genderDescription, ageBand: form.ageBand };
      const kept = await saveMyAnswers(actor, input);
      return { ok: true as const, notice: kept ? ("demo_saved" as const) : ("demo_removed" as const) };
    }
    if (form.intent === "revoke-token") {
      await revokeApiToken(actor, form.id ?? "");
      return { ok: true as const, notice: "token_revoked" as const };
    }
    throw new Response(null, { status: 400 });
  }, form);
}

export default function Account() {
  const t = useT(accountUi);
  const tc = useT(common);
  const tw = useT(webinarsUi);
  const lang = useLang();
  const tj = useT(journeysUi);
  const ti = useT(insightsUi);
  const tx = useT(dataExportUi);
  const { me, institutions, sessions, tokens, feedUrl, webinars, zone, requests, canAskSupport, dialogues, demographics, minCell: k, digest, streams } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  // Never UTC by default: the person's zone, or their browser's once they apply it (the picker is pre-filled).
  const date = (iso: string) => formatInstant(new Date(iso), lang, zone ?? "UTC");
  return (
    <section>
      <h1>{t("account_title")}</h1>
      <FormErrors failure={failure} />
      {result && !isFailure(result) && result.notice !== "digest_saved" && result.notice !== "stream_saved" ? (
        <div className="notice" role="status">
          <p>{result.notice === "demo_saved" || result.notice === "demo_removed" ? ti(result.notice) : t(result.notice)}</p>
          {"token" in result ? <pre>{result.token}</pre> : null}
        </div>
      ) : null}
      <h2>{tj("my_webinars")}</h2>
      {webinars.upcoming.length + webinars.past.length === 0 ? (
        <p>
          {tj("my_none")} <Link to="/webinars">{tj("browse_webinars")}</Link>
        </p>
      ) : null}
      {(["upcoming", "past"] as const).map((when) =>
        webinars[when].length ? (
          <div key={when}>
            <h3>{tj(when === "upcoming" ? "my_upcoming" : "my_past")}</h3>
            <ul className="my-webinars">
              {webinars[when].map((r) => (
                <li key={r.id}>
                  <Link to={`/webinars/${r.webinarId}`}>{r.title}</Link>
                  <br />
                  <span className="meta">{formatWhen(new Date(r.startsAt), new Date(r.endsAt), lang, r.timeZone)}</span>
                  <br />
                  <span className="badge">{r.cancelledWebinar ? tw("cancelled_badge") : when === "past" && r.attended ? tj("attended") : tw(`reg_${r.card.status}`)}</span>
                  {r.card.status === "WAITLISTED" && r.card.position ? ` ${tj("status_WAITLISTED", { position: r.card.position })}` : null}
                  {r.card.joinPath ? (
                    <>
                      {" "}
                      <a className="button" href={r.card.joinPath}>
                        {tj("join")}
                      </a>
                    </>
                  ) : null}
                  {r.card.canCancel ? (
                    <>
                      {" "}
                      <Link to={`/webinars/${r.webinarId}?cancel=1#registration`}>{tj("cancel")}</Link>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        ) : null,
      )}
      {institutions.length ? <AccountRequests rows={requests} canAsk={canAskSupport} /> : null}
      <MyDialoguesList mine={dialogues} headingId="my-dialogues" />
      <h2>{t("profile")}</h2>
      <p>
        {me.name} — {me.email} · {t("role")}: {tc(`role_${me.role}`)}
      </p>
      {institutions.length ? (
        <>
          <h3>{t("institutions")}</h3>
          <ul>
            {institutions.map((m) => (
              <li key={m.partnerId}>
                <Link to={`/partners/${m.partnerId}`}>{m.partnerName}</Link> — {tc(`role_${m.role}`)} ({tc(`status_${m.partnerStatus}`)})
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>{t("language_pref")}</h3>
      <p>
        {me.language ? LANGUAGE_NAMES[me.language] : t("follow_browser")}. <span className="hint">{t("language_hint")}</span>
      </p>
      <h2 id="statistics-answers">{ti("demo_title")}</h2>
      <Form method="post" action="/account#statistics-answers">
        <DemographicFields values={failure?.values ?? demographics} errors={failure?.fieldErrors} k={k} />
        <p>
          <button type="submit" name="intent" value="save-demographics">
            {ti("demo_save")}
          </button>{" "}
          <button type="submit" name="intent" value="remove-demographics" className="secondary">
            {ti("demo_remove")}
          </button>
        </p>
      </Form>
      <AccountDigest
        digest={digest}
        saved={Boolean(result && !isFailure(result) && result.notice === "digest_saved")}
        confirmationSent={Boolean(result && !isFailure(result) && "confirmationSent" in result && result.confirmationSent)}
        errors={failure?.values?.intent === "digest" ? failure.fieldErrors : undefined}
      />
      <AccountMailStreams streams={streams} savedDialogue={result && !isFailure(result) && "dialogueId" in result ? result.dialogueId : undefined} />
      <h2>{t("feed_title")}</h2>
      <p className="hint">{t("feed_hint")}</p>
      {feedUrl ? (
        <pre>{feedUrl}</pre>
      ) : (
        <Form method="post">
          <button type="submit" name="intent" value="calendar-feed" className="secondary">
            {t("feed_create")}
          </button>
        </Form>
      )}
      <h2>{tx("download_title")}</h2>
      <p className="hint">{tx("download_hint")}</p>
      <p>
        <a className="button" href="/account/data?format=html" download>
          {tx("download_html")}
        </a>{" "}
        <a className="button secondary" href="/account/data?format=json" download>
          {tx("download_json")}
        </a>
      </p>
      <h2>{t("sessions")}</h2>
      <p className="hint">{zone ? tj("times_in_zone", { zone: zoneName(zone) }) : null}</p>
      {zone ? null : <TimeZonePicker current={null} />}
      <ul>
        {sessions.map((s) => (
          <li key={s.id}>
            {s.userAgent.slice(0, 80) || "—"} {s.current ? <strong>({t("this_device")})</strong> : null} ·{" "}
            {t("last_seen", { date: date(s.lastSeenAt) })}
            {s.current ? null : (
              <Form method="post" className="inline">
                {" "}
                <input type="hidden" name="id" value={s.id} />
                <button type="submit" name="intent" value="revoke-session" className="secondary">
                  {t("revoke")}
                </button>
              </Form>
            )}
          </li>
        ))}
      </ul>
      {tokens ? (
        <>
          <h2>{t("tokens")}</h2>
          <p className="hint">{t("tokens_hint")}</p>
          <ul>
            {tokens.map((k) => (
              <li key={k.id}>
                <strong>{k.name}</strong> <code>{k.prefix}…</code> · {t("created", { date: date(k.createdAt) })} ·{" "}
                {k.lastUsedAt ? t("last_used", { date: date(k.lastUsedAt) }) : t("never_used")}{" "}
                <Form method="post" className="inline">
                  <input type="hidden" name="id" value={k.id} />
                  <button type="submit" name="intent" value="revoke-token" className="secondary">
                    {t("revoke_token")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
          <Form method="post">
            <Field name="name" label={t("token_name")} errors={failure?.fieldErrors}>
              {(a) => <input {...a} type="text" required maxLength={80} />}
            </Field>
            <p>
              <button type="submit" name="intent" value="create-token">
                {t("create_token")}
              </button>
            </p>
          </Form>
        </>
      ) : null}
    </section>
  );
}
