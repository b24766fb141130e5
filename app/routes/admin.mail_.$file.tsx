import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { adminUi } from "../i18n/ui/admin.ts";
import { readMail } from "../services/mail-admin.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("mail", [{ name: "robots", content: "noindex" }]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  return orErrorPage(() => readMail(actor, params.file ?? ""), request);
}

export default function MailMessage() {
  const t = useT(adminUi);
  const m = useLoaderData<typeof loader>();
  return (
    <section>
      <p>
        <Link to="/admin/mail">{t("back")}</Link>
      </p>
      <h1>{m.subject}</h1>
      <p className="meta">
        {t("to")}: {m.to} · {m.date}
      </p>
      <pre>{m.text}</pre>
    </section>
  );
}
