ALTER TABLE "document" ADD COLUMN "page_width" real;--> statement-breakpoint
ALTER TABLE "document" ADD COLUMN "page_height" real;