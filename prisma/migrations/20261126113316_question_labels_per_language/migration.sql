-- Custom registration questions are worded per language: [{ id, label }] becomes [{ id, labels: { en: label } }].
-- English is where a reader without a wording of their own falls back, so the one wording written so far goes there.
UPDATE "Webinar"
SET "questions" = (
  SELECT jsonb_agg(
    CASE WHEN q ? 'label' THEN jsonb_build_object('id', q -> 'id', 'labels', jsonb_build_object('en', q -> 'label')) ELSE q END
    ORDER BY ord
  )
  FROM jsonb_array_elements("questions") WITH ORDINALITY AS e(q, ord)
)
WHERE jsonb_typeof("questions") = 'array' AND jsonb_array_length("questions") > 0;
