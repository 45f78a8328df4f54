-- A ticket merged into another keeps its number (links and buyer emails still resolve) and
-- points at where its conversation went.
ALTER TABLE tickets ADD COLUMN merged_into_id uuid;
ALTER TABLE tickets ADD CONSTRAINT tickets_merged_into_fkey
    FOREIGN KEY (tenant_id, merged_into_id) REFERENCES tickets (tenant_id, id) ON DELETE SET NULL (merged_into_id);
