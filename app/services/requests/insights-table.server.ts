import { translator } from "../../i18n/index.ts";
import { directoryUi } from "../../i18n/ui/directory.ts";
import { requestsUi } from "../../i18n/ui/requests.ts";
import { REGIONS } from "../../schemas/regions.ts";
import { REQUEST_STATUSES, REQUEST_TYPES } from "../../schemas/support-request.ts";
import { prisma } from "../../utils/db.server.ts";
import { extraTables } from "../insights/extra-tables.server.ts";

// Partners' requests on the statistics pages: counts of requests (never people) by region and by status, one
// column per kind of request, for the chosen period. Requests belong to no webinar or dialogue, so other scopes
// show nothing here.
const periodWhere = (from?: Date | null, to?: Date | null) => ({
  createdAt: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) },
});

extraTables.push(
  {
    id: "requests-by-region",
    async load(_actor, scope, lang) {
      if (scope.kind !== "period") return null;
      const t = translator(requestsUi, lang);
      const td = translator(directoryUi, lang);
      const groups = await prisma().supportRequest.groupBy({ by: ["region", "type"], where: periodWhere(scope.from, scope.to), _count: { _all: true } });
      const count = (region: string | null, type: string) =>
        groups.filter((g) => (region === null ? !g.region || !(REGIONS as readonly string[]).includes(g.region) : g.region === region) && g.type === type).reduce((n, g) => n + g._count._all, 0);
      return {
        title: `${t("queue_title")} · ${t("region")}`,
        rowHeader: t("region"),
        columns: REQUEST_TYPES.map((type) => t(`type_${type}`)),
        rows: [...REGIONS.map((r) => ({ label: td(`region_${r}`), counts: REQUEST_TYPES.map((type) => count(r, type)) })), { label: "—", counts: REQUEST_TYPES.map((type) => count(null, type)) }],
      };
    },
  },
  {
    id: "requests-by-status",
    async load(_actor, scope, lang) {
      if (scope.kind !== "period") return null;
      const t = translator(requestsUi, lang);
      const groups = await prisma().supportRequest.groupBy({ by: ["status", "type"], where: periodWhere(scope.from, scope.to), _count: { _all: true } });
      const count = (status: string, type: string) => groups.find((g) => g.status === status && g.type === type)?._count._all ?? 0;
      return {
        title: `${t("queue_title")} · ${t("status")}`,
        rowHeader: t("status"),
        columns: REQUEST_TYPES.map((type) => t(`type_${type}`)),
        rows: REQUEST_STATUSES.map((s) => ({ label: t(`status_${s}`), counts: REQUEST_TYPES.map((type) => count(s, type)) })),
      };
    },
  },
);
