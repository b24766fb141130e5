-- CreateEnum
CREATE TYPE "MailPriority" AS ENUM ('TRANSACTIONAL', 'BULK');

-- DropIndex
DROP INDEX "OutboxMessage_status_nextAttemptAt_idx";

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "priority" "MailPriority" NOT NULL DEFAULT 'TRANSACTIONAL';

-- CreateIndex
CREATE INDEX "OutboxMessage_status_priority_nextAttemptAt_idx" ON "OutboxMessage"("status", "priority", "nextAttemptAt");

