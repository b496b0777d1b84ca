// copy.test.mjs — `servitor copy` moves an installation SQLite → PostgreSQL →
// SQLite with every row, the search index and the audit chain intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { pgStart, tempDir, run, BIN } from '../lib.mjs';

function sqlite(db, sql) {
  return execFileSync('sqlite3', [db, sql], { encoding: 'utf8' }).trim();
}

test('copy SQLite → PostgreSQL → SQLite keeps everything and refuses a non-empty target', () => {
  const dir = tempDir('svcopy-');
  const pg = pgStart();
  try {
    const src = join(dir, 'src.db'), back = join(dir, 'back.db');
    run(['demo', '--scale', '200', '--db', src]);
    const out1 = run(['copy', '--from', src, '--to', pg.url]);
    assert.match(out1, /row counts match, audit chain intact/);
    const out2 = run(['copy', '--from', pg.url, '--to', back]);
    assert.match(out2, /row counts match, audit chain intact/);
    for (const t of ['clients', 'contacts', 'equipment_units', 'users', 'audit_log', 'requests'])
      assert.equal(sqlite(back, `select count(*) from ${t}`), sqlite(src, `select count(*) from ${t}`), t);
    assert.equal(sqlite(back, "select group_concat(hash) from (select hash from audit_log order by id)"),
      sqlite(src, "select group_concat(hash) from (select hash from audit_log order by id)"));
    // the search index was rebuilt: the same search finds the same rows
    assert.equal(sqlite(back, "select count(*) from clients_fts where clients_fts match 'ив*'"),
      sqlite(src, "select count(*) from clients_fts where clients_fts match 'ив*'"));
    run(['audit', 'verify', '--db', back]);
    // new ids continue after the copied ones on PostgreSQL
    const next = execFileSync(BIN, ['user', 'add', '--login', 'after.copy', '--role', 'manager',
      '--password-stdin', '--db', pg.url], { encoding: 'utf8', input: 'long-password-1\n',
      env: { ...process.env, SERVITOR_PWHASH: 'fast' } });
    assert.match(next, /added user after\.copy/);
    // a non-empty target is refused and left unchanged
    let failed = null;
    try { execFileSync(BIN, ['copy', '--from', src, '--to', back], { encoding: 'utf8', stdio: 'pipe' }); }
    catch (e) { failed = e; }
    assert.ok(failed, 'copy into a non-empty database fails');
    assert.match(String(failed.stderr), /not empty/);
  } finally {
    pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
