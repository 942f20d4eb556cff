CREATE TABLE "certificate" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"firm_id" uuid NOT NULL,
	"packet_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"sha256" text NOT NULL,
	"bytes" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "document_open" (
	"firm_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "decision" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "decision" ADD COLUMN "ip" text;--> statement-breakpoint
ALTER TABLE "decision" ADD COLUMN "user_agent" text;--> statement-breakpoint
ALTER TABLE "decision" ADD COLUMN "sign_in_method" text;--> statement-breakpoint
ALTER TABLE "decision" ADD COLUMN "consent" text;--> statement-breakpoint
ALTER TABLE "decision" ADD COLUMN "documents" jsonb;--> statement-breakpoint
ALTER TABLE "session" ADD COLUMN "sign_in_method" text;--> statement-breakpoint
ALTER TABLE "staff_alert" ADD COLUMN "decision_id" uuid;--> statement-breakpoint
ALTER TABLE "certificate" ADD CONSTRAINT "certificate_firm_id_firm_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firm"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate" ADD CONSTRAINT "certificate_packet_id_packet_id_fk" FOREIGN KEY ("packet_id") REFERENCES "public"."packet"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_open" ADD CONSTRAINT "document_open_firm_id_firm_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firm"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_open" ADD CONSTRAINT "document_open_document_id_document_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."document"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_open" ADD CONSTRAINT "document_open_contact_id_client_contact_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."client_contact"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "certificate_packet_version" ON "certificate" USING btree ("packet_id","version");--> statement-breakpoint
CREATE INDEX "certificate_sha256" ON "certificate" USING btree ("sha256");--> statement-breakpoint
CREATE UNIQUE INDEX "document_open_once" ON "document_open" USING btree ("document_id","contact_id","version");--> statement-breakpoint
ALTER TABLE "staff_alert" ADD CONSTRAINT "staff_alert_decision_id_decision_id_fk" FOREIGN KEY ("decision_id") REFERENCES "public"."decision"("id") ON DELETE cascade ON UPDATE no action;