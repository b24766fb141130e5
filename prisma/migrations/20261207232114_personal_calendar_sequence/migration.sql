-- AlterTable
ALTER TABLE "WebinarRegistration" ADD COLUMN     "personalSequence" INTEGER NOT NULL DEFAULT -1;

-- CreateTable
CREATE TABLE "DialogueSessionAttendee" (
    "sessionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "personalSequence" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DialogueSessionAttendee_pkey" PRIMARY KEY ("sessionId","userId")
);

-- CreateIndex
CREATE INDEX "DialogueSessionAttendee_userId_idx" ON "DialogueSessionAttendee"("userId");

-- AddForeignKey
ALTER TABLE "DialogueSessionAttendee" ADD CONSTRAINT "DialogueSessionAttendee_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "DialogueSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DialogueSessionAttendee" ADD CONSTRAINT "DialogueSessionAttendee_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Registrations that were ever confirmed already hold a REQUEST at the webinar's SEQUENCE: their next own change
-- (a cancellation) must go above it.
UPDATE "WebinarRegistration" SET "personalSequence" = 0 WHERE "confirmedAt" IS NOT NULL;
