import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors } from "../components/fields.tsx";
import { formatDateTime, fromDbLanguage, LANGUAGE_NAMES } from "../i18n/index.ts";
import { accountUi } from "../i18n/ui/account.ts";
import { common } from "../i18n/ui/common.ts";
import { createApiToken, listApiTokens, revokeApiToken } from "../services/api-tokens.server.ts";
import { listSessions, revokeSession, sessionIdFor } from "../services/auth.server.ts";
import { calendarFeedUrl } from "../services/webinar-calendars.server.ts";
import { can } from "../services/policy.server.ts";
import { isFailure, runForm } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";
import { sessionSecret } from "../utils/session.server.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("account");

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const secret = sessionSecret(request);
  const current = secret ? sessionIdFor(secret) : null;
  const tokensAllowed = can(actor, { do: "apiToken.manage" });
  return {
    feedUrl: await calendarFeedUrl(actor),
    me: { name: actor.name, email: actor.email, role: actor.role, language: fromDbLanguage(actor.language) ?? null },
    institutions: actor.memberships,
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
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  return runForm(async () => {
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
  const lang = useLang();
  const { me, institutions, sessions, tokens, feedUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const date = (iso: string) => formatDateTime(new Date(iso), lang);
  return (
    <section>
      <h1>{t("account_title")}</h1>
      <FormErrors failure={failure} />
      {result && !isFailure(result) ? (
        <div className="notice" role="status">
          <p>{t(result.notice)}</p>
          {"token" in result ? <pre>{result.token}</pre> : null}
        </div>
      ) : null}
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
      <h2>{t("sessions")}</h2>
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
