import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
import { ConfirmCancelRegistration, ConfirmCancelWebinar, ManagePanels } from "../components/webinar-manage.tsx";
import { manageUi, plural, pluralFor } from "../i18n/ui/webinar-manage.ts";
import { pageArgsFromUrl } from "../schemas/page.ts";
import { REGISTRATION_STATUSES } from "../schemas/webinar.ts";
import { can, type Actor } from "../services/policy.server.ts";
import { webinarManageAction } from "../services/webinar-manage-actions.server.ts";
import { manageCounts, pageOfRegistrations, questionsFor, registrationOf } from "../services/webinar-manage.server.ts";
import { getWebinar, panelBalance, webinarText } from "../services/webinars.server.ts";
import { WebinarInviteForm } from "../components/webinar-invite-form.tsx";
import { inviteAction, listPartnersForInvite } from "../services/webinar-invite-page.server.ts";
import { journeysUi } from "../i18n/ui/journeys.ts";
import { inviteDialogueAction, webinarDialogues } from "../services/dialogues/webinars.server.ts";
import { WebinarDialoguePanel } from "../components/webinar-dialogue-panel.tsx";
import { isFailure, orErrorPage } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { pageContext } from "../utils/request.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "Webinar"} · GenMig Hub` }];

const PAGE = 50;

/** Not the research team: the Manage view does not exist for them (404, the same as a missing webinar). */
function staffOnly(actor: Actor) {
  if (!can(actor, { do: "webinar.manage" })) throw new Response(null, { status: 404 });
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  staffOnly(actor);
  const url = new URL(request.url);
  const w = await orErrorPage(() => getWebinar(actor, params.id!), request);
  const status = REGISTRATION_STATUSES.find((x) => x === url.searchParams.get("rstatus"));
  const q = url.searchParams.get("rq") ?? "";
  const filter = { status: status ? [status] : undefined, search: q };
  const [page, counts] = await Promise.all([pageOfRegistrations(actor, w.id, filter, pageArgsFromUrl(url, PAGE, "r")), manageCounts(actor, w.id)]);
  const cancelId = url.searchParams.get("cancel");
  const cancelling = cancelId ? await registrationOf(actor, w.id, cancelId) : null;
  const notified = Number(url.searchParams.get("notified"));
  const promoted = Number(url.searchParams.get("promoted"));
  // Invited-only webinars are joined through the invite list, while people can still come.
  const invitable = w.audience === "INVITED" && w.status === "SCHEDULED" && w.endsAt > new Date();
  return {
    id: w.id,
    title: webinarText(w, lang).title,
    cancelled: w.status === "CANCELLED",
    started: w.startsAt <= new Date(),
    capacity: w.capacity,
    counts,
    balance: panelBalance(w.speakers),
    questions: questionsFor(w, lang),
    filter: { status: status ?? "", q },
    pageInfo: page.pageInfo,
    registrations: page.nodes.map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      status: r.status,
      details: [r.institution, r.country, r.captions ? "CC" : "", r.signLanguage ? "SL" : "", r.interpretationLanguage ?? ""].filter(Boolean).join(" · "),
      attended: r.attended,
      answers: (r.answers as Record<string, string> | null) ?? {},
    })),
    confirm: url.searchParams.get("confirm") === "cancel-webinar" && w.status !== "CANCELLED" ? "cancel-webinar" : null,
    cancelling: cancelling && !["CANCELLED", "DENIED"].includes(cancelling.status) ? { id: cancelling.id, name: cancelling.name, email: cancelling.email } : null,
    // Set by the schedule and edit forms after they saved.
    saved: url.searchParams.get("saved"),
    invite: invitable ? { partners: await listPartnersForInvite(actor) } : null,
    notified: Number.isFinite(notified) ? notified : 0,
    promoted: Number.isFinite(promoted) ? promoted : 0,
    // Invited-only webinars can invite a whole dialogue (docs/decisions/0021).
    dialogues: w.audience === "INVITED" && w.status !== "CANCELLED" && w.endsAt > new Date() ? await webinarDialogues(actor, w.id, lang) : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await pageContext(request);
  staffOnly(actor);
  const form = await request.formData();
  if (form.get("intent") === "invite") return inviteAction(actor, params.id!, form);
  if (form.get("intent") === "invite-dialogue") return inviteDialogueAction(actor, params.id!, form);
  return webinarManageAction(actor, params.id!, form);
}

export default function ManageWebinar() {
  const t = useT(manageUi);
  const tj = useT(journeysUi);
  const lang = useLang();
  const view = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const dialogueResult = result && !isFailure(result) && "dialogueInvited" in result ? result : null;
  const savedNotice = view.saved === "scheduled" ? t("scheduled_notice") : view.saved === "updated" ? updatedNotice() : null;
  function updatedNotice() {
    const promoted = view.promoted > 0 ? ` ${t(plural("updated_promoted", view.promoted, lang), { count: view.promoted })}` : "";
    if (view.notified) return `${t(plural("updated_notice", view.notified, lang), { count: view.notified })}${promoted}`;
    return promoted ? `${t("updated_notice_saved")}${promoted}` : t("updated_notice_none");
  }
  return (
    <section>
      <p>
        <Link to={`/webinars/${view.id}`}>← {t("public_page")}</Link>
      </p>
      <h1>
        {t("manage_title", { title: view.title })} {view.cancelled ? <span className="badge">{t("cancelled_badge")}</span> : null}
      </h1>
      <FormErrors failure={failure} />
      {dialogueResult ? null : result && !isFailure(result) && "notice" in result ? (
        <p className="notice" role="status">
          {result.notice === "invite_done" ? tj("invite_done", result.vars) : t(pluralFor(result.notice, result.vars?.count, lang), result.vars)}
        </p>
      ) : savedNotice ? (
        <p className="notice" role="status">
          {savedNotice}
        </p>
      ) : null}
      {view.confirm && !(result && !isFailure(result)) ? (
        <ConfirmCancelWebinar id={view.id} title={view.title} confirmed={view.counts.confirmed} unseated={view.counts.waitlisted + view.counts.pending} errors={failure?.fieldErrors} />
      ) : view.cancelling && !(result && !isFailure(result)) ? (
        <ConfirmCancelRegistration id={view.id} reg={view.cancelling} />
      ) : (
        <>
          <ManagePanels
            view={view}
            errors={failure?.fieldErrors}
            invite={view.invite ? <WebinarInviteForm partners={view.invite.partners} failure={failure?.values?.intent === "invite" ? failure : null} /> : null}
          />
          {view.dialogues ? <WebinarDialoguePanel {...view.dialogues} done={dialogueResult} errors={failure?.values?.intent === "invite-dialogue" ? failure.fieldErrors : undefined} /> : null}
        </>
      )}
    </section>
  );
}
