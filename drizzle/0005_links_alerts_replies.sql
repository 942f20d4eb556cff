CREATE TABLE "staff_alert" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"firm_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"packet_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"comment_id" uuid,
	"outbox_id" bigint,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "client" ADD COLUMN "responsible_user_id" uuid;--> statement-breakpoint
ALTER TABLE "comment" ADD COLUMN "author_kind" text DEFAULT 'contact' NOT NULL;--> statement-breakpoint
ALTER TABLE "comment" ADD COLUMN "reply_to" uuid;--> statement-breakpoint
ALTER TABLE "comment" ADD COLUMN "answered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "comment" ADD COLUMN "answered_by" uuid;--> statement-breakpoint
ALTER TABLE "firm" ADD COLUMN "link_grace_days" integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE "membership" ADD COLUMN "question_alerts" text DEFAULT 'now' NOT NULL;--> statement-breakpoint
ALTER TABLE "membership" ADD COLUMN "approval_alerts" text DEFAULT 'now' NOT NULL;--> statement-breakpoint
ALTER TABLE "membership" ADD COLUMN "digest_minute" integer DEFAULT 480 NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "staff_alert" ADD CONSTRAINT "staff_alert_firm_id_firm_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firm"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_alert" ADD CONSTRAINT "staff_alert_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_alert" ADD CONSTRAINT "staff_alert_packet_id_packet_id_fk" FOREIGN KEY ("packet_id") REFERENCES "public"."packet"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_alert" ADD CONSTRAINT "staff_alert_comment_id_comment_id_fk" FOREIGN KEY ("comment_id") REFERENCES "public"."comment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_alert" ADD CONSTRAINT "staff_alert_outbox_id_outbox_id_fk" FOREIGN KEY ("outbox_id") REFERENCES "public"."outbox"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "staff_alert_pending" ON "staff_alert" USING btree ("user_id","created_at") WHERE "staff_alert"."sent_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "staff_alert_approval" ON "staff_alert" USING btree ("user_id","packet_id","version") WHERE "staff_alert"."kind" = 'approval';--> statement-breakpoint
ALTER TABLE "client" ADD CONSTRAINT "client_responsible_user_id_user_id_fk" FOREIGN KEY ("responsible_user_id") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comment" ADD CONSTRAINT "comment_reply_to_comment_id_fk" FOREIGN KEY ("reply_to") REFERENCES "public"."comment"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comment" ADD CONSTRAINT "comment_answered_by_user_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "comment_needs_reply" ON "comment" USING btree ("firm_id","at") WHERE "comment"."author_kind" = 'contact' and "comment"."answered_at" is null;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_idempotency_key_unique" UNIQUE("idempotency_key");