ALTER TABLE "decision" ADD COLUMN "withdrawn_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "document" ADD COLUMN "display_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "firm" ADD COLUMN "approval_rule" text DEFAULT 'any' NOT NULL;