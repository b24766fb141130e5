import type { MetaFunction } from "@remix-run/node";
import { Link, useRouteLoaderData } from "@remix-run/react";
import { home } from "../i18n/ui/home.ts";
import { useT } from "../utils/i18n.ts";
import type { loader as rootLoader } from "../root.tsx";

export const meta: MetaFunction = () => [
  { title: "GenMig Hub" },
  { name: "description", content: "Partner network and webinars of the gender and migration research lab." },
];

export default function Home() {
  const t = useT(home);
  const user = useRouteLoaderData<typeof rootLoader>("root")?.user;
  return (
    <section>
      <h1>{t("home_title")}</h1>
      {user ? <p className="notice">{t("home_signed_in", { name: user.name })}</p> : null}
      <p>{t("home_intro")}</p>
      {user ? null : (
        <>
          <p>
            <Link className="button" to="/partners/register">
              {t("home_register_cta")}
            </Link>
          </p>
          <p className="hint">{t("home_register_body")}</p>
        </>
      )}
      <p>
        <Link to="/partners">{t("home_directory_cta")}</Link>
      </p>
    </section>
  );
}
