-- AlterTable
ALTER TABLE "BulkSend" ADD COLUMN     "requestKey" TEXT;

-- CreateTable
CREATE TABLE "EmailEventSeen" (
    "eventId" TEXT NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailEventSeen_pkey" PRIMARY KEY ("eventId")
);

-- CreateIndex
CREATE INDEX "EmailEventSeen_seenAt_idx" ON "EmailEventSeen"("seenAt");

-- CreateIndex
CREATE UNIQUE INDEX "BulkSend_requestKey_key" ON "BulkSend"("requestKey");

