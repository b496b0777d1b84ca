// smtp.mjs — a real SMTP server for the tests (tests/api/fixtures/smtp_server.py,
// aiosmtpd from Debian's python3-aiosmtpd) delivering to a maildir, and a
// reader of what it delivered: headers unfolded, RFC 2047 subjects decoded,
// base64 and quoted-printable text decoded.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, tempDir } from './lib.mjs';

const SCRIPT = new URL('./api/fixtures/smtp_server.py', import.meta.url).pathname;

/** Starts the server; `port` to come back on the same port after a stop. */
export async function startSmtp({ port, maildir, refuse, auth, tls, delay } = {}) {
  port ||= await freePort();
  maildir ||= join(tempDir('svsmtp-'), 'Maildir');
  const args = [SCRIPT, '--port', String(port), '--maildir', maildir];
  if (refuse) args.push('--refuse', refuse);
  if (auth) args.push('--auth', auth);
  if (tls) args.push('--tls', tls.cert, tls.key);
  if (delay) args.push('--delay', String(delay));
  // Debian's python3 (where python3-aiosmtpd is), whatever python3 is first on PATH
  const p = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise((resolve, reject) => {
    p.stdout.on('data', (d) => { log += d; if (log.includes('ready')) resolve(); });
    p.stderr.on('data', (d) => { log += d; });
    p.on('exit', (code) => reject(new Error(`smtp server exited ${code}: ${log}`)));
  });
  return {
    port, maildir, log: () => log,
    stop: () => new Promise((r) => { if (p.exitCode !== null) return r(); p.on('exit', r); p.kill('SIGTERM'); }),
    messages: () => readMaildir(maildir),
  };
}

function decodeWords(s) {
  return s.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=(\s+(?==\?))?/g, (_, cs, enc, text) => {
    const buf = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    return new TextDecoder(cs).decode(buf);
  });
}

/** One delivered message: raw headers (lower-case names → raw values, in
 * order), decoded subject and text. */
export function parseMessage(raw) {
  const text = raw.toString('latin1');
  const split = text.indexOf('\r\n\r\n') >= 0 ? text.indexOf('\r\n\r\n') : text.indexOf('\n\n');
  const head = text.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const bodyRaw = text.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = {};
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    const name = line.slice(0, i).toLowerCase();
    (headers[name] ||= []).push(line.slice(i + 1).trim());
  }
  const h = (name) => headers[name]?.[0];
  let body = Buffer.from(bodyRaw, 'latin1');
  if (/base64/i.test(h('content-transfer-encoding') || '')) body = Buffer.from(bodyRaw.replace(/\s+/g, ''), 'base64');
  return {
    raw: text, headers, h,
    subject: decodeWords(h('subject') || ''),
    from: decodeWords(h('from') || ''),
    messageId: (h('message-id') || '').replace(/[<>]/g, ''),
    text: body.toString('utf8'),
  };
}

export function readMaildir(maildir) {
  const out = [];
  for (const sub of ['new', 'cur']) {
    let names = [];
    try { names = readdirSync(join(maildir, sub)); } catch { continue; }
    for (const n of names.sort()) out.push(parseMessage(readFileSync(join(maildir, sub, n))));
  }
  return out;
}
