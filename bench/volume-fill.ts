// Fills a migrated database with realistic volumes in a few set-based statements (generate_series), the same SQL on
// PostgreSQL and on PGlite. Ids are readable and deterministic ("bp17" is the 17th institution), so the benchmark
// can name the rows it reads. Nothing here goes through the use cases: it is the shape of a hub after years of use.
import { prisma } from "../app/utils/db.server.ts";

export interface Volumes {
  partners: number;
  people: number;
  webinars: number;
  registrations: number;
  audit: number;
  outbox: number;
  requests: number;
  sends: number;
}

export const FULL: Volumes = { partners: 5_000, people: 50_000, webinars: 400, registrations: 200_000, audit: 200_000, outbox: 1_000_000, requests: 5_000, sends: 300 };

export function scaled(scale: number): Volumes {
  const v = { ...FULL };
  for (const k of Object.keys(v) as (keyof Volumes)[]) v[k] = Math.max(k === "webinars" ? 20 : 1, Math.round(FULL[k] * scale));
  return v;
}

const COUNTRIES = ["SN", "CO", "PH", "FR", "KE", "NG", "MX", "IN", "DE", "BR", "EG", "ZA", "ES", "GT", "BD", "TR", "JO", "LB", "ET", "UG", "CA", "US", "MA", "TN", "PE", "EC", "VE", "CL", "AR", "NP", "PK", "ID", "VN", "TH", "GH", "CI", "ML", "NE", "SD", "SO"];
const ZONES = ["UTC", "Africa/Dakar", "America/Bogota", "Europe/Paris", "Asia/Manila", "Africa/Nairobi"];
const arr = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x}'`).join(",")}]`;
// Picks the n-th item of a SQL array literal, cycling.
const pick = (xs: string[], n: string) => `(${arr(xs)})[1 + ((${n}) % ${xs.length})]`;

/** Runs each statement and reports how long each table took. */
export async function fill(v: Volumes, log: (line: string) => void = () => {}) {
  const db = prisma();
  const run = async (label: string, sql: string) => {
    const t0 = performance.now();
    await db.$executeRawUnsafe(sql);
    log(`  ${label.padEnd(28)} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  const P = v.partners, U = v.people, W = v.webinars, R = v.registrations;
  // Institutions: 2 % waiting for a decision (the admin queue), 5 % rejected, the rest approved; every tenth name
  // repeats an earlier one in the same country (the duplicate warning has something to find).
  await run(`partners ${P}`, `
    INSERT INTO "Partner" (id, name, sector, country, "focalPointName", "focalPointEmail", interests, language, "publicListing", "consentAt", status, "createdAt", "updatedAt", "decidedAt")
    SELECT 'bp' || i,
           CASE WHEN i % 10 = 9 THEN 'Institute ' || (i - 40) ELSE 'Institute ' || i END,
           (${arr(["RESEARCH", "GOVERNMENT", "IGO", "NGO", "PRIVATE", "OTHER"])})[1 + i % 6]::"Sector",
           ${pick(COUNTRIES, "i")},
           'Focal ' || i, 'focal' || i || '@bench.example.org', '{}', (ARRAY['EN','FR','ES'])[1 + i % 3]::"Language", i % 2 = 0,
           now() - interval '3 years', CASE WHEN i % 50 = 7 THEN 'PENDING' WHEN i % 20 = 3 THEN 'REJECTED' ELSE 'APPROVED' END::"PartnerStatus",
           now() - (i * interval '1 minute') * (1095 * 24 * 60 / ${P}), now(), CASE WHEN i % 50 = 7 THEN NULL ELSE now() END
    FROM generate_series(0, ${P - 1}) i`);
  await run(`people ${U}`, `
    INSERT INTO "User" (id, email, name, role, language, "createdAt", "updatedAt")
    SELECT 'bu' || i, 'person' || i || '@bench.example.org', 'Person ' || i, 'PARTNER', (ARRAY['EN','FR','ES'])[1 + i % 3]::"Language",
           now() - (i * interval '1 minute') * (1095 * 24 * 60 / ${U}), now()
    FROM generate_series(0, ${U - 1}) i`);
  await run("memberships", `
    INSERT INTO "Membership" (id, "userId", "partnerId", role, "createdAt")
    SELECT 'bm' || i, 'bu' || i, 'bp' || (i % ${P}), CASE WHEN i < ${P} THEN 'FOCAL_POINT' ELSE 'MEMBER' END::"MemberRole", now()
    FROM generate_series(0, ${U - 1}) i`);
  await run("series", `
    INSERT INTO "WebinarSeries" (id, title, "parityTarget", "createdAt", "updatedAt")
    SELECT 'bs' || i, 'Series ' || i, 50, now(), now() FROM generate_series(0, 9) i`);
  // Webinars over the last two years and the next two months, half of them in a series.
  await run(`webinars ${W}`, `
    INSERT INTO "Webinar" (id, uid, "startsAt", "endsAt", "timeZone", "meetingUrl", status, "createdAt", "updatedAt", "seriesId")
    SELECT 'bw' || i, 'bench-' || i || '@hub', s, s + interval '90 minutes', ${pick(ZONES, "i")}, 'https://meet.example.org/' || i,
           CASE WHEN i % 40 = 5 THEN 'CANCELLED' ELSE 'SCHEDULED' END::"WebinarStatus", s - interval '30 days', now(),
           CASE WHEN i % 2 = 0 THEN 'bs' || (i % 10) END
    FROM (SELECT i, now() - interval '730 days' + (i * interval '1 hour') * (790 * 24 / ${W}) AS s FROM generate_series(0, ${W - 1}) i) w`);
  await run("webinar translations", `
    INSERT INTO "WebinarTranslation" (id, "webinarId", language, title, description)
    SELECT 'bwt' || i || l, 'bw' || i, l::"Language", CASE l WHEN 'EN' THEN 'Migration and gender ' ELSE 'Migration et genre ' END || i, 'Findings and discussion.'
    FROM generate_series(0, ${W - 1}) i, unnest(ARRAY['EN','FR']) l`);
  await run("speakers", `
    INSERT INTO "WebinarSpeaker" (id, "webinarId", name, role, gender, position)
    SELECT 'bsp' || i || '_' || k, 'bw' || i, 'Speaker ' || i || '-' || k, 'SPEAKER', ${pick(["woman", "man", "woman", "non-binary", "prefer-not-to-say"], "i + k")}, k
    FROM generate_series(0, ${W - 1}) i, generate_series(0, 2) k`);
  // The registration triggers look up each person's first institution (ADR 0045): with statistics on the new rows
  // the planner uses the index, as it would on a database that has been running.
  await run("analyze institutions", `ANALYZE "Partner", "Membership", "User", "Webinar"`);
  // Registrations: R / W per webinar, distinct people within a webinar; a fifth made without signing in.
  await run(`registrations ${R}`, `
    INSERT INTO "WebinarRegistration" (id, "webinarId", "userId", email, name, language, "timeZone", status, country, "invitedAt", "confirmedAt", attended, "createdAt", "updatedAt")
    SELECT 'br' || i, 'bw' || w, CASE WHEN i % 5 = 0 THEN NULL ELSE 'bu' || u END, 'person' || u || '@bench.example.org', 'Person ' || u,
           (ARRAY['EN','FR','ES'])[1 + u % 3]::"Language", ${pick(ZONES, "u")},
           (CASE WHEN i % 20 = 1 THEN 'WAITLISTED' WHEN i % 10 = 2 THEN 'CANCELLED' WHEN i % 20 = 3 THEN 'PENDING_APPROVAL' ELSE 'CONFIRMED' END)::"RegistrationStatus",
           CASE WHEN i % 4 = 0 THEN NULL ELSE ${pick(COUNTRIES, "u")} END,
           CASE WHEN i % 3 = 0 THEN now() - interval '800 days' + (w * interval '1 hour') * (790 * 24 / ${W}) END,
           CASE WHEN i % 20 NOT IN (1, 3) AND i % 10 <> 2 THEN now() - interval '760 days' + (w * interval '1 hour') * (790 * 24 / ${W}) END,
           CASE WHEN w < ${Math.floor((W * 730) / 790)} AND i % 10 NOT IN (1, 2, 3) THEN i % 5 <> 4 END,
           now() - interval '760 days' + (w * interval '1 hour') * (790 * 24 / ${W}), now() - interval '760 days' + (w * interval '1 hour') * (790 * 24 / ${W})
    FROM (SELECT i, i % ${W} AS w, (i / ${W} + (i % ${W}) * 131) % ${U} AS u FROM generate_series(0, ${R - 1}) i) r`);
  // Gender and age band of 60 % of the people, under the digest of their address (as personKey computes it).
  await run("analyze registrations", `ANALYZE "WebinarRegistration"`);
  await run("demographic answers", `
    INSERT INTO "DemographicAnswer" (key, gender, "ageBand", "updatedAt")
    SELECT 'p:' || encode(sha256(convert_to('person' || i || '@bench.example.org', 'UTF8')), 'hex'),
           ${pick(["woman", "man", "woman", "non-binary", "self-described", "prefer-not-to-say", "man"], "i")},
           ${pick(["under-25", "25-34", "35-49", "50-64", "65-plus", "prefer-not-to-say"], "i / 7")}, now()
    FROM generate_series(0, ${U - 1}) i WHERE i % 5 < 3`);
  // The audit log: registrations of institutions (a tenth flagged as possible duplicates), decisions, mail looks…
  await run(`audit ${v.audit}`, `
    INSERT INTO "AuditEntry" (id, "actorId", action, "targetType", "targetId", data, "createdAt")
    SELECT 'ba' || i, 'bu' || (i % ${U}),
           CASE WHEN i < ${P} THEN 'partner.registered' ELSE ${pick(["webinar.registered", "partner.approved", "mail.listed", "webinar.updated", "session.created", "dialogue.posted"], "i")} END,
           CASE WHEN i < ${P} THEN 'Partner' ELSE 'Webinar' END,
           CASE WHEN i < ${P} THEN 'bp' || i ELSE 'bw' || (i % ${W}) END,
           CASE WHEN i < ${P} AND i % 10 = 9 THEN jsonb_build_object('possibleDuplicateOf', 'bp' || (i - 40)) END,
           now() - (i * interval '1 second') * (730 * 86400 / ${v.audit})
    FROM generate_series(0, ${v.audit - 1}) i`);
  await run(`sends ${v.sends}`, `
    INSERT INTO "BulkSend" (id, kind, status, cutoff, period, total, enqueued, sent, failed, "startedAt", "composedAt", "finishedAt")
    SELECT 'bb' || i, CASE WHEN i % 3 = 0 THEN 'DISTRIBUTION' ELSE 'DIGEST_WEEKLY' END::"BulkSendKind", 'QUEUED', s, CASE WHEN i % 3 = 0 THEN NULL ELSE 'bench-' || i END,
           3000, 3000, 2990, 10, s, s, s + interval '1 hour'
    FROM (SELECT i, now() - (i * interval '1 day') * 2 AS s FROM generate_series(0, ${v.sends - 1}) i) b`);
  // A million messages over 90 days: mostly sent, some failed, a few waiting; a third belong to bulk sends.
  await run(`outbox ${v.outbox}`, `
    INSERT INTO "OutboxMessage" (id, key, "messageId", "toAddress", subject, html, text, status, priority, attempts, "nextAttemptAt", "createdAt", "sentAt", "lastError", "sendId")
    SELECT 'bo' || i, 'bench:' || i, '<bench' || i || '@hub.example.org>', 'person' || (i % ${U}) || '@bench.example.org',
           'Message ' || i, '', '',
           (CASE WHEN i % 100 = 1 THEN 'FAILED' WHEN i % 500 = 2 THEN 'PENDING' ELSE 'SENT' END)::"OutboxStatus",
           (CASE WHEN i % 3 = 0 THEN 'BULK' ELSE 'TRANSACTIONAL' END)::"MailPriority", 1, c, c, CASE WHEN i % 100 <> 1 AND i % 500 <> 2 THEN c END,
           CASE WHEN i % 100 = 1 THEN '550 mailbox unavailable' END,
           CASE WHEN i % 3 = 0 THEN 'bb' || (i % ${v.sends}) END
    FROM (SELECT i, now() - (i * interval '1 millisecond') * ${(90 * 86400000) / v.outbox} AS c FROM generate_series(0, ${v.outbox - 1}) i) o`);
  await run(`support requests ${v.requests}`, `
    INSERT INTO "SupportRequest" (id, type, status, "partnerId", "requesterId", language, region, title, topic, country, "createdAt", "updatedAt")
    SELECT 'bq' || i, CASE WHEN i % 2 = 0 THEN 'EVENT_SUPPORT' ELSE 'FIELD_CONNECTION' END::"SupportRequestType",
           ${pick(["NEW", "IN_REVIEW", "ACCEPTED", "DECLINED", "DONE"], "i")}::"SupportRequestStatus", 'bp' || (i % ${P}), 'bu' || (i % ${P}),
           'EN', ${pick(["AFRICA", "AMERICAS", "ASIA", "EUROPE", "OCEANIA"], "i")}, 'Request ' || i, 'Topic ' || i, ${pick(COUNTRIES, "i")},
           now() - (i * interval '1 hour') * (730 * 24 / ${v.requests}), now()
    FROM generate_series(0, ${v.requests - 1}) i`);
  await run("analyze", "ANALYZE");
}
