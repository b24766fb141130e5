-- DropIndex
DROP INDEX "OutboxMessage_toAddress_createdAt_id_idx";

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "toAddressKey" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "toDomain" TEXT NOT NULL DEFAULT '';

-- The admin filter by recipient (app/services/outbox-admin.server.ts) reads the address lower-cased and its domain:
-- computed by the database on every insert and every change of the address, so no write path (Prisma or the bulk
-- INSERT of a send) can forget them; existing rows get them here, before their indexes are built.
CREATE FUNCTION "genmig_outbox_address_key"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."toAddressKey" := lower(btrim(NEW."toAddress"));
  NEW."toDomain" := coalesce(substring(NEW."toAddressKey" from '@([^@]*)$'), '');
  RETURN NEW;
END
$$;
CREATE TRIGGER "OutboxMessage_address_key" BEFORE INSERT OR UPDATE OF "toAddress" ON "OutboxMessage" FOR EACH ROW EXECUTE FUNCTION "genmig_outbox_address_key"();
UPDATE "OutboxMessage" SET "toAddressKey" = lower(btrim("toAddress")),
  "toDomain" = coalesce(substring(lower(btrim("toAddress")) from '@([^@]*)$'), '');

-- CreateIndex
CREATE INDEX "OutboxMessage_toAddressKey_createdAt_id_idx" ON "OutboxMessage"("toAddressKey" text_pattern_ops, "createdAt", "id");

-- CreateIndex
CREATE INDEX "OutboxMessage_toDomain_createdAt_id_idx" ON "OutboxMessage"("toDomain" text_pattern_ops, "createdAt", "id");
