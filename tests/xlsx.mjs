// xlsx.mjs — reads an XLSX file back for the tests: the cells of its first
// sheet row by row (inline strings, shared strings, numbers), unzipped with
// fflate. What the server wrote with libxlsxwriter is checked cell by cell.
import { unzipSync, strFromU8 } from 'fflate';

const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

export function readXlsx(bytes) {
  const files = unzipSync(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  const shared = files['xl/sharedStrings.xml']
    ? [...strFromU8(files['xl/sharedStrings.xml']).matchAll(/<si>(.*?)<\/si>/gs)].map((m) => unescape(m[1].replace(/<[^>]+>/g, '')))
    : [];
  const sheet = strFromU8(files['xl/worksheets/sheet1.xml']);
  const rows = [];
  for (const row of sheet.matchAll(/<row [^>]*>(.*?)<\/row>/gs)) {
    const cells = [];
    for (const c of row[1].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)) {
      const col = [...c[1]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
      const attrs = c[2], inner = c[3] || '';
      let v = null;
      if (/t="inlineStr"/.test(attrs)) v = unescape(inner.replace(/<[^>]+>/g, ''));
      else if (/t="s"/.test(attrs)) v = shared[Number(inner.match(/<v>(.*?)<\/v>/)[1])];
      else if (/<v>/.test(inner)) v = Number(inner.match(/<v>(.*?)<\/v>/)[1]);
      cells[col] = v;
    }
    rows.push(cells);
  }
  return rows;
}
