-- Moving a reader's digest cursor ("lastDigestAt") writes no closed set: check topics only when a statement
-- writes them (INSERT, or UPDATE … SET topics), so a 100,000-reader digest does not run the check 100,000 times.
DROP TRIGGER "Subscriber_closed_sets" ON "Subscriber";
CREATE TRIGGER "Subscriber_closed_sets" BEFORE INSERT OR UPDATE OF topics ON "Subscriber" FOR EACH ROW EXECUTE FUNCTION "genmig_closed_text_arrays"('topics', 'LABOUR_MIGRATION,DISPLACEMENT,CARE_WORK,REMITTANCES,TRAFFICKING,CLIMATE_MOBILITY,DATA_AND_STATISTICS,POLICY_AND_GOVERNANCE');
DROP TRIGGER "UserDigestPreference_closed_sets" ON "UserDigestPreference";
CREATE TRIGGER "UserDigestPreference_closed_sets" BEFORE INSERT OR UPDATE OF topics ON "UserDigestPreference" FOR EACH ROW EXECUTE FUNCTION "genmig_closed_text_arrays"('topics', 'LABOUR_MIGRATION,DISPLACEMENT,CARE_WORK,REMITTANCES,TRAFFICKING,CLIMATE_MOBILITY,DATA_AND_STATISTICS,POLICY_AND_GOVERNANCE');
