// deploy.test.mjs — the sample nginx configuration (docs/deploy/nginx.conf),
// run for real in front of a server (its TLS lines left out): it lets through
// the 10 MiB the server accepts on the upload and e-mail routes, and keeps the
// small limit everywhere else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { testDb, run, serve, login, call, freePort, waitFor, tempDir, ROOT } from '../lib.mjs';

const hasNginx = spawnSync('nginx', ['-v']).status === 0;
let db, srv, proxy, dir;

before(async () => {
  if (!hasNginx) return;
  db = testDb();
  run(['demo', '--scale', '2', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url);
  dir = tempDir('svnginx-');
  const port = await freePort();
  const sample = readFileSync(join(ROOT, 'docs/deploy/nginx.conf'), 'utf8')
    .replace(/server 127\.0\.0\.1:808\d[^;]*;\n/g, '')
    .replace(/upstream servitor \{/, `upstream servitor {\n    server 127.0.0.1:${srv.port};`)
    .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${port};`)
    .replace(/^\s*ssl_certificate.*$/gm, '');
  assert.match(sample, /client_max_body_size 11m/);
  writeFileSync(join(dir, 'nginx.conf'), `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
${sample}
}`);
  const p = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  proxy = { base: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => { if (p.exitCode !== null) return r(); p.on('exit', r); p.kill('SIGQUIT'); }) };
  await waitFor(`${proxy.base}/healthz`);
});

after(async () => {
  await proxy?.stop();
  await srv?.stop();
  db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the sample nginx.conf passes 10 MiB uploads and letters, and refuses big bodies elsewhere', { skip: !hasNginx && 'no nginx' }, async () => {
  const mgr = await login(proxy.base, 'manager', 'demo12345');
  const req = (await call(proxy.base, mgr, 'POST', '/api/v1/requests', { subject: 'Через nginx' })).json;
  const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024 - 16, 0x41)]);
  const up = await fetch(`${proxy.base}/api/v1/requests/${req.id}/attachments?name=big.pdf`, {
    method: 'POST', body: big, headers: { cookie: mgr.cookie, 'x-csrf-token': mgr.csrf, 'content-type': 'application/octet-stream' } });
  assert.equal(up.status, 201, await up.clone().text());
  // a letter of 5 MiB reaches the server (which answers for itself; not nginx's 413)
  const letter = `From: ivan@example.ru\r\nSubject: big\r\n\r\n${'x'.repeat(5 * 1024 * 1024)}\r\n`;
  const mail = await fetch(`${proxy.base}/api/v1/intake/email`, {
    method: 'POST', body: letter, headers: { cookie: mgr.cookie, 'x-csrf-token': mgr.csrf, 'content-type': 'message/rfc822' } });
  assert.notEqual(mail.status, 413, 'nginx lets the letter through');
  const json = await fetch(`${proxy.base}/api/v1/clients`, {
    method: 'POST', body: JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024) }), headers: { cookie: mgr.cookie, 'x-csrf-token': mgr.csrf, 'content-type': 'application/json' } });
  assert.equal(json.status, 413, 'other routes keep the small limit');
});
