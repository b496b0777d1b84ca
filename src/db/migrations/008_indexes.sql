-- 008_indexes.sql — indexes for the desk's list filters with the default
-- newest-first order (measured with bench/run.sh: the overdue view took 70 ms
-- on 100 000 requests without the first one).
CREATE INDEX requests_sla_state ON requests (sla_state, id);
CREATE INDEX requests_type ON requests (type, id);
CREATE INDEX requests_priority ON requests (priority, id);
CREATE INDEX requests_queue ON requests (queue, id);
CREATE INDEX requests_channel ON requests (channel, id);
