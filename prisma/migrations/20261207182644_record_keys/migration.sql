-- AlterTable
ALTER TABLE "WebinarRegistration" ADD COLUMN     "recordKey" INTEGER;

-- CreateTable
CREATE TABLE "InsightsSetting" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "cellKeySecret" TEXT NOT NULL,

    CONSTRAINT "InsightsSetting_pkey" PRIMARY KEY ("id")
);


-- The statistics secret (ADR 0037): random, made here once; both halves come from the server's strong random source.
INSERT INTO "InsightsSetting" ("id", "cellKeySecret") VALUES (1, md5(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text));

-- Each registration's record key (app/services/insights/cell-key.server.ts recordKey), kept by the database beside
-- the digest it comes from, so statistics only add stored numbers. Triggers of one event fire in name order: this
-- one ("…_record_key") runs after "…_person_key" has set the digest. It fires on a change of the address (which
-- sets the digest) or of the digest itself; existing rows get their key here.
CREATE FUNCTION "genmig_registration_record_key"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."recordKey" := ('x' || substr(md5((SELECT "cellKeySecret" FROM "InsightsSetting" WHERE "id" = 1) || COALESCE(NEW."personKey", NEW."id")), 1, 7))::bit(28)::int;
  RETURN NEW;
END
$$;
CREATE TRIGGER "WebinarRegistration_record_key" BEFORE INSERT OR UPDATE OF "email", "personKey" ON "WebinarRegistration" FOR EACH ROW EXECUTE FUNCTION "genmig_registration_record_key"();
UPDATE "WebinarRegistration" r SET "recordKey" = ('x' || substr(md5(s."cellKeySecret" || COALESCE(r."personKey", r."id")), 1, 7))::bit(28)::int FROM "InsightsSetting" s WHERE s."id" = 1;
