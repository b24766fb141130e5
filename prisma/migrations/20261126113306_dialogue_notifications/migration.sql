-- CreateEnum
CREATE TYPE "DialogueNotify" AS ENUM ('IMMEDIATE', 'DAILY', 'WEEKLY', 'NEVER');

-- AlterTable
ALTER TABLE "DialogueMember" ADD COLUMN     "notifiedUntil" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "notify" "DialogueNotify" NOT NULL DEFAULT 'DAILY';

-- AlterTable
ALTER TABLE "DialogueInvitation" ADD COLUMN     "partnerId" TEXT;

-- CreateTable
CREATE TABLE "WebinarDialogue" (
    "webinarId" TEXT NOT NULL,
    "dialogueId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebinarDialogue_pkey" PRIMARY KEY ("webinarId","dialogueId")
);

-- CreateIndex
CREATE INDEX "WebinarDialogue_dialogueId_idx" ON "WebinarDialogue"("dialogueId");

-- CreateIndex
CREATE INDEX "DialogueMember_notify_notifiedUntil_idx" ON "DialogueMember"("notify", "notifiedUntil");

-- AddForeignKey
ALTER TABLE "WebinarDialogue" ADD CONSTRAINT "WebinarDialogue_webinarId_fkey" FOREIGN KEY ("webinarId") REFERENCES "Webinar"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebinarDialogue" ADD CONSTRAINT "WebinarDialogue_dialogueId_fkey" FOREIGN KEY ("dialogueId") REFERENCES "Dialogue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

