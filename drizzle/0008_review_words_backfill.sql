-- Every document gets a display name from its file name: no extension, `_` and `-` as spaces
-- (the rule of displayNameOf in $lib/format/names.ts).
UPDATE "document" SET "display_name" = COALESCE(
    NULLIF(btrim(regexp_replace(
      regexp_replace(regexp_replace("filename", '\.[^.]*$', ''), '[_-]+', ' ', 'g'),
      '\s+', ' ', 'g')), ''),
    "filename")
  WHERE "display_name" = '';
