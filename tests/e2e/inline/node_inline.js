// Runs a compiled Pulumi TypeScript program under the real Pulumi CLI through Node's Automation API, as an inline
// program: this process serves the program to the CLI (`--client`), so no Node.js language host is needed (its Go
// module is not served by the module proxy this project builds from). Engine, plugins, state and secrets are
// the real CLI's. Used by tests/e2e/test_sdk_examples.py.
//
//   node node_inline.js PROGRAM.js WORK_DIR STACK PULUMI_ROOT CONFIG_JSON ACTION...
//
// WORK_DIR holds the project's Pulumi.yaml; the environment carries PULUMI_HOME, the backend and the passphrase.
// ACTION is up, preview or destroy. The last line of stdout is a JSON object with each action's result.
"use strict";
const auto = require("@pulumi/pulumi/automation");

async function main() {
    const [programPath, workDir, stackName, pulumiRoot, configJson, ...actions] = process.argv.slice(2);
    // The program module is loaded afresh on every run, as the language host would (a cached module would
    // register nothing the second time).
    const program = async () => {
        const resolved = require.resolve(programPath);
        delete require.cache[resolved];
        return require(resolved);
    };
    const pulumiCommand = await auto.PulumiCommand.get({ root: pulumiRoot, skipVersionCheck: true });
    const workspace = await auto.LocalWorkspace.create({ program, workDir, pulumiCommand });
    const stack = await auto.Stack.createOrSelect(stackName, workspace);
    for (const [key, value] of Object.entries(JSON.parse(configJson))) {
        const secret = key.startsWith("secret:");
        await stack.setConfig(secret ? key.slice("secret:".length) : key, { value: String(value), secret });
    }
    const log = (text) => process.stderr.write(text);
    const results = {};
    for (const action of actions) {
        if (action === "up") {
            const result = await stack.up({ onOutput: log });
            const outputs = {};
            for (const [key, output] of Object.entries(result.outputs)) {
                outputs[key] = output.value;
            }
            results.up = { result: result.summary.result, changes: result.summary.resourceChanges, outputs };
        } else if (action === "preview") {
            const result = await stack.preview({ onOutput: log });
            results.preview = { changes: result.changeSummary };
        } else if (action === "destroy") {
            const result = await stack.destroy({ onOutput: log });
            results.destroy = { result: result.summary.result };
        } else {
            throw new Error(`unknown action ${action}`);
        }
    }
    process.stdout.write(JSON.stringify(results) + "\n");
}

main().catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
});
