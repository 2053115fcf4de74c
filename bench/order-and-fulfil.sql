-- pgbench: the SQL that one funnel iteration needs to create and fulfil an order of 3 courses,
-- as one transaction each, on the app's own tables (bench/run.sh production makes :users users). An order
-- without credits does not read the balance.
\set uid random(1, :users)
\set c1 1
\set c2 3
\set c3 5
BEGIN;
SELECT id, name, course_img, price, is_on_sale FROM ly_course WHERE id IN (:c1, :c2, :c3);
INSERT INTO ly_order (order_number, user_id, order_title, total_price, real_price, coupon, credit, pay_type, order_status, created_at)
  VALUES (substr(md5(random()::text || clock_timestamp()::text), 1, 25), :uid, 'bench', 30000, 30000, 0, 0, 1, 0, now())
  RETURNING id \gset
INSERT INTO ly_order_detail (order_id, course_id, course_name, course_img, expire, expire_text, price, policy_price, real_price, discount_name)
  VALUES (:id, :c1, 'c', '', 90, '3个月有效', 10000, 10000, 10000, '原价购买'),
         (:id, :c2, 'c', '', 90, '3个月有效', 10000, 10000, 10000, '原价购买'),
         (:id, :c3, 'c', '', 90, '3个月有效', 10000, 10000, 10000, '原价购买');
COMMIT;
UPDATE ly_order SET pay_url_issued_at = now() WHERE id = :id AND pay_url_issued_at IS NULL;
BEGIN;
UPDATE ly_order SET order_status = 1, pay_time = now(), trade_no = 'T' WHERE id = :id AND order_status = 0;
-- The order's lines with the purchases they extend, in one query (as the app reads them).
SELECT o.id, d.course_id, d.expire, u.id, u.out_time
  FROM ly_order o JOIN ly_order_detail d ON d.order_id = o.id
  LEFT JOIN ly_user_course u ON u.user_id = o.user_id AND u.course_id = d.course_id
  WHERE o.id = :id;
INSERT INTO ly_user_course (user_id, course_id, buy_number, buy_type, pay_time, out_time)
  VALUES (:uid, :c1, 'N', 0, now(), now() + interval '90 days'), (:uid, :c2, 'N', 0, now(), now() + interval '90 days'), (:uid, :c3, 'N', 0, now(), now() + interval '90 days')
  ON CONFLICT (user_id, course_id) DO UPDATE SET out_time = greatest(ly_user_course.out_time, now()) + interval '90 days', pay_time = now();
-- The notification's audit row, written in the fulfilment's transaction as the app does (the form is ~1 KB).
INSERT INTO ly_payment_notification (out_trade_no, trade_no, trade_status, verified, outcome, raw_form, received_at)
  VALUES ('N' || :id, 'T', 'TRADE_SUCCESS', true, 'fulfilled', repeat('x', 1000), now());
COMMIT;
