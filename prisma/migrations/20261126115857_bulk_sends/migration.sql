-- CreateEnum
CREATE TYPE "BulkSendKind" AS ENUM ('DIGEST_WEEKLY', 'DIGEST_MONTHLY', 'DISTRIBUTION');

-- CreateEnum
CREATE TYPE "BulkSendStatus" AS ENUM ('COMPOSING', 'QUEUED');

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "bodyId" TEXT,
ADD COLUMN     "mergeData" JSONB,
ADD COLUMN     "sendId" TEXT;

-- CreateTable
CREATE TABLE "MailBody" (
    "id" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MailBody_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BulkSend" (
    "id" TEXT NOT NULL,
    "kind" "BulkSendKind" NOT NULL,
    "status" "BulkSendStatus" NOT NULL DEFAULT 'COMPOSING',
    "cutoff" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "period" TEXT,
    "publicationId" TEXT,
    "segment" JSONB,
    "createdById" TEXT,
    "total" INTEGER NOT NULL DEFAULT 0,
    "enqueued" INTEGER NOT NULL DEFAULT 0,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "bounced" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "composedAt" TIMESTAMP(3),
    "firstSentAt" TIMESTAMP(3),
    "lastSentAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "BulkSend_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BulkMailUsage" (
    "minute" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "BulkMailUsage_pkey" PRIMARY KEY ("minute")
);

-- CreateIndex
CREATE INDEX "BulkSend_startedAt_idx" ON "BulkSend"("startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "BulkSend_kind_period_key" ON "BulkSend"("kind", "period");

-- AddForeignKey
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_bodyId_fkey" FOREIGN KEY ("bodyId") REFERENCES "MailBody"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_sendId_fkey" FOREIGN KEY ("sendId") REFERENCES "BulkSend"("id") ON DELETE SET NULL ON UPDATE CASCADE;

