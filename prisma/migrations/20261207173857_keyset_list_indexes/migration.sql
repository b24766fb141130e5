-- DropIndex
DROP INDEX "Partner_status_name_idx";

-- DropIndex
DROP INDEX "Partner_country_idx";

-- DropIndex
DROP INDEX "Webinar_startsAt_idx";

-- DropIndex
DROP INDEX "WebinarRegistration_webinarId_status_createdAt_idx";

-- DropIndex
DROP INDEX "SupportRequest_status_createdAt_idx";

-- DropIndex
DROP INDEX "SupportRequest_partnerId_createdAt_idx";

-- DropIndex
DROP INDEX "SupportRequest_createdAt_idx";

-- CreateIndex
CREATE INDEX "Partner_name_id_idx" ON "Partner"("name", "id");

-- CreateIndex
CREATE INDEX "Partner_status_name_id_idx" ON "Partner"("status", "name", "id");

-- CreateIndex
CREATE INDEX "Partner_country_name_id_idx" ON "Partner"("country", "name", "id");

-- CreateIndex
CREATE INDEX "Webinar_startsAt_id_idx" ON "Webinar"("startsAt", "id");

-- CreateIndex
CREATE INDEX "WebinarRegistration_webinarId_createdAt_id_idx" ON "WebinarRegistration"("webinarId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "WebinarRegistration_webinarId_status_createdAt_id_idx" ON "WebinarRegistration"("webinarId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "SupportRequest_createdAt_id_idx" ON "SupportRequest"("createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "SupportRequest_status_createdAt_id_idx" ON "SupportRequest"("status", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "SupportRequest_partnerId_createdAt_id_idx" ON "SupportRequest"("partnerId", "createdAt" DESC, "id");

