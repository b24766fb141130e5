-- CreateEnum
CREATE TYPE "DialogueSessionStatus" AS ENUM ('SCHEDULED', 'CANCELLED');

-- CreateTable
CREATE TABLE "DialogueSession" (
    "id" TEXT NOT NULL,
    "dialogueId" TEXT NOT NULL,
    "uid" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "status" "DialogueSessionStatus" NOT NULL DEFAULT 'SCHEDULED',
    "title" TEXT NOT NULL,
    "agenda" TEXT NOT NULL DEFAULT '',
    "agendaHtml" TEXT NOT NULL DEFAULT '',
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "timeZone" TEXT NOT NULL,
    "location" TEXT,
    "meetingUrl" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "cancelledAt" TIMESTAMP(3),
    "outcomeBody" TEXT,
    "outcomeHtml" TEXT,
    "outcomePublishedAt" TIMESTAMP(3),

    CONSTRAINT "DialogueSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DialogueDocument" (
    "id" TEXT NOT NULL,
    "dialogueId" TEXT NOT NULL,
    "uploaderId" TEXT,
    "sessionId" TEXT,
    "fileName" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "contentType" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removedAt" TIMESTAMP(3),
    "removedById" TEXT,

    CONSTRAINT "DialogueDocument_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DialogueSession_uid_key" ON "DialogueSession"("uid");

-- CreateIndex
CREATE INDEX "DialogueSession_dialogueId_startsAt_idx" ON "DialogueSession"("dialogueId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "DialogueDocument_storageKey_key" ON "DialogueDocument"("storageKey");

-- CreateIndex
CREATE INDEX "DialogueDocument_dialogueId_createdAt_idx" ON "DialogueDocument"("dialogueId", "createdAt");

-- CreateIndex
CREATE INDEX "DialogueDocument_sessionId_idx" ON "DialogueDocument"("sessionId");

-- AddForeignKey
ALTER TABLE "DialogueSession" ADD CONSTRAINT "DialogueSession_dialogueId_fkey" FOREIGN KEY ("dialogueId") REFERENCES "Dialogue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DialogueDocument" ADD CONSTRAINT "DialogueDocument_dialogueId_fkey" FOREIGN KEY ("dialogueId") REFERENCES "Dialogue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DialogueDocument" ADD CONSTRAINT "DialogueDocument_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "DialogueSession"("id") ON DELETE SET NULL ON UPDATE CASCADE;

