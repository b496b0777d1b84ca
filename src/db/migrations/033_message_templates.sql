-- 033_message_templates.sql — the first templates: e-mail on (each can be
-- switched off or rewritten in the UI), SMS off until a gateway is set up.
-- Placeholders: {number} {subject} {status} {code} {link} {reply} {client}
-- {company} {requisites}.
INSERT INTO message_templates (version, created_at, updated_at, event, channel, lang, active, subject, body)
VALUES
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'created', 'email', 'ru', 1,
 'Обращение {number} принято: {subject}',
 'Здравствуйте, {client}!

Ваше обращение «{subject}» зарегистрировано под номером {number}.
Код доступа: {code}
Следить за ходом работ: {link}

Чтобы дополнить обращение, просто ответьте на это письмо.

--
{company}
{requisites}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'created', 'email', 'en', 1,
 'Request {number} received: {subject}',
 'Hello {client},

Your request "{subject}" has been registered as {number}.
Access code: {code}
Follow its progress: {link}

To add anything, just reply to this message.

--
{company}
{requisites}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'reply', 'email', 'ru', 1,
 'Re: Обращение {number}: {subject}',
 '{reply}

Статус обращения: {status}. {link}

--
{company}
{requisites}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'reply', 'email', 'en', 1,
 'Re: Request {number}: {subject}',
 '{reply}

Status: {status}. {link}

--
{company}
{requisites}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'resolved', 'email', 'ru', 1,
 'Обращение {number} решено: {subject}',
 'Здравствуйте, {client}!

Работы по обращению {number} «{subject}» завершены. Если что-то осталось не так, ответьте на это письмо — обращение откроется снова.
{link}

--
{company}
{requisites}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'resolved', 'email', 'en', 1,
 'Request {number} resolved: {subject}',
 'Hello {client},

The work on request {number} "{subject}" is done. If anything is still wrong, reply to this message and the request will be reopened.
{link}

--
{company}
{requisites}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'sla_breach', 'email', 'ru', 1,
 'Обращение {number}: приносим извинения за задержку',
 'Здравствуйте, {client}!

Мы не успели выполнить обращение {number} «{subject}» в обещанный срок. Приносим извинения: работы продолжаются, мы сообщим о результате.
{link}

--
{company}
{requisites}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'sla_breach', 'email', 'en', 1,
 'Request {number}: our apologies for the delay',
 'Hello {client},

We did not finish request {number} "{subject}" within the promised time. We apologise: the work goes on and we will let you know the result.
{link}

--
{company}
{requisites}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'created', 'sms', 'ru', 0, NULL,
 'Обращение {number} принято. Код {code}. {link}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'created', 'sms', 'en', 0, NULL,
 'Request {number} received. Code {code}. {link}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'reply', 'sms', 'ru', 0, NULL,
 '{number}: {reply}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'reply', 'sms', 'en', 0, NULL,
 '{number}: {reply}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'resolved', 'sms', 'ru', 0, NULL,
 'Обращение {number} решено. {company}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'resolved', 'sms', 'en', 0, NULL,
 'Request {number} resolved. {company}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'sla_breach', 'sms', 'ru', 0, NULL,
 'Обращение {number}: извините за задержку, работы продолжаются. {company}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'sla_breach', 'sms', 'en', 0, NULL,
 'Request {number}: sorry for the delay, the work goes on. {company}');
