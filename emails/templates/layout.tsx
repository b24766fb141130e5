import type { ReactNode } from "react";
import type { Lang } from "../../app/i18n/index.ts";

const frame = { fontFamily: "Arial, Helvetica, sans-serif", color: "#1c2430", lineHeight: 1.5, maxWidth: "36rem", margin: "0 auto", padding: "16px" };

export function Layout({ lang, title, footer, children }: { lang: Lang; title: string; footer: string; children: ReactNode }) {
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
      </head>
      <body style={{ margin: 0, background: "#ffffff" }}>
        <div style={frame}>
          <p style={{ fontWeight: 700, fontSize: "18px", color: "#0b5cab", margin: "0 0 16px" }}>GenMig Hub</p>
          {children}
          <p style={{ color: "#5a6472", fontSize: "12px", borderTop: "1px solid #d8dde4", paddingTop: "12px", marginTop: "24px" }}>{footer}</p>
        </div>
      </body>
    </html>
  );
}

export function Button({ href, label, fallback }: { href: string; label: string; fallback: string }) {
  return (
    <>
      <p>
        <a href={href} style={{ background: "#0b5cab", color: "#ffffff", padding: "10px 18px", borderRadius: "4px", textDecoration: "none", display: "inline-block" }}>
          {label}
        </a>
      </p>
      <p style={{ fontSize: "12px", color: "#5a6472" }}>
        {fallback} <br />
        <span style={{ wordBreak: "break-all" }}>{href}</span>
      </p>
    </>
  );
}
