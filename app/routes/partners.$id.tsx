import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors } from "../components/fields.tsx";
import { formatDateTime } from "../i18n/index.ts";
import { common } from "../i18n/ui/common.ts";
import { partnersUi } from "../i18n/ui/partners.ts";
import { countryName } from "../schemas/countries.ts";
import {
  approvePartner,
  getPartner,
  invitePartnerMember,
  listMembers,
  rejectPartner,
  likelyDuplicates,
  removePartnerMember,
  setMemberRole,
  updatePartnerDetails,
} from "../services/partners.server.ts";
import { partnerStaffUi } from "../i18n/ui/partner-staff.ts";
import { fromDbLanguage } from "../i18n/index.ts";
import { SECTORS } from "../schemas/partner.ts";
import { AppError } from "../services/errors.ts";
import { can } from "../services/policy.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { pageContext } from "../utils/request.server.ts";
import { institutionSummary, withPreview } from "../utils/meta.ts";

export const meta: MetaFunction<typeof loader> = (args) =>
  withPreview(args, args.data ? { title: args.data.partner.name, description: institutionSummary(args.data.partner.sector, args.data.partner.country) } : null, "partner");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  const p = await orErrorPage(() => getPartner(actor, params.id!), request);
  const contacts = can(actor, { do: "partner.viewContacts", partner: p });
  const members = can(actor, { do: "partner.viewMembers", partner: p }) ? await listMembers(actor, p) : null;
  const url = new URL(request.url);
  const reviewing = can(actor, { do: "partner.decide" });
  const removing = members?.find((m) => m.userId === url.searchParams.get("remove"));
  return {
    partner: {
      id: p.id,
      name: p.name,
      sector: p.sector,
      country: countryName(p.country, lang),
      status: p.status,
      createdAt: p.createdAt.toISOString(),
      rejectionReason: members ? p.rejectionReason : null,
      ...(contacts ? { website: p.website, focalPointName: p.focalPointName, focalPointEmail: p.focalPointEmail, interests: p.interests } : {}),
    },
    // The whole application, for the team reviewing it and the institution's own people.
    answers: reviewing || members ? { sectorCode: p.sector, language: fromDbLanguage(p.language) ?? "en", publicListing: p.publicListing, consentAt: p.consentAt.toISOString() } : null,
    duplicates: reviewing ? (await likelyDuplicates(actor, p)).map((d) => ({ id: d.id, name: d.name, status: d.status })) : [],
    canEdit: can(actor, { do: "partner.editDetails", partner: p }),
    editing: url.searchParams.get("edit") === "details",
    removing: removing && can(actor, { do: "partner.manageMembers", partner: p }) ? { userId: removing.userId, name: removing.user.name, email: removing.user.email } : null,
    members: members?.map((m) => ({ userId: m.userId, name: m.user.name, email: m.user.email, role: m.role })) ?? null,
    canManage: can(actor, { do: "partner.manageMembers", partner: p }),
    canDecide: can(actor, { do: "partner.decide" }) && p.status === "PENDING",
    // set by the invitation page after a member accepted
    joined: new URL(request.url).searchParams.has("joined") && members !== null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await pageContext(request);
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  const id = params.id!;
  return runForm(async () => {
    switch (form.intent) {
      case "approve":
        await approvePartner(actor, id);
        return { ok: true as const, notice: "approved_notice" as const };
      case "reject":
        await rejectPartner(actor, id, form.reason ?? "");
        return { ok: true as const, notice: "rejected_notice" as const };
      case "invite":
        await invitePartnerMember(actor, id, { email: form.email, name: form.name, role: form.role });
        return { ok: true as const, notice: "invited" as const, email: form.email };
      case "remove": {
        // The confirmation page adds this; a bare POST (an old form, a stray click) changes nothing.
        if (form.confirmed !== "yes") throw new AppError("BAD_USER_INPUT", "confirm_required");
        const m = await removePartnerMember(actor, id, form.userId ?? "");
        return { ok: true as const, notice: "removed_named" as const, name: m.user.name };
      }
      case "role": {
        const m = await setMemberRole(actor, id, form.userId ?? "", form.role);
        return { ok: true as const, notice: (m.role === "FOCAL_POINT" ? "role_changed_FOCAL_POINT" : "role_changed_MEMBER") as "role_changed_MEMBER", name: m.user.name };
      }
      case "details": {
        const interests = (form.interests ?? "").split(/[\n,]/).map((x) => x.trim());
        const updated = await updatePartnerDetails(actor, id, { ...form, interests, publicListing: form.publicListing === "on" });
        return { ok: true as const, notice: (updated.changed.length ? "details_saved" : "details_unchanged") as "details_saved" };
      }
      default:
        throw new Response(null, { status: 400 });
    }
  }, form);
}

const STAFF_NOTICES = ["details_saved", "details_unchanged", "role_changed_FOCAL_POINT", "role_changed_MEMBER", "removed_named"];

export default function PartnerPage() {
  const t = useT(partnersUi);
  const tc = useT(common);
  const ts = useT(partnerStaffUi);
  const lang = useLang();
  const { partner: p, members, canManage, canDecide, joined, answers, duplicates, canEdit, editing, removing } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const v = (failure?.values ?? {}) as Record<string, string>;
  const done = result && !isFailure(result) ? result : null;
  // The last focal point cannot step down (the service refuses it too): no button that can only fail.
  const focalPoints = members?.filter((m) => m.role === "FOCAL_POINT").length ?? 0;
  if (removing && !done) {
    return (
      <section>
        <h1>{ts("confirm_remove", { name: removing.name, partner: p.name })}</h1>
        <FormErrors failure={failure} />
        <p>{ts("confirm_remove_text", { name: removing.name, email: removing.email })}</p>
        <Form method="post" action={`/partners/${p.id}`}>
          <input type="hidden" name="userId" value={removing.userId} />
          <input type="hidden" name="confirmed" value="yes" />
          <button type="submit" name="intent" value="remove" className="danger">
            {ts("yes_remove")}
          </button>{" "}
          <a href={`/partners/${p.id}`}>{ts("keep")}</a>
        </Form>
      </section>
    );
  }
  const showForm = canEdit && (editing || (failure && v.intent === "details"));
  const d = failure && v.intent === "details" ? v : { sector: p.sector, website: "website" in p ? (p.website ?? "") : "", focalPointName: "focalPointName" in p ? p.focalPointName : "", focalPointEmail: "focalPointEmail" in p ? p.focalPointEmail : "", interests: "interests" in p ? (p.interests ?? []).join(", ") : "", language: answers?.language ?? "en", publicListing: answers?.publicListing ? "on" : "" };
  return (
    <section>
      <h1>{p.name}</h1>
      <p className="meta">
        {tc(`sector_${p.sector}`)} · {p.country} · <span className="badge">{tc(`status_${p.status}`)}</span>
      </p>
      {done ? (
        <p className="notice" role="status">
          {STAFF_NOTICES.includes(done.notice)
            ? ts(done.notice as "details_saved", { name: "name" in done ? String(done.name) : "" })
            : t(done.notice as "invited", { email: "email" in done ? String(done.email) : "" })}
        </p>
      ) : null}
      {joined && !result ? (
        <p className="notice" role="status">
          {t("accepted", { partner: p.name })}
        </p>
      ) : null}
      <FormErrors failure={failure} />
      {duplicates.length ? (
        <div className="alert" role="alert">
          <p>{ts("duplicates_warning")}</p>
          <ul>
            {duplicates.map((x) => (
              <li key={x.id}>
                <a href={`/partners/${x.id}`}>{x.name}</a> ({tc(`status_${x.status}`)})
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <p className="meta">{t("registered_on", { date: formatDateTime(new Date(p.createdAt), lang) })}</p>
      {p.rejectionReason ? <p>{t("rejection_reason", { reason: p.rejectionReason })}</p> : null}
      {"focalPointEmail" in p ? (
        <dl>
          <dt>{t("contact")}</dt>
          <dd>
            {p.focalPointName} — <a href={`mailto:${p.focalPointEmail}`}>{p.focalPointEmail}</a>
          </dd>
          {p.website ? (
            <>
              <dt>{t("website_heading")}</dt>
              <dd>
                <a href={p.website} rel="noopener noreferrer">
                  {p.website}
                </a>
              </dd>
            </>
          ) : null}
          {p.interests?.length ? (
            <>
              <dt>{t("interests_heading")}</dt>
              <dd>{p.interests.join(", ")}</dd>
            </>
          ) : null}
          {answers ? (
            <>
              <dt>{ts("answer_language")}</dt>
              <dd>{ts(`language_${answers.language}`)}</dd>
              <dt>{ts("answer_listing")}</dt>
              <dd>{answers.publicListing ? ts("answer_yes") : ts("answer_no")}</dd>
              <dt>{ts("answer_consent")}</dt>
              <dd>{formatDateTime(new Date(answers.consentAt), lang)}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {canEdit && !showForm ? (
        <p>
          <a href={`/partners/${p.id}?edit=details`}>{ts("edit_details")}</a>
        </p>
      ) : null}
      {showForm ? (
        <Form method="post" action={`/partners/${p.id}`}>
          <fieldset>
            <legend>{ts("details_title")}</legend>
            <Field name="sector" label={t("sector")} errors={failure?.fieldErrors}>
              {(a) => (
                <select {...a} defaultValue={d.sector}>
                  {SECTORS.map((x) => (
                    <option key={x} value={x}>
                      {tc(`sector_${x}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field name="website" label={t("website")} errors={failure?.fieldErrors}>
              {(a) => <input {...a} type="url" maxLength={300} defaultValue={d.website} />}
            </Field>
            <Field name="focalPointName" label={ts("contact_name")} errors={failure?.fieldErrors}>
              {(a) => <input {...a} type="text" required maxLength={120} defaultValue={d.focalPointName} />}
            </Field>
            <Field name="focalPointEmail" label={ts("contact_email")} errors={failure?.fieldErrors}>
              {(a) => <input {...a} type="email" required defaultValue={d.focalPointEmail} />}
            </Field>
            <Field name="interests" label={t("interests")} hint={t("interests_hint")} errors={failure?.fieldErrors}>
              {(a) => <textarea {...a} rows={2} defaultValue={d.interests} />}
            </Field>
            <Field name="language" label={t("preferred_language")} errors={failure?.fieldErrors}>
              {(a) => (
                <select {...a} defaultValue={d.language}>
                  {(["en", "fr", "es"] as const).map((l) => (
                    <option key={l} value={l}>
                      {ts(`language_${l}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <label className="check">
              <input type="checkbox" name="publicListing" defaultChecked={d.publicListing === "on"} />
              {t("public_listing")}
            </label>
            <p>
              <button type="submit" name="intent" value="details">
                {ts("save_details")}
              </button>{" "}
              <a href={`/partners/${p.id}`}>{ts("cancel_edit")}</a>
            </p>
          </fieldset>
        </Form>
      ) : null}
      {canDecide ? (
        <fieldset>
          <legend>{t("review_title")}</legend>
          <Form method="post">
            <button type="submit" name="intent" value="approve">
              {t("approve")}
            </button>
          </Form>
          <Form method="post">
            <Field name="reason" label={t("reason")} errors={failure?.fieldErrors}>
              {(a) => <textarea {...a} rows={3} maxLength={2000} defaultValue={v.reason} />}
            </Field>
            <button type="submit" name="intent" value="reject" className="danger">
              {t("reject")}
            </button>
          </Form>
        </fieldset>
      ) : null}
      {members ? (
        <>
          <h2>{t("members_title")}</h2>
          <table className="members">
            <thead>
              <tr>
                <th scope="col">{ts("col_member")}</th>
                <th scope="col">{ts("col_email")}</th>
                <th scope="col">{ts("col_role")}</th>
                {canManage ? <th scope="col">{ts("col_actions")}</th> : null}
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.userId}>
                  <td data-label={ts("col_member")}>{m.name}</td>
                  <td data-label={ts("col_email")}>{m.email}</td>
                  <td data-label={ts("col_role")}>{tc(`role_${m.role}`)}</td>
                  {canManage ? (
                    // The last focal point has no actions: the cell stays empty (and hidden when stacked).
                    m.role === "MEMBER" || focalPoints > 1 ? (
                      <td data-label={ts("col_actions")}>
                        <Form method="post" action={`/partners/${p.id}`} className="inline">
                          <input type="hidden" name="userId" value={m.userId} />
                          <input type="hidden" name="role" value={m.role === "FOCAL_POINT" ? "MEMBER" : "FOCAL_POINT"} />
                          <button type="submit" name="intent" value="role" className="secondary">
                            {m.role === "FOCAL_POINT" ? ts("make_member") : ts("make_focal")}
                          </button>
                        </Form>{" "}
                        <a href={`/partners/${p.id}?remove=${m.userId}`}>{t("remove")}…</a>
                      </td>
                    ) : (
                      <td />
                    )
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {canManage ? (
        <fieldset>
          <legend>{t("invite_title")}</legend>
          <Form method="post">
            <Field name="email" label={t("invite_email")} errors={failure?.fieldErrors}>
              {(a) => <input {...a} type="email" required defaultValue={v.email} />}
            </Field>
            <Field name="name" label={t("invite_name")} errors={failure?.fieldErrors}>
              {(a) => <input {...a} type="text" maxLength={120} defaultValue={v.name} />}
            </Field>
            <Field name="role" label={t("invite_role")} errors={failure?.fieldErrors}>
              {(a) => (
                <select {...a} defaultValue={v.role ?? "MEMBER"}>
                  <option value="MEMBER">{tc("role_MEMBER")}</option>
                  <option value="FOCAL_POINT">{tc("role_FOCAL_POINT")}</option>
                </select>
              )}
            </Field>
            <p>
              <button type="submit" name="intent" value="invite">
                {t("invite_button")}
              </button>
            </p>
          </Form>
        </fieldset>
      ) : null}
    </section>
  );
}
