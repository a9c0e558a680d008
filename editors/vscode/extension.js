// Starts `spl lsp` over stdio and connects VS Code's language client to it.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

async function activate(context) {
  const command = vscode.workspace.getConfiguration('simple').get('server.path', 'spl');
  const server = { command, args: ['lsp'], transport: TransportKind.stdio };
  client = new LanguageClient(
    'simple',
    'Simple (spl lsp)',
    { run: server, debug: server },
    { documentSelector: [{ scheme: 'file', language: 'simple' }, { scheme: 'untitled', language: 'simple' }] },
  );
  context.subscriptions.push(client);
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
