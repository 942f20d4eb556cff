-- Contacts are known per firm by the name that firm gave: start from the name they had.
UPDATE "client_contact" SET "name" = "user"."name" FROM "user" WHERE "user"."id" = "client_contact"."user_id";
--> statement-breakpoint
-- Removals made before this release took effect at once; they stay out of the current version.
UPDATE "document" SET "removed_version" = "packet"."version" FROM "packet"
  WHERE "packet"."id" = "document"."packet_id" AND "document"."removed_at" IS NOT NULL
    AND "document"."version" > 0 AND "document"."removed_version" IS NULL;
--> statement-breakpoint
-- The current version's details, as they are now (earlier versions' details were not kept).
INSERT INTO "packet_version" ("firm_id", "packet_id", "version", "title", "period", "note", "due_at", "published_at")
  SELECT "firm_id", "id", "version", "title", "period", "note", "due_at", coalesce("published_at", "updated_at")
  FROM "packet" WHERE "version" > 0
  ON CONFLICT DO NOTHING;
