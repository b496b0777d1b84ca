// Reading the first sheet of an XLSX workbook in the browser: the zip is
// opened with fflate, the XML read with the browser's DOMParser. Answers
// rows as arrays of cells (strings, numbers, booleans; null for an empty
// cell), the sheet's row N at index N-1 (empty rows are empty arrays), so
// that the server's line numbers are the sheet's.
import { strFromU8, unzipSync } from 'fflate';

const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function xml(files, path) {
  const f = files[path];
  if (!f) return null;
  return new DOMParser().parseFromString(strFromU8(f), 'application/xml');
}

// "BC12" → 54 (the column index, 0-based)
function colIndex(ref) {
  let n = 0;
  for (const ch of ref) {
    const c = ch.charCodeAt(0);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

const textOf = (el) => Array.from(el.getElementsByTagName('t')).map((t) => t.textContent).join('');

export function readXlsx(buffer, { maxRows = 20001 } = {}) {
  let files;
  try {
    files = unzipSync(new Uint8Array(buffer), { filter: (f) => f.name.startsWith('xl/') && f.name.endsWith('.xml') || f.name.endsWith('.rels') });
  } catch {
    throw new Error('not_xlsx');
  }
  const wb = xml(files, 'xl/workbook.xml');
  if (!wb) throw new Error('not_xlsx');
  const sheet = wb.getElementsByTagName('sheet')[0];
  if (!sheet) throw new Error('no_sheet');
  const rid = sheet.getAttributeNS(NS_REL, 'id') || sheet.getAttribute('r:id');
  let path = 'xl/worksheets/sheet1.xml';
  const rels = xml(files, 'xl/_rels/workbook.xml.rels');
  if (rels && rid) {
    const rel = Array.from(rels.getElementsByTagName('Relationship')).find((r) => r.getAttribute('Id') === rid);
    if (rel) {
      const target = rel.getAttribute('Target');
      path = target.startsWith('/') ? target.slice(1) : 'xl/' + target.replace(/^\.\//, '');
    }
  }
  const shared = [];
  const sst = xml(files, 'xl/sharedStrings.xml');
  if (sst) for (const si of Array.from(sst.getElementsByTagName('si'))) shared.push(textOf(si));
  const doc = xml(files, path);
  if (!doc) throw new Error('no_sheet');
  const rows = [];
  for (const row of Array.from(doc.getElementsByTagName('row'))) {
    const r = Number(row.getAttribute('r')) || rows.length + 1;
    if (r > maxRows + 1) throw new Error('too_many_rows');
    while (rows.length < r - 1) rows.push([]);
    const cells = [];
    for (const c of Array.from(row.getElementsByTagName('c'))) {
      const ref = c.getAttribute('r');
      const i = ref ? colIndex(ref) : cells.length;
      const type = c.getAttribute('t');
      const v = c.getElementsByTagName('v')[0];
      let value = null;
      if (type === 's') value = v ? shared[Number(v.textContent)] ?? '' : '';
      else if (type === 'inlineStr') value = textOf(c);
      else if (type === 'str' || type === 'e') value = v ? v.textContent : '';
      else if (type === 'b') value = v ? (v.textContent === '1' ? 'TRUE' : 'FALSE') : null;
      else if (v) value = Number(v.textContent);
      while (cells.length < i) cells.push(null);
      cells[i] = value;
    }
    rows[r - 1] = cells;
  }
  return rows;
}
