import { useRouteLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { translator, type Catalog, type Lang, type T } from "../i18n/index.ts";

export function useLang(): Lang {
  const data = useRouteLoaderData<{ lang: Lang }>("root");
  return data?.lang ?? "en";
}

export function useT<D extends Record<string, string>>(catalog: Catalog<D>): T<D> {
  const lang = useLang();
  return useMemo(() => translator(catalog, lang, { typography: true }), [catalog, lang]);
}
