import { Form } from "@remix-run/react";
import { PreferenceFields } from "./subscription-fields.tsx";
import { subscriptionsUi } from "../i18n/ui/subscriptions.ts";
import type { FieldErrors } from "../services/errors.ts";
import type { PartnerDigestView } from "../services/subscriptions/partner-digest.server.ts";
import { useT } from "../utils/i18n.ts";

/** The digest options of a signed-in person on /account (the same fields as the public preference centre). */
export function AccountDigest({ digest, saved, confirmationSent, errors }: { digest: PartnerDigestView; saved: boolean; confirmationSent?: boolean; errors?: FieldErrors }) {
  const t = useT(subscriptionsUi);
  return (
    <>
      <h2 id="digest">{t("account_digest_title")}</h2>
      <p className="hint">{t("account_digest_intro")}</p>
      {saved ? (
        <p className="notice" role="status">
          {t("account_digest_saved")}
        </p>
      ) : null}
      {confirmationSent ? (
        <p className="notice" role="status">
          {t("account_digest_confirm_sent")}
        </p>
      ) : null}
      <Form method="post" noValidate>
        <label className="check">
          <input type="checkbox" name="enabled" defaultChecked={digest.enabled} />
          {t("account_digest_enabled")}
        </label>
        <PreferenceFields
          errors={errors}
          language={digest.language ?? ""}
          languageLabel={t("account_digest_language")}
          languageDefault={t("account_digest_language_default")}
          topics={digest.topics}
          frequency={digest.frequency}
        />
        <p>
          <button type="submit" name="intent" value="digest" className="secondary">
            {t("account_digest_save")}
          </button>
        </p>
      </Form>
    </>
  );
}
