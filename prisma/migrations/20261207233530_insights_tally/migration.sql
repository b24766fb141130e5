-- AlterTable
ALTER TABLE "WebinarRegistration" ADD COLUMN     "statsCountry" TEXT,
ADD COLUMN     "statsSector" TEXT;

-- CreateTable
CREATE TABLE "InsightsTally" (
    "webinarId" TEXT NOT NULL,
    "breakdown" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "invited" INTEGER NOT NULL DEFAULT 0,
    "registered" INTEGER NOT NULL DEFAULT 0,
    "confirmed" INTEGER NOT NULL DEFAULT 0,
    "attended" INTEGER NOT NULL DEFAULT 0,
    "kInvited" BIGINT NOT NULL DEFAULT 0,
    "kRegistered" BIGINT NOT NULL DEFAULT 0,
    "kConfirmed" BIGINT NOT NULL DEFAULT 0,
    "kAttended" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "InsightsTally_pkey" PRIMARY KEY ("webinarId","breakdown","key")
);

-- CreateIndex
CREATE INDEX "WebinarRegistration_personKey_idx" ON "WebinarRegistration"("personKey");


-- Participation statistics per webinar and category, kept by the database (ADR 0045): a period's table then adds a
-- few rows per webinar instead of counting every registration. Every count is per registration, as the statistics
-- service counts them (app/services/insights/participation.server.ts), and every record-key sum is a plain sum, so
-- the tallies of several webinars add up to exactly what counting their registrations gives (ADR 0037).

-- The sector and country of a person's first approved institution (by membership date, then id).
CREATE FUNCTION "genmig_first_partner"(uid TEXT, OUT sector TEXT, OUT country TEXT) LANGUAGE sql STABLE AS $$
  SELECT pa."sector"::text, pa."country"
  FROM "Membership" m JOIN "Partner" pa ON pa."id" = m."partnerId" AND pa."status" = 'APPROVED'
  WHERE m."userId" = uid
  ORDER BY m."createdAt", m."id"
  LIMIT 1
$$;

-- Each registration carries that institution's sector and country (not sensitive: institution data); fires after
-- "…_person_key" and "…_record_key" (triggers of one event fire in name order).
-- The query is written out here rather than calling the function above: a PL/pgSQL statement keeps its plan, which
-- matters when a bulk insert fires this once per row.
CREATE FUNCTION "genmig_registration_stats_partner"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."statsSector" := NULL;
  NEW."statsCountry" := NULL;
  IF NEW."userId" IS NOT NULL THEN
    SELECT pa."sector"::text, pa."country" INTO NEW."statsSector", NEW."statsCountry"
    FROM "Membership" m JOIN "Partner" pa ON pa."id" = m."partnerId" AND pa."status" = 'APPROVED'
    WHERE m."userId" = NEW."userId"
    ORDER BY m."createdAt", m."id"
    LIMIT 1;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER "WebinarRegistration_stats_partner" BEFORE INSERT OR UPDATE OF "userId" ON "WebinarRegistration" FOR EACH ROW EXECUTE FUNCTION "genmig_registration_stats_partner"();

-- Adds the registrations of one statement to the tallies (sign 1) or takes them out (sign -1), under each
-- breakdown's category: the answer (looked up now: answers live apart and move their registrations themselves,
-- below), the institution's sector, and the country (the registration's, else the institution's). Only the rows
-- whose counted fields changed take part in an update. Upserts go in key order, so concurrent writers never deadlock
-- on the tallies.
CREATE FUNCTION "genmig_registration_tally"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  source TEXT;
  -- What a registration is counted by: when none of it changed, an update leaves the tallies alone.
  changed CONSTANT TEXT := $c$(o."webinarId", o."invitedAt" IS NOT NULL, o."confirmedAt" IS NOT NULL OR o."status" = 'CONFIRMED', COALESCE(o."attended", false), o."recordKey", COALESCE(o."personKey", o."id"), o."statsSector", COALESCE(o."country", o."statsCountry"))
    IS DISTINCT FROM (n."webinarId", n."invitedAt" IS NOT NULL, n."confirmedAt" IS NOT NULL OR n."status" = 'CONFIRMED', COALESCE(n."attended", false), n."recordKey", COALESCE(n."personKey", n."id"), n."statsSector", COALESCE(n."country", n."statsCountry"))$c$;
BEGIN
  -- A statement trigger fires for statements that touched no row too (a membership's restatement of a person
  -- without registrations): nothing to do then, and nothing to plan.
  IF TG_OP = 'DELETE' THEN
    IF NOT EXISTS (SELECT 1 FROM old_rows) THEN RETURN NULL; END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM new_rows) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    source := 'SELECT 1 AS sign, n.* FROM new_rows n';
  ELSIF TG_OP = 'DELETE' THEN
    source := 'SELECT -1 AS sign, o.* FROM old_rows o';
  ELSE
    source := format('SELECT -1 AS sign, o.* FROM old_rows o JOIN new_rows n ON n."id" = o."id" WHERE %1$s
      UNION ALL SELECT 1 AS sign, n.* FROM new_rows n JOIN old_rows o ON o."id" = n."id" WHERE %1$s', changed);
  END IF;
  EXECUTE format($q$
    INSERT INTO "InsightsTally" AS t ("webinarId", "breakdown", "key", "invited", "registered", "confirmed", "attended", "kInvited", "kRegistered", "kConfirmed", "kAttended")
    SELECT r."webinarId", v.b, COALESCE(v.key, ''),
      sum(r.sign * (r."invitedAt" IS NOT NULL)::int),
      sum(r.sign),
      sum(r.sign * (r."confirmedAt" IS NOT NULL OR r."status" = 'CONFIRMED')::int),
      sum(r.sign * COALESCE(r."attended", false)::int),
      sum(r.sign * (r."invitedAt" IS NOT NULL)::int * COALESCE(r."recordKey", 0)::bigint),
      sum(r.sign * COALESCE(r."recordKey", 0)::bigint),
      sum(r.sign * (r."confirmedAt" IS NOT NULL OR r."status" = 'CONFIRMED')::int * COALESCE(r."recordKey", 0)::bigint),
      sum(r.sign * COALESCE(r."attended", false)::int * COALESCE(r."recordKey", 0)::bigint)
    FROM (%s) r
    LEFT JOIN "DemographicAnswer" d ON d."key" = COALESCE(r."personKey", r."id")
    CROSS JOIN LATERAL (VALUES ('gender', d."gender"), ('age-band', d."ageBand"), ('partner-sector', r."statsSector"), ('region', COALESCE(r."country", r."statsCountry"))) v(b, key)
    WHERE EXISTS (SELECT 1 FROM "Webinar" w WHERE w."id" = r."webinarId") -- not the registrations a deleted webinar takes along
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT ("webinarId", "breakdown", "key") DO UPDATE SET
      "invited" = t."invited" + EXCLUDED."invited", "registered" = t."registered" + EXCLUDED."registered",
      "confirmed" = t."confirmed" + EXCLUDED."confirmed", "attended" = t."attended" + EXCLUDED."attended",
      "kInvited" = t."kInvited" + EXCLUDED."kInvited", "kRegistered" = t."kRegistered" + EXCLUDED."kRegistered",
      "kConfirmed" = t."kConfirmed" + EXCLUDED."kConfirmed", "kAttended" = t."kAttended" + EXCLUDED."kAttended"
  $q$, source);
  RETURN NULL;
END
$$;
CREATE TRIGGER "WebinarRegistration_tally_insert" AFTER INSERT ON "WebinarRegistration" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "genmig_registration_tally"();
CREATE TRIGGER "WebinarRegistration_tally_update" AFTER UPDATE ON "WebinarRegistration" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "genmig_registration_tally"();
CREATE TRIGGER "WebinarRegistration_tally_delete" AFTER DELETE ON "WebinarRegistration" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "genmig_registration_tally"();

-- A changed answer moves the registrations filed under its key: out of the old answer into "none" (sign -1), out of
-- "none" into the new answer (sign 1).
CREATE FUNCTION "genmig_tally_answer"(p_key TEXT, p_gender TEXT, p_age TEXT, p_sign INT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "InsightsTally" AS t ("webinarId", "breakdown", "key", "invited", "registered", "confirmed", "attended", "kInvited", "kRegistered", "kConfirmed", "kAttended")
  SELECT r."webinarId", v.b, v.key,
    sum(p_sign * v.dir * (r."invitedAt" IS NOT NULL)::int),
    sum(p_sign * v.dir),
    sum(p_sign * v.dir * (r."confirmedAt" IS NOT NULL OR r."status" = 'CONFIRMED')::int),
    sum(p_sign * v.dir * COALESCE(r."attended", false)::int),
    sum(p_sign * v.dir * (r."invitedAt" IS NOT NULL)::int * COALESCE(r."recordKey", 0)::bigint),
    sum(p_sign * v.dir * COALESCE(r."recordKey", 0)::bigint),
    sum(p_sign * v.dir * (r."confirmedAt" IS NOT NULL OR r."status" = 'CONFIRMED')::int * COALESCE(r."recordKey", 0)::bigint),
    sum(p_sign * v.dir * COALESCE(r."attended", false)::int * COALESCE(r."recordKey", 0)::bigint)
  FROM "WebinarRegistration" r
  CROSS JOIN LATERAL (VALUES ('gender', COALESCE(p_gender, ''), 1), ('gender', '', -1), ('age-band', COALESCE(p_age, ''), 1), ('age-band', '', -1)) v(b, key, dir)
  WHERE r."personKey" = p_key OR (r."personKey" IS NULL AND r."id" = p_key)
  GROUP BY 1, 2, 3
  ORDER BY 1, 2, 3
  ON CONFLICT ("webinarId", "breakdown", "key") DO UPDATE SET
    "invited" = t."invited" + EXCLUDED."invited", "registered" = t."registered" + EXCLUDED."registered",
    "confirmed" = t."confirmed" + EXCLUDED."confirmed", "attended" = t."attended" + EXCLUDED."attended",
    "kInvited" = t."kInvited" + EXCLUDED."kInvited", "kRegistered" = t."kRegistered" + EXCLUDED."kRegistered",
    "kConfirmed" = t."kConfirmed" + EXCLUDED."kConfirmed", "kAttended" = t."kAttended" + EXCLUDED."kAttended";
END
$$;
CREATE FUNCTION "genmig_answer_tally"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD."key", OLD."gender", OLD."ageBand") IS NOT DISTINCT FROM (NEW."key", NEW."gender", NEW."ageBand") THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM "genmig_tally_answer"(OLD."key", OLD."gender", OLD."ageBand", -1); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM "genmig_tally_answer"(NEW."key", NEW."gender", NEW."ageBand", 1); END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "DemographicAnswer_tally" AFTER INSERT OR UPDATE OR DELETE ON "DemographicAnswer" FOR EACH ROW EXECUTE FUNCTION "genmig_answer_tally"();

-- A membership or an institution changes: the people concerned get their first approved institution again; the
-- registration triggers above move what changed.
CREATE FUNCTION "genmig_restate_people"(uids TEXT[]) RETURNS void LANGUAGE sql AS $$
  UPDATE "WebinarRegistration" r SET "statsSector" = f.sector, "statsCountry" = f.country
  FROM (SELECT u AS "userId", (p).sector, (p).country FROM (SELECT u, "genmig_first_partner"(u) AS p FROM unnest(uids) u) x) f
  WHERE r."userId" = f."userId" AND (r."statsSector", r."statsCountry") IS DISTINCT FROM (f.sector, f.country)
$$;
CREATE FUNCTION "genmig_membership_tally"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Most memberships are made before their people register: then there is nothing to restate.
  IF NOT EXISTS (SELECT 1 FROM "WebinarRegistration" r WHERE r."userId" IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD."userId" END, CASE WHEN TG_OP <> 'DELETE' THEN NEW."userId" END)) THEN
    RETURN NULL;
  END IF;
  PERFORM "genmig_restate_people"(ARRAY(SELECT DISTINCT u FROM unnest(ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD."userId" END, CASE WHEN TG_OP <> 'DELETE' THEN NEW."userId" END]) u WHERE u IS NOT NULL));
  RETURN NULL;
END
$$;
CREATE TRIGGER "Membership_tally" AFTER INSERT OR DELETE OR UPDATE OF "userId", "partnerId", "createdAt" ON "Membership" FOR EACH ROW EXECUTE FUNCTION "genmig_membership_tally"();
CREATE FUNCTION "genmig_partner_tally"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (OLD."status", OLD."sector", OLD."country") IS DISTINCT FROM (NEW."status", NEW."sector", NEW."country") THEN
    PERFORM "genmig_restate_people"(ARRAY(SELECT DISTINCT m."userId" FROM "Membership" m WHERE m."partnerId" = NEW."id"));
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "Partner_tally" AFTER UPDATE OF "status", "sector", "country" ON "Partner" FOR EACH ROW EXECUTE FUNCTION "genmig_partner_tally"();

-- A deleted webinar's tallies go with it (its registrations, deleted along, leave the tallies alone: above).
CREATE FUNCTION "genmig_webinar_tally_gone"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "InsightsTally" WHERE "webinarId" = OLD."id";
  RETURN NULL;
END
$$;
CREATE TRIGGER "Webinar_tally_gone" AFTER DELETE ON "Webinar" FOR EACH ROW EXECUTE FUNCTION "genmig_webinar_tally_gone"();

-- Existing registrations: their institution, then every tally counted from scratch. The same two statements rebuild
-- the tallies at any time (README "Participation statistics at volume").
CREATE FUNCTION "genmig_insights_tally_rebuild"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "WebinarRegistration" r SET "statsSector" = f.sector, "statsCountry" = f.country
  FROM (SELECT DISTINCT ON (m."userId") m."userId", pa."sector"::text AS sector, pa."country"
        FROM "Membership" m JOIN "Partner" pa ON pa."id" = m."partnerId" AND pa."status" = 'APPROVED'
        ORDER BY m."userId", m."createdAt", m."id") f
  WHERE r."userId" = f."userId" AND (r."statsSector", r."statsCountry") IS DISTINCT FROM (f.sector, f.country);
  UPDATE "WebinarRegistration" r SET "statsSector" = NULL, "statsCountry" = NULL
  WHERE (r."statsSector" IS NOT NULL OR r."statsCountry" IS NOT NULL)
    AND NOT EXISTS (SELECT 1 FROM "Membership" m JOIN "Partner" pa ON pa."id" = m."partnerId" AND pa."status" = 'APPROVED' WHERE m."userId" = r."userId");
  DELETE FROM "InsightsTally";
  INSERT INTO "InsightsTally" ("webinarId", "breakdown", "key", "invited", "registered", "confirmed", "attended", "kInvited", "kRegistered", "kConfirmed", "kAttended")
  SELECT r."webinarId", v.b, COALESCE(v.key, ''),
    count(*) FILTER (WHERE r."invitedAt" IS NOT NULL), count(*),
    count(*) FILTER (WHERE r."confirmedAt" IS NOT NULL OR r."status" = 'CONFIRMED'), count(*) FILTER (WHERE r."attended"),
    COALESCE(sum(r."recordKey") FILTER (WHERE r."invitedAt" IS NOT NULL), 0), COALESCE(sum(r."recordKey"), 0),
    COALESCE(sum(r."recordKey") FILTER (WHERE r."confirmedAt" IS NOT NULL OR r."status" = 'CONFIRMED'), 0),
    COALESCE(sum(r."recordKey") FILTER (WHERE r."attended"), 0)
  FROM "WebinarRegistration" r
  LEFT JOIN "DemographicAnswer" d ON d."key" = COALESCE(r."personKey", r."id")
  CROSS JOIN LATERAL (VALUES ('gender', d."gender"), ('age-band', d."ageBand"), ('partner-sector', r."statsSector"), ('region', COALESCE(r."country", r."statsCountry"))) v(b, key)
  GROUP BY 1, 2, 3;
END
$$;
SELECT "genmig_insights_tally_rebuild"();
