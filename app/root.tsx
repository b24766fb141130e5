import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, Links, Meta, Outlet, isRouteErrorResponse, useLocation, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { Fragment, type ReactNode } from "react";
import { DigestLink } from "./components/digest-cta.tsx";
import { Wordmark } from "./components/wordmark.tsx";
import { common } from "./i18n/ui/common.ts";
import { LANGUAGE_NAMES, LANGUAGES, type Lang } from "./i18n/index.ts";
import { useT } from "./utils/i18n.ts";
import { env } from "./utils/env.server.ts";
import { pageTitle } from "./utils/meta.ts";
import { pageContext } from "./utils/request.server.ts";
import styles from "./styles.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "icon", href: "/favicon.ico", sizes: "32x32" },
  { rel: "apple-touch-icon", href: "/apple-touch-icon.png" },
];

/** The home page's title, and the 404/error pages' (rendered by this route's boundary) in the reader's language. */
export const meta: MetaFunction<typeof loader> = ({ data, error }) => {
  const lang = data?.lang ?? "en";
  if (!error) return [{ title: common[lang].app_name }];
  const missing = isRouteErrorResponse(error) && (error.status === 404 || error.status === 403);
  const unavailable = isRouteErrorResponse(error) && error.status === 503;
  return [{ title: pageTitle(lang, missing ? "not_found" : unavailable ? "unavailable" : "error") }, { name: "robots", content: "noindex" }];
};

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  const user =
    actor.kind === "user"
      ? { name: actor.name, role: actor.role, staff: actor.role !== "PARTNER", admin: actor.role === "ADMIN" }
      : null;
  // Link previews need absolute URLs; APP_URL, not the Host header, since anonymous pages are shared from a cache.
  return { lang, user, origin: env().APP_URL };
}

type RootData = Awaited<ReturnType<typeof loader>>;

/**
 * EN · FR · ES as plain links: each is a one-button POST form (the switch changes a cookie and the profile, so
 * it stays a POST under the same origin rules as every other change), styled as a link.
 */
function LanguageLinks({ lang }: { lang: Lang }) {
  const t = useT(common);
  const location = useLocation();
  const back = location.pathname + location.search;
  return (
    <div className="langs" role="group" aria-label={t("language_links")}>
      {LANGUAGES.map((l, i) => (
        <Fragment key={l}>
          {i > 0 ? <span aria-hidden="true"> · </span> : null}
          {l === lang ? (
            <strong lang={l} title={LANGUAGE_NAMES[l]} aria-current="true">
              {l.toUpperCase()}
            </strong>
          ) : (
            <form method="post" action="/lang" className="inline">
              <input type="hidden" name="lang" value={l} />
              <input type="hidden" name="redirectTo" value={back} />
              {/* Voice control users say what they see ("FR"): the name starts with it, the language's name follows. */}
              <button type="submit" className="link" lang={l} title={LANGUAGE_NAMES[l]} aria-label={`${l.toUpperCase()} (${LANGUAGE_NAMES[l]})`}>
                {l.toUpperCase()}
              </button>
            </form>
          )}
        </Fragment>
      ))}
    </div>
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
          <Link to="/" className="brand" aria-label={`${t("app_name")} – ${t("nav_home")}`}>
            <Wordmark name={t("app_name")} />
          </Link>
          <LanguageLinks lang={lang} />
          <nav aria-label={t("main_nav")}>
            <Link to="/webinars">{t("nav_webinars")}</Link>
            <Link to="/publications">{t("nav_publications")}</Link>
            <Link to="/partners">{t("nav_directory")}</Link>
            {user ? (
              <>
                <Link to="/dialogues">{t("nav_dialogues")}</Link>
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
        </header>
        <main id="main">{children}</main>
        <footer>
          <p>{t("footer")}</p>
          <p>
            <DigestLink />
          </p>
        </footer>
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
  // 503: the database could not be reached (app/entry.server.tsx); the page says to come back in a moment.
  const unavailable = isRouteErrorResponse(error) && error.status === 503;
  if (!isRouteErrorResponse(error)) console.error(error);
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <section className="oops">
      <p className="meta">{t("error_code", { status })}</p>
      <h1>{missing ? t("not_found_title") : unavailable ? t("unavailable_title") : t("error_title")}</h1>
      <p>{missing ? t("not_found_body") : unavailable ? t("unavailable_body") : t("error_body")}</p>
      <p>
        <Link className="button" to="/">
          {t("back_home")}
        </Link>
      </p>
      <p>
        <Link to="/webinars">{t("nav_webinars")}</Link> · <Link to="/partners">{t("nav_directory")}</Link>
      </p>
    </section>
  );
}
