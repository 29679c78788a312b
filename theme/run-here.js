// Run it here: the button under a listing's transcript runs the listing's own WebAssembly in
// this page, with the grants of that run (its data-run attribute, written by xtask's
// run_here.rs), and shows its output and exit status. The runtime and the listing's code load
// only when the button is pressed. Loaded by book.toml's `additional-js`.
"use strict";

(function runHere() {
    /* global path_to_root */
    const base = new URL(path_to_root || "./", document.baseURI);

    async function press(box) {
        const button = box.querySelector(".run-here-button");
        const output = box.querySelector(".run-here-output");
        button.disabled = true;
        output.hidden = false;
        output.textContent = "running…";
        delete box.dataset.code;
        try {
            const runtime = await import(new URL("run/runtime.js", base).href);
            const { output: text, code, diagnostic } = await runtime.run(JSON.parse(box.dataset.run), base.href);
            // The engine's own message (a trap, a missing import) apart from the guest's output.
            const note = diagnostic ? `(${diagnostic})\n` : "";
            output.textContent = `${text}${note}exit status ${code}\n`;
            box.dataset.output = text;
            box.dataset.code = String(code);
        } catch (e) {
            output.textContent = `could not run it here: ${e}\n`;
            box.dataset.output = "";
            box.dataset.code = "error";
        } finally {
            button.disabled = false;
        }
    }

    for (const box of document.querySelectorAll(".run-here")) {
        box.querySelector(".run-here-button").addEventListener("click", () => press(box));
    }
})();
