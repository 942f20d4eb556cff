ALTER TABLE "client_contact" ADD COLUMN "locale" text;--> statement-breakpoint
ALTER TABLE "firm" ADD COLUMN "sender_name" text;--> statement-breakpoint
ALTER TABLE "firm" ADD COLUMN "locale" text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE "user" ADD COLUMN "locale" text;