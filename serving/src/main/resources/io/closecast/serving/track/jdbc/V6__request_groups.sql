-- Request groups (docs/serving.md, The forecast log; BENCHMARKS.md): the requests of one writer's batch that got the
-- same forecast share one logged_request row. Its request_id and received_ms are the group's first request (the one
-- scoring takes), requests how many the row stands for, others the rest packed (RequestGroups, format 1), all received
-- within 60 s of the first. A version 5 row is a group of one, as the defaults say.
ALTER TABLE logged_request ADD COLUMN requests INT DEFAULT 1 NOT NULL;
ALTER TABLE logged_request ADD COLUMN others VARCHAR(1000000) DEFAULT '1' NOT NULL;
CREATE INDEX logged_request_received ON logged_request (received_ms, request_id)
