import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, Links, Meta, Outlet, isRouteErrorResponse, useLocation, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { common } from "./i18n/ui/common.ts";
import { LANGUAGE_NAMES, LANGUAGES, type Lang } from "./i18n/index.ts";
import { useT } from "./utils/i18n.ts";
import { pageContext } from "./utils/request.server.ts";
import styles from "./styles.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  const user =
    actor.kind === "user"
      ? { name: actor.name, role: actor.role, staff: actor.role !== "PARTNER", admin: actor.role === "ADMIN" }
      : null;
  return { lang, user };
}

type RootData = Awaited<ReturnType<typeof loader>>;

function LanguageSwitcher({ lang }: { lang: Lang }) {
  const t = useT(common);
  const location = useLocation();
  return (
    <Form method="post" action="/lang" className="lang">
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <label>
        {t("language")}{" "}
        <select name="lang" defaultValue={lang}>
          {LANGUAGES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
        </select>
      </label>{" "}
      <button type="submit">{t("change_language")}</button>
    </Form>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<RootData>("root");
  const lang = data?.lang ?? "en";
  const user = data?.user ?? null;
  const t = useT(common);
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip" href="#main">
          {t("skip_to_content")}
        </a>
        <header className="top">
          <Link to="/" className="brand">
            {t("app_name")}
          </Link>
          <nav aria-label="Main">
            <Link to="/webinars">{t("nav_webinars")}</Link>
            <Link to="/partners">{t("nav_directory")}</Link>
            {user ? (
              <>
                <Link to="/account">{t("nav_account")}</Link>
                {user.staff ? <Link to="/admin">{t("nav_admin")}</Link> : null}
                <Form method="post" action="/auth/sign-out" className="inline">
                  <button type="submit" className="link">
                    {t("nav_sign_out")}
                  </button>
                </Form>
              </>
            ) : (
              <>
                <Link to="/partners/register">{t("nav_register")}</Link>
                <Link to="/auth/sign-in">{t("nav_sign_in")}</Link>
              </>
            )}
          </nav>
          <LanguageSwitcher lang={lang} />
        </header>
        <main id="main">{children}</main>
        <footer>{t("footer")}</footer>
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const t = useT(common);
  const missing = isRouteErrorResponse(error) && (error.status === 404 || error.status === 403);
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <section>
      <h1>{missing ? t("not_found_title") : t("error_title")}</h1>
      {missing ? <p>{t("not_found_body")}</p> : null}
      <p>
        <Link to="/">{t("back_home")}</Link>
      </p>
    </section>
  );
}
