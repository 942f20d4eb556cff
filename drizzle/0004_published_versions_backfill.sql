-- Contacts are known per firm by the name that firm gave: start from the name they had.
UPDATE "client_contact" SET "name" = "user"."name" FROM "user" WHERE "user"."id" = "client_contact"."user_id";
--> statement-breakpoint
-- Removals made before this release took effect at once: each counts from the first version
-- published after it (deliveries are written at publish), or the current version when none was.
UPDATE "document" SET "removed_version" = coalesce(
    (SELECT min("delivery"."version") FROM "delivery"
      WHERE "delivery"."packet_id" = "document"."packet_id"
        AND "delivery"."created_at" > "document"."removed_at"),
    "packet"."version")
  FROM "packet"
  WHERE "packet"."id" = "document"."packet_id" AND "document"."removed_at" IS NOT NULL
    AND "document"."version" > 0 AND "document"."removed_version" IS NULL;
--> statement-breakpoint
-- The current version's details, as they are now (earlier versions' details were not kept).
INSERT INTO "packet_version" ("firm_id", "packet_id", "version", "title", "period", "note", "due_at", "published_at")
  SELECT "firm_id", "id", "version", "title", "period", "note", "due_at", coalesce("published_at", "updated_at")
  FROM "packet" WHERE "version" > 0
  ON CONFLICT DO NOTHING;
