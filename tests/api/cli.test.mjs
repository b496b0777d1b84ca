// cli.test.mjs — the servitor command line: --version, --help, user add,
// backup while serving, migrate (idempotent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useServer, assertError, runCli, uid, walk, PG, makeDb, startServe, client } from './harness.mjs';

const srv = useServer();
const COMMANDS = ['serve', 'migrate', 'user', 'backup', 'demo', 'audit', 'copy'];
const sqlite = (file, sql) => execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim();

test('--version prints the name and version and exits 0', () => {
  const r = runCli(['--version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^servitor \S+\n$/);
});

test('--help lists every command and exits 0; no command is a usage error (exit 2)', () => {
  for (const flag of ['--help', '-h', 'help']) {
    const r = runCli([flag]);
    assert.equal(r.status, 0, flag);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`servitor ${c}\\b`), `${flag} mentions ${c}`);
    assert.match(r.stdout, /--version/);
  }
  const none = runCli([]);
  assert.equal(none.status, 2);
  assert.match(none.stdout + none.stderr, /Usage/);
});

test('each command has --help: its usage and what it does, exit 0, and it touches nothing', () => {
  for (const c of COMMANDS) {
    const r = runCli([c, '--help'], { env: { SERVITOR_DB: join(srv.dir, 'never-created.db') } });
    assert.equal(r.status, 0, `${c} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: servitor ${c}\\b`), c);
    assert.ok(r.stdout.split('\n').length >= 3, `${c} explains itself`);
  }
  assert.match(runCli(['audit', '--help']).stdout, /verify/);
  assert.match(runCli(['user', '--help']).stdout, /--password-stdin/);
  assert.ok(!existsSync(join(srv.dir, 'never-created.db')), '--help opens no database');
});

test('an unknown command → exit 2 with a message on stderr', () => {
  const r = runCli(['frobnicate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test('user add --password-stdin: the new user can log in with that role', async () => {
  const login = 'cli' + uid();
  const r = runCli(['user', 'add', '--login', login, '--role', 'manager', '--name', 'Иван Консольный', '--password-stdin', '--db', srv.db], { input: 'cli-password-1\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`added user ${login}`));
  const s = await srv.login(login, 'cli-password-1');
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.user.role, 'manager');
  assert.equal(s.json.user.name, 'Иван Консольный');
  assert.equal((await srv.request('POST', '/api/v1/clients', { as: s, body: { kind: 'person', name: 'От консольного' } })).status, 201);
  assert.equal((await srv.login(login, 'cli-password-2')).status, 401);
  // the creation is in the audit log, by "system"
  const admin = await srv.as('admin');
  const log = await srv.request('GET', `/api/v1/audit?entity=users&record_id=${s.json.user.id}`, { as: admin });
  assert.equal(log.json.items.at(-1).action, 'create');
  // a CRLF line ending is not part of the password
  const login2 = 'crlf' + uid();
  assert.equal(runCli(['user', 'add', '--login', login2, '--role', 'sales', '--password-stdin', '--db', srv.db], { input: 'crlf-password-1\r\n' }).status, 0);
  assert.equal((await srv.login(login2, 'crlf-password-1')).status, 200);
});

test('user add refuses a bad role, a taken login, a short password, a missing password, with a non-zero exit', async () => {
  const cases = [
    [['--login', 'x' + uid(), '--role', 'boss', '--password-stdin'], 'good-password-1\n', /role/],
    [['--login', 'manager', '--role', 'sales', '--password-stdin'], 'good-password-1\n', /login: duplicate/],
    [['--login', 'x' + uid(), '--role', 'sales', '--password-stdin'], 'short\n', /password/],
    [['--login', 'x' + uid(), '--role', 'sales', '--password-stdin'], '', /password/],
    [['--login', 'x' + uid(), '--role', 'sales'], 'good-password-1\n', /password-stdin/],
    [['--role', 'sales', '--password-stdin'], 'good-password-1\n', /--login/],
    [['--login', 'bad login', '--role', 'sales', '--password-stdin'], 'good-password-1\n', /login/],
  ];
  const admin = await srv.as('admin');
  const count = async () => (await walk(srv, '/api/v1/users', admin, { limit: 200 })).items.length;
  const before = await count();
  for (const [args, input, msg] of cases) {
    const r = runCli(['user', 'add', ...args, '--db', srv.db], { input });
    assert.notEqual(r.status, 0, `${args.join(' ')}: exit ${r.status}`);
    assert.match(r.stderr, msg, args.join(' '));
  }
  assert.equal(runCli(['user', 'remove', '--db', srv.db]).status, 2);
  assert.equal(await count(), before, 'no user was added');
});

test('backup FILE while serving: a consistent SQLite file with the same data', { skip: PG && 'SQLite files only' }, async () => {
  const admin = await srv.as('admin');
  // writes go on while the backup runs
  let writing = true;
  const writer = (async () => {
    let n = 0;
    while (writing && n < 200) {
      const r = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: `Во время копии ${n++}` } });
      assert.equal(r.status, 201);
    }
  })();
  const file = join(srv.dir, `backup-${uid()}.db`);
  const r = runCli(['backup', file, '--db', srv.db]);
  writing = false;
  await writer;
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /backed up/);
  assert.ok(statSync(file).size > 0);
  assert.equal(sqlite(file, 'PRAGMA integrity_check'), 'ok');
  const inCopy = Number(sqlite(file, 'select count(*) from clients'));
  assert.ok(inCopy > 0);
  // the copy has what was there when it was made; now, with writes stopped, make another and compare with the API
  const file2 = join(srv.dir, `backup-${uid()}.db`);
  assert.equal(runCli(['backup', file2, '--db', srv.db]).status, 0);
  const viaApi = (await walk(srv, '/api/v1/clients', admin, { limit: 200 })).items.length;
  assert.equal(Number(sqlite(file2, 'select count(*) from clients')), viaApi);
  assert.ok(inCopy <= viaApi);
  // the copy is a working database: audit verify and a server on it
  assert.equal(runCli(['audit', 'verify', '--db', file2]).status, 0);
  const copySrv = await startServe(file2);
  try {
    const c = client(copySrv.base);
    const s = await c.login('admin', 'admin12345');
    assert.equal(s.status, 200);
    const n = (await walk({ request: c.request }, '/api/v1/clients', s, { limit: 200 })).items.length;
    assert.equal(n, viaApi, 'a server on the copy answers the same data');
  } finally {
    await copySrv.stop();
  }
  // and the server was never disturbed
  assert.equal((await srv.request('GET', '/api/v1/clients?limit=1', { as: admin })).status, 200);
});

test('backup refuses to overwrite a file, and needs a file name', { skip: PG && 'SQLite files only' }, () => {
  const file = join(srv.dir, `exists-${uid()}.db`);
  writeFileSync(file, 'precious');
  const r = runCli(['backup', file, '--db', srv.db]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /exists/);
  assert.equal(execFileSync('cat', [file], { encoding: 'utf8' }), 'precious');
  assert.notEqual(runCli(['backup', '--db', srv.db]).status, 0);
  assert.notEqual(runCli(['backup', join(srv.dir, 'no-such-dir', 'x.db'), '--db', srv.db]).status, 0);
});

test('migrate is idempotent: a second run changes nothing', async () => {
  const r1 = runCli(['migrate', '--db', srv.db]);
  assert.equal(r1.status, 0, r1.stderr);
  assert.match(r1.stdout, /up to date/);
  assert.doesNotMatch(r1.stderr, /applied/, 'the demo database is migrated already');
  if (!PG) {
    const schema = sqlite(srv.db, '.schema');
    const count = sqlite(srv.db, 'select count(*) from clients');
    const r2 = runCli(['migrate', '--db', srv.db]);
    assert.equal(r2.status, 0);
    assert.equal(sqlite(srv.db, '.schema'), schema);
    assert.equal(sqlite(srv.db, 'select count(*) from clients'), count);
  }
  const admin = await srv.as('admin');
  assert.equal((await srv.request('GET', '/api/v1/clients?limit=1', { as: admin })).status, 200);
});

test('migrate on a new database applies every migration once, then nothing', async () => {
  const db = await makeDb();
  try {
    const url = PG ? db.url : join(db.dir, 'fresh.db');
    const r1 = runCli(['migrate', '--db', url]);
    assert.equal(r1.status, 0, r1.stderr);
    assert.match(r1.stderr, /applied \d+ migration/);
    const r2 = runCli(['migrate', '--db', url]);
    assert.equal(r2.status, 0);
    assert.doesNotMatch(r2.stderr, /applied/);
    assert.match(r2.stdout, /up to date/);
  } finally {
    db.cleanup();
  }
});

test('SERVITOR_DB names the database when --db is not given', async () => {
  const login = 'env' + uid();
  const r = runCli(['user', 'add', '--login', login, '--role', 'auditor', '--password-stdin'], { input: 'env-password-1\n', env: { SERVITOR_DB: srv.db } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await srv.login(login, 'env-password-1')).status, 200);
});

test('serve refuses a bad --listen and a port in use', async () => {
  const bad = runCli(['serve', '--listen', 'not-an-address:1', '--db', srv.db], { timeout: 5000 });
  assert.notEqual(bad.status, 0);
  const busy = runCli(['serve', '--listen', `127.0.0.1:${srv.port}`, '--db', srv.db], { timeout: 5000 });
  assert.notEqual(busy.status, 0);
  assert.match(busy.stderr, /cannot listen/);
  assertError(await srv.request('GET', '/api/v1/clients'), 401);
});
