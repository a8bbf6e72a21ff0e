-- bench/ui on PostgreSQL: :n calls shaped like `seed-calls --random` (three transcript lines
-- naming one of six topics, a summary for the ~90 % done), written with SQL in seconds, then the
-- search index filled as migration 7 fills it for old calls. Run by bench/ui/run.sh
-- (BENCH_PG_URL) on a migrated, empty database: psql -v n=100000 -f bench/ui/seed_postgres.sql
CREATE TEMP TABLE topics (i int, t text);
INSERT INTO topics VALUES (0,'заказ мебели'),(1,'уточнение цены'),(2,'жалоба на доставку'),(3,'возврат товара'),(4,'подбор модели'),(5,'оплата счёта');
INSERT INTO calls (bitrix_call_id, source, direction, client_number, portal_user_id, manager_name,
  duration_seconds, started_at, stage, received_at, updated_at, finished_at)
SELECT 'pgbench-' || g, 'backfill', CASE WHEN g % 3 = 0 THEN 'outgoing' ELSE 'incoming' END,
  '+7495' || lpad((g * 7919 % 10000000)::text, 7, '0'), 10 + g % 10, 'Менеджер ' || (g % 10),
  12 + g % 600, 1765000000000 + g::bigint * 315360, CASE WHEN g % 10 = 0 THEN 'skipped' ELSE 'done' END,
  1765000000000 + g::bigint * 315360 + 60000, 1765000000000 + g::bigint * 315360 + 90000,
  1765000000000 + g::bigint * 315360 + 90000
FROM generate_series(1, :n) g;
INSERT INTO transcript_segments (call_id, segment_index, start_ms, end_ms, speaker, text)
SELECT c.id, s, s * 4000, s * 4000 + 3500, CASE WHEN s = 1 THEN 'client' ELSE 'manager' END,
  CASE s WHEN 0 THEN 'Здравствуйте, компания Офис Плюс.'
         WHEN 1 THEN 'Добрый день, я по поводу: ' || (SELECT t FROM topics WHERE i = c.id % 6)
         ELSE 'Да, давайте посмотрим.' END
FROM calls c CROSS JOIN generate_series(0, 2) s WHERE c.stage = 'done';
INSERT INTO summaries (call_id, model, body, call_kind, sentiment, created_at)
SELECT c.id, 'gpt-4o', json_build_object('summary', 'Клиент звонил: ' || tp.t || '. Менеджер помог(ла) разобраться.',
  'key_points', json_build_array(tp.t), 'tasks', json_build_array(), 'client_request', tp.t,
  'next_steps', 'Связаться с клиентом', 'sentiment', 'neutral', 'call_kind', 'conversation',
  'client_name', '', 'company', '')::text, 'conversation',
  (ARRAY['positive','positive','neutral','neutral','neutral','negative'])[1 + c.id % 7 % 6], c.finished_at
FROM calls c JOIN topics tp ON tp.i = c.id % 6 WHERE c.stage = 'done';
INSERT INTO call_search (call_id, document) SELECT call_id, document FROM call_search_doc
ON CONFLICT (call_id) DO UPDATE SET document = excluded.document;
ANALYZE;
