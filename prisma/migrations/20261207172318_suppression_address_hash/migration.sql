-- The suppression list keeps a digest of each address, never the address (ADR 0040). Existing rows are converted
-- in place with the digest suppressionKey() computes: sha256 of "suppression:" + the normalised address, in hex.
ALTER TABLE "SuppressionEntry" RENAME COLUMN "email" TO "addressHash";
UPDATE "SuppressionEntry" SET "addressHash" = encode(sha256(convert_to('suppression:' || lower(trim("addressHash")), 'UTF8')), 'hex');
