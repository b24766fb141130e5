-- AlterTable
ALTER TABLE "WebinarRegistration" ADD COLUMN     "personKey" TEXT;

-- CreateIndex
CREATE INDEX "Partner_status_createdAt_id_idx" ON "Partner"("status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Partner_country_idx" ON "Partner"("country");

-- CreateIndex
CREATE INDEX "AuditEntry_targetId_createdAt_id_idx" ON "AuditEntry"("targetId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AuditEntry_action_createdAt_id_idx" ON "AuditEntry"("action", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AuditEntry_actorId_createdAt_id_idx" ON "AuditEntry"("actorId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "OutboxMessage_createdAt_id_idx" ON "OutboxMessage"("createdAt", "id");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_createdAt_id_idx" ON "OutboxMessage"("status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "OutboxMessage_toAddress_createdAt_id_idx" ON "OutboxMessage"("toAddress", "createdAt", "id");

-- CreateIndex
CREATE INDEX "OutboxMessage_sendId_idx" ON "OutboxMessage"("sendId");

-- CreateIndex
CREATE INDEX "WebinarRegistration_userId_updatedAt_idx" ON "WebinarRegistration"("userId", "updatedAt");

-- CreateIndex
CREATE INDEX "WebinarRegistration_email_updatedAt_idx" ON "WebinarRegistration"("email", "updatedAt");


-- The digest statistics join answers on (app/services/insights/demographics.server.ts personKey): computed by the
-- database from the address on the row, on every insert and every change of the address, so no write path can
-- forget it; existing rows get it here.
CREATE FUNCTION "genmig_registration_person_key"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."personKey" := 'p:' || encode(sha256(convert_to(lower(btrim(NEW."email")), 'UTF8')), 'hex');
  RETURN NEW;
END
$$;
CREATE TRIGGER "WebinarRegistration_person_key" BEFORE INSERT OR UPDATE OF "email" ON "WebinarRegistration" FOR EACH ROW EXECUTE FUNCTION "genmig_registration_person_key"();
UPDATE "WebinarRegistration" SET "personKey" = 'p:' || encode(sha256(convert_to(lower(btrim("email")), 'UTF8')), 'hex');
