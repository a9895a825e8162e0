// The cspr extension: starts `cspr lsp` for .policy and .scenario files and hands
// everything else (diagnostics, hover, definition, completion, outline, formatting,
// scenario lenses) to it. Highlighting comes from syntaxes/cspr.tmLanguage.json.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("cspr").get("path") || "cspr";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "cspr",
    "cspr language server",
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: "file", language: "cspr" },
        { scheme: "file", language: "cspr-scenario" },
      ],
    },
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start().catch((err) => {
    vscode.window.showErrorMessage(
      `cspr: could not start \`${command} lsp\` (${err.message}). ` +
        "Install cspr (cargo install --path . in its repository) or set cspr.path.",
    );
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
