-- 055_pickup.sql — «ready for pickup» is the resolved message: requests have
-- no state of their own for it (resolved is when the work is done and the
-- unit waits for its owner), so the resolved templates say, through
-- {pickup}, that the unit can be picked up when the request has one ({pickup}
-- is empty otherwise). Templates an admin has edited are left as they are.
UPDATE message_templates
SET body = REPLACE(body, 'обращение откроется снова.
{link}', 'обращение откроется снова.
{pickup}
{link}')
WHERE event = 'resolved' AND channel = 'email' AND lang = 'ru';
UPDATE message_templates
SET body = REPLACE(body, 'the request will be reopened.
{link}', 'the request will be reopened.
{pickup}
{link}')
WHERE event = 'resolved' AND channel = 'email' AND lang = 'en';
UPDATE message_templates SET body = 'Обращение {number} решено. {pickup} {company}'
WHERE event = 'resolved' AND channel = 'sms' AND lang = 'ru' AND body = 'Обращение {number} решено. {company}';
UPDATE message_templates SET body = 'Request {number} resolved. {pickup} {company}'
WHERE event = 'resolved' AND channel = 'sms' AND lang = 'en' AND body = 'Request {number} resolved. {company}';
