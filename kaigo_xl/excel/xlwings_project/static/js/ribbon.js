// kaigo_xl ribbon buttons (tab 介護加算). Overrides xlwings_server/static/js/ribbon.js, which templates/base.html
// loads in the shared-runtime page taskpane.html (the manifest's <FunctionFile>).
// Key = <FunctionName> of a button in templates/manifest.xml, value = the Python @script in kaigo_xl/excel/scripts.py.
const KAIGO_RIBBON_SCRIPTS = {
  "kaigo-validate": "validate",
  "kaigo-make-plan": "make_plan",
  "kaigo-make-report": "make_report",
  "kaigo-payment-table": "payment_table",
};

async function kaigoRunScript(event, scriptName) {
  try {
    const authResult =
      typeof globalThis.getAuth === "function"
        ? await globalThis.getAuth()
        : { token: "", provider: "" };
    // globalThis.xlwings comes from static/js/custom-scripts/index.js. runPython sends the workbook to
    // {appPath}/xlwings/custom-scripts-call/<scriptName> and applies the returned actions; an error (a Japanese
    // message from the server) is shown in a dialog.
    await xlwings.runPython({
      scriptName: scriptName,
      auth: authResult.token,
      headers: { "Auth-Provider": authResult.provider },
    });
  } finally {
    event.completed(); // mandatory for ExecuteFunction commands
  }
}

// Registered at load time, as xlwings_server's own ribbon.js does.
for (const [actionId, scriptName] of Object.entries(KAIGO_RIBBON_SCRIPTS)) {
  Office.actions.associate(actionId, (event) => kaigoRunScript(event, scriptName));
}
