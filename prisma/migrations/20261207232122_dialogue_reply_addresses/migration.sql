-- AlterTable
ALTER TABLE "User" ADD COLUMN     "replyKeyVersion" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "replyRef" SERIAL NOT NULL;

-- AlterTable
ALTER TABLE "Dialogue" ADD COLUMN     "closedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "DialogueMember" ADD COLUMN     "replyRef" SERIAL NOT NULL;

-- AlterTable
ALTER TABLE "DialogueThread" ADD COLUMN     "replyRef" SERIAL NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "User_replyRef_key" ON "User"("replyRef");

-- CreateIndex
CREATE UNIQUE INDEX "DialogueMember_replyRef_key" ON "DialogueMember"("replyRef");

-- CreateIndex
CREATE UNIQUE INDEX "DialogueThread_replyRef_key" ON "DialogueThread"("replyRef");

