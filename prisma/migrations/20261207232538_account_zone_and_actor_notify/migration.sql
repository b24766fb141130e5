-- AlterTable
ALTER TABLE "User" ADD COLUMN     "timeZone" TEXT;


-- Until now pages read the zone from the person's newest registration (by account or by address): carry it over.
UPDATE "User" AS u SET "timeZone" = latest."timeZone"
FROM (
  SELECT DISTINCT ON (p."id") p."id", r."timeZone"
  FROM "User" AS p
  JOIN "WebinarRegistration" AS r ON r."userId" = p."id" OR r."email" = p."email"
  WHERE r."timeZone" IS NOT NULL
  ORDER BY p."id", r."updatedAt" DESC
) AS latest
WHERE u."id" = latest."id";

-- From now on every registration that carries a zone (whoever writes it: the person, staff, a confirmation link)
-- makes it the account's zone, as reading the newest registration did; the zone pickers store it in the app.
CREATE OR REPLACE FUNCTION "genmig_registration_zone"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Only when it differs: an UPDATE of no row would still tell every process that accounts changed.
  PERFORM 1 FROM "User" WHERE ("id" = NEW."userId" OR "email" = NEW."email") AND "timeZone" IS DISTINCT FROM NEW."timeZone";
  IF FOUND THEN
    UPDATE "User" SET "timeZone" = NEW."timeZone"
    WHERE ("id" = NEW."userId" OR "email" = NEW."email") AND "timeZone" IS DISTINCT FROM NEW."timeZone";
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "WebinarRegistration_account_zone" AFTER INSERT OR UPDATE OF "timeZone" ON "WebinarRegistration"
  FOR EACH ROW EXECUTE FUNCTION "genmig_registration_zone"();

-- Web processes keep who a session or API token belongs to (account, role, grants, institutions and their status)
-- in memory. Any committed change to those tables, from any process, notifies every listening process so it
-- forgets them: a revoked session, a removed membership or a withdrawn grant takes effect at once.
CREATE OR REPLACE FUNCTION "genmig_actors_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('genmig_actors', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "User_actors" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "User"
  FOR EACH STATEMENT EXECUTE FUNCTION "genmig_actors_changed"();
-- A new session or token is in no cache yet, and the hourly expiry slide and the "last used" minute only lengthen
-- what a cache already bounds: only revocation, a shortened life or a change of owner must reach the caches.
CREATE TRIGGER "Session_actors" AFTER UPDATE ON "Session" FOR EACH ROW
  WHEN (NEW."revokedAt" IS DISTINCT FROM OLD."revokedAt" OR NEW."expiresAt" < OLD."expiresAt" OR NEW."userId" <> OLD."userId")
  EXECUTE FUNCTION "genmig_actors_changed"();
CREATE TRIGGER "Session_actors_gone" AFTER DELETE OR TRUNCATE ON "Session"
  FOR EACH STATEMENT EXECUTE FUNCTION "genmig_actors_changed"();
CREATE TRIGGER "ApiToken_actors" AFTER UPDATE ON "ApiToken" FOR EACH ROW
  WHEN (NEW."revokedAt" IS DISTINCT FROM OLD."revokedAt" OR NEW."userId" <> OLD."userId")
  EXECUTE FUNCTION "genmig_actors_changed"();
CREATE TRIGGER "ApiToken_actors_gone" AFTER DELETE OR TRUNCATE ON "ApiToken"
  FOR EACH STATEMENT EXECUTE FUNCTION "genmig_actors_changed"();
CREATE TRIGGER "Membership_actors" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Membership"
  FOR EACH STATEMENT EXECUTE FUNCTION "genmig_actors_changed"();
CREATE TRIGGER "Partner_actors" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Partner"
  FOR EACH STATEMENT EXECUTE FUNCTION "genmig_actors_changed"();
