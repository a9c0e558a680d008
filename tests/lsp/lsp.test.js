// End-to-end: `spl lsp` driven by a real LSP client library.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const { initialized, stop, applyEdits, SPL } = require('./client');

const uri = 'file:///tmp/spl-lsp-e2e/main.spl';

test('a file with mistakes gets diagnostics; a quick fix makes them go away', async () => {
  const server = await initialized();
  const { connection } = server;
  const text = 'fn main():\n    let total = 1\n    print(total)\n';
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'simple', version: 1, text },
  });
  const published = await server.nextDiagnostics(uri, 1);
  assert.ok(published.diagnostics.length >= 1);
  const mistake = published.diagnostics[0];
  assert.match(mistake.code, /^[EW]\d{4}$/);
  assert.equal(mistake.source, 'spl');
  assert.equal(mistake.range.start.line, 1);

  const actions = await connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: mistake.range,
    context: { diagnostics: [mistake] },
  });
  const quickfix = actions.find((a) => a.kind === 'quickfix');
  assert.ok(quickfix, JSON.stringify(actions));
  assert.ok(actions.some((a) => a.kind === 'source.fixAll'));
  const fixed = applyEdits(text, quickfix.edit.changes[uri]);
  assert.equal(fixed, 'fn main():\n    val total = 1\n    print(total)\n');

  await connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ text: fixed }],
  });
  const after = await server.nextDiagnostics(uri, 2);
  assert.deepEqual(after.diagnostics, []);
  assert.equal(await stop(server), 0);
});

test('incremental edits with non-ASCII text', async () => {
  const server = await initialized();
  const { connection } = server;
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'simple', version: 1, text: 'val s = "é😀"\nval t = s\n' },
  });
  await server.nextDiagnostics(uri, 1);
  // Break line 1 after the emoji (UTF-16 column 11 is past `"é😀`), then repair it.
  await connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 1, character: 8 }, end: { line: 1, character: 9 } }, text: 'nope' }],
  });
  const broken = await server.nextDiagnostics(uri, 2);
  assert.equal(broken.diagnostics.length, 1);
  assert.equal(broken.diagnostics[0].range.start.line, 1);
  assert.equal(broken.diagnostics[0].range.start.character, 8);
  assert.equal(broken.diagnostics[0].range.end.character, 12);
  await connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 3 },
    contentChanges: [{ range: { start: { line: 1, character: 8 }, end: { line: 1, character: 12 } }, text: 's' }],
  });
  assert.deepEqual((await server.nextDiagnostics(uri, 3)).diagnostics, []);
  assert.equal(await stop(server), 0);
});

test('document symbols, folding ranges and semantic tokens', async () => {
  const server = await initialized();
  const { connection } = server;
  const text = 'struct Point:\n    x: i64\n    y: i64\n\nfn norm(p: Point) -> i64:\n    p.x * p.x + p.y * p.y\n';
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'simple', version: 1, text } });
  const symbols = await connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(symbols.map((s) => s.name), ['Point', 'norm']);
  assert.deepEqual(symbols[0].children.map((s) => s.name), ['x', 'y']);
  assert.equal(symbols[1].detail, '(p: Point) -> i64');
  const folds = await connection.sendRequest('textDocument/foldingRange', { textDocument: { uri } });
  assert.deepEqual(folds.map((f) => [f.startLine, f.endLine]), [[0, 2], [4, 5]]);
  const tokens = await connection.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri } });
  assert.equal(tokens.data.length % 5, 0);
  assert.ok(tokens.data.length > 0);
  assert.equal(await stop(server), 0);
});

test('hover, definition and completion at an incomplete line', async () => {
  const server = await initialized();
  const { connection } = server;
  const text = [
    '# A point in the plane.',
    'struct Point:',
    '    x: i64',
    '    y: i64',
    '',
    'fn main():',
    '    val p = Point(1, 2)',
    '    val q = p.',
    '',
  ].join('\n');
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'simple', version: 1, text } });
  const published = await server.nextDiagnostics(uri, 1);
  assert.ok(published.diagnostics.length > 0);  // the incomplete line is an error

  const hover = await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 13 } });
  assert.match(hover.contents.value, /struct Point/);
  assert.match(hover.contents.value, /A point in the plane\./);

  const def = await connection.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line: 7, character: 12 } });
  assert.deepEqual(def.range.start, { line: 6, character: 8 });

  const members = await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 7, character: 14 } });
  assert.deepEqual(members.items.map((i) => i.label), ['x', 'y']);

  await connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 7, character: 12 }, end: { line: 7, character: 14 } }, text: 'Po' }],
  });
  const names = await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 7, character: 14 } });
  const labels = names.items.map((i) => i.label);
  assert.ok(labels.includes('Point'));
  assert.ok(labels.includes('p'));
  assert.ok(names.items.some((i) => i.label === 'fn' && i.insertTextFormat === 2));
  assert.equal(await stop(server), 0);
});

// ---- bad input, over the raw byte stream ----------------------------------------------------

function raw() {
  const child = spawn(SPL, ['lsp'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let buffer = Buffer.alloc(0);
  const messages = [];
  const waiters = [];
  child.stdout.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (true) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) break;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())[1]);
      if (buffer.length < end + 4 + length) break;
      messages.push(JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString()));
      buffer = buffer.subarray(end + 4 + length);
      for (const w of waiters.splice(0)) w();
    }
  });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const send = (body) => child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  const message = (pred) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no such message')), 10000);
      const check = () => {
        const m = messages.find(pred);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        } else waiters.push(check);
      };
      check();
    });
  return { child, send, message, exited };
}

test('formatting returns spl fmt\'s layout as edits', async () => {
  const server = await initialized();
  const { connection } = server;
  const text = 'fn add(a:i64,b:i64)->i64:\n  a+b  # the sum\nprint add( 1,2 )\n';
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'simple', version: 1, text },
  });
  const edits = await connection.sendRequest('textDocument/formatting', {
    textDocument: { uri },
    options: { tabSize: 4, insertSpaces: true },
  });
  const formatted = applyEdits(text, edits);
  assert.equal(formatted, 'fn add(a: i64, b: i64) -> i64:\n    a + b  # the sum\nprint add(1, 2)\n');
  await connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ text: formatted }],
  });
  assert.deepEqual(await connection.sendRequest('textDocument/formatting', { textDocument: { uri }, options: {} }), []);
  assert.equal(await stop(server), 0);
});

test('bad input gets error responses and never stops the server', async () => {
  const s = raw();
  s.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: {} }));
  assert.equal((await s.message((m) => m.id === 1)).error.code, -32002);  // before initialize
  s.send('{"jsonrpc": "2.0", "id": 2, "method": ');
  assert.equal((await s.message((m) => m.error && m.error.code === -32700)).id, null);
  s.child.stdin.write('this is not a header\r\n\r\nContent-Length: nope\r\n\r\n');
  s.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'initialize', params: { capabilities: {} } }));
  assert.ok((await s.message((m) => m.id === 3)).result.capabilities);
  s.send(JSON.stringify({ jsonrpc: '2.0', method: 'initialized', params: {} }));
  s.send(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'no/such/method' }));
  assert.equal((await s.message((m) => m.id === 4)).error.code, -32601);
  s.send(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'textDocument/documentSymbol', params: { textDocument: { uri } } }));
  assert.ok((await s.message((m) => m.id === 5)).error);  // never opened
  s.send(JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen',
                          params: { textDocument: { uri, languageId: 'simple', version: 1, text: 'fn f():\n    pass\n' } } }));
  s.send(JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'textDocument/selectionRange',
                          params: { textDocument: { uri }, positions: [{ line: 0, character: 9999 }, { line: 99, character: 0 }] } }));
  const sel = await s.message((m) => m.id === 6);
  assert.deepEqual(sel.result[0].range.end, { line: 0, character: 7 });  // clamped to the end of line 0
  // A Content-Length longer than what follows, then the client goes away: the server ends.
  s.child.stdin.write('Content-Length: 500\r\n\r\n{"jsonrpc":"2.0"');
  s.child.stdin.end();
  assert.equal(await s.exited, 1);  // no shutdown first
});

test('exit after shutdown ends with 0; a closed stream ends the server', async () => {
  const s = raw();
  s.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { capabilities: {} } }));
  await s.message((m) => m.id === 1);
  s.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'shutdown' }));
  await s.message((m) => m.id === 2);
  s.send(JSON.stringify({ jsonrpc: '2.0', method: 'exit' }));
  assert.equal(await s.exited, 0);

  const t = raw();
  t.child.stdin.end();
  assert.equal(await t.exited, 1);
});
