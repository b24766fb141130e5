-- AlterTable
ALTER TABLE "Webinar" ADD COLUMN     "questions" JSONB;

-- AlterTable
ALTER TABLE "WebinarRegistration" ADD COLUMN     "answers" JSONB;

