import { redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ConfirmStep, DangerLink } from "../components/confirm-step.tsx";
import { ChathamHouseBanner } from "../components/dialogue-banner.tsx";
import { DialogueSessionsList } from "../components/dialogue-sessions-list.tsx";
import { DialogueDocumentsSummary } from "../components/dialogue-documents-summary.tsx";
import { DialoguePostFields } from "../components/dialogue-post-fields.tsx";
import { Field, FormErrors } from "../components/fields.tsx";
import { confirmUi } from "../i18n/ui/confirm.ts";
import { dialoguesUi } from "../i18n/ui/dialogues.ts";
import { pageArgsFromUrl } from "../schemas/page.ts";
import { pickText } from "../services/dialogues/access.server.ts";
import { getDialogue, listDialogueInvitations, listDialogueMembers } from "../services/dialogues/dialogues.server.ts";
import { inviteInstitutionToDialogue, inviteToDialogue, revokeDialogueInvite } from "../services/dialogues/invitations.server.ts";
import { myNotificationSetting, setDialogueNotifications } from "../services/dialogues/notifications.server.ts";
import { InstitutionInviteForm, NotificationSetting } from "../components/dialogue-activity.tsx";
import { prisma } from "../utils/db.server.ts";
import { leaveDialogue, removeDialogueMember } from "../services/dialogues/membership.server.ts";
import { listThreads, startThread } from "../services/dialogues/threads.server.ts";
import { listSessions } from "../services/dialogues/sessions.server.ts";
import { documentRows, listDocuments } from "../services/dialogues/documents.server.ts";
import { can } from "../services/policy.server.ts";
import { confirmRequested, requireConfirmed } from "../utils/confirm.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.dialogue.title ?? "Dialogue"} · GenMig Hub` }, { name: "robots", content: "noindex" }];
export const headers: HeadersFunction = () => ({ "cache-control": "private, no-store" });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  const d = await orErrorPage(() => getDialogue(actor, params.id!), request);
  const readable = can(actor, { do: "dialogue.read", dialogue: d });
  const threads = readable ? await listThreads(actor, d, pageArgsFromUrl(new URL(request.url), 50)) : null;
  const text = pickText(d, lang);
  const members = can(actor, { do: "dialogue.viewMembers", dialogue: d }) ? await listDialogueMembers(actor, d) : null;
  const canManage = can(actor, { do: "dialogue.manageMembers", dialogue: d });
  const sessions = readable ? await listSessions(actor, d, { first: 50 }) : null;
  const documents = readable ? await listDocuments(actor, d, { first: 5 }) : null;
  return {
    dialogue: { id: d.id, title: text.title, description: text.description, visibility: d.visibility, chathamHouse: d.chathamHouse, role: d.viewerRole },
    readable,
    threads: threads?.nodes.map((th) => ({ id: th.id, title: th.title, lastPostAt: th.lastPostAt.toISOString() })) ?? [],
    next: threads?.pageInfo.hasNextPage ? threads.pageInfo.endCursor : null,
    members: members?.map((m) => ({ userId: m.userId, name: m.name, affiliation: m.affiliation.join(", "), email: m.email, role: m.role })) ?? null,
    invitations: canManage ? (await listDialogueInvitations(actor, d)).map((i) => ({ id: i.id, email: i.email, institution: i.institution, role: i.role })) : [],
    canManage,
    canPost: can(actor, { do: "dialogue.post", dialogue: d }),
    sessions: (sessions?.nodes ?? []).map((s) => ({ id: s.id, title: s.title, startsAt: s.startsAt.toISOString(), timeZone: s.timeZone, status: s.status, hasOutcome: !!s.outcomePublishedAt })),
    canSchedule: can(actor, { do: "dialogue.manageSessions", dialogue: d }),
    documents: documentRows(documents?.nodes ?? []),
    moreDocuments: documents?.pageInfo.hasNextPage ?? false,
    joined: new URL(request.url).searchParams.has("joined") && d.viewerRole !== null,
    confirm: confirmRequested(request),
    notify: d.viewerRole ? await myNotificationSetting(actor, d.id) : null,
    // Approved institutions whose focal point can be invited (the address itself is not shown).
    institutions: canManage ? await prisma().partner.findMany({ where: { status: "APPROVED" }, select: { id: true, name: true }, orderBy: { name: "asc" }, take: 500 }) : [],
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  const id = params.id!;
  return runForm(async () => {
    switch (form.intent) {
      case "invite":
        await inviteToDialogue(actor, id, { email: form.email, role: form.role || "MEMBER" });
        return { ok: true as const, invited: form.email };
      case "invite-institution": {
        const r = await inviteInstitutionToDialogue(actor, id, { partnerId: form.partnerId, role: form.institutionRole || "MEMBER" });
        return { ok: true as const, invitedInstitution: r.partnerName };
      }
      case "notify":
        await setDialogueNotifications(actor, id, form.notify);
        return { ok: true as const, notifySaved: true };
      case "revoke":
        requireConfirmed(request, form, `revoke:${form.invitationId ?? ""}`);
        await revokeDialogueInvite(actor, form.invitationId ?? "");
        return { ok: true as const, revoked: form.who ?? "" };
      case "remove":
        requireConfirmed(request, form, `remove:${form.userId ?? ""}`);
        await removeDialogueMember(actor, id, form.userId ?? "");
        return { ok: true as const, removed: form.name ?? "" };
      case "leave":
        requireConfirmed(request, form, "leave");
        await leaveDialogue(actor, id);
        return redirect("/dialogues?left=1");
      case "thread": {
        const thread = await startThread(actor, id, { title: form.title, body: form.body, attributable: form.attributable === "on" });
        return redirect(`/dialogues/${id}/threads/${thread.id}`);
      }
      default:
        throw new Response(null, { status: 400 });
    }
  }, form);
}

export default function DialoguePage() {
  const t = useT(dialoguesUi);
  const tc = useT(confirmUi);
  const { dialogue: d, readable, threads, next, members, invitations, canManage, canPost, joined, sessions, canSchedule, documents, moreDocuments, notify, institutions, confirm } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const invited = result && !isFailure(result) && "invited" in result ? result.invited : null;
  const invitedInstitution = result && !isFailure(result) && "invitedInstitution" in result ? result.invitedInstitution : null;
  const notifySaved = !!(result && !isFailure(result) && "notifySaved" in result);
  const removed = result && !isFailure(result) && "removed" in result ? result.removed : null;
  const revoked = result && !isFailure(result) && "revoked" in result ? result.revoked : null;
  // A confirmation step stays open only until its action has run.
  const asked = result && !isFailure(result) ? null : confirm;
  const here = `/dialogues/${d.id}`;
  const v = (failure?.values ?? {}) as Record<string, string>;
  return (
    <section>
      <h1>{d.title}</h1>
      <ChathamHouseBanner on={d.chathamHouse} />
      {joined ? <p role="status">{t("joined")}</p> : null}
      <p>
        {t(d.visibility === "SECRET" ? "secret" : "private")}
        {d.role ? ` · ${t(d.role === "FACILITATOR" ? "facilitator" : "member")}` : ""}
      </p>
      {d.description ? <p style={{ whiteSpace: "pre-line" }}>{d.description}</p> : null}
      <FormErrors failure={failure} />
      {!readable ? <p>{t("members_only")}</p> : null}
      {readable ? (
        <>
          <h2>{t("threads")}</h2>
          {threads.length ? (
            <ul>
              {threads.map((th) => (
                <li key={th.id}>
                  <Link to={`/dialogues/${d.id}/threads/${th.id}`}>{th.title}</Link>
                </li>
              ))}
            </ul>
          ) : (
            <p>{t("no_threads")}</p>
          )}
          {next ? <Link to={`?after=${encodeURIComponent(next)}`}>→</Link> : null}
        </>
      ) : null}
      {canPost ? (
        <Form method="post">
          <h3>{t("start_thread")}</h3>
          <input type="hidden" name="intent" value="thread" />
          <Field name="title" label={t("thread_title")} errors={failure?.fieldErrors}>
            {(a) => <input {...a} defaultValue={v.title} required maxLength={200} />}
          </Field>
          <DialoguePostFields failure={failure} body={v.body} chathamHouse={d.chathamHouse} />
        </Form>
      ) : null}
      {readable ? <DialogueSessionsList dialogueId={d.id} sessions={sessions} canSchedule={canSchedule} /> : null}
      {readable ? <DialogueDocumentsSummary dialogueId={d.id} documents={documents} more={moreDocuments} /> : null}
      {notify ? <NotificationSetting value={notify} saved={notifySaved} failure={failure?.values?.intent === "notify" ? failure : null} /> : null}
      {readable ? <h2>{t("members")}</h2> : null}
      {removed !== null ? (
        <p className="notice" role="status">
          {tc("removed_notice", { name: removed ?? "" })}
        </p>
      ) : null}
      {members ? (
        <ul data-members>
          {members.map((m) => (
            <li key={m.userId}>
              {m.name}
              {m.affiliation ? ` (${m.affiliation})` : ""} · {t(m.role === "FACILITATOR" ? "facilitator" : "member")}
              {m.email ? ` · ${m.email}` : ""}
              {canManage && asked === `remove:${m.userId}` ? (
                <ConfirmStep
                  title={tc("remove_title", { name: m.name ?? "" })}
                  consequence={tc("remove_text", { name: m.name ?? "" })}
                  fields={{ intent: "remove", userId: m.userId, name: m.name ?? "" }}
                  yes={tc("remove_yes", { name: m.name ?? "" })}
                  no={tc("keep")}
                  back={here}
                />
              ) : canManage ? (
                <>
                  {" "}
                  <DangerLink confirm={`remove:${m.userId}`}>{t("remove")}</DangerLink>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : readable ? (
        <p>{t("members_hidden")}</p>
      ) : null}
      {canManage ? (
        <>
          <h2>{t("invite")}</h2>
          {invited ? <p role="status">{t("invited", { email: invited })}</p> : null}
          <Form method="post">
            <input type="hidden" name="intent" value="invite" />
            <Field name="email" label={t("invite_email")} errors={failure?.fieldErrors}>
              {(a) => <input {...a} type="email" defaultValue={v.email} required />}
            </Field>
            <Field name="role" label={t("invite_role")} errors={failure?.fieldErrors}>
              {(a) => (
                <select {...a} defaultValue={v.role ?? "MEMBER"}>
                  <option value="MEMBER">{t("member")}</option>
                  <option value="FACILITATOR">{t("facilitator")}</option>
                </select>
              )}
            </Field>
            <button type="submit">{t("invite_button")}</button>
          </Form>
          <InstitutionInviteForm institutions={institutions} done={invitedInstitution ?? null} failure={failure?.values?.intent === "invite-institution" ? failure : null} />
          {revoked !== null ? (
            <p className="notice" role="status">
              {tc("revoked_notice", { who: revoked ?? "" })}
            </p>
          ) : null}
          {invitations.length ? (
            <>
              <h3>{t("pending")}</h3>
              <ul>
                {invitations.map((i) => (
                  <li key={i.id}>
                    {i.email ?? t("pending_institution", { name: i.institution ?? "" })} · {t(i.role === "FACILITATOR" ? "facilitator" : "member")}{" "}
                    {asked === `revoke:${i.id}` ? (
                      <ConfirmStep
                        title={tc("revoke_title", { who: i.email ?? t("pending_institution", { name: i.institution ?? "" }) })}
                        consequence={tc("revoke_text", { who: i.email ?? t("pending_institution", { name: i.institution ?? "" }) })}
                        fields={{ intent: "revoke", invitationId: i.id, who: i.email ?? t("pending_institution", { name: i.institution ?? "" }) }}
                        yes={tc("revoke_yes")}
                        no={tc("keep")}
                        back={here}
                      />
                    ) : (
                      <DangerLink confirm={`revoke:${i.id}`}>{t("revoke")}</DangerLink>
                    )}
                    {/* An institution's invitation is sent again from the institution form, without its address. */}
                    {i.email ? (
                      <Form method="post" style={{ display: "inline" }}>
                        <input type="hidden" name="intent" value="invite" />
                        <input type="hidden" name="email" value={i.email} />
                        <input type="hidden" name="role" value={i.role} />
                        <button type="submit">{t("resend")}</button>
                      </Form>
                    ) : null}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : null}
      {d.role && asked === "leave" ? (
        <ConfirmStep title={tc("leave_title", { title: d.title })} consequence={tc("leave_text")} fields={{ intent: "leave" }} yes={tc("leave_yes")} no={tc("keep")} back={here} />
      ) : d.role ? (
        <p>
          <DangerLink confirm="leave">{t("leave")}</DangerLink>
        </p>
      ) : null}
      <p>
        <Link to="/dialogues">{t("title")}</Link>
      </p>
    </section>
  );
}
