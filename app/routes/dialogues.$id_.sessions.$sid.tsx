import { redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ChathamHouseBanner } from "../components/dialogue-banner.tsx";
import { Field, FormErrors } from "../components/fields.tsx";
import { formatDateTime } from "../i18n/index.ts";
import { dialogueSessionsUi } from "../i18n/ui/dialogue-sessions.ts";
import { pickText } from "../services/dialogues/access.server.ts";
import { listDocuments, sessionDocuments } from "../services/dialogues/documents.server.ts";
import { cancelDialogueSession, publishSessionOutcome, sessionAt } from "../services/dialogues/sessions.server.ts";
import { can } from "../services/policy.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";
import { viewerTimeZone } from "../utils/viewer-time-zone.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.session.title ?? "Session"} · GenMig Hub` }, { name: "robots", content: "noindex" }];
export const headers: HeadersFunction = () => ({ "cache-control": "private, no-store" });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  const s = await orErrorPage(() => sessionAt(actor, params.id!, params.sid!), request);
  const d = s.dialogue;
  const manage = can(actor, { do: "dialogue.manageSessions", dialogue: d });
  const now = new Date();
  const ended = s.endsAt <= now;
  const canPublish = manage && ended && s.status === "SCHEDULED" && !s.outcomePublishedAt;
  const attached = await sessionDocuments(actor, s);
  const choices = canPublish ? (await listDocuments(actor, d, { first: 50 })).nodes : [];
  return {
    dialogue: { id: d.id, title: pickText(d, lang).title, chathamHouse: d.chathamHouse },
    session: {
      id: s.id,
      title: s.title,
      status: s.status,
      agendaHtml: s.agendaHtml,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      timeZone: s.timeZone,
      location: s.location,
      meetingUrl: s.meetingUrl,
      outcomeHtml: s.outcomeHtml,
    },
    viewerZone: viewerTimeZone(request).timeZone,
    attached: attached.map((f) => ({ id: f.id, name: f.fileName, href: f.downloadPath })),
    choices: choices.map((f) => ({ id: f.id, name: f.fileName })),
    canCancel: manage && s.status === "SCHEDULED" && !ended,
    canPublish,
    manage,
    ended,
    scheduled: new URL(request.url).searchParams.has("scheduled"),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = await request.formData();
  const values = Object.fromEntries([...form].map(([k, v]) => [k, String(v)]));
  return runForm(async () => {
    const s = await sessionAt(actor, params.id!, params.sid!);
    if (values.intent === "cancel") await cancelDialogueSession(actor, s.id);
    else if (values.intent === "outcome") await publishSessionOutcome(actor, s.id, { body: values.body ?? "", documentIds: form.getAll("documentIds").map(String) });
    else throw new Response(null, { status: 400 });
    return redirect(`/dialogues/${params.id}/sessions/${s.id}`);
  }, values);
}

export default function SessionPage() {
  const t = useT(dialogueSessionsUi);
  const lang = useLang();
  const { dialogue: d, session: s, viewerZone, attached, choices, canCancel, canPublish, manage, ended, scheduled } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const range = (zone: string) => `${formatDateTime(new Date(s.startsAt), lang, zone)} – ${formatDateTime(new Date(s.endsAt), lang, zone)}`;
  return (
    <section>
      <p>
        <Link to={`/dialogues/${d.id}`}>{d.title}</Link>
      </p>
      <h1>{s.title}</h1>
      <ChathamHouseBanner on={d.chathamHouse} />
      {scheduled ? <p role="status">{t("scheduled")}</p> : null}
      {s.status === "CANCELLED" ? <p className="notice">{t("cancelled_notice")}</p> : null}
      <FormErrors failure={failure} />
      <dl>
        <dt>{t("when")}</dt>
        <dd>
          {range(s.timeZone)} ({s.timeZone})
          {viewerZone && viewerZone !== s.timeZone ? (
            <>
              <br />
              {range(viewerZone)} ({viewerZone})
            </>
          ) : null}
        </dd>
        {s.location ? (
          <>
            <dt>{t("where")}</dt>
            <dd>{s.location}</dd>
          </>
        ) : null}
        {s.meetingUrl && s.status === "SCHEDULED" ? (
          <>
            <dt>{t("join")}</dt>
            <dd>
              <a href={s.meetingUrl} rel="noopener noreferrer">
                {s.meetingUrl}
              </a>
            </dd>
          </>
        ) : null}
      </dl>
      <p>
        <a href={`/dialogues/${d.id}/sessions/${s.id}/invite.ics`} download>
          {t("download_ics")}
        </a>
      </p>
      {/* Rendered by app/services/dialogues/markdown.ts, which escapes everything it does not build itself. */}
      {s.agendaHtml ? (
        <>
          <h2>{t("agenda_heading")}</h2>
          <div data-agenda dangerouslySetInnerHTML={{ __html: s.agendaHtml }} />
        </>
      ) : null}
      {canCancel ? (
        <Form method="post">
          <input type="hidden" name="intent" value="cancel" />
          <p className="hint">{t("cancel_confirm")}</p>
          <button type="submit" className="secondary">
            {t("cancel_session")}
          </button>
        </Form>
      ) : null}
      <h2>{t("outcome")}</h2>
      {s.outcomeHtml ? <div data-outcome dangerouslySetInnerHTML={{ __html: s.outcomeHtml }} /> : <p>{manage && !ended && s.status === "SCHEDULED" ? t("outcome_after") : t("no_outcome")}</p>}
      {attached.length ? (
        <>
          <h3>{t("attached_documents")}</h3>
          <ul>
            {attached.map((f) => (
              <li key={f.id}>
                <a href={f.href}>{f.name}</a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {canPublish ? (
        <Form method="post">
          <h3>{t("publish_outcome")}</h3>
          <input type="hidden" name="intent" value="outcome" />
          <Field name="body" label={t("outcome_body")} errors={failure?.fieldErrors} hint={`${t("outcome_hint")}${d.chathamHouse ? ` ${t("outcome_hint_ch")}` : ""}`}>
            {(a) => <textarea {...a} rows={8} required maxLength={20000} defaultValue={(failure?.values as Record<string, string> | undefined)?.body} />}
          </Field>
          {choices.length ? (
            <fieldset>
              <legend>{t("outcome_documents")}</legend>
              {choices.map((f) => (
                <label key={f.id} className="check">
                  <input type="checkbox" name="documentIds" value={f.id} /> {f.name}
                </label>
              ))}
            </fieldset>
          ) : null}
          <button type="submit">{t("publish_outcome")}</button>
        </Form>
      ) : null}
      <p>
        <Link to={`/dialogues/${d.id}`}>{t("back")}</Link>
      </p>
    </section>
  );
}
