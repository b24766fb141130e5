-- CreateEnum
CREATE TYPE "PublicationType" AS ENUM ('BRIEF', 'CASE_STUDY', 'RESEARCH_OUTPUT');

-- CreateEnum
CREATE TYPE "PublicationStatus" AS ENUM ('DRAFT', 'SCHEDULED', 'PUBLISHED');

-- CreateEnum
CREATE TYPE "PublicationAudience" AS ENUM ('PUBLIC', 'PARTNERS', 'SECTORS', 'DIALOGUES');

-- CreateEnum
CREATE TYPE "WebinarMaterial" AS ENUM ('RECORDING', 'SLIDES', 'FOLLOW_UP_BRIEF');

-- CreateTable
CREATE TABLE "Publication" (
    "id" TEXT NOT NULL,
    "type" "PublicationType" NOT NULL,
    "series" TEXT,
    "topics" TEXT[],
    "regions" TEXT[],
    "authors" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3),
    "doi" TEXT,
    "isbn" TEXT,
    "licence" TEXT NOT NULL DEFAULT 'CC BY 4.0',
    "citation" TEXT NOT NULL DEFAULT '',
    "status" "PublicationStatus" NOT NULL DEFAULT 'DRAFT',
    "audience" "PublicationAudience" NOT NULL DEFAULT 'PUBLIC',
    "audienceSectors" TEXT[],
    "webinarId" TEXT,
    "webinarMaterial" "WebinarMaterial",
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Publication_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PublicationTranslation" (
    "id" TEXT NOT NULL,
    "publicationId" TEXT NOT NULL,
    "language" "Language" NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL DEFAULT '',
    "body" TEXT NOT NULL DEFAULT '',
    "html" TEXT NOT NULL DEFAULT '',
    "pdfKey" TEXT,
    "pdfSize" INTEGER,

    CONSTRAINT "PublicationTranslation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PublicationDialogue" (
    "publicationId" TEXT NOT NULL,
    "dialogueId" TEXT NOT NULL,

    CONSTRAINT "PublicationDialogue_pkey" PRIMARY KEY ("publicationId","dialogueId")
);

-- CreateIndex
CREATE INDEX "Publication_status_publishedAt_idx" ON "Publication"("status", "publishedAt");

-- CreateIndex
CREATE INDEX "Publication_webinarId_idx" ON "Publication"("webinarId");

-- CreateIndex
CREATE UNIQUE INDEX "PublicationTranslation_publicationId_language_key" ON "PublicationTranslation"("publicationId", "language");

-- CreateIndex
CREATE INDEX "PublicationDialogue_dialogueId_idx" ON "PublicationDialogue"("dialogueId");

-- AddForeignKey
ALTER TABLE "Publication" ADD CONSTRAINT "Publication_webinarId_fkey" FOREIGN KEY ("webinarId") REFERENCES "Webinar"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PublicationTranslation" ADD CONSTRAINT "PublicationTranslation_publicationId_fkey" FOREIGN KEY ("publicationId") REFERENCES "Publication"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PublicationDialogue" ADD CONSTRAINT "PublicationDialogue_publicationId_fkey" FOREIGN KEY ("publicationId") REFERENCES "Publication"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PublicationDialogue" ADD CONSTRAINT "PublicationDialogue_dialogueId_fkey" FOREIGN KEY ("dialogueId") REFERENCES "Dialogue"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Closed sets kept as text arrays (the driver adapters cannot filter enum arrays): the database still refuses
-- a value outside them. A trigger rather than a CHECK constraint: Prisma's schema engine cannot read array CHECKs.
CREATE FUNCTION "genmig_closed_text_arrays"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  i int := 0;
  vals text[];
BEGIN
  -- Arguments come in pairs: a column name, then its allowed values separated by commas.
  WHILE i < TG_NARGS LOOP
    SELECT coalesce(array_agg(v), '{}') INTO vals
      FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(to_jsonb(NEW) -> TG_ARGV[i]) = 'array'
        THEN to_jsonb(NEW) -> TG_ARGV[i] ELSE '[]'::jsonb END) AS v;
    IF NOT vals <@ string_to_array(TG_ARGV[i + 1], ',') THEN
      RAISE EXCEPTION 'new row for relation "%" violates check constraint "%_%_check"', TG_TABLE_NAME, TG_TABLE_NAME, TG_ARGV[i]
        USING ERRCODE = '23514';
    END IF;
    i := i + 2;
  END LOOP;
  RETURN NEW;
END
$$;
CREATE TRIGGER "Publication_closed_sets" BEFORE INSERT OR UPDATE ON "Publication" FOR EACH ROW EXECUTE FUNCTION "genmig_closed_text_arrays"(
  'topics', 'LABOUR_MIGRATION,DISPLACEMENT,CARE_WORK,REMITTANCES,TRAFFICKING,CLIMATE_MOBILITY,DATA_AND_STATISTICS,POLICY_AND_GOVERNANCE',
  'regions', 'AFRICA,AMERICAS,ASIA,EUROPE,OCEANIA,GLOBAL',
  'audienceSectors', 'RESEARCH,GOVERNMENT,IGO,NGO,PRIVATE,OTHER');

-- Public publications appear on anonymous cached pages (list, page, home): changes drop those caches (ADR 0009).
CREATE TRIGGER "Publication_public_content" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Publication"
  FOR EACH STATEMENT EXECUTE FUNCTION "genmig_public_content_changed"();
CREATE TRIGGER "PublicationTranslation_public_content" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "PublicationTranslation"
  FOR EACH STATEMENT EXECUTE FUNCTION "genmig_public_content_changed"();
CREATE TRIGGER "PublicationDialogue_public_content" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "PublicationDialogue"
  FOR EACH STATEMENT EXECUTE FUNCTION "genmig_public_content_changed"();
