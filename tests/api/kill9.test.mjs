// kill9.test.mjs — the quick kill -9 rounds of `make test`: two rounds of 12
// concurrent writers (requests, comments, files) killed with SIGKILL mid-load;
// after each restart every answered write is there, numbers are gapless, the
// audit chain verifies and the search finds every request. The long run:
// node tests/attack/kill9.mjs (10 rounds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kill9Rounds } from '../attack/kill9-lib.mjs';

test('two kill -9 rounds under 12 writers lose no answered write', async () => {
  const r = await kill9Rounds({ rounds: 2, perRound: 40 });
  assert.deepEqual(r.failures, []);
  assert.ok(r.requests >= 80, `${r.requests} requests answered`);
  assert.ok(r.comments > 0 && r.attachments > 0, `${r.comments} comments, ${r.attachments} files`);
  assert.equal(r.checks, 2, 'checked after each restart');
});
