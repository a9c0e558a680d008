// Starts `spl lsp` (the binary named by $SPL) and connects a real LSP client to it
// (vscode-languageserver-protocol over vscode-jsonrpc's stream transport).
'use strict';
const { spawn } = require('node:child_process');
const {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} = require('vscode-languageserver-protocol/node');

const SPL = process.env.SPL;
if (!SPL) throw new Error('set SPL to the spl binary');

function startServer() {
  const child = spawn(SPL, ['lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  // The server's own complaints (a sanitizer report, say) show in the test output.
  child.stderr.on('data', (chunk) => process.stderr.write(chunk));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const diagnostics = new Map();  // uri -> latest publishDiagnostics params
  const waiters = [];
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    diagnostics.set(params.uri, params);
    for (const w of waiters.splice(0)) w();
  });
  connection.listen();
  // Resolves with the first diagnostics for uri that satisfy pred (and version, when given).
  function nextDiagnostics(uri, version) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version}`)), 10000);
      const check = () => {
        const d = diagnostics.get(uri);
        if (d && (version === undefined || d.version === version)) {
          clearTimeout(timer);
          resolve(d);
        } else {
          waiters.push(check);
        }
      };
      check();
    });
  }
  return { child, connection, exited, nextDiagnostics };
}

async function initialized(capabilities = {}, rootUri = null) {
  const server = startServer();
  const result = await server.connection.sendRequest('initialize', { processId: process.pid, rootUri, capabilities });
  await server.connection.sendNotification('initialized', {});
  server.capabilities = result.capabilities;
  return server;
}

async function stop(server) {
  await server.connection.sendRequest('shutdown');
  await server.connection.sendNotification('exit');
  const code = await server.exited;
  server.connection.dispose();
  return code;
}

// Applies LSP TextEdits (UTF-16 positions, which is what JavaScript strings index) to text.
function applyEdits(text, edits) {
  const offset = (pos) => {
    const lines = text.split('\n');
    let off = 0;
    for (let i = 0; i < pos.line && i < lines.length; i++) off += lines[i].length + 1;
    return off + Math.min(pos.character, (lines[pos.line] ?? '').length);
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const e of sorted) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
  return text;
}

module.exports = { SPL, startServer, initialized, stop, applyEdits };
