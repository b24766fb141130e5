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
  removePartnerMember,
} from "../services/partners.server.ts";
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
      case "remove":
        await removePartnerMember(actor, id, form.userId ?? "");
        return { ok: true as const, notice: "removed" as const };
      default:
        throw new Response(null, { status: 400 });
    }
  }, form);
}

export default function PartnerPage() {
  const t = useT(partnersUi);
  const tc = useT(common);
  const lang = useLang();
  const { partner: p, members, canManage, canDecide, joined } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const v = (failure?.values ?? {}) as Record<string, string>;
  return (
    <section>
      <h1>{p.name}</h1>
      <p className="meta">
        {tc(`sector_${p.sector}`)} · {p.country} · <span className="badge">{tc(`status_${p.status}`)}</span>
      </p>
      {result && !isFailure(result) ? (
        <p className="notice" role="status">
          {t(result.notice, { email: "email" in result ? String(result.email) : "" })}
        </p>
      ) : null}
      {joined && !result ? (
        <p className="notice" role="status">
          {t("accepted", { partner: p.name })}
        </p>
      ) : null}
      <FormErrors failure={failure} />
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
              <dt>{t("website")}</dt>
              <dd>
                <a href={p.website} rel="noopener noreferrer">
                  {p.website}
                </a>
              </dd>
            </>
          ) : null}
          {p.interests?.length ? (
            <>
              <dt>{t("interests")}</dt>
              <dd>{p.interests.join(", ")}</dd>
            </>
          ) : null}
        </dl>
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
          <table>
            <tbody>
              {members.map((m) => (
                <tr key={m.userId}>
                  <td>{m.name}</td>
                  <td>{m.email}</td>
                  <td>{tc(`role_${m.role}`)}</td>
                  <td>
                    {canManage ? (
                      <Form method="post">
                        <input type="hidden" name="userId" value={m.userId} />
                        <button type="submit" name="intent" value="remove" className="secondary">
                          {t("remove")}
                        </button>
                      </Form>
                    ) : null}
                  </td>
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
