-- A one-time copy, at upgrade, of the facts that earlier versions kept only in the audit log into
-- their own columns (0002). herald itself never reads the audit log to decide anything.

-- The last attempt's error code of each delivery, from its latest `delivery.attempt` event.
UPDATE `deliveries` SET `last_attempt_code` = (
  SELECT CASE WHEN json_extract(a.`data`, '$.ok') THEN NULL ELSE json_extract(a.`data`, '$.code') END
  FROM `audit_events` a
  WHERE a.`type` = 'delivery.attempt' AND a.`draft_id` = `deliveries`.`draft_id` AND json_extract(a.`data`, '$.delivery') = `deliveries`.`id`
  ORDER BY a.`seq` DESC LIMIT 1
);
--> statement-breakpoint
-- What each part said, from its `message.sent` or `message.edited` event.
UPDATE `delivery_parts` SET `text` = (
  SELECT json_extract(a.`data`, '$.text')
  FROM `audit_events` a
  WHERE a.`type` IN ('message.sent', 'message.edited') AND json_extract(a.`data`, '$.delivery') = `delivery_parts`.`delivery_id` AND json_extract(a.`data`, '$.part') = `delivery_parts`.`idx`
  ORDER BY a.`seq` DESC LIMIT 1
)
WHERE `sent_at` IS NOT NULL;
--> statement-breakpoint
-- The drill timings already recorded, so none is recorded twice.
INSERT OR IGNORE INTO `drill_timings` (`broadcast_id`, `draft_id`, `label`, `timings_json`, `recorded_at`)
SELECT json_extract(`data`, '$.broadcast'), `draft_id`, json_extract(`data`, '$.label'), `data`, `ts`
FROM `audit_events` WHERE `type` = 'drill.timings' AND `draft_id` IS NOT NULL;
