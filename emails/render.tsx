import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** HTML from the React template; the plain-text part is written alongside it, not scraped from the HTML. */
export function renderEmail(subject: string, element: ReactElement, textLines: (string | undefined | false)[]): RenderedEmail {
  return {
    subject,
    html: `<!DOCTYPE html>${renderToStaticMarkup(element)}`,
    text: `${textLines.filter((l) => l !== undefined && l !== false).join("\n\n")}\n`,
  };
}
