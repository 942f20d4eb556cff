-- Who wrote each comment: a member of the packet's firm is staff, anyone else a client contact.
UPDATE "comment" SET "author_kind" = 'staff'
  WHERE EXISTS (SELECT 1 FROM "membership"
                 WHERE "membership"."user_id" = "comment"."author_id"
                   AND "membership"."firm_id" = "comment"."firm_id");
--> statement-breakpoint
-- A contact's question counted as answered once staff wrote after it in the same packet (the rule
-- the dashboard used until now): answered then, by that reply's author.
UPDATE "comment" SET
    "answered_at" = (SELECT min("s"."at") FROM "comment" "s"
                      WHERE "s"."packet_id" = "comment"."packet_id" AND "s"."author_kind" = 'staff'
                        AND "s"."at" >= "comment"."at"),
    "answered_by" = (SELECT "s"."author_id" FROM "comment" "s"
                      WHERE "s"."packet_id" = "comment"."packet_id" AND "s"."author_kind" = 'staff'
                        AND "s"."at" >= "comment"."at"
                      ORDER BY "s"."at" LIMIT 1)
  WHERE "comment"."author_kind" = 'contact' AND "comment"."answered_at" IS NULL
    AND EXISTS (SELECT 1 FROM "comment" "s"
                 WHERE "s"."packet_id" = "comment"."packet_id" AND "s"."author_kind" = 'staff'
                   AND "s"."at" >= "comment"."at");
--> statement-breakpoint
-- Every client starts with a responsible staff member: the firm's first owner.
UPDATE "client" SET "responsible_user_id" = (
    SELECT "membership"."user_id" FROM "membership"
     WHERE "membership"."firm_id" = "client"."firm_id" AND "membership"."role" = 'owner'
     ORDER BY "membership"."created_at" LIMIT 1)
  WHERE "responsible_user_id" IS NULL;
