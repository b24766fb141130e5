-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "orderKey" TEXT,
ADD COLUMN     "writeOrder" SERIAL NOT NULL;

-- CreateIndex
CREATE INDEX "OutboxMessage_orderKey_writeOrder_idx" ON "OutboxMessage"("orderKey", "writeOrder");

