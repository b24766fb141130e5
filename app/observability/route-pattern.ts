/** The part of Remix's route manifest a pattern is made from. */
export interface RouteEntry {
  id: string;
  parentId?: string;
  path?: string;
  index?: boolean;
}

interface Compiled {
  pattern: string;
  regex: RegExp;
  score: number;
}

/**
 * Turns a route manifest into "the route pattern of a path" (/r/:token, /calendar/:file): what a log line and a
 * metric label carry instead of the raw path, which may hold a token or a secret. The most specific match wins,
 * as in Remix: literal segments before parameters before a splat.
 */
export function routeMatcher(routes: Record<string, RouteEntry | undefined>) {
  const fullPath = (route: RouteEntry): string => {
    const parent = route.parentId ? routes[route.parentId] : undefined;
    const own = route.path ?? "";
    return [parent ? fullPath(parent) : "", own].filter(Boolean).join("/");
  };
  const compiled: Compiled[] = [];
  for (const route of Object.values(routes)) {
    if (!route || route.id === "root") continue;
    const segments = fullPath(route).split("/").filter(Boolean);
    let score = 0;
    const parts = segments.map((s) => {
      if (s === "*") return "(?:/.*)?";
      if (s.startsWith(":")) {
        score += 2;
        return "/[^/]+";
      }
      score += 3;
      return "/" + s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    });
    const splat = segments.at(-1) === "*";
    compiled.push({ pattern: "/" + segments.join("/"), regex: new RegExp(`^${parts.join("")}/?$`, "i"), score: score + (splat ? 0 : 1) });
  }
  compiled.sort((a, b) => b.score - a.score);
  return (pathname: string): string => compiled.find((c) => c.regex.test(pathname))?.pattern ?? "unmatched";
}
