-- Web processes cache what anonymous visitors see (webinar and partner lists and pages). Any committed change to
-- those tables, from any process (web, worker, CLI, psql), notifies every listening process so it drops its cache.
-- NOTIFY is transactional: it is delivered at commit, never for a rolled-back change, and identical notices of
-- one transaction are folded into one.
CREATE OR REPLACE FUNCTION "genmig_public_content_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('genmig_public_content', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "Partner_public_content" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Partner"
  FOR EACH STATEMENT EXECUTE FUNCTION "genmig_public_content_changed"();
CREATE TRIGGER "Webinar_public_content" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Webinar"
  FOR EACH STATEMENT EXECUTE FUNCTION "genmig_public_content_changed"();
CREATE TRIGGER "WebinarTranslation_public_content" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "WebinarTranslation"
  FOR EACH STATEMENT EXECUTE FUNCTION "genmig_public_content_changed"();
CREATE TRIGGER "WebinarSpeaker_public_content" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "WebinarSpeaker"
  FOR EACH STATEMENT EXECUTE FUNCTION "genmig_public_content_changed"();
CREATE TRIGGER "WebinarRegistration_public_content" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "WebinarRegistration"
  FOR EACH STATEMENT EXECUTE FUNCTION "genmig_public_content_changed"();
